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

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags, OptionalExtension};
#[path = "../tests/common/mod.rs"]
mod common;

use common::soak::{
    fail, hire, missing_cashiers, open_batch, refund_request, refusal_name, sale_request, sales_of,
    say, say_refund, say_settled, settled_sales, soak_config, unless_host_failed, CASHIERS,
    MAX_RUN,
};
use common::{Rng, TestClock, CASHIER_PASSWORD, PASSWORD};
use voidguard::host::iso::{read_master_key, Iso8583HostLink, IsoLinkConfig};
use voidguard::{
    Clock, HostLeg, HostLink, KeyFileWrapper, LegDetail, LegKind, LegState, Resolution, Terminal,
    Transaction, VoidGuardError, VoidRequest,
};

/// How long the link waits for an answer; the test's host delays answers beyond it.
pub const READ_TIMEOUT: Duration = Duration::from_millis(250);

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
    clock: Arc<TestClock>,
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
        let batch = open_batch(&self.terminal);
        if batch == self.batch_no {
            return;
        }
        self.sales = sales_of(&self.terminal, Some(batch.clone()));
        self.batch_no = batch;
    }

    /// Sales of batches already closed (the latest 500), for refunds.
    fn read_settled(&mut self) {
        self.read_batch();
        self.settled = settled_sales(&self.terminal, &self.batch_no);
    }

    fn step(&mut self) {
        self.clock.advance(self.rng.range(1_000, 20_000));
        match self.rng.below(100) {
            0..=39 => self.sale(),
            40..=54 => self.refund(),
            55..=79 => self.void(),
            80..=89 => self.settle(),
            _ => self.host_chores(),
        }
    }

    fn sale(&mut self) {
        let request = sale_request(&mut self.rng);
        say!("try sale @{}", self.now());
        match unless_host_failed("sale", self.terminal.record_sale(request)) {
            None => {}
            Some(Ok(sale)) => {
                say!(
                    "ack sale {} {} {} {}",
                    sale.batch_no,
                    sale.voucher_no,
                    sale.amount.0,
                    sale.rrn
                );
                self.sales.push(sale);
            }
            Some(Err(e)) => self.refused("sale", e),
        }
    }

    fn refund(&mut self) {
        if self.settled.is_empty() {
            return self.sale();
        }
        let i = self.rng.below(self.settled.len() as u64) as usize;
        let sale = self.settled[i].clone();
        let request = refund_request(&mut self.rng, &sale);
        say!(
            "try refund {} {} @{}",
            sale.batch_no,
            sale.voucher_no,
            self.now()
        );
        match unless_host_failed("refund", self.terminal.refund(request)) {
            None => {}
            Some(Ok(outcome)) => say_refund(&outcome),
            Some(Err(e)) => self.refused("refund", e),
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
        match unless_host_failed("settlement", self.terminal.settle()) {
            None => {}
            Some(Ok(r)) => {
                say_settled(&r);
                self.settled.append(&mut self.sales);
                self.batch_no = r.next_batch_no;
            }
            Some(Err(e)) => self.refused("settle", e),
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
        let missing = missing_cashiers(&self.terminal);
        if !missing.is_empty() {
            hire(&self.terminal, &missing);
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
    let clock = TestClock::at(start_ms.parse().expect("start ms"));
    let master = read_master_key(Path::new(master_file)).expect("master key file");
    let mut link_config = IsoLinkConfig::new(format!("tcp://{address}"));
    link_config.connect_timeout = Duration::from_millis(500);
    link_config.read_timeout = READ_TIMEOUT;
    let link = Arc::new(Iso8583HostLink::new(link_config, master));
    let as_link: Arc<dyn HostLink> = link.clone();
    let keys = KeyFileWrapper::open_or_create(key_file).expect("key file");
    let mark: Arc<dyn voidguard::RollbackMark> =
        Arc::new(voidguard::MarkFile::beside_key_file(Path::new(key_file)));
    let terminal = Terminal::open_marked(
        soak_config(db),
        &keys,
        Some(as_link),
        clock.clone(),
        Some(mark),
    )
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
