//! The desktop key wrapper: a key-encryption key kept in a file only its owner can
//! read (0600), used to seal the data key with AES-256-GCM.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::key_wrapper::{KeyWrapper, KeyWrapperError};
use crate::crypto::SecretKey;

const WRAP_AAD: &[u8] = b"voidguard key-file wrap v1";

pub struct KeyFileWrapper {
    path: PathBuf,
    kek: SecretKey,
}

impl std::fmt::Debug for KeyFileWrapper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyFileWrapper")
            .field("path", &self.path)
            .finish()
    }
}

fn unavailable(reason: impl Into<String>) -> KeyWrapperError {
    KeyWrapperError::Unavailable {
        reason: reason.into(),
    }
}

impl KeyFileWrapper {
    /// Opens the key file at `path`, creating it (0600, fresh random key) when absent.
    pub fn open_or_create(path: impl AsRef<Path>) -> Result<Self, KeyWrapperError> {
        let path = path.as_ref().to_path_buf();
        if path.exists() {
            return Self::open(&path);
        }
        let kek = SecretKey::random().map_err(|_| unavailable("no randomness"))?;
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options
            .open(&path)
            .map_err(|e| unavailable(format!("cannot create key file: {}", e.kind())))?;
        file.write_all(kek.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| unavailable(format!("cannot write key file: {}", e.kind())))?;
        Ok(Self { path, kek })
    }

    /// Opens an existing key file; refuses one that others may read.
    pub fn open(path: &Path) -> Result<Self, KeyWrapperError> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = fs::metadata(path)
                .map_err(|e| unavailable(format!("cannot read key file: {}", e.kind())))?;
            if meta.permissions().mode() & 0o077 != 0 {
                return Err(unavailable(
                    "key file is readable by others; expected mode 0600",
                ));
            }
        }
        let bytes = zeroize::Zeroizing::new(
            fs::read(path)
                .map_err(|e| unavailable(format!("cannot read key file: {}", e.kind())))?,
        );
        let kek = SecretKey::from_slice(&bytes)
            .ok_or_else(|| unavailable("key file has the wrong length"))?;
        Ok(Self {
            path: path.to_path_buf(),
            kek,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl KeyWrapper for KeyFileWrapper {
    fn wrap_key(&self, key: Vec<u8>) -> Result<Vec<u8>, KeyWrapperError> {
        let key = zeroize::Zeroizing::new(key);
        self.kek
            .seal(WRAP_AAD, &key)
            .map_err(|_| unavailable("sealing failed"))
    }

    fn unwrap_key(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, KeyWrapperError> {
        self.kek
            .open(WRAP_AAD, &wrapped)
            .map(|k| k.to_vec())
            .map_err(|_| KeyWrapperError::Rejected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_owner_only_file_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("voidguard.key");
        let wrapper = KeyFileWrapper::open_or_create(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let wrapped = wrapper.wrap_key(vec![7u8; 32]).unwrap();
        assert!(!wrapped.windows(32).any(|w| w == [7u8; 32]));
        let reopened = KeyFileWrapper::open_or_create(&path).unwrap();
        assert_eq!(reopened.unwrap_key(wrapped).unwrap(), vec![7u8; 32]);
    }

    #[test]
    fn another_key_file_rejects_the_wrapped_key() {
        let dir = tempfile::tempdir().unwrap();
        let a = KeyFileWrapper::open_or_create(dir.path().join("a.key")).unwrap();
        let b = KeyFileWrapper::open_or_create(dir.path().join("b.key")).unwrap();
        let wrapped = a.wrap_key(vec![1u8; 32]).unwrap();
        assert_eq!(b.unwrap_key(wrapped), Err(KeyWrapperError::Rejected));
    }

    #[cfg(unix)]
    #[test]
    fn world_readable_key_file_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("open.key");
        KeyFileWrapper::open_or_create(&path).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            KeyFileWrapper::open(&path),
            Err(KeyWrapperError::Unavailable { .. })
        ));
    }
}
