//! The facade the UI holds: one `Terminal` per database. It owns the connection
//! behind a mutex, runs every state change in one transaction, and turns internal
//! errors into the public [`VoidGuardError`]. All methods are safe from any thread.

mod books;
#[cfg(feature = "bench")]
mod bulk;
mod records;
mod security;
mod setup;
mod voids;

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, Transaction};

use crate::config::TerminalConfig;
use crate::context::Ctx;
use crate::crypto;
use crate::dates::BusinessDate;
use crate::error::{Error, Result, VoidGuardError};
use crate::host::simulator::{HostSimulator, SimulatorMode};
use crate::host::HostLink;
use crate::journal::numbering::{self, BatchNo, SixDigits};
use crate::keys::{self, Keys};
use crate::platform::{self, Clock, KeyWrapper, SystemClock};
use crate::vault::lockout;
use crate::{profile, store};

pub use records::{ReconcileReport, SaleRequest, TerminalStatus, VaultStatus};

#[derive(uniffi::Object)]
pub struct Terminal {
    conn: Mutex<Connection>,
    _lock: store::OpenLock,
    config: TerminalConfig,
    keys: Keys,
    host: Arc<dyn HostLink>,
    simulator: Option<Arc<HostSimulator>>,
    clock: Arc<dyn Clock>,
    session: String,
    /// The open batch number, cached: only this terminal can change it (the file is
    /// locked to it), and finding a voucher is the journal's hottest read.
    open_batch: AtomicU32,
}

impl std::fmt::Debug for Terminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Terminal")
            .field("db_path", &self.config.db_path)
            .finish_non_exhaustive()
    }
}

/// The defaults a merchant terminal ships with, for the database at `db_path`.
#[uniffi::export]
pub fn default_config(db_path: String) -> TerminalConfig {
    TerminalConfig::new(db_path)
}

#[uniffi::export]
impl Terminal {
    /// Opens (or creates) the terminal's database. `host` defaults to the built-in
    /// simulator. A file that is not VoidGuard's, a newer schema or a wrong key is
    /// refused and left untouched.
    #[uniffi::constructor]
    pub fn open(
        config: TerminalConfig,
        keys: Arc<dyn KeyWrapper>,
        host: Option<Arc<dyn HostLink>>,
    ) -> Result<Arc<Self>, VoidGuardError> {
        Ok(Arc::new(Self::open_with(
            config,
            keys.as_ref(),
            host,
            Arc::new(SystemClock),
        )?))
    }

    /// As [`open`](Self::open), with time from `clock` (for tests and demos).
    #[uniffi::constructor]
    pub fn open_with_clock(
        config: TerminalConfig,
        keys: Arc<dyn KeyWrapper>,
        host: Option<Arc<dyn HostLink>>,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<Self>, VoidGuardError> {
        Ok(Arc::new(Self::open_with(
            config,
            keys.as_ref(),
            host,
            clock,
        )?))
    }

    /// Tells the built-in simulator how to answer the next host legs.
    pub fn set_simulator_mode(&self, mode: SimulatorMode) -> Result<(), VoidGuardError> {
        let simulator = self
            .simulator
            .as_ref()
            .ok_or(VoidGuardError::NotSimulated)?;
        simulator.set_mode(mode);
        Ok(())
    }
}

impl Terminal {
    pub fn open_with(
        config: TerminalConfig,
        wrapper: &dyn KeyWrapper,
        host: Option<Arc<dyn HostLink>>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        platform::init_logging();
        config.validate()?;
        let (mut conn, found, lock) = store::open(Path::new(&config.db_path))?;
        // The key is checked before anything is written, so a wrong key leaves the
        // file byte-identical.
        let (version, loaded) = match found {
            store::Found::Fresh => (0, None),
            store::Found::Existing { version } => (version, keys::load(&conn, wrapper)?),
        };
        store::configure(&conn)?;
        store::migrate(&mut conn, version)?;
        let keys = match loaded {
            Some(keys) => keys,
            None => {
                // Only a database that holds nothing yet may get a new key.
                if profile::load(&conn)?.is_some() {
                    return Err(VoidGuardError::Tampered {
                        what: "the key record is missing".into(),
                    }
                    .into());
                }
                let tx = store::write(&mut conn)?;
                let keys = keys::create(&tx, wrapper, clock.now_ms())?;
                // The lockout row carries its MAC from the start, so a row without
                // one can only be an edit (see `lockout::load`).
                lockout::store(&tx, &keys.lockout, &lockout::Lockout::default())?;
                tx.commit()?;
                keys
            }
        };
        let (host, simulator): (Arc<dyn HostLink>, _) = match host {
            Some(host) => (host, None),
            None => {
                let simulator = Arc::new(HostSimulator::default());
                (simulator.clone(), Some(simulator))
            }
        };
        let open_batch = AtomicU32::new(numbering::current_batch(&conn)?.get());
        let mut session = [0u8; 8];
        platform::fill_random(&mut session)?;
        log::info!(
            "terminal database opened at schema version {}",
            store::CURRENT_VERSION
        );
        Ok(Self {
            conn: Mutex::new(conn),
            _lock: lock,
            config,
            keys,
            host,
            simulator,
            clock,
            session: crypto::to_hex(&session),
            open_batch,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic inside a call rolled its transaction back when it unwound, so the
        // connection is consistent and may be used again.
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn open_batch(&self) -> BatchNo {
        SixDigits::new(self.open_batch.load(Ordering::SeqCst)).unwrap_or(SixDigits::FIRST)
    }

    /// Called after every commit that may have closed a batch.
    fn reload_open_batch(&self) -> Result<(), VoidGuardError> {
        let batch = self.read(|conn, _| numbering::current_batch(conn))?;
        self.open_batch.store(batch.get(), Ordering::SeqCst);
        Ok(())
    }

    fn ctx(&self, now_ms: i64) -> Ctx<'_> {
        Ctx {
            config: &self.config,
            keys: &self.keys,
            now_ms,
            today: BusinessDate::from_instant(now_ms, self.config.utc_offset_minutes),
            session: &self.session,
        }
    }

    /// Runs `f` on the connection without writing.
    fn read<T>(
        &self,
        f: impl FnOnce(&Connection, &Ctx<'_>) -> Result<T>,
    ) -> Result<T, VoidGuardError> {
        let conn = self.lock();
        let ctx = self.ctx(self.clock.now_ms());
        Ok(f(&conn, &ctx)?)
    }

    /// Runs `f` in one write transaction, committed only if `f` succeeds.
    fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>, &Ctx<'_>) -> Result<T>,
    ) -> Result<T, VoidGuardError> {
        self.write_verdict(|tx, ctx| f(tx, ctx).map(Ok))
    }

    /// Runs `f` in one write transaction that is committed whenever `f` reaches a
    /// verdict, even a refusal (a wrong password must be counted).
    fn write_verdict<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>, &Ctx<'_>) -> Result<std::result::Result<T, VoidGuardError>>,
    ) -> Result<T, VoidGuardError> {
        let mut conn = self.lock();
        let ctx = self.ctx(self.clock.now_ms());
        let tx = store::write(&mut conn).map_err(VoidGuardError::from)?;
        let verdict = f(&tx, &ctx).map_err(VoidGuardError::from)?;
        tx.commit()
            .map_err(|e| VoidGuardError::from(Error::from(e)))?;
        verdict
    }
}
