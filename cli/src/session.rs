//! Where the database and key file are, and opening a terminal on them with the
//! built-in simulator or, with `--host`, an ISO 8583 acquirer. Only `init` creates
//! files; every other command opens what is there and refuses a missing database
//! instead of creating one.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use voidguard::host::iso::{read_master_key_as, Algorithm, IsoLinkConfig};
use voidguard::{
    KeyFileWrapper, KeyWrapper, KeyWrapperError, MarkFile, SimulatorMode, SystemClock, Terminal,
    TerminalConfig,
};

use crate::args::{Global, HostMode, KeyAlgorithm};
use crate::error::{CliError, Usage};

pub struct Paths {
    pub db: PathBuf,
    pub key: PathBuf,
}

pub fn paths(global: &Global) -> Result<Paths, CliError> {
    let db = match &global.db {
        Some(db) => db.clone(),
        None => dirs::data_dir()
            .ok_or(Usage::NoDataDir)?
            .join("voidguard")
            .join("voidguard.db"),
    };
    let key = match &global.key_file {
        Some(key) => key.clone(),
        None => key_beside(&db),
    };
    Ok(Paths { db, key })
}

/// `shop.db` → `shop.key`; a database already named `*.key` gets `*.key.key`.
fn key_beside(db: &Path) -> PathBuf {
    let key = db.with_extension("key");
    if key == db {
        let mut name = db.as_os_str().to_owned();
        name.push(".key");
        PathBuf::from(name)
    } else {
        key
    }
}

pub fn config(global: &Global, db: &Path) -> TerminalConfig {
    let mut config = TerminalConfig::new(db.to_string_lossy());
    if let Some(iterations) = global.kdf_iterations {
        config.kdf_iterations = iterations;
    }
    config
}

/// The key file, opened only when the core asks for the key: the core identifies the
/// database first, so a file that is not VoidGuard's is named as such even when no key
/// file is there.
struct LazyKeyFile(Result<KeyFileWrapper, KeyWrapperError>);

impl KeyWrapper for LazyKeyFile {
    fn wrap_key(&self, key: Vec<u8>) -> Result<Vec<u8>, KeyWrapperError> {
        self.0.as_ref().map_err(Clone::clone)?.wrap_key(key)
    }

    fn unwrap_key(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, KeyWrapperError> {
        self.0.as_ref().map_err(Clone::clone)?.unwrap_key(wrapped)
    }
}

/// Opens `db`; with `key_file`, the high-water mark beside it (`<key>.mark`) catches a
/// restored older copy of the database. A database being built (`init`) has none yet.
pub fn open_with(
    global: &Global,
    db: &Path,
    keys: &dyn KeyWrapper,
    key_file: Option<&Path>,
) -> Result<Terminal, CliError> {
    let mark = key_file
        .map(|k| Arc::new(MarkFile::beside_key_file(k)) as Arc<dyn voidguard::RollbackMark>);
    let Some(address) = &global.host else {
        let terminal =
            Terminal::open_marked(config(global, db), keys, None, Arc::new(SystemClock), mark)?;
        terminal.set_simulator_mode(match global.simulator {
            HostMode::Approve => SimulatorMode::Approve,
            HostMode::Decline => SimulatorMode::Decline,
            HostMode::Timeout => SimulatorMode::Timeout,
        })?;
        return Ok(terminal);
    };
    let algorithm = match global.key_algorithm {
        KeyAlgorithm::Tdes => Algorithm::Tdes,
        KeyAlgorithm::Sm4 => Algorithm::Sm4,
    };
    let master = global
        .master_key_file
        .as_deref()
        .ok_or(Usage::MasterKey)
        .and_then(|path| read_master_key_as(path, algorithm).map_err(|_| Usage::MasterKey))?;
    let mut link_config = IsoLinkConfig::new(address);
    link_config.algorithm = algorithm;
    // F59 of every request carries the audit head, so the host notices a restored copy.
    Ok(Terminal::open_acquirer(
        config(global, db),
        keys,
        link_config,
        master,
        Arc::new(SystemClock),
        mark,
    )?)
}

/// A database that exists and is not empty: everything but `init` needs one.
pub fn exists(db: &Path) -> bool {
    std::fs::metadata(db).is_ok_and(|m| !m.is_file() || m.len() > 0)
}

/// Opens the existing database with its key file; creates nothing.
pub fn open_existing(global: &Global) -> Result<Terminal, CliError> {
    let paths = paths(global)?;
    if !exists(&paths.db) {
        return Err(CliError::NoDatabase(paths.db));
    }
    let keys = LazyKeyFile(KeyFileWrapper::open(&paths.key));
    open_with(global, &paths.db, &keys, Some(&paths.key)).map_err(|e| e.with_key_file(&paths.key))
}

/// For `init` on a database that is already there.
pub fn lazy_key_file(path: &Path) -> impl KeyWrapper {
    LazyKeyFile(KeyFileWrapper::open(path))
}
