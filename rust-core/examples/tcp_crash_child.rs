//! The child process of the crash soak over TCP (`tests/tcp_crash_kill.rs`): a
//! merchant's terminal speaking ISO 8583 to `voidguard-host` through
//! `Iso8583HostLink`, selling, voiding, refunding sales of settled batches, settling
//! and reconciling, until the test kills it with SIGKILL. The host drops and delays
//! answers at random, and is itself killed and restarted now and then.
//!
//! It speaks only through the public API and reports on stdout, one line per event,
//! each written and flushed in one go: `try <op> @<ms>` just before a call and
//! `ack <result> …` only after the call returned.
//!
//! Legs handed over for manual handling are closed as the acquirer's hotline would
//! answer: from the host's ledger file, approved there or not (only read).
//!
//! Usage: `tcp_crash_child <db> <key file> <seed> <start ms> <host address> <host
//! ledger> <master key file>`.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use voidguard::host::iso::{read_master_key, Iso8583HostLink, IsoLinkConfig};
use voidguard::vault::kdf::MIN_ITERATIONS;
use voidguard::{
    Clock, Fen, HostLeg, HostLink, JournalQuery, KeyFileWrapper, LegDetail, LegKind, LegState,
    RefundLookup, RefundRequest, Resolution, SaleRequest, Terminal, TerminalConfig, Transaction,
    TransactionKind, VoidGuardError, VoidRequest,
};

// The test's fixtures use the same values (tests/common/mod.rs).
const PASSWORD: &str = "274816";
const ADMIN_PASSWORD: &str = "58204719";
const CASHIER_PASSWORD: &str = "3817";
const CASHIERS: [&str; 4] = ["01", "02", "03", "04"];
/// A killed child must not outlive a test that stopped watching it.
const MAX_RUN: Duration = Duration::from_secs(120);
/// How long the link waits for an answer; the test's host delays answers beyond it.
pub const READ_TIMEOUT: Duration = Duration::from_millis(250);

fn config(db: &str) -> TerminalConfig {
    let mut config = TerminalConfig::new(db);
    config.kdf_iterations = MIN_ITERATIONS;
    config.daily_void_count_limit = 1_000_000;
    config.daily_void_amount_limit = Fen(i64::MAX / 4);
    // The day's clock moves seconds per act, so the default 20 refunds a day would
    // stop refunds early in a long run (the limits have their own tests).
    config.daily_refund_count_limit = 1_000_000;
    config.daily_refund_amount_limit = Fen(i64::MAX / 4);
    config
}

/// SplitMix64: small, seeded, good enough to pick operations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn range(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next() % (high - low + 1) as u64) as i64
    }
}

struct StepClock(AtomicI64);

impl Clock for StepClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Writes one whole line and flushes it; a parent that is gone ends the child.
macro_rules! say {
    ($($arg:tt)*) => {{
        let mut line = format!($($arg)*);
        line.push('\n');
        let mut out = std::io::stdout().lock();
        if out.write_all(line.as_bytes()).and_then(|()| out.flush()).is_err() {
            std::process::exit(0);
        }
    }};
}

/// An answer no merchant could be given: the parent sees the panic and fails.
fn fail(what: &str, e: VoidGuardError) -> ! {
    panic!("{what} failed with {e:?}");
}

/// The refusals a merchant may be shown during such a day, by name.
fn refusal_name(e: &VoidGuardError) -> Option<&'static str> {
    Some(match e {
        VoidGuardError::AlreadyVoided { .. } => "AlreadyVoided",
        VoidGuardError::SettledUseRefund { .. } => "SettledUseRefund",
        VoidGuardError::NotSameBusinessDate { .. } => "NotSameBusinessDate",
        VoidGuardError::VoidInProgress { .. } => "VoidInProgress",
        VoidGuardError::PendingHostWork { .. } => "PendingHostWork",
        VoidGuardError::RefundOverBalance { .. } => "RefundOverBalance",
        VoidGuardError::RefundOfVoidedSale { .. } => "RefundOfVoidedSale",
        VoidGuardError::RefundUseVoid { .. } => "RefundUseVoid",
        VoidGuardError::DailyRefundCountLimitReached { .. } => "DailyRefundCountLimitReached",
        VoidGuardError::DailyRefundAmountLimitReached { .. } => "DailyRefundAmountLimitReached",
        VoidGuardError::RefundOverCap { .. } => "RefundOverCap",
        _ => return None,
    })
}

/// The acquirer's hotline: what the host's ledger file says of a leg.
struct Hotline {
    ledger: std::path::PathBuf,
}

impl Hotline {
    fn answer(&self, leg: &HostLeg) -> Resolution {
        // Opened for writing though only read: a host killed in the middle of a
        // commit leaves a hot journal, which the next reader must roll back, and a
        // read-only connection cannot (SQLITE_READONLY_ROLLBACK).
        let conn = Connection::open_with_flags(
            &self.ledger,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .expect("the host's ledger opens");
        conn.busy_timeout(Duration::from_secs(10))
            .expect("busy timeout");
        let r = &leg.request;
        match (&r.detail, leg.voucher_no.as_deref()) {
            (LegDetail::Settlement { .. }, _) => {
                let settled: Option<i64> = conn
                    .query_row(
                        "SELECT flag FROM settlement WHERE terminal_id = ?1 AND batch_no = ?2",
                        [&r.terminal_id, &r.batch_no],
                        |row| row.get(0),
                    )
                    .optional()
                    .expect("settlement row");
                match settled {
                    Some(_) => Resolution::Approved {
                        rrn: String::new(),
                        auth_code: String::new(),
                    },
                    None => Resolution::NeverHappened,
                }
            }
            (_, Some(voucher)) => {
                let entry: Option<(String, String, String)> = conn
                    .query_row(
                        "SELECT rrn, auth_code, status FROM entry
                         WHERE terminal_id = ?1 AND batch_no = ?2 AND stan = ?3",
                        [&r.terminal_id, &r.batch_no, voucher],
                        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                    )
                    .optional()
                    .expect("entry row");
                match entry {
                    Some((rrn, auth_code, status)) if status != "reversed" => {
                        Resolution::Approved { rrn, auth_code }
                    }
                    _ => Resolution::NeverHappened,
                }
            }
            (_, None) => Resolution::NeverHappened,
        }
    }
}

struct Day {
    terminal: Terminal,
    clock: Arc<StepClock>,
    rng: Rng,
    hotline: Hotline,
    batch_no: String,
    sales: Vec<Transaction>,
    settled: Vec<Transaction>,
}

impl Day {
    fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// After a restart: cashiers, host work left by the killed process, the batch.
    fn pick_up(&mut self) {
        self.staff();
        self.host_chores();
        self.read_settled();
    }

    fn read_batch(&mut self) {
        let batch = match self.terminal.status() {
            Ok(status) => status.batch_no,
            Err(e) => fail("status", e),
        };
        if batch == self.batch_no {
            return;
        }
        self.sales = self.sales_of(Some(batch.clone()));
        self.batch_no = batch;
    }

    fn sales_of(&self, batch_no: Option<String>) -> Vec<Transaction> {
        self.terminal
            .journal(JournalQuery {
                batch_no,
                kind: Some(TransactionKind::Sale),
                limit: 500,
                ..Default::default()
            })
            .unwrap_or_else(|e| fail("journal", e))
            .items
    }

    /// Sales of batches already closed (the latest 500), for refunds.
    fn read_settled(&mut self) {
        self.read_batch();
        let open = self.batch_no.clone();
        self.settled = self
            .sales_of(None)
            .into_iter()
            .filter(|t| t.batch_no != open)
            .collect();
    }

    fn step(&mut self) {
        self.clock
            .0
            .fetch_add(self.rng.range(1_000, 20_000), Ordering::SeqCst);
        match self.rng.below(100) {
            0..=39 => self.sale(),
            40..=54 => self.refund(),
            55..=79 => self.void(),
            80..=89 => self.settle(),
            _ => self.host_chores(),
        }
    }

    fn sale(&mut self) {
        let fen = self.rng.range(1, 500_000);
        say!("try sale @{}", self.now());
        let result = self.terminal.record_sale(SaleRequest {
            amount: Fen(fen).to_decimal_string(),
            card_number: "6222021234567890123".into(),
            card_scheme: "UnionPay".into(),
        });
        match result {
            Ok(sale) => {
                say!(
                    "ack sale {} {} {} {}",
                    sale.batch_no,
                    sale.voucher_no,
                    sale.amount.0,
                    sale.rrn
                );
                self.sales.push(sale);
            }
            Err(VoidGuardError::HostDeclined { .. }) => say!("ack declined sale"),
            Err(VoidGuardError::HostUnreachable | VoidGuardError::HostReversed) => {
                say!("ack unanswered sale")
            }
            Err(e) => self.refused("sale", e),
        }
    }

    fn refund(&mut self) {
        if self.settled.is_empty() {
            return self.sale();
        }
        let i = self.rng.below(self.settled.len() as u64) as usize;
        let sale = self.settled[i].clone();
        let fen = self.rng.range(1, sale.amount.0.max(1));
        say!(
            "try refund {} {} @{}",
            sale.batch_no,
            sale.voucher_no,
            self.now()
        );
        let result = self.terminal.refund(RefundRequest {
            lookup: RefundLookup {
                rrn: Some(sale.rrn.clone()),
                date: Some(sale.business_date.clone()),
                ..Default::default()
            },
            amount: Fen(fen).to_decimal_string(),
            password: PASSWORD.into(),
            reason: "goods_returned".into(),
        });
        match result {
            Ok(outcome) => match outcome.refund {
                Some(r) => say!("ack refund {} {} {}", r.batch_no, r.voucher_no, r.amount.0),
                None => say!("ack unanswered refund"),
            },
            Err(VoidGuardError::HostDeclined { .. }) => say!("ack declined refund"),
            Err(VoidGuardError::HostUnreachable | VoidGuardError::HostReversed) => {
                say!("ack unanswered refund")
            }
            Err(e) => self.refused("refund", e),
        }
    }

    fn void(&mut self) {
        if self.sales.is_empty() {
            return self.sale();
        }
        let i = self.rng.below(self.sales.len() as u64) as usize;
        let sale = self.sales[i].clone();
        say!(
            "try void {} {} @{}",
            sale.batch_no,
            sale.voucher_no,
            self.now()
        );
        let result = self.terminal.void_transaction(VoidRequest {
            voucher_no: sale.voucher_no.clone(),
            date: sale.business_date.clone(),
            amount: sale.amount.to_decimal_string(),
            password: PASSWORD.into(),
            reason: "customer_request".into(),
        });
        match result {
            Ok(outcome) => match (outcome.state, &outcome.void_transaction) {
                (LegState::Approved, Some(v)) => say!(
                    "ack void {} {} {} {}",
                    sale.batch_no,
                    sale.voucher_no,
                    v.voucher_no,
                    v.amount.0
                ),
                (state, _) => say!("ack unanswered void {state:?}"),
            },
            Err(VoidGuardError::HostDeclined { .. }) => say!("ack declined void"),
            Err(VoidGuardError::HostUnreachable | VoidGuardError::HostReversed) => {
                say!("ack unanswered void")
            }
            Err(e) => self.refused("void", e),
        }
    }

    fn settle(&mut self) {
        say!("try settle @{}", self.now());
        match self.terminal.settle() {
            Ok(r) => {
                say!(
                    "ack settled {} {} {} {} {}",
                    r.batch_no,
                    r.sale_count,
                    r.sale_total.0,
                    r.void_count,
                    r.void_total.0
                );
                self.settled.append(&mut self.sales);
                self.batch_no = r.next_batch_no;
            }
            Err(VoidGuardError::HostDeclined { .. }) => say!("ack declined settlement"),
            Err(VoidGuardError::HostUnreachable | VoidGuardError::HostReversed) => {
                say!("ack unanswered settlement")
            }
            Err(e) => self.refused("settle", e),
        }
    }

    fn refused(&mut self, what: &str, e: VoidGuardError) {
        let Some(name) = refusal_name(&e) else {
            fail(what, e);
        };
        say!("ack refused {name}");
        if name == "PendingHostWork" {
            self.host_chores();
        }
    }

    /// Reversals due are sent; legs in manual handling are closed with the hotline's
    /// answer.
    fn host_chores(&mut self) {
        say!("try reconcile @{}", self.now());
        let r = self
            .terminal
            .reconcile()
            .unwrap_or_else(|e| fail("reconcile", e));
        say!(
            "ack reconciled {} {} {} {}",
            r.reversed,
            r.confirmed,
            r.still_pending,
            r.needs_manual_handling
        );
        let work = self
            .terminal
            .pending_host_work()
            .unwrap_or_else(|e| fail("pending host work", e));
        for leg in work {
            if leg.state != LegState::NeedsManualHandling {
                continue;
            }
            let resolution = self.hotline.answer(&leg);
            say!("try manual {} @{}", leg.leg_id, self.now());
            let closed = self
                .terminal
                .resolve_leg(
                    leg.leg_id,
                    resolution,
                    PASSWORD.into(),
                    "acquirer hotline".into(),
                )
                .unwrap_or_else(|e| fail("manual resolution", e));
            let kind = match closed.kind {
                LegKind::Sale => "sale",
                LegKind::Void => "void",
                LegKind::Refund => "refund",
                LegKind::Settlement => "settlement",
            };
            say!("ack manual {kind} {:?}", closed.state);
        }
        self.read_batch();
    }

    fn staff(&mut self) {
        let known = self
            .terminal
            .operators()
            .unwrap_or_else(|e| fail("operators", e));
        let missing: Vec<&str> = CASHIERS
            .into_iter()
            .filter(|no| !known.iter().any(|o| o.operator_no == *no && o.active))
            .collect();
        if !missing.is_empty() {
            self.terminal
                .sign_in("99".into(), ADMIN_PASSWORD.into())
                .unwrap_or_else(|e| fail("administrator sign-in", e));
            for no in missing {
                self.terminal
                    .add_operator(no.into(), CASHIER_PASSWORD.into())
                    .unwrap_or_else(|e| fail("add operator", e));
            }
            self.terminal
                .sign_out()
                .unwrap_or_else(|e| fail("administrator sign-out", e));
        }
        let no = CASHIERS[self.rng.below(CASHIERS.len() as u64) as usize];
        self.terminal
            .sign_in(no.into(), CASHIER_PASSWORD.into())
            .unwrap_or_else(|e| fail("sign-in", e));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, db, key_file, seed, start_ms, address, host_ledger, master_file] = args.as_slice()
    else {
        eprintln!(
            "usage: tcp_crash_child <db> <key file> <seed> <start ms> <host address> \
             <host ledger> <master key file>"
        );
        std::process::exit(2);
    };
    let seed: u64 = seed.parse().expect("seed");
    let clock = Arc::new(StepClock(AtomicI64::new(
        start_ms.parse().expect("start ms"),
    )));
    let master = read_master_key(Path::new(master_file)).expect("master key file");
    let mut link_config = IsoLinkConfig::new(format!("tcp://{address}"));
    link_config.connect_timeout = Duration::from_millis(500);
    link_config.read_timeout = READ_TIMEOUT;
    let link = Arc::new(Iso8583HostLink::new(link_config, master));
    let as_link: Arc<dyn HostLink> = link.clone();
    let keys = KeyFileWrapper::open_or_create(key_file).expect("key file");
    let mark: Arc<dyn voidguard::RollbackMark> =
        Arc::new(voidguard::MarkFile::beside_key_file(Path::new(key_file)));
    let terminal =
        Terminal::open_marked(config(db), &keys, Some(as_link), clock.clone(), Some(mark))
            .unwrap_or_else(|e| fail("open", e.into()));
    terminal.send_audit_head_to(link);
    say!("ready");
    let mut day = Day {
        terminal,
        clock,
        rng: Rng(seed),
        hotline: Hotline {
            ledger: host_ledger.into(),
        },
        batch_no: String::new(),
        sales: Vec::new(),
        settled: Vec::new(),
    };
    day.pick_up();
    let started = Instant::now();
    while started.elapsed() < MAX_RUN {
        day.step();
    }
}
