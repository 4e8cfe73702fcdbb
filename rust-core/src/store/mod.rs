//! Opening the database: connection flags, pragmas, identification and migrations.
//! Tables and their SQL belong to the domain modules; this module only runs them.

pub(crate) mod codes;
mod migrations;

use std::path::Path;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{Error, Result, VoidGuardError};

pub use migrations::CURRENT_VERSION;

/// `PRAGMA application_id` of a VoidGuard database ("VGRD").
pub const APPLICATION_ID: i32 = 0x5647_5244;

/// What was found at the path before anything was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Fresh,
    Existing { version: u32 },
}

/// Held for as long as a terminal has the database open: an exclusive advisory lock
/// on the file, so a second process (or a second `Terminal`) is refused clearly
/// instead of reconciling voids the first one still awaits. SQLite's own locks are
/// POSIX record locks and do not see this one.
#[derive(Debug)]
pub struct OpenLock(#[allow(dead_code)] std::fs::File);

/// Opens the file and identifies it without writing a byte: a file that is not
/// SQLite, a database of another application, or a schema newer than this code
/// is refused and left exactly as it was.
pub fn open(path: &Path) -> Result<(Connection, Found, OpenLock)> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    // A write-ahead log left by a crash would be checkpointed into the file when a
    // refused connection closes; keep it as it is until the file is known to be ours.
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let had_wal = Path::new(&wal).exists();
    let conn = Connection::open_with_flags(path, flags)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, had_wal)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    // Every module caches its hot statements; the default 16 would evict them.
    conn.set_prepared_statement_cache_capacity(64);
    let found = identify(&conn)?;
    let lock = lock(path)?;
    Ok((conn, found, lock))
}

const LOCK_RETRIES: u32 = 10;

fn lock(path: &Path) -> Result<OpenLock> {
    let file = std::fs::File::open(path).map_err(|e| {
        log::warn!("cannot open the database file for locking: {}", e.kind());
        VoidGuardError::Storage {
            code: "CannotOpen".into(),
        }
    })?;
    // A process forked by this one (between fork and exec) briefly holds a copy of a
    // closed terminal's descriptor and so its lock: wait that out before refusing.
    for attempt in 0..=LOCK_RETRIES {
        match file.try_lock() {
            Ok(()) => return Ok(OpenLock(file)),
            Err(std::fs::TryLockError::WouldBlock) if attempt < LOCK_RETRIES => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::WouldBlock) => break,
            Err(std::fs::TryLockError::Error(e)) => {
                log::warn!("cannot lock the database file: {}", e.kind());
                return Err(VoidGuardError::Storage {
                    code: "CannotLock".into(),
                }
                .into());
            }
        }
    }
    Err(VoidGuardError::InUse.into())
}

fn identify(conn: &Connection) -> Result<Found> {
    let app_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(not_a_database)?;
    let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if app_id == 0 && version == 0 {
        let objects: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        return if objects == 0 {
            Ok(Found::Fresh)
        } else {
            Err(VoidGuardError::ForeignDatabase.into())
        };
    }
    if app_id != APPLICATION_ID {
        return Err(VoidGuardError::ForeignDatabase.into());
    }
    if version > CURRENT_VERSION {
        return Err(VoidGuardError::SchemaTooNew {
            found: version,
            supported: CURRENT_VERSION,
        }
        .into());
    }
    Ok(Found::Existing { version })
}

fn not_a_database(e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => VoidGuardError::NotADatabase.into(),
        _ => e.into(),
    }
}

/// Durable settings, applied once the file is known to be ours.
pub fn configure(conn: &Connection) -> Result<()> {
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false)?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        log::warn!("journal mode is {mode}, not WAL");
    }
    // FULL: a void acknowledged to the merchant survives a power cut.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    if cfg!(target_os = "android") {
        // Android has no writable /tmp for SQLite's temporary files.
        conn.pragma_update(None, "temp_store", 2)?;
    }
    Ok(())
}

/// Brings the schema to [`CURRENT_VERSION`], one transaction per step.
pub fn migrate(
    conn: &mut Connection,
    from: u32,
    keys: Option<&crate::keys::Keys>,
    at: migrations::At,
) -> Result<()> {
    migrations::run(conn, from, keys, at)
}

pub use migrations::At;

#[cfg(test)]
pub use migrations::create_for_test;

/// Changes whenever another connection commits to the file, never for this one's own
/// commits (SQLite's `PRAGMA data_version`).
pub fn data_version(conn: &Connection) -> Result<i64> {
    Ok(row(conn, "PRAGMA data_version", [], |r| r.get(0))?)
}

/// Starts the write transaction every state change runs in. IMMEDIATE takes the
/// write lock up front, so a second process waits (busy timeout) instead of failing
/// half-way.
pub fn write(conn: &mut Connection) -> Result<rusqlite::Transaction<'_>> {
    Ok(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
}

/// `query_row` on a cached statement: parsing SQL costs more than running these.
pub fn row<T, P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached(sql)?.query_row(params, f)
}

/// `execute` on a cached statement.
pub fn exec<P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_file_is_not_a_database_and_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junk.db");
        let junk = vec![0x5au8; 8192];
        std::fs::write(&path, &junk).unwrap();
        let err = open(&path).map(drop).unwrap_err();
        assert!(
            matches!(err, Error::Refused(VoidGuardError::NotADatabase)),
            "{err:?}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), junk);
    }

    #[test]
    fn another_applications_database_is_foreign() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.db");
        Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE notes(x)")
            .unwrap();
        let err = open(&path).map(drop).unwrap_err();
        assert!(matches!(
            err,
            Error::Refused(VoidGuardError::ForeignDatabase)
        ));
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("future.db");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        conn.pragma_update(None, "user_version", CURRENT_VERSION + 1)
            .unwrap();
        drop(conn);
        let err = open(&path).map(drop).unwrap_err();
        assert!(matches!(
            err,
            Error::Refused(VoidGuardError::SchemaTooNew { found, .. }) if found == CURRENT_VERSION + 1
        ));
    }

    #[test]
    fn fresh_file_migrates_to_current_version() {
        let dir = tempfile::tempdir().unwrap();
        let (mut conn, found, _lock) = open(&dir.path().join("new.db")).unwrap();
        assert_eq!(found, Found::Fresh);
        configure(&conn).unwrap();
        migrate(
            &mut conn,
            0,
            None,
            At {
                now_ms: 0,
                utc_offset_minutes: 0,
            },
        )
        .unwrap();
        let v: u32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, CURRENT_VERSION);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }
}
