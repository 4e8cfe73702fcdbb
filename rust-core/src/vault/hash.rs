//! A password kept as a salted PBKDF2-HMAC-SHA256 hash with its iteration count: the
//! void password's record and every operator's. Stored only inside a sealed record.

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use super::kdf;
use crate::crypto;
use crate::error::{Error, Result};
use crate::platform;

#[derive(Serialize, Deserialize)]
pub struct PasswordHash {
    salt: String,
    pub iterations: u32,
    hash: String,
}

impl Drop for PasswordHash {
    fn drop(&mut self) {
        self.salt.zeroize();
        self.hash.zeroize();
    }
}

impl PasswordHash {
    /// Hashes `password` (already parsed and checked) with a fresh salt.
    pub fn new(password: &str, iterations: u32) -> Result<Self> {
        let mut salt = [0u8; kdf::SALT_LEN];
        platform::fill_random(&mut salt)?;
        let hash = kdf::derive(password.as_bytes(), &salt, iterations);
        Ok(Self {
            salt: crypto::to_hex(&salt),
            iterations,
            hash: crypto::to_hex(hash.as_ref()),
        })
    }

    /// Checks a candidate in constant time.
    pub fn verify(&self, password: &str) -> Result<bool> {
        let salt = Zeroizing::new(crypto::from_hex(&self.salt).ok_or(Error::Corrupt("salt"))?);
        let expected = Zeroizing::new(crypto::from_hex(&self.hash).ok_or(Error::Corrupt("hash"))?);
        let actual = kdf::derive(password.as_bytes(), &salt, self.iterations);
        Ok(crypto::constant_time_eq(actual.as_ref(), &expected))
    }
}
