//! The facade the UI holds: one `Terminal` per database. It owns the connection
//! behind a mutex, runs every state change in one transaction, and turns internal
//! errors into the public [`VoidGuardError`]. All methods are safe from any thread.

mod books;
#[cfg(feature = "bench")]
mod bulk;
mod cards;
mod online;
mod operators;
mod records;
mod refunds;
mod security;
mod setup;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, Transaction};

use crate::config::TerminalConfig;
use crate::context::Ctx;
use crate::dates::BusinessDate;
use crate::error::{Error, Result, VoidGuardError};
use crate::host::simulator::{HostSimulator, SimulatorMode};
use crate::host::HostLink;
use crate::journal::numbering::{self, BatchNo};
use crate::keys::{self, Keys};
use crate::platform::{self, Clock, KeyWrapper, RollbackMark, SystemClock};
use crate::{audit, integrity, store};

pub use operators::Session;
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
    /// Where the high-water mark lives outside the file; `None` leaves a whole-file
    /// rollback to the acquirer to notice.
    mark: Option<Arc<dyn RollbackMark>>,
    /// The audit head last written to the mark.
    marked_seq: AtomicU64,
    /// The next write records in the head that the mark must be there.
    bind_mark: AtomicBool,
    /// Why money-moving calls are refused, once tampering or a rollback was found.
    /// Reads, export and verification stay available to take the evidence off.
    integrity: Mutex<Option<VoidGuardError>>,
    /// The operator signed in on this terminal, if any.
    signed_in: Mutex<Option<Session>>,
    /// Pending voids a call of this process is working on: sent and awaiting the
    /// answer, or being reversed. Reconciliation leaves them alone, so a reversal is
    /// never sent twice and a void in flight is never reversed under its caller; a
    /// new process starts with none, so whatever the last one left is reconciled.
    /// (A B-tree, not a hash set: std's hash seeds would need getrandom, API 28.)
    claimed: Mutex<std::collections::BTreeSet<i64>>,
    /// The open batch number, cached: only this terminal can change it (the file is
    /// locked to it), and finding a voucher is the journal's hottest read.
    open_batch: AtomicU32,
    /// The file's data version when the rows a void depends on were last checked
    /// before a write (`i64::MIN`: not yet).
    checked_version: AtomicI64,
    /// An ISO 8583 link told the committed audit head after every write, for F59, so
    /// the acquirer notices a file rolled back to an earlier copy (its head goes
    /// backwards) even where no high-water mark outside the file exists.
    head_to_host: Mutex<Option<Arc<crate::host::iso::Iso8583HostLink>>>,
    /// The vendor SDK's card reader, once the app installs it.
    card_reader: Mutex<Option<Arc<dyn crate::card_reader::CardReader>>>,
}

impl std::fmt::Debug for Terminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Terminal")
            .field("db_path", &self.config.db_path)
            .finish_non_exhaustive()
    }
}

/// The F39 code a reversal is sent with (98, 96, A0, 06), from the core's one table,
/// for a host link that writes its own messages.
#[uniffi::export]
pub fn reversal_reason_code(reason: crate::host::ReversalReason) -> String {
    reason.code().to_owned()
}

/// The processing code of a kind of online act, from the core's one table.
#[uniffi::export]
pub fn processing_code(kind: crate::host::LegKind) -> String {
    kind.processing_code().to_owned()
}

/// The processing code the acquirer's payment app takes in its Intent for a kind of
/// online act (a refund: 500000), from the core's one table.
#[uniffi::export]
pub fn intent_processing_code(kind: crate::host::LegKind) -> String {
    kind.intent_processing_code().to_owned()
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
    /// refused and left untouched. `mark` keeps the high-water mark that catches a
    /// restored older copy of the file (a file in the no-backup folder on Android).
    #[uniffi::constructor(default(mark = None))]
    pub fn open(
        config: TerminalConfig,
        keys: Arc<dyn KeyWrapper>,
        host: Option<Arc<dyn HostLink>>,
        mark: Option<Arc<dyn RollbackMark>>,
    ) -> Result<Arc<Self>, VoidGuardError> {
        Ok(Arc::new(Self::open_marked(
            config,
            keys.as_ref(),
            host,
            Arc::new(SystemClock),
            mark,
        )?))
    }

    /// As [`open`](Self::open), with time from `clock` (for tests and demos).
    #[uniffi::constructor(default(mark = None))]
    pub fn open_with_clock(
        config: TerminalConfig,
        keys: Arc<dyn KeyWrapper>,
        host: Option<Arc<dyn HostLink>>,
        clock: Arc<dyn Clock>,
        mark: Option<Arc<dyn RollbackMark>>,
    ) -> Result<Arc<Self>, VoidGuardError> {
        Ok(Arc::new(Self::open_marked(
            config,
            keys.as_ref(),
            host,
            clock,
            mark,
        )?))
    }

    /// As [`open`](Self::open), with the host legs sent in ISO 8583 to the acquirer's
    /// host at `acquirer`. The terminal master key is `master_key` as
    /// [`install_master_key`](crate::host::master_key::install_master_key) wrapped
    /// it, opened by `keys`, the same platform wrapper as the data key's: it is never
    /// in the settings. Every request then carries the audit head (F59).
    #[uniffi::constructor(default(clock = None, mark = None))]
    pub fn open_with_acquirer(
        config: TerminalConfig,
        keys: Arc<dyn KeyWrapper>,
        acquirer: crate::host::iso::AcquirerHost,
        master_key: Vec<u8>,
        clock: Option<Arc<dyn Clock>>,
        mark: Option<Arc<dyn RollbackMark>>,
    ) -> Result<Arc<Self>, VoidGuardError> {
        let master = crate::host::master_key::unwrap_master_key(keys.as_ref(), &master_key)?;
        let link = acquirer.link_config(master.algorithm())?;
        let clock = clock.unwrap_or_else(|| Arc::new(SystemClock));
        Ok(Arc::new(Self::open_acquirer(
            config,
            keys.as_ref(),
            link,
            master,
            clock,
            mark,
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
    /// Opens without a high-water mark outside the file.
    pub fn open_with(
        config: TerminalConfig,
        wrapper: &dyn KeyWrapper,
        host: Option<Arc<dyn HostLink>>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        Self::open_marked(config, wrapper, host, clock, None)
    }

    pub fn open_marked(
        config: TerminalConfig,
        wrapper: &dyn KeyWrapper,
        host: Option<Arc<dyn HostLink>>,
        clock: Arc<dyn Clock>,
        mark: Option<Arc<dyn RollbackMark>>,
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
        store::migrate(
            &mut conn,
            version,
            loaded.as_ref(),
            store::At {
                now_ms: clock.now_ms(),
                utc_offset_minutes: config.utc_offset_minutes,
            },
        )?;
        let keys = match loaded {
            Some(keys) => keys,
            None => integrity::first_keys(&mut conn, wrapper, clock.now_ms())?,
        };
        let integrity::AtOpen { problem, bind_mark } =
            integrity::at_open(&conn, &keys, mark.as_deref())?;
        let (host, simulator): (Arc<dyn HostLink>, _) = match host {
            Some(host) => (host, None),
            None => {
                let simulator = Arc::new(HostSimulator::default());
                (simulator.clone(), Some(simulator))
            }
        };
        // A tampered file may lack even the counters; it still opens for the evidence.
        let open_batch = match numbering::current_batch(&conn) {
            Ok(batch) => batch.get(),
            Err(_) if problem.is_some() => BatchNo::FIRST.get(),
            Err(e) => return Err(e),
        };
        let open_batch = AtomicU32::new(open_batch);
        log::info!(
            "terminal database opened at schema version {}",
            store::CURRENT_VERSION
        );
        let terminal = Self {
            conn: Mutex::new(conn),
            _lock: lock,
            config,
            keys,
            host,
            simulator,
            clock,
            mark,
            marked_seq: AtomicU64::new(0),
            bind_mark: AtomicBool::new(bind_mark),
            integrity: Mutex::new(problem),
            signed_in: Mutex::new(None),
            claimed: Mutex::new(std::collections::BTreeSet::new()),
            open_batch,
            checked_version: AtomicI64::new(i64::MIN),
            head_to_host: Mutex::new(None),
            card_reader: Mutex::new(None),
        };
        Ok(terminal)
    }

    /// Opens with an ISO 8583 link built from `link` and `master`, the audit head
    /// wired to its F59.
    pub fn open_acquirer(
        config: TerminalConfig,
        wrapper: &dyn KeyWrapper,
        link: crate::host::iso::IsoLinkConfig,
        master: crate::host::iso::Key,
        clock: Arc<dyn Clock>,
        mark: Option<Arc<dyn RollbackMark>>,
    ) -> Result<Self> {
        let link = Arc::new(crate::host::iso::Iso8583HostLink::new(link, master));
        let as_link: Arc<dyn HostLink> = link.clone();
        let terminal = Self::open_marked(config, wrapper, Some(as_link), clock, mark)?;
        terminal.send_audit_head_to(link);
        Ok(terminal)
    }

    /// Tells `link` the audit head now and after every commit (F59 of its requests).
    pub fn send_audit_head_to(&self, link: Arc<crate::host::iso::Iso8583HostLink>) {
        *self
            .head_to_host
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(link);
        self.publish_head();
    }

    fn publish_head(&self) {
        let link = self
            .head_to_host
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let Some(link) = link else { return };
        let conn = self.lock();
        match integrity::head_text(&conn, &self.keys) {
            Ok(text) => link.set_audit_head(text),
            Err(e) => log::warn!(
                "the audit head was not read for the host: {}",
                VoidGuardError::from(e)
            ),
        }
    }

    /// The refusal in force, if tampering or a rollback was found.
    pub(super) fn integrity_problem(&self) -> Option<VoidGuardError> {
        self.integrity
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn refuse_from_now(&self, refusal: &VoidGuardError) {
        log::warn!("integrity check failed; money-moving calls are refused from now on");
        *self
            .integrity
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(refusal.clone());
    }

    /// Moves the high-water mark to the committed audit head. Never while tampering is
    /// known (that would bless it). A failed write is logged and retried after the
    /// next commit: the database being ahead of its mark is what a crash leaves too.
    fn update_mark(&self) {
        let Some(mark) = &self.mark else { return };
        if self.integrity_problem().is_some() {
            return;
        }
        let conn = self.lock();
        match integrity::write_mark(&conn, &self.keys, mark.as_ref(), &self.marked_seq) {
            Ok(()) => {}
            Err(e) => log::warn!(
                "the high-water mark was not updated: {}",
                VoidGuardError::from(e)
            ),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic inside a call rolled its transaction back when it unwound, so the
        // connection is consistent and may be used again.
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn open_batch(&self) -> BatchNo {
        BatchNo::new(self.open_batch.load(Ordering::SeqCst)).unwrap_or(BatchNo::FIRST)
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
    /// verdict, even a refusal (a wrong password must be counted). Nothing is written
    /// once tampering is known, and the rows a void depends on are checked first.
    fn write_verdict<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>, &Ctx<'_>) -> Result<std::result::Result<T, VoidGuardError>>,
    ) -> Result<T, VoidGuardError> {
        if let Some(refusal) = self.integrity_problem() {
            return Err(refusal);
        }
        let verdict = {
            let mut conn = self.lock();
            let ctx = self.ctx(self.clock.now_ms());
            let tx = store::write(&mut conn).map_err(VoidGuardError::from)?;
            let behind = audit::pending::Scope::open(&tx);
            // The rows a void depends on were checked before this connection's last
            // write and only this connection has written since (the file is locked
            // to it): unless another connection committed meanwhile, they stand as
            // checked. One that did bumps the data version, and the check runs.
            let version = store::data_version(&tx)?;
            if self.checked_version.load(Ordering::SeqCst) != version {
                if let Some(refusal) = integrity::before_write(&tx, &self.keys)? {
                    drop(tx);
                    self.refuse_from_now(&refusal);
                    return Err(refusal);
                }
                self.checked_version.store(version, Ordering::SeqCst);
            }
            let binding = self.bind_mark.load(Ordering::SeqCst);
            if binding {
                integrity::bind_mark(&tx, &self.keys)?;
            }
            let verdict = f(&tx, &ctx).map_err(VoidGuardError::from)?;
            behind
                .finish(&tx, &self.keys.audit)
                .map_err(VoidGuardError::from)?;
            tx.commit()
                .map_err(|e| VoidGuardError::from(Error::from(e)))?;
            if binding {
                self.bind_mark.store(false, Ordering::SeqCst);
            }
            verdict
        };
        self.update_mark();
        self.publish_head();
        verdict
    }
}
