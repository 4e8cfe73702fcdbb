//! Where the audit high-water mark lives: outside the database file, so that
//! restoring an older copy of the file is noticed. The core seals what it stores
//! (see `audit::mark`); the platform only keeps the bytes: a file in the app's
//! no-backup folder on Android, a file beside the key file on a desktop.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::key_wrapper::KeyWrapperError;

/// Keeps one small record of bytes outside the database.
#[uniffi::export(with_foreign)]
pub trait RollbackMark: Send + Sync {
    /// The stored record, or `None` when nothing was ever stored.
    fn read_mark(&self) -> Result<Option<Vec<u8>>, KeyWrapperError>;
    /// Replaces the record; must not leave a half-written one behind.
    fn write_mark(&self, mark: Vec<u8>) -> Result<(), KeyWrapperError>;
}

/// The desktop's mark: a file written beside a temporary copy and renamed over.
#[derive(Debug)]
pub struct MarkFile {
    path: PathBuf,
}

impl MarkFile {
    pub fn new(path: impl AsRef<Path>) -> Self {
        Self {
            path: path.as_ref().to_path_buf(),
        }
    }

    /// The mark of a database whose key file is at `key_file`: the same path with
    /// the extension `.mark`.
    pub fn beside_key_file(key_file: &Path) -> Self {
        Self::new(key_file.with_extension("mark"))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn unavailable(what: &str, e: &std::io::Error) -> KeyWrapperError {
    KeyWrapperError::Unavailable {
        reason: format!("cannot {what} the rollback mark: {}", e.kind()),
    }
}

impl RollbackMark for MarkFile {
    fn read_mark(&self) -> Result<Option<Vec<u8>>, KeyWrapperError> {
        match fs::read(&self.path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(unavailable("read", &e)),
        }
    }

    fn write_mark(&self, mark: Vec<u8>) -> Result<(), KeyWrapperError> {
        let mut tmp = self.path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp).map_err(|e| unavailable("write", &e))?;
        // Synced before the rename, so a crash leaves the old record or the new one.
        file.write_all(&mark)
            .and_then(|()| file.sync_all())
            .map_err(|e| unavailable("write", &e))?;
        fs::rename(&tmp, &self.path).map_err(|e| unavailable("replace", &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_then_written_then_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let mark = MarkFile::new(dir.path().join("t.mark"));
        assert_eq!(mark.read_mark().unwrap(), None);
        mark.write_mark(vec![1, 2, 3]).unwrap();
        mark.write_mark(vec![4, 5]).unwrap();
        assert_eq!(mark.read_mark().unwrap(), Some(vec![4, 5]));
        assert!(!dir.path().join("t.mark.tmp").exists());
    }
}
