//! Fixtures shared by the scenario tests: a terminal on a real SQLite file in a
//! temporary folder, a key file beside it, a clock the test moves, and the back
//! office's side of approvals.
#![allow(dead_code)]

pub mod acquirer;
pub mod card;
pub mod iso;
pub mod soak;

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use voidguard::backoffice;
use voidguard::vault::kdf::MIN_ITERATIONS;
use voidguard::{
    Application, Clock, HostLink, KeyFileWrapper, MarkFile, RequestKind, RollbackMark, SaleRequest,
    Terminal, TerminalConfig, Transaction, VoidGuardError, VoidLookup, VoidRequest,
};

pub const MERCHANT_NO: &str = "898340157220001";
pub const TERMINAL_ID: &str = "LKL00042";
pub const SECRET_HEX: &str = "7c1f9a2b5d3e4f60718293a4b5c6d7e8";
pub const PASSWORD: &str = "274816";
pub const NEW_PASSWORD: &str = "580394";
/// The administrator's (99) password and the cashiers' first one.
pub const ADMIN_PASSWORD: &str = "58204719";
pub const CASHIER_PASSWORD: &str = "3817";
/// The cashier the ready fixture signs in.
pub const CASHIER: &str = "01";
/// 2026-11-30 10:00 in Beijing.
pub const START_MS: i64 = 1_796_004_000_000;
pub const MINUTE_MS: i64 = 60_000;
pub const DAY_MS: i64 = 24 * 60 * MINUTE_MS;

/// What a refused act must leave as it was, apart from the audit trail.
#[derive(Debug, PartialEq)]
pub struct Untouched {
    pub rows: Vec<voidguard::Transaction>,
    pub next_voucher_no: String,
    pub pending_host_work: usize,
}

pub fn untouched(f: &Fixture) -> Untouched {
    Untouched {
        rows: all_rows(&f.terminal),
        next_voucher_no: f.terminal.status().unwrap().next_voucher_no,
        pending_host_work: f.terminal.pending_host_work().unwrap().len(),
    }
}

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
    /// Moves to `ms` unless the clock is already past it: time never runs back.
    pub fn at_least(&self, ms: i64) {
        self.0.fetch_max(ms, Ordering::SeqCst);
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
    backoffice::approval_code(&secret(), kind.action(), request_code)
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
    pub terminal: Open,
}

/// The fixture's terminal. A database is open in one `Terminal` at a time, so
/// [`Fixture::reopen`] closes this one before opening the files again.
pub struct Open(Option<Terminal>);

impl std::ops::Deref for Open {
    type Target = Terminal;
    fn deref(&self) -> &Terminal {
        self.0.as_ref().expect("the fixture's terminal is open")
    }
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
        let terminal = Open(Some(
            open(&db, &key_file, host.clone(), clock.clone()).unwrap(),
        ));
        Self {
            dir,
            db,
            key_file,
            clock,
            host,
            terminal,
        }
    }

    /// Activated, permitted to void and to refund, with [`PASSWORD`] set, the administrator's
    /// password set, and cashier [`CASHIER`] added and signed in.
    pub fn ready() -> Self {
        let f = Self::fresh();
        f.make_ready();
        f
    }

    pub fn make_ready(&self) {
        self.terminal
            .activate(MERCHANT_NO.into(), TERMINAL_ID.into(), SECRET_HEX.into())
            .unwrap();
        self.grant(RequestKind::VoidPermission);
        self.grant(RequestKind::RefundPermission);
        self.terminal.set_void_password(PASSWORD.into()).unwrap();
        self.sign_in_as(CASHIER);
    }

    /// Applies for `kind` and redeems the back office's code for it.
    pub fn grant(&self, kind: RequestKind) {
        let ticket = self.terminal.apply_for(kind, application()).unwrap();
        let code = approval_for(kind, &ticket.request_code);
        self.terminal
            .redeem_approval(ticket.request_code, code, None)
            .unwrap();
    }

    /// Signs out whoever is signed in and signs `operator_no` in with their password;
    /// a cashier the terminal does not know yet is added by the administrator first
    /// (whose password is set first on a terminal that has none).
    pub fn sign_in_as(&self, operator_no: &str) {
        let t = &*self.terminal;
        if t.session().is_some() {
            t.sign_out().unwrap();
        }
        let operators = t.operators().unwrap();
        let known = |no: &str| operators.iter().any(|o| o.operator_no == no && o.active);
        if !known("99") {
            t.set_admin_password(ADMIN_PASSWORD.into()).unwrap();
        }
        if !known(operator_no) {
            t.sign_in("99".into(), ADMIN_PASSWORD.into()).unwrap();
            t.add_operator(operator_no.into(), CASHIER_PASSWORD.into())
                .unwrap();
            t.sign_out().unwrap();
        }
        t.sign_in(operator_no.into(), password_of(operator_no).into())
            .unwrap();
    }

    /// Closes the terminal and opens the same files again, as after a restart. The
    /// session ends with the terminal; whoever was signed in signs in again when the
    /// reopened terminal lets them (a terminal that found tampering refuses it).
    pub fn reopen(&mut self) {
        let signed_in = self.terminal.0.as_ref().and_then(Terminal::session);
        self.terminal.0 = None;
        let terminal = open(
            &self.db,
            &self.key_file,
            self.host.clone(),
            self.clock.clone(),
        )
        .unwrap();
        if let Some(session) = signed_in {
            let password = password_of(&session.operator_no).to_owned();
            let _refused_on_a_tampered_file = terminal.sign_in(session.operator_no, password);
        }
        self.terminal.0 = Some(terminal);
    }

    pub fn sale(&self, amount: &str) -> Transaction {
        self.sale_by(amount, "01")
    }

    /// A sale keyed by `operator_no`, who stays signed in.
    pub fn sale_by(&self, amount: &str, operator_no: &str) -> Transaction {
        if self.terminal.session().map(|s| s.operator_no).as_deref() != Some(operator_no) {
            self.sign_in_as(operator_no);
        }
        self.terminal.record_sale(sale_request(amount)).unwrap()
    }

    pub fn today(&self) -> String {
        self.terminal.status().unwrap().business_date
    }
}

/// The password `operator_no` signs in with in these fixtures.
pub fn password_of(operator_no: &str) -> &'static str {
    match operator_no {
        "00" => PASSWORD,
        "99" => ADMIN_PASSWORD,
        _ => CASHIER_PASSWORD,
    }
}

/// A sale of `amount` on a test UnionPay card; the host issues its numbers.
pub fn sale_request(amount: &str) -> SaleRequest {
    SaleRequest {
        amount: amount.into(),
        card_number: "6222021234567890123".into(),
        card_scheme: "UnionPay".into(),
    }
}

pub fn open(
    db: &std::path::Path,
    key_file: &std::path::Path,
    host: Option<Arc<dyn HostLink>>,
    clock: Arc<TestClock>,
) -> Result<Terminal, VoidGuardError> {
    let keys = KeyFileWrapper::open_or_create(key_file).unwrap();
    let mark: Arc<dyn RollbackMark> = Arc::new(MarkFile::beside_key_file(key_file));
    Terminal::open_marked(config(db), &keys, host, clock, Some(mark)).map_err(VoidGuardError::from)
}

/// What someone editing the file behind the terminal's back does first: drops the
/// triggers that refuse changes to audit entries and journal rows.
pub fn drop_guards(conn: &rusqlite::Connection) {
    conn.execute_batch(
        "DROP TRIGGER IF EXISTS audit_entries_are_never_changed;
         DROP TRIGGER IF EXISTS audit_entries_are_never_deleted;
         DROP TRIGGER IF EXISTS journal_rows_change_only_by_status_moves;
         DROP TRIGGER IF EXISTS journal_rows_are_never_deleted;
         DROP TRIGGER IF EXISTS operators_are_never_deleted;",
    )
    .unwrap();
}

/// The void of `t` as a merchant keys it, with the right date, amount and password.
pub fn void_of(t: &Transaction) -> VoidRequest {
    VoidRequest {
        voucher_no: t.voucher_no.clone(),
        date: t.business_date.clone(),
        amount: t.amount.to_decimal_string(),
        password: PASSWORD.into(),
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
            terminal: Open(Some(terminal)),
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
            terminal: Open(Some(terminal)),
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

/// SplitMix64: a small seeded generator for tests that pick operations at random
/// without proptest's shrinking (processes killed mid-flight, threads).
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Uniform in `low..=high`.
    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next() % (high - low + 1) as u64) as i64
    }

    /// `len` decimal digits, as hosts issue RRNs and auth codes.
    pub fn digits(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
}

/// A seed from `var` when set (to replay a run), otherwise from the clock.
pub fn seed_from_env(var: &str) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        })
}

/// A count from `var` when set, otherwise `default`.
pub fn count_from_env(var: &str, default: u32) -> u32 {
    match std::env::var(var) {
        Ok(s) => s
            .parse()
            .unwrap_or_else(|_| panic!("{var} must be a whole number, not {s:?}")),
        Err(_) => default,
    }
}

/// Daily void limits no long run reaches (the limits have their own tests).
pub fn unlimited_voids(config: &mut TerminalConfig) {
    config.daily_void_count_limit = 1_000_000;
    config.daily_void_amount_limit = voidguard::Fen(i64::MAX / 4);
}

/// A settlement as reported to the merchant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    pub batch_no: String,
    pub sale_count: u32,
    pub sale_total: voidguard::Fen,
    pub void_count: u32,
    pub void_total: voidguard::Fen,
}

impl From<&voidguard::SettlementReport> for Settled {
    fn from(r: &voidguard::SettlementReport) -> Self {
        Self {
            batch_no: r.batch_no.clone(),
            sale_count: r.sale_count,
            sale_total: r.sale_total,
            void_count: r.void_count,
            void_total: r.void_total,
        }
    }
}

/// What callers were told succeeded; the journal must hold all of it.
#[derive(Debug, Default)]
pub struct Acknowledged {
    /// (batch, voucher, amount, the operator signed in when it was keyed)
    pub sales: Vec<(String, String, voidguard::Fen, String)>,
    /// (batch, original voucher, void voucher, amount)
    pub voids: Vec<(String, String, String, voidguard::Fen)>,
    pub settlements: Vec<Settled>,
    /// (batch, refund voucher, amount)
    pub refunds: Vec<(String, String, voidguard::Fen)>,
    /// (batch, voucher) of sales and voids the host declined or that were reversed:
    /// the number is spent, no row.
    pub declined: Vec<(String, String)>,
}

/// The journal, the open batch and the host work, read after checking what must
/// hold whatever happened before (see [`check_books`]).
pub struct Books {
    pub rows: Vec<Transaction>,
    pub batch_no: u32,
    pub pending: Vec<voidguard::HostLeg>,
}

impl Books {
    pub fn row(&self, batch_no: &str, voucher_no: &str) -> Option<&Transaction> {
        self.rows
            .iter()
            .find(|r| r.batch_no == batch_no && r.voucher_no == voucher_no)
    }

    pub fn count(&self, kind: voidguard::TransactionKind) -> usize {
        self.rows.iter().filter(|r| r.kind == kind).count()
    }
}

/// Reads the whole journal and checks the invariants no sequence of calls, crashes
/// or threads may break: voucher numbers are unique per batch; each void points at
/// exactly one voided sale of its batch, for its amount; no sale is voided twice and
/// no voided sale lacks its void; closed batches hold only settled or voided rows;
/// each void awaiting the host is for a standing sale of the open batch, one per
/// sale, with a voucher no row carries; the audit chain verifies.
pub fn check_books(terminal: &Terminal) -> Books {
    use std::collections::{HashMap, HashSet};
    use voidguard::{LegDetail, LegState, TransactionKind as Kind, TransactionStatus as Status};

    let rows = all_rows(terminal);
    let batch_no: u32 = terminal.status().unwrap().batch_no.parse().unwrap();
    let mut by_number: HashMap<(&str, &str), &Transaction> = HashMap::new();
    for row in &rows {
        let earlier = by_number.insert((&row.batch_no, &row.voucher_no), row);
        assert!(
            earlier.is_none(),
            "voucher {} appears twice in batch {}",
            row.voucher_no,
            row.batch_no
        );
    }

    let mut voids_of: HashMap<(&str, &str), u32> = HashMap::new();
    for void in rows.iter().filter(|r| r.kind == Kind::Void) {
        let original = void
            .original_voucher_no
            .as_deref()
            .expect("a void names its sale");
        let sale = by_number
            .get(&(void.batch_no.as_str(), original))
            .unwrap_or_else(|| panic!("void {} points at no row", void.voucher_no));
        assert_eq!(
            sale.kind,
            Kind::Sale,
            "void {} points at a void",
            void.voucher_no
        );
        assert_eq!(
            sale.status,
            Status::Voided,
            "void {} points at a sale that is not voided",
            void.voucher_no
        );
        assert_eq!(sale.amount, void.amount, "void {}", void.voucher_no);
        *voids_of
            .entry((&sale.batch_no, &sale.voucher_no))
            .or_default() += 1;
    }
    for sale in rows.iter().filter(|r| r.kind == Kind::Sale) {
        let voids = voids_of
            .get(&(sale.batch_no.as_str(), sale.voucher_no.as_str()))
            .copied()
            .unwrap_or(0);
        let expected = u32::from(sale.status == Status::Voided);
        assert_eq!(
            voids, expected,
            "sale {} of batch {} is {:?} with {voids} void(s)",
            sale.voucher_no, sale.batch_no, sale.status
        );
    }

    for row in &rows {
        let batch: u32 = row.batch_no.parse().unwrap();
        assert!(
            batch <= batch_no,
            "a row of batch {batch} after the open one"
        );
        let allowed: &[Status] = match (row.kind, batch < batch_no) {
            (Kind::Sale, true) => &[Status::Voided, Status::Settled],
            (Kind::Void, true) => &[Status::Settled],
            (Kind::Sale, false) => &[Status::Approved, Status::Voided],
            (Kind::Void, false) => &[Status::Approved],
            (Kind::Refund, true) => &[Status::Settled],
            (Kind::Refund, false) => &[Status::Approved],
        };
        assert!(
            allowed.contains(&row.status),
            "{:?} {} of batch {batch} is {:?} while batch {batch_no} is open",
            row.kind,
            row.voucher_no,
            row.status
        );
    }

    // No sale is refunded beyond its amount, and every refund's original is a sale
    // that was neither voided nor reversed.
    let mut refunded: HashMap<i64, i64> = HashMap::new();
    for refund in rows.iter().filter(|r| r.kind == Kind::Refund) {
        let Some(sale) = rows.iter().find(|s| {
            s.kind == Kind::Sale
                && Some(&s.rrn) == refund.original_rrn.as_ref()
                && Some(&s.business_date) == refund.original_business_date.as_ref()
        }) else {
            continue;
        };
        assert!(
            matches!(sale.status, Status::Approved | Status::Settled),
            "refund {} of a {:?} sale",
            refund.voucher_no,
            sale.status
        );
        let total = refunded.entry(sale.id).or_default();
        *total += refund.amount.0;
        assert!(
            *total <= sale.amount.0,
            "sale {} of batch {} refunded {total} of {}",
            sale.voucher_no,
            sale.batch_no,
            sale.amount.0
        );
    }

    let max_attempts = TerminalConfig::new("x").max_reversal_attempts;
    let pending = terminal.pending_host_work().unwrap();
    let mut pending_for = HashSet::new();
    let open_batch = format!("{batch_no:06}");
    for p in &pending {
        let what = format!("{:?} leg {}", p.kind, p.leg_id);
        assert_eq!(
            p.request.processing_code,
            p.kind.processing_code(),
            "{what}"
        );
        assert_eq!(
            p.request.batch_no, open_batch,
            "{what} is of the open batch"
        );
        assert_eq!(p.amount, p.request.amount, "{what}");
        if let Some(voucher) = &p.voucher_no {
            assert!(
                !by_number.contains_key(&(p.request.batch_no.as_str(), voucher.as_str())),
                "{what}: its voucher is already a row"
            );
        }
        match &p.request.detail {
            LegDetail::Void {
                voucher_no,
                original,
            } => {
                assert_eq!(p.voucher_no.as_ref(), Some(voucher_no), "{what}");
                assert_eq!(
                    p.original_voucher_no.as_ref(),
                    Some(&original.voucher_no),
                    "{what}"
                );
                let sale = by_number
                    .get(&(p.request.batch_no.as_str(), original.voucher_no.as_str()))
                    .unwrap_or_else(|| panic!("{what} points at no row"));
                assert_eq!(
                    (sale.kind, sale.status),
                    (Kind::Sale, Status::Approved),
                    "{what}: its sale stands until the host's answer"
                );
                assert_eq!(sale.amount, p.amount, "{what}");
                assert!(
                    pending_for.insert(original.voucher_no.clone()),
                    "two voids of voucher {} await the host",
                    original.voucher_no
                );
            }
            LegDetail::Sale { voucher_no, .. } => {
                assert_eq!(p.voucher_no.as_ref(), Some(voucher_no), "{what}");
            }
            LegDetail::Settlement { .. } => assert_eq!(p.voucher_no, None, "{what}"),
            LegDetail::Refund { voucher_no, .. } => {
                assert_eq!(p.voucher_no.as_ref(), Some(voucher_no), "{what}");
            }
        }
        match p.state {
            LegState::AwaitingAnswer => assert_eq!(p.attempts, 0, "{what}"),
            LegState::AwaitingReversal => assert!(p.attempts < max_attempts, "{what}"),
            LegState::NeedsManualHandling => assert!(
                p.attempts >= max_attempts
                    || p.business_date != terminal.status().unwrap().business_date,
                "{what}"
            ),
            resolved => panic!("{what} is {resolved:?} yet listed as host work"),
        }
    }

    let audit = terminal.verify_audit().unwrap();
    assert!(audit.ok, "the audit chain does not verify: {audit:?}");
    Books {
        rows,
        batch_no,
        pending,
    }
}

/// Checks that the journal holds everything callers were told: each sale, each void
/// with its voided sale, each settled batch closed with the reported totals, and no
/// row for a void the host declined.
pub fn check_acknowledged(books: &Books, acked: &Acknowledged) {
    use std::collections::HashMap;
    use voidguard::{Fen, TransactionKind as Kind, TransactionStatus as Status};

    let by_number: HashMap<(&str, &str), &Transaction> = books
        .rows
        .iter()
        .map(|r| ((r.batch_no.as_str(), r.voucher_no.as_str()), r))
        .collect();
    for (batch, voucher, amount, operator_no) in &acked.sales {
        let row = by_number
            .get(&(batch.as_str(), voucher.as_str()))
            .unwrap_or_else(|| panic!("acknowledged sale {voucher} of batch {batch} is lost"));
        assert_eq!(
            (row.kind, row.amount, row.operator_no.as_str()),
            (Kind::Sale, *amount, operator_no.as_str()),
            "sale {voucher}"
        );
    }
    for (batch, voucher, amount) in &acked.refunds {
        let refund = by_number
            .get(&(batch.as_str(), voucher.as_str()))
            .unwrap_or_else(|| panic!("acknowledged refund {voucher} of batch {batch} is lost"));
        assert_eq!(
            (refund.kind, refund.amount),
            (Kind::Refund, *amount),
            "refund {voucher}"
        );
        assert_eq!(
            refund.authoriser_no.as_deref(),
            Some("00"),
            "refund {voucher}"
        );
    }
    for (batch, original, voucher, amount) in &acked.voids {
        let void = by_number
            .get(&(batch.as_str(), voucher.as_str()))
            .unwrap_or_else(|| panic!("acknowledged void {voucher} of batch {batch} is lost"));
        assert_eq!(void.kind, Kind::Void, "void {voucher}");
        assert_eq!(void.original_voucher_no.as_deref(), Some(original.as_str()));
        assert_eq!(void.amount, *amount, "void {voucher}");
        // Whoever keyed it, the void password is the supervisor's.
        assert_eq!(void.authoriser_no.as_deref(), Some("00"), "void {voucher}");
        let sale = by_number[&(batch.as_str(), original.as_str())];
        assert_eq!(
            sale.status,
            Status::Voided,
            "the sale void {voucher} cancelled"
        );
    }
    let mut totals: HashMap<&str, (u32, i64, u32, i64)> = HashMap::new();
    for row in &books.rows {
        let t = totals.entry(&row.batch_no).or_default();
        match row.kind {
            Kind::Sale => (t.0, t.1) = (t.0 + 1, t.1 + row.amount.0),
            Kind::Void => (t.2, t.3) = (t.2 + 1, t.3 + row.amount.0),
            Kind::Refund => {}
        }
    }
    for s in &acked.settlements {
        let batch: u32 = s.batch_no.parse().unwrap();
        assert!(batch < books.batch_no, "settled batch {batch} is closed");
        let (sales, sale_total, voids, void_total) =
            totals.get(s.batch_no.as_str()).copied().unwrap_or_default();
        assert_eq!(
            (sales, Fen(sale_total), voids, Fen(void_total)),
            (s.sale_count, s.sale_total, s.void_count, s.void_total),
            "batch {batch} holds what its settlement reported"
        );
    }
    for (batch, voucher) in &acked.declined {
        assert!(
            !by_number.contains_key(&(batch.as_str(), voucher.as_str())),
            "declined or reversed leg {voucher} of batch {batch} left a row"
        );
    }
}

/// An acquirer that answers from a script and remembers what it was asked. Voids
/// and reversals answer only as scripted; a sale or settlement with nothing scripted
/// for its kind is approved (sales with fresh numbers), so tests about voids need not
/// script the sales they void.
#[derive(Default)]
pub struct ScriptedHost {
    answers: std::sync::Mutex<
        Vec<(
            voidguard::LegKind,
            Result<voidguard::HostReply, voidguard::HostError>,
        )>,
    >,
    reverse_answers: std::sync::Mutex<
        std::collections::VecDeque<Result<voidguard::ReversalReply, voidguard::HostError>>,
    >,
    sales_approved: std::sync::atomic::AtomicU32,
    authorise_calls: std::sync::atomic::AtomicU32,
    reverse_calls: std::sync::atomic::AtomicU32,
    pub authorised: std::sync::Mutex<Vec<voidguard::HostRequest>>,
    pub reversed: std::sync::Mutex<Vec<(voidguard::HostRequest, voidguard::ReversalReason)>>,
    /// When set, the host looks into the terminal's database when a request arrives.
    pub spy_on: std::sync::Mutex<Option<PathBuf>>,
    /// The open legs (state, request) on disk at the moment each request arrived.
    pub on_disk_when_called: std::sync::Mutex<Vec<Vec<(String, voidguard::HostRequest)>>>,
}

impl ScriptedHost {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// The answer to the next void (the kind most tests script).
    pub fn will_authorise(&self, answer: Result<voidguard::HostReply, voidguard::HostError>) {
        self.will_answer(voidguard::LegKind::Void, answer);
    }

    /// The answer to the next request of `kind`.
    pub fn will_answer(
        &self,
        kind: voidguard::LegKind,
        answer: Result<voidguard::HostReply, voidguard::HostError>,
    ) {
        self.answers.lock().unwrap().push((kind, answer));
    }

    pub fn will_reverse(&self, answer: Result<voidguard::ReversalReply, voidguard::HostError>) {
        self.reverse_answers.lock().unwrap().push_back(answer);
    }

    /// Voids and settlements sent, and reversals sent.
    pub fn calls(&self) -> (u32, u32) {
        (
            self.authorise_calls.load(Ordering::SeqCst),
            self.reverse_calls.load(Ordering::SeqCst),
        )
    }

    fn legs_on_disk(db: &PathBuf) -> Vec<(String, voidguard::HostRequest)> {
        let conn =
            rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .unwrap();
        let mut stmt = conn
            .prepare("SELECT state, request FROM host_legs ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, String>(1)?)))
            .unwrap()
            .map(|row| {
                let (state, json) = row.unwrap();
                (state, serde_json::from_str(&json).unwrap())
            })
            .collect()
    }
}

impl HostLink for ScriptedHost {
    fn send(
        &self,
        request: voidguard::HostRequest,
    ) -> Result<voidguard::HostReply, voidguard::HostError> {
        use voidguard::{HostReply, LegKind};
        let kind = match &request.detail {
            voidguard::LegDetail::Sale { .. } => LegKind::Sale,
            voidguard::LegDetail::Void { .. } => LegKind::Void,
            voidguard::LegDetail::Settlement { .. } => LegKind::Settlement,
            voidguard::LegDetail::Refund { .. } => LegKind::Refund,
        };
        if let Some(db) = self.spy_on.lock().unwrap().as_ref() {
            self.on_disk_when_called
                .lock()
                .unwrap()
                .push(Self::legs_on_disk(db));
        }
        let scripted = {
            let mut answers = self.answers.lock().unwrap();
            let at = answers.iter().position(|(k, _)| *k == kind);
            at.map(|i| answers.remove(i).1)
        };
        if kind != LegKind::Sale {
            self.authorise_calls.fetch_add(1, Ordering::SeqCst);
            self.authorised.lock().unwrap().push(request);
        }
        match (scripted, kind) {
            (Some(answer), _) => answer,
            (None, LegKind::Sale) => {
                let n = self.sales_approved.fetch_add(1, Ordering::SeqCst) + 1;
                Ok(HostReply::Approved {
                    rrn: format!("{n:012}"),
                    auth_code: format!("{n:06}"),
                })
            }
            (None, LegKind::Settlement) => Ok(HostReply::Approved {
                rrn: String::new(),
                auth_code: String::new(),
            }),
            (None, LegKind::Void) => panic!("a void sent more often than scripted"),
            (None, LegKind::Refund) => panic!("a refund sent more often than scripted"),
        }
    }

    fn reverse(
        &self,
        request: voidguard::HostRequest,
        reason: voidguard::ReversalReason,
    ) -> Result<voidguard::ReversalReply, voidguard::HostError> {
        self.reverse_calls.fetch_add(1, Ordering::SeqCst);
        self.reversed.lock().unwrap().push((request, reason));
        self.reverse_answers
            .lock()
            .unwrap()
            .pop_front()
            .expect("a reversal sent more often than scripted")
    }
}

/// One host leg as the file holds it, resolved or not.
#[derive(Debug, Clone)]
pub struct LegRecord {
    pub leg_id: i64,
    pub state: String,
    pub request: voidguard::HostRequest,
    /// The journal row (or settlement row) an approval produced.
    pub result_id: Option<i64>,
}

impl LegRecord {
    pub fn kind(&self) -> voidguard::LegKind {
        self.request.kind()
    }

    pub fn approved(&self) -> bool {
        self.state == "approved"
    }

    pub fn resolved(&self) -> bool {
        matches!(self.state.as_str(), "approved" | "declined" | "reversed")
    }
}

/// Every host leg in the terminal's database `db`, oldest first (read beside the open
/// terminal: the public API lists only the open ones).
pub fn leg_history(db: &std::path::Path) -> Vec<LegRecord> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut stmt = conn
        .prepare("SELECT id, state, request, result_id FROM host_legs ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| {
        Ok(LegRecord {
            leg_id: r.get(0)?,
            state: r.get(1)?,
            request: serde_json::from_str(&r.get::<_, String>(2)?).unwrap(),
            result_id: r.get(3)?,
        })
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// Acts the built-in simulator answered in the commit that began them leave no leg
/// row; the audit entry of their end stands for it (`<kind>.approved` without a
/// `leg_id`, naming what it made).
#[derive(Debug, Default)]
pub struct Legless {
    /// Journal row id -> (kind, voucher, amount in fen, keying operator).
    pub rows: std::collections::HashMap<i64, (String, String, i64, String)>,
    /// Batches a legless settlement closed.
    pub batches: std::collections::HashSet<u32>,
}

pub fn legless(db: &std::path::Path) -> Legless {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT kind, operator_no, detail FROM audit
             WHERE kind = 'sale.approved' OR kind = 'void.approved' OR kind = 'settlement.approved'
                OR kind = 'refund.approved'",
        )
        .unwrap();
    let mut found = Legless::default();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .unwrap();
    for row in rows {
        let (kind, operator_no, detail) = row.unwrap();
        let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
        if detail.get("leg_id").is_some() {
            continue;
        }
        let result_id = detail["result_id"].as_i64().unwrap();
        if kind == "settlement.approved" {
            let batch: u32 = detail["batch_no"].as_str().unwrap().parse().unwrap();
            found.batches.insert(batch);
        } else {
            let kind = kind.trim_end_matches(".approved").to_owned();
            let voucher = detail["voucher_no"].as_str().unwrap().to_owned();
            let amount = detail["amount_fen"].as_i64().unwrap();
            found.rows.insert(
                result_id,
                (kind, voucher, amount, operator_no.unwrap_or_default()),
            );
        }
    }
    found
}

/// Holds the journal to the host legs of every kind: a sale's or void's voucher is a
/// row exactly when its leg was approved (the row the leg names, with the leg's
/// amount, operator and sale); no two legs share a voucher; every row was made by
/// its approved leg, or by an act that left none (`Legless`, the same facts checked
/// against its audit entry); every closed batch was closed by exactly one approved
/// settlement, and no batch still open by any.
pub fn check_legs(books: &Books, legs: &[LegRecord], legless: &Legless) {
    use std::collections::{HashMap, HashSet};
    use voidguard::{LegDetail, TransactionKind as Kind};

    let by_number: HashMap<(&str, &str), &Transaction> = books
        .rows
        .iter()
        .map(|r| ((r.batch_no.as_str(), r.voucher_no.as_str()), r))
        .collect();
    let mut vouchers = HashSet::new();
    let mut made = HashSet::new();
    let mut closed_by: HashMap<u32, i64> = HashMap::new();
    for leg in legs {
        let what = format!("{:?} leg {} ({})", leg.kind(), leg.leg_id, leg.state);
        let batch = leg.request.batch_no.as_str();
        let (voucher, kind, original) = match &leg.request.detail {
            LegDetail::Sale { voucher_no, .. } => (voucher_no, Kind::Sale, None),
            LegDetail::Void {
                voucher_no,
                original,
            } => (voucher_no, Kind::Void, Some(&original.voucher_no)),
            LegDetail::Refund {
                voucher_no,
                original_voucher_no,
                ..
            } => (voucher_no, Kind::Refund, original_voucher_no.as_ref()),
            LegDetail::Settlement { totals } => {
                if leg.approved() {
                    let number: u32 = batch.parse().unwrap();
                    assert!(
                        number < books.batch_no,
                        "{what}: batch {batch} is still open"
                    );
                    let earlier = closed_by.insert(number, leg.leg_id);
                    assert_eq!(earlier, None, "{what}: batch {batch} was closed twice");
                    let in_batch = |k| {
                        books
                            .rows
                            .iter()
                            .filter(|r| r.batch_no == batch && r.kind == k)
                            .fold((0u32, 0i64), |(n, sum), r| (n + 1, sum + r.amount.0))
                    };
                    assert_eq!(
                        (in_batch(Kind::Sale), in_batch(Kind::Void)),
                        (
                            (totals.sale_count, totals.sale_total.0),
                            (totals.void_count, totals.void_total.0)
                        ),
                        "{what}: the totals sent are the batch's"
                    );
                }
                continue;
            }
        };
        assert!(
            vouchers.insert((batch.to_owned(), voucher.clone())),
            "{what}: voucher {voucher} of batch {batch} was taken by two legs"
        );
        let row = by_number.get(&(batch, voucher.as_str()));
        match (leg.approved(), row) {
            (true, Some(row)) => {
                assert_eq!(Some(row.id), leg.result_id, "{what}: the row it made");
                assert_eq!(
                    (row.kind, row.amount, &row.operator_no),
                    (kind, leg.request.amount, &leg.request.operator_no),
                    "{what}"
                );
                assert_eq!(row.original_voucher_no.as_ref(), original, "{what}");
                made.insert(row.id);
            }
            (true, None) => panic!("{what}: approved, yet voucher {voucher} is no row"),
            (false, Some(_)) => panic!("{what}: not approved, yet voucher {voucher} is a row"),
            (false, None) => {}
        }
    }
    for row in &books.rows {
        if made.contains(&row.id) {
            continue;
        }
        let kind = match row.kind {
            Kind::Sale => "sale",
            Kind::Void => "void",
            Kind::Refund => "refund",
        };
        assert_eq!(
            legless.rows.get(&row.id),
            Some(&(
                kind.to_owned(),
                row.voucher_no.clone(),
                row.amount.0,
                row.operator_no.clone()
            )),
            "{:?} {} of batch {} was made by no approved leg",
            row.kind,
            row.voucher_no,
            row.batch_no
        );
    }
    for batch in 1..books.batch_no {
        assert!(
            closed_by.contains_key(&batch) != legless.batches.contains(&batch),
            "batch {batch} is closed without an approved settlement, or by two"
        );
    }
    for batch in &legless.batches {
        assert!(*batch < books.batch_no, "batch {batch} is still open");
    }
}

/// Holds the terminal's legs to the acquirer's ledger, transaction by transaction:
/// the acquirer received nothing the terminal had not persisted first; a sale or
/// void approved here was approved there with the same numbers, a declined one was
/// declined there, a reversed one stands nowhere; a batch closed here was settled
/// there with the same totals, and a batch the acquirer settled is closed here (or
/// its settlement leg is still open); what the acquirer approved has its leg approved
/// or still open here; and at the acquirer too no sale is voided twice, nor a sale
/// voided that it does not hold. With `reconciled`, still open means in manual
/// handling.
pub fn check_with_acquirer(legs: &[LegRecord], acquirer: &acquirer::Acquirer, reconciled: bool) {
    use acquirer::{Key, Standing};
    use std::collections::HashMap;

    let ledger = acquirer.ledger();
    let mut legs_of: HashMap<Key, Vec<&LegRecord>> = HashMap::new();
    for leg in legs {
        legs_of.entry(Key::of(&leg.request)).or_default().push(leg);
    }
    for (key, amount) in acquirer.received() {
        let legs = legs_of
            .get(&key)
            .unwrap_or_else(|| panic!("the acquirer received {key:?}, which no leg persisted"));
        assert!(
            legs.iter().any(|l| l.request.amount == amount),
            "the acquirer received {key:?} for {amount:?}, no leg of it was"
        );
    }
    for leg in legs {
        let key = Key::of(&leg.request);
        let what = format!("{key:?}, leg {} ({})", leg.leg_id, leg.state);
        let standing = ledger.get(&key);
        let open_ok = !reconciled || leg.state == "manual";
        match (leg.state.as_str(), standing) {
            ("approved", Some(Standing::Approved { amount, .. })) => {
                assert_eq!(*amount, leg.request.amount, "{what}")
            }
            ("approved", other) => panic!("{what} is approved here, at the acquirer {other:?}"),
            ("declined", Some(Standing::Approved { .. }))
                if key.kind() == voidguard::LegKind::Settlement =>
            {
                // A settlement declined here may have been asked for again and
                // approved then: that later leg is checked on its own.
                assert!(
                    legs_of[&key].iter().any(|l| l.leg_id > leg.leg_id),
                    "{what}: declined here, settled at the acquirer"
                );
            }
            ("declined", other) => {
                assert_eq!(other, Some(&Standing::Declined), "{what}: declined here")
            }
            ("reversed", Some(Standing::Approved { .. }))
                if key.kind() == voidguard::LegKind::Settlement =>
            {
                assert!(
                    legs_of[&key].iter().any(|l| l.leg_id > leg.leg_id),
                    "{what}: reversed here, settled at the acquirer"
                );
            }
            ("reversed", other) => assert!(
                !matches!(other, Some(Standing::Approved { .. })),
                "{what}: reversed here, {other:?} at the acquirer"
            ),
            (_, _) => assert!(open_ok, "{what} is left without an outcome"),
        }
    }
    let mut voids_of: HashMap<(String, String), u32> = HashMap::new();
    for (key, standing) in &ledger {
        let Standing::Approved {
            original_voucher_no,
            amount,
            totals,
            ..
        } = standing
        else {
            continue;
        };
        let legs = &legs_of[key];
        assert!(
            legs.iter()
                .any(|l| l.approved() || (!l.resolved() && (!reconciled || l.state == "manual"))),
            "the acquirer approved {key:?}; here its legs are {:?}",
            legs.iter().map(|l| &l.state).collect::<Vec<_>>()
        );
        if let (Key::Settlement { .. }, Some(totals)) = (key, totals) {
            for leg in legs.iter().filter(|l| l.approved()) {
                let voidguard::LegDetail::Settlement { totals: sent } = &leg.request.detail else {
                    unreachable!()
                };
                assert_eq!(sent, totals, "{key:?}: the totals settled at the acquirer");
            }
        }
        if let Key::Void { batch_no, .. } = key {
            let original = original_voucher_no.clone().unwrap();
            let sale = Key::Sale {
                batch_no: batch_no.clone(),
                voucher_no: original.clone(),
            };
            match ledger.get(&sale) {
                Some(Standing::Approved { amount: sold, .. }) => {
                    assert_eq!(sold, amount, "{key:?} voids its sale's amount")
                }
                other => panic!("the acquirer voided {sale:?}, which stands {other:?} there"),
            }
            let n = voids_of.entry((batch_no.clone(), original)).or_default();
            *n += 1;
            assert_eq!(*n, 1, "the acquirer voided {sale:?} twice");
        }
    }
}

impl Fixture {
    /// Like [`Fixture::ready_with_config`], with `host` as the host link.
    pub fn ready_on_host_with_config(
        host: Arc<dyn HostLink>,
        adjust: impl FnOnce(&mut TerminalConfig),
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("voidguard.db");
        let key_file = dir.path().join("voidguard.key");
        let clock = TestClock::at(START_MS);
        let mut config = config(&db);
        adjust(&mut config);
        let keys = KeyFileWrapper::open_or_create(&key_file).unwrap();
        let terminal = Terminal::open_with(config, &keys, Some(host.clone()), clock.clone())
            .map_err(VoidGuardError::from)
            .unwrap();
        let f = Self {
            dir,
            db,
            key_file,
            clock,
            host: Some(host),
            terminal: Open(Some(terminal)),
        };
        f.make_ready();
        f
    }

    /// Every byte the terminal keeps beside it: the database, its write-ahead log,
    /// the key file and the mark.
    pub fn file_bytes(&self) -> Vec<(PathBuf, Vec<u8>)> {
        std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| {
                let path = e.unwrap().path();
                let bytes = std::fs::read(&path).unwrap();
                (path, bytes)
            })
            .collect()
    }
}
