//! The seam through which the data key is protected by the platform: the Android
//! Keystore on a terminal, a key file on a desktop.

/// Why the platform could not wrap or unwrap the data key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum KeyWrapperError {
    /// The key store cannot be reached or its key is missing.
    #[error("key store unavailable: {reason}")]
    Unavailable { reason: String },
    /// The wrapped key did not authenticate: another key store's key, or tampering.
    #[error("wrapped key rejected")]
    Rejected,
}

impl From<uniffi::UnexpectedUniFFICallbackError> for KeyWrapperError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        KeyWrapperError::Unavailable { reason: e.reason }
    }
}

/// Wraps and unwraps the 32-byte data key. Implementations must authenticate what
/// they unwrap (AES-GCM or equivalent) and must never log the key.
#[uniffi::export(with_foreign)]
pub trait KeyWrapper: Send + Sync {
    fn wrap_key(&self, key: Vec<u8>) -> Result<Vec<u8>, KeyWrapperError>;
    fn unwrap_key(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, KeyWrapperError>;
}
