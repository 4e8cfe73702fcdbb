//! The data key: generated once per database, stored only wrapped by the platform's
//! [`KeyWrapper`], checked against a canary so a wrong key is a typed error, and the
//! root from which the vault, secret and audit keys are derived.

use rusqlite::{Connection, OptionalExtension, Transaction};
use zeroize::Zeroizing;

use crate::crypto::{self, SecretKey};
use crate::error::{Error, Result, VoidGuardError};
use crate::platform::{KeyWrapper, KeyWrapperError};

const CANARY_AAD: &[u8] = b"voidguard canary v1";
const CANARY: &[u8] = b"VOIDGUARD-DATA-KEY-CANARY";

/// The keys one database uses, each derived for a single purpose.
#[derive(Debug, Clone)]
pub struct Keys {
    /// Seals the void password record.
    pub vault: SecretKey,
    /// Seals stored secrets (the terminal secret).
    pub secrets: SecretKey,
    /// Authenticates the lockout counters.
    pub lockout: SecretKey,
    /// Keys the audit chain.
    pub audit: SecretKey,
    /// Keys the hash of card numbers (PCI DSS 3.5.1.1), for nothing else.
    pub pan: SecretKey,
}

impl Keys {
    fn from_data_key(data_key: &SecretKey) -> Self {
        Self {
            vault: data_key.derive("voidguard vault v1"),
            secrets: data_key.derive("voidguard secrets v1"),
            lockout: data_key.derive("voidguard lockout v1"),
            audit: data_key.derive("voidguard audit v1"),
            pan: data_key.derive("voidguard pan hash v1"),
        }
    }
}

/// Reads and unwraps the data key without writing anything. `None` when the
/// database has no key yet.
pub fn load(conn: &Connection, wrapper: &dyn KeyWrapper) -> Result<Option<Keys>> {
    let row: Option<(Vec<u8>, Vec<u8>)> = crate::store::row(
        conn,
        "SELECT wrapped_key, canary FROM keyring WHERE id = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?;
    let Some((wrapped, canary)) = row else {
        return Ok(None);
    };
    let raw = Zeroizing::new(wrapper.unwrap_key(wrapped).map_err(key_error)?);
    let data_key = SecretKey::from_slice(&raw).ok_or(VoidGuardError::WrongKey)?;
    let opened = data_key
        .derive("voidguard canary v1")
        .open(CANARY_AAD, &canary)
        .map_err(|_| VoidGuardError::WrongKey)?;
    if !crypto::constant_time_eq(&opened, CANARY) {
        return Err(VoidGuardError::WrongKey.into());
    }
    Ok(Some(Keys::from_data_key(&data_key)))
}

/// Generates the data key, has the platform wrap it, and stores it with its canary.
pub fn create(tx: &Transaction<'_>, wrapper: &dyn KeyWrapper, now_ms: i64) -> Result<Keys> {
    let data_key = SecretKey::random()?;
    let wrapped = wrapper
        .wrap_key(data_key.as_bytes().to_vec())
        .map_err(key_error)?;
    let canary = data_key
        .derive("voidguard canary v1")
        .seal(CANARY_AAD, CANARY)?;
    crate::store::exec(
        tx,
        "INSERT INTO keyring (id, wrapped_key, canary, created_at_ms) VALUES (1, ?1, ?2, ?3)",
        rusqlite::params![wrapped, canary, now_ms],
    )?;
    Ok(Keys::from_data_key(&data_key))
}

#[cfg(test)]
impl Keys {
    pub fn for_test() -> Self {
        match SecretKey::random() {
            Ok(key) => Self::from_data_key(&key),
            Err(e) => panic!("no randomness: {e}"),
        }
    }
}

fn key_error(e: KeyWrapperError) -> Error {
    match e {
        KeyWrapperError::Rejected => VoidGuardError::WrongKey.into(),
        KeyWrapperError::Unavailable { reason } => VoidGuardError::KeyUnavailable { reason }.into(),
    }
}
