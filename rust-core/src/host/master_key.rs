//! The terminal master key (终端主密钥) as the platform keeps it: wrapped by the same
//! [`KeyWrapper`] seam as the data key (the Android Keystore on a terminal), never in
//! the configuration or the app's settings. It enters once, when the acquirer's key
//! sheet is loaded (a key-loading act: entered by hand or from a key-loading device),
//! is wrapped at once, and is unwrapped only to build the ISO 8583 link, whose
//! working keys (PIN, MAC, track) it then unwraps from the sign-on's F62.
//!
//! The installer is shown the key's check value (the first four bytes of a block of
//! zeros encrypted under it, as key sheets print it: ANSI X9.24-1 check values), so a
//! wrongly typed key is seen before the first sign-on fails with it.
//!
//! What the wrapper seals: a version byte, the algorithm and the 16 key bytes. The
//! wrapper authenticates what it unwraps (AES-GCM in the Keystore's), so a blob edited
//! on disk is refused, and the algorithm travels with the key instead of beside it.

use std::sync::Arc;

use voidguard_iso8583::crypto::{Algorithm, Key};
use zeroize::Zeroizing;

use crate::error::{Field, Problem, VoidGuardError};
use crate::platform::{KeyWrapper, KeyWrapperError};

/// The block cipher of the master and working keys, for the app's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum KeyAlgorithm {
    /// Two-key 3DES, the UnionPay dialect's original algorithm (sign-on F60.3 = 004).
    Tdes,
    /// SM4 (GB/T 32907-2016), the national-algorithm variant (F60.3 = 006).
    Sm4,
}

impl KeyAlgorithm {
    pub(crate) fn algorithm(self) -> Algorithm {
        match self {
            Self::Tdes => Algorithm::Tdes,
            Self::Sm4 => Algorithm::Sm4,
        }
    }

    fn of(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Tdes => Self::Tdes,
            Algorithm::Sm4 => Self::Sm4,
        }
    }

    fn code(self) -> u8 {
        match self {
            Self::Tdes => 1,
            Self::Sm4 => 2,
        }
    }

    fn of_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(Self::Tdes),
            2 => Some(Self::Sm4),
            _ => None,
        }
    }
}

/// A master key as the app stores it: sealed by the platform, with what may be shown.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct InstalledMasterKey {
    /// What the key wrapper sealed; only the same wrapper opens it.
    pub wrapped: Vec<u8>,
    /// The check value, 8 hex digits, to compare with the acquirer's key sheet.
    pub check_value: String,
    pub algorithm: KeyAlgorithm,
}

impl std::fmt::Debug for InstalledMasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InstalledMasterKey")
            .field("check_value", &self.check_value)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

const VERSION: u8 = 1;
const SEALED_LEN: usize = 2 + 16;

/// Wraps the master key typed from the key sheet: `hex` holds its 32 hex digits
/// (ASCII bytes, so the caller can wipe its copy; spaces around them are ignored).
/// Nothing of the key is in an error.
#[uniffi::export]
pub fn install_master_key(
    keys: Arc<dyn KeyWrapper>,
    hex: Vec<u8>,
    algorithm: KeyAlgorithm,
) -> Result<InstalledMasterKey, VoidGuardError> {
    let hex = Zeroizing::new(hex);
    let text = std::str::from_utf8(&hex).map_err(|_| master_key(Problem::Malformed))?;
    let digits = text.trim();
    if digits.len() != 32 {
        return Err(master_key(Problem::WrongLength));
    }
    let key = Key::from_hex_as(algorithm.algorithm(), digits)
        .map_err(|_| master_key(Problem::Malformed))?;
    let mut sealed = Zeroizing::new(Vec::with_capacity(SEALED_LEN));
    sealed.push(VERSION);
    sealed.push(algorithm.code());
    sealed.extend_from_slice(key.expose());
    let wrapped = keys.wrap_key(sealed.to_vec()).map_err(key_unavailable)?;
    Ok(InstalledMasterKey {
        wrapped,
        check_value: check_value(&key),
        algorithm,
    })
}

/// The check value of a wrapped master key, to show in the settings again.
#[uniffi::export]
pub fn master_key_check_value(
    keys: Arc<dyn KeyWrapper>,
    wrapped: Vec<u8>,
) -> Result<InstalledMasterKey, VoidGuardError> {
    let key = unwrap_master_key(keys.as_ref(), &wrapped)?;
    Ok(InstalledMasterKey {
        check_value: check_value(&key),
        algorithm: KeyAlgorithm::of(key.algorithm()),
        wrapped,
    })
}

/// Opens a blob [`install_master_key`] made. Another wrapper's blob, an edited one or
/// one of an unknown layout is refused with its own error (not the data key's
/// `WrongKey`: the journal is fine, the key is to be installed again).
pub(crate) fn unwrap_master_key(
    keys: &dyn KeyWrapper,
    wrapped: &[u8],
) -> Result<Key, VoidGuardError> {
    let sealed = Zeroizing::new(keys.unwrap_key(wrapped.to_vec()).map_err(|e| match e {
        KeyWrapperError::Rejected => VoidGuardError::MasterKeyRejected,
        other => key_unavailable(other),
    })?);
    let rejected = VoidGuardError::MasterKeyRejected;
    if sealed.len() != SEALED_LEN || sealed[0] != VERSION {
        return Err(rejected);
    }
    let algorithm = KeyAlgorithm::of_code(sealed[1]).ok_or(rejected.clone())?;
    Key::new(algorithm.algorithm(), &sealed[2..]).map_err(|_| rejected)
}

fn check_value(key: &Key) -> String {
    key.check_value()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

fn master_key(problem: Problem) -> VoidGuardError {
    VoidGuardError::InvalidInput {
        field: Field::MasterKey,
        problem,
    }
}

fn key_unavailable(e: KeyWrapperError) -> VoidGuardError {
    match e {
        KeyWrapperError::Unavailable { reason } => VoidGuardError::KeyUnavailable { reason },
        KeyWrapperError::Rejected => VoidGuardError::WrongKey,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Seals by XOR with a fixed pad and a tag byte: enough to tell its own blobs.
    #[derive(Default)]
    struct TestWrapper {
        seen: Mutex<Vec<Vec<u8>>>,
    }

    impl KeyWrapper for TestWrapper {
        fn wrap_key(&self, key: Vec<u8>) -> Result<Vec<u8>, KeyWrapperError> {
            self.seen.lock().unwrap().push(key.clone());
            let mut out: Vec<u8> = key.iter().map(|b| b ^ 0x5A).collect();
            out.push(0xEE);
            Ok(out)
        }
        fn unwrap_key(&self, mut wrapped: Vec<u8>) -> Result<Vec<u8>, KeyWrapperError> {
            if wrapped.pop() != Some(0xEE) {
                return Err(KeyWrapperError::Rejected);
            }
            Ok(wrapped.iter().map(|b| b ^ 0x5A).collect())
        }
    }

    const HEX: &str = "0123456789ABCDEFFEDCBA9876543210";

    #[test]
    fn installs_unwraps_and_shows_the_check_value() {
        let w = Arc::new(TestWrapper::default());
        for alg in [KeyAlgorithm::Tdes, KeyAlgorithm::Sm4] {
            let installed = install_master_key(w.clone(), HEX.as_bytes().to_vec(), alg).unwrap();
            let key = unwrap_master_key(w.as_ref(), &installed.wrapped).unwrap();
            let direct = Key::from_hex_as(alg.algorithm(), HEX).unwrap();
            assert_eq!(key, direct);
            assert_eq!(key.algorithm(), alg.algorithm());
            assert_eq!(installed.check_value, check_value(&direct));
            assert_eq!(installed.check_value.len(), 8);
            let again = master_key_check_value(w.clone(), installed.wrapped.clone()).unwrap();
            assert_eq!(again, installed);
        }
        // The 3DES check value of this key as key sheets print it (openssl des-ede-ecb
        // of eight zero bytes: 08D7B4FB629D0885, first four bytes).
        let t = install_master_key(w.clone(), HEX.as_bytes().to_vec(), KeyAlgorithm::Tdes).unwrap();
        assert_eq!(t.check_value, "08D7B4FB");
    }

    #[test]
    fn bad_key_text_is_refused_and_nothing_wrapped() {
        let w = Arc::new(TestWrapper::default());
        for (text, problem) in [
            (&b"0123"[..], Problem::WrongLength),
            (&b"0123456789ABCDEFFEDCBA987654321G"[..], Problem::Malformed),
            (&[0xFFu8; 32][..], Problem::Malformed),
            (&b""[..], Problem::WrongLength),
        ] {
            let err = install_master_key(w.clone(), text.to_vec(), KeyAlgorithm::Tdes).unwrap_err();
            assert_eq!(err, master_key(problem));
        }
        assert!(w.seen.lock().unwrap().is_empty());
    }

    #[test]
    fn an_edited_or_foreign_blob_is_rejected() {
        let w = Arc::new(TestWrapper::default());
        let installed = install_master_key(
            w.clone(),
            format!(" {HEX}\n").into_bytes(),
            KeyAlgorithm::Tdes,
        )
        .unwrap();
        let mut tag_cut = installed.wrapped.clone();
        tag_cut.pop();
        let mut bad_version = installed.wrapped.clone();
        bad_version[0] ^= 0x07;
        let mut bad_alg = installed.wrapped.clone();
        bad_alg[1] ^= 0x0F;
        for blob in [tag_cut, bad_version, bad_alg, vec![0xEE]] {
            assert_eq!(
                unwrap_master_key(w.as_ref(), &blob).unwrap_err(),
                VoidGuardError::MasterKeyRejected
            );
        }
    }

    #[test]
    fn the_key_is_in_no_error_or_debug_text() {
        let w = Arc::new(TestWrapper::default());
        let installed =
            install_master_key(w.clone(), HEX.as_bytes().to_vec(), KeyAlgorithm::Tdes).unwrap();
        let shown = format!("{installed:?}");
        assert!(!shown.contains("0123456789") && !shown.to_uppercase().contains("FEDCBA"));
        let near = "0123456789ABCDEFFEDCBA987654321Z";
        let err = install_master_key(w, near.as_bytes().to_vec(), KeyAlgorithm::Tdes).unwrap_err();
        assert!(!err.to_string().contains("0123456789"));
    }
}
