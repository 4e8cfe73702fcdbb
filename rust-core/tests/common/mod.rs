//! Fixtures shared by the scenario tests: a terminal on a real SQLite file in a
//! temporary folder, a key file beside it, a clock the test moves, and the back
//! office's side of approvals.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use voidguard::backoffice::{self, Action};
use voidguard::vault::kdf::MIN_ITERATIONS;
use voidguard::{
    Application, Clock, HostLink, KeyFileWrapper, RequestKind, SaleRequest, Terminal,
    TerminalConfig, Transaction, VoidGuardError, VoidLookup, VoidRequest,
};

pub const MERCHANT_NO: &str = "898340157220001";
pub const TERMINAL_ID: &str = "LKL00042";
pub const SECRET_HEX: &str = "7c1f9a2b5d3e4f60718293a4b5c6d7e8";
pub const PASSWORD: &str = "274816";
pub const NEW_PASSWORD: &str = "580394";
/// 2026-11-30 10:00 in Beijing.
pub const START_MS: i64 = 1_796_004_000_000;
pub const MINUTE_MS: i64 = 60_000;

/// A clock the test sets and moves.
#[derive(Debug)]
pub struct TestClock(AtomicI64);

impl TestClock {
    pub fn at(ms: i64) -> Arc<Self> {
        Arc::new(Self(AtomicI64::new(ms)))
    }
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
    pub fn set(&self, ms: i64) {
        self.0.store(ms, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

pub fn secret() -> Vec<u8> {
    voidguard::crypto::from_hex(SECRET_HEX).unwrap()
}

/// The acquirer's answer to a request.
pub fn approval_for(kind: RequestKind, request_code: &str) -> String {
    let action = match kind {
        RequestKind::VoidPermission => Action::Permit,
        RequestKind::PasswordReset => Action::Reset,
        RequestKind::LiftRestriction => Action::Lift,
    };
    backoffice::approval_code(&secret(), action, request_code)
}

pub fn application() -> Application {
    Application {
        reason: "开通消费撤销权限".into(),
        id_type: "resident_id".into(),
        id_number: "11010519491231002X".into(),
        licence_no: "91110000802100433B".into(),
        contact: "138 0013 8000".into(),
    }
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub key_file: PathBuf,
    pub clock: Arc<TestClock>,
    pub host: Option<Arc<dyn HostLink>>,
    pub terminal: Terminal,
}

pub fn config(db: &std::path::Path) -> TerminalConfig {
    let mut config = TerminalConfig::new(db.to_string_lossy());
    config.kdf_iterations = MIN_ITERATIONS;
    config
}

impl Fixture {
    /// A fresh, unactivated terminal on the built-in simulator.
    pub fn fresh() -> Self {
        Self::with_host(None)
    }

    pub fn with_host(host: Option<Arc<dyn HostLink>>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("voidguard.db");
        let key_file = dir.path().join("voidguard.key");
        let clock = TestClock::at(START_MS);
        let terminal = open(&db, &key_file, host.clone(), clock.clone()).unwrap();
        Self {
            dir,
            db,
            key_file,
            clock,
            host,
            terminal,
        }
    }

    /// Activated, permitted to void, with [`PASSWORD`] set.
    pub fn ready() -> Self {
        let f = Self::fresh();
        f.make_ready();
        f
    }

    pub fn make_ready(&self) {
        self.terminal
            .activate(MERCHANT_NO.into(), TERMINAL_ID.into(), SECRET_HEX.into())
            .unwrap();
        let ticket = self
            .terminal
            .apply_for(RequestKind::VoidPermission, application())
            .unwrap();
        let code = approval_for(RequestKind::VoidPermission, &ticket.request_code);
        self.terminal
            .redeem_approval(ticket.request_code, code, None)
            .unwrap();
        self.terminal.set_void_password(PASSWORD.into()).unwrap();
    }

    /// Closes the terminal and opens the same files again, as after a restart.
    pub fn reopen(&mut self) {
        let terminal = open(
            &self.db,
            &self.key_file,
            self.host.clone(),
            self.clock.clone(),
        )
        .unwrap();
        self.terminal = terminal;
    }

    pub fn sale(&self, amount: &str) -> Transaction {
        self.sale_by(amount, "01")
    }

    pub fn sale_by(&self, amount: &str, operator_no: &str) -> Transaction {
        self.terminal
            .record_sale(SaleRequest {
                amount: amount.into(),
                card_number: "6222021234567890123".into(),
                card_scheme: "UnionPay".into(),
                operator_no: operator_no.into(),
                rrn: None,
                auth_code: None,
            })
            .unwrap()
    }

    pub fn today(&self) -> String {
        self.terminal.status().unwrap().business_date
    }
}

pub fn open(
    db: &std::path::Path,
    key_file: &std::path::Path,
    host: Option<Arc<dyn HostLink>>,
    clock: Arc<TestClock>,
) -> Result<Terminal, VoidGuardError> {
    let keys = KeyFileWrapper::open_or_create(key_file).unwrap();
    Terminal::open_with(config(db), &keys, host, clock).map_err(VoidGuardError::from)
}

/// The void of `t` as a merchant keys it, with the right date, amount and password.
pub fn void_of(t: &Transaction) -> VoidRequest {
    VoidRequest {
        voucher_no: t.voucher_no.clone(),
        date: t.business_date.clone(),
        amount: t.amount.to_decimal_string(),
        password: PASSWORD.into(),
        operator_no: "01".into(),
        authoriser_no: "00".into(),
        reason: "customer_request".into(),
    }
}

pub fn lookup_of(t: &Transaction) -> VoidLookup {
    VoidLookup {
        voucher_no: t.voucher_no.clone(),
        date: t.business_date.clone(),
        amount: t.amount.to_decimal_string(),
    }
}

/// Every journal row, oldest first.
pub fn all_rows(terminal: &Terminal) -> Vec<Transaction> {
    let mut rows = Vec::new();
    let mut cursor = None;
    loop {
        let page = terminal
            .journal(voidguard::JournalQuery {
                cursor,
                limit: 500,
                ..Default::default()
            })
            .unwrap();
        rows.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    rows.reverse();
    rows
}

/// A terminal's files while no terminal has them open, for edits behind its back.
pub struct ClosedFixture {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub key_file: PathBuf,
    pub clock: Arc<TestClock>,
    pub host: Option<Arc<dyn HostLink>>,
}

impl Fixture {
    /// Closes the terminal (and so its SQLite connection) but keeps the files.
    pub fn close(self) -> ClosedFixture {
        let Fixture {
            dir,
            db,
            key_file,
            clock,
            host,
            terminal,
        } = self;
        drop(terminal);
        ClosedFixture {
            dir,
            db,
            key_file,
            clock,
            host,
        }
    }
}

impl ClosedFixture {
    /// Opens the same files again, as after a restart.
    pub fn open(self) -> Fixture {
        let terminal = open(
            &self.db,
            &self.key_file,
            self.host.clone(),
            self.clock.clone(),
        )
        .unwrap();
        let ClosedFixture {
            dir,
            db,
            key_file,
            clock,
            host,
        } = self;
        Fixture {
            dir,
            db,
            key_file,
            clock,
            host,
            terminal,
        }
    }
}

/// A password that is six digits, not trivial, and not [`PASSWORD`].
pub const WRONG_PASSWORD: &str = "135792";

/// Opens a terminal whose configuration `adjust` changed (daily limits, expiry …).
pub fn open_with_config(
    db: &std::path::Path,
    key_file: &std::path::Path,
    clock: Arc<TestClock>,
    adjust: impl FnOnce(&mut TerminalConfig),
) -> Result<Terminal, VoidGuardError> {
    let mut config = config(db);
    adjust(&mut config);
    let keys = KeyFileWrapper::open_or_create(key_file).unwrap();
    Terminal::open_with(config, &keys, None, clock).map_err(VoidGuardError::from)
}

impl Fixture {
    /// Like [`Fixture::ready`], on the built-in simulator, with the configuration
    /// changed by `adjust`. [`Fixture::reopen`] would open it with the defaults again.
    pub fn ready_with_config(adjust: impl FnOnce(&mut TerminalConfig)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("voidguard.db");
        let key_file = dir.path().join("voidguard.key");
        let clock = TestClock::at(START_MS);
        let terminal = open_with_config(&db, &key_file, clock.clone(), adjust).unwrap();
        let f = Self {
            dir,
            db,
            key_file,
            clock,
            host: None,
            terminal,
        };
        f.make_ready();
        f
    }

    /// Keys [`WRONG_PASSWORD`] for a void of `sale` until voiding is locked until the
    /// back office lifts it, waiting out each timed lock on the test clock.
    pub fn lock_until_lifted(&self, sale: &Transaction) {
        let mut request = void_of(sale);
        request.password = WRONG_PASSWORD.into();
        for _ in 0..10 {
            match self.terminal.void_transaction(request.clone()) {
                Err(VoidGuardError::WrongPassword { .. }) => {}
                Err(VoidGuardError::LockedUntil { until_ms }) => self.clock.set(until_ms),
                Err(VoidGuardError::LockedUntilLifted) => return,
                other => panic!("a wrong password was answered with {other:?}"),
            }
        }
        panic!("ten wrong passwords did not lock voiding until lifted");
    }
}
