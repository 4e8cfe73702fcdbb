//! The child process of the crash test (`tests/crash_kill.rs`): a merchant's terminal
//! that sells, voids (in one call, and in the two phases with the host's answer in
//! between), settles, keys wrong void passwords and has lockouts lifted, against one
//! database, until the test kills it with SIGKILL.
//!
//! It speaks only through the public API and reports on stdout, one line per event,
//! each written and flushed in one go: `try <op> …` just before a call and
//! `ack <result> …` only after the call returned. What it acknowledged the core must
//! keep, whenever the kill lands.
//!
//! Usage: `crash_child <db> <key file> <seed> <start ms> <simulator|scripted>`
//! (`scripted`: a host in this process that approves, declines or times out at random).

use std::io::Write;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use voidguard::backoffice::{self, Action};
use voidguard::vault::kdf::MIN_ITERATIONS;
use voidguard::{
    Application, Clock, Fen, HostError, HostLink, HostReply, HostRequest, JournalQuery,
    KeyFileWrapper, LegState, RequestKind, Resolution, ReversalReply, SaleRequest, SimulatorMode,
    Terminal, TerminalConfig, Transaction, TransactionKind, VoidGuardError, VoidOutcome,
    VoidRequest,
};

// The test's fixtures use the same values (tests/common/mod.rs, tests/crash_kill.rs).
const SECRET_HEX: &str = "7c1f9a2b5d3e4f60718293a4b5c6d7e8";
const PASSWORD: &str = "274816";
const WRONG_PASSWORD: &str = "135792";
const ADMIN_PASSWORD: &str = "58204719";
const CASHIER_PASSWORD: &str = "3817";
/// The cashiers who take turns at the counter.
const CASHIERS: [&str; 4] = ["01", "02", "03", "04"];
/// A killed child must not outlive a test that stopped watching it.
const MAX_RUN: Duration = Duration::from_secs(120);

/// The configuration the crash test opens the terminal with: cheap key derivation,
/// and daily void limits that do not stop a long soak.
fn config(db: &str) -> TerminalConfig {
    let mut config = TerminalConfig::new(db);
    config.kdf_iterations = MIN_ITERATIONS;
    config.daily_void_count_limit = 1_000_000;
    config.daily_void_amount_limit = Fen(i64::MAX / 4);
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

    fn digits(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
}

/// Time as the child lets it pass: a few seconds per operation, and a lockout is
/// waited out by moving to its end.
struct StepClock(AtomicI64);

impl StepClock {
    fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
    fn set(&self, ms: i64) {
        self.0.fetch_max(ms, Ordering::SeqCst);
    }
}

impl Clock for StepClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// An acquirer that approves, declines or does not answer, at random, after a
/// moment on the network (so kills land in the host leg too).
struct FlakyHost(Mutex<Rng>);

/// Up to 15 ms, as the host leg or the payment app takes.
fn latency(rng: &mut Rng) {
    std::thread::sleep(Duration::from_micros(rng.below(15_000)));
}

impl HostLink for FlakyHost {
    fn authorise_void(&self, _request: HostRequest) -> Result<HostReply, HostError> {
        let mut rng = self.0.lock().unwrap();
        latency(&mut rng);
        match rng.below(10) {
            0..=6 => Ok(HostReply::Approved {
                rrn: rng.digits(12),
                auth_code: rng.digits(6),
            }),
            7 => Ok(HostReply::Declined {
                response_code: "51".into(),
            }),
            _ => Err(HostError::Timeout),
        }
    }

    fn reverse_void(&self, _request: HostRequest) -> Result<ReversalReply, HostError> {
        let mut rng = self.0.lock().unwrap();
        latency(&mut rng);
        match rng.below(10) {
            0..=5 => Ok(ReversalReply::Reversed),
            6 | 7 => Ok(ReversalReply::Approved {
                rrn: rng.digits(12),
                auth_code: rng.digits(6),
            }),
            _ => Err(HostError::Timeout),
        }
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
        VoidGuardError::AmountMismatch => "AmountMismatch",
        VoidGuardError::VoidInProgress { .. } => "VoidInProgress",
        VoidGuardError::PendingHostWork { .. } => "PendingHostWork",
        _ => return None,
    })
}

struct Day {
    terminal: Terminal,
    clock: Arc<StepClock>,
    rng: Rng,
    simulated: bool,
    secret: Vec<u8>,
    /// Sales of the open batch as far as this process knows.
    sales: Vec<Transaction>,
    /// The cashier signed in now.
    signed_in: &'static str,
}

impl Day {
    fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// After a restart: the sales of the open batch, a lockout to wait out or lift,
    /// and voids left waiting for the host.
    fn pick_up(&mut self) {
        let batch = match self.terminal.status() {
            Ok(status) => status.batch_no,
            Err(e) => fail("status", e),
        };
        let page = self
            .terminal
            .journal(JournalQuery {
                batch_no: Some(batch),
                kind: Some(TransactionKind::Sale),
                limit: 500,
                ..Default::default()
            })
            .unwrap_or_else(|e| fail("journal", e));
        self.sales = page.items;
        self.staff();
        self.be_unlocked();
        self.late_answers();
        self.host_chores();
    }

    /// A void the killed process sent may still get its answer from the payment app
    /// after the restart: it is recorded by the second call (DESIGN §2), and the same
    /// call repeated changes nothing.
    fn late_answers(&mut self) {
        let work = self
            .terminal
            .pending_host_work()
            .unwrap_or_else(|e| fail("pending host work", e));
        for pending in work {
            if pending.state != LegState::AwaitingAnswer || self.rng.below(2) == 0 {
                continue;
            }
            let reply = self.host_reply();
            say!("try late {} @{}", pending.leg_id, self.now());
            let outcome = self
                .terminal
                .complete_void(pending.leg_id, reply)
                .unwrap_or_else(|e| fail("late answer", e));
            self.ack_outcome(&outcome, &pending.void_voucher_no);
            if outcome.state.is_resolved() {
                let reply = self.host_reply();
                say!("try retry {} @{}", pending.leg_id, self.now());
                let again = self
                    .terminal
                    .complete_void(pending.leg_id, reply)
                    .unwrap_or_else(|e| fail("repeated answer", e));
                assert_eq!(again, outcome, "a repeated answer changes nothing");
                say!("ack same");
            }
        }
    }

    fn host_reply(&mut self) -> HostReply {
        match self.rng.below(20) {
            0..=12 => HostReply::Approved {
                rrn: self.rng.digits(12),
                auth_code: self.rng.digits(6),
            },
            13..=15 => HostReply::Declined {
                response_code: "51".into(),
            },
            _ => HostReply::NoAnswer,
        }
    }

    fn step(&mut self) {
        self.clock.advance(self.rng.range(1_000, 20_000));
        match self.rng.below(100) {
            0..=34 => self.sale(),
            35..=54 => self.void_in_one_call(),
            55..=69 => self.void_in_two_phases(),
            // In bursts, so lockouts and lifts happen between verified passwords.
            70..=77 => {
                for _ in 0..self.rng.range(1, 6) {
                    self.wrong_password();
                }
            }
            78..=82 => self.settle(),
            83..=87 => self.reconcile(),
            88..=90 => self.change_of_shift(),
            _ => self.look_up(),
        }
    }

    fn sale(&mut self) {
        let fen = self.rng.range(1, 500_000);
        say!("try sale @{}", self.now());
        let sale = self
            .terminal
            .record_sale(SaleRequest {
                amount: Fen(fen).to_decimal_string(),
                card_number: "6222021234567890123".into(),
                card_scheme: "UnionPay".into(),
            })
            .unwrap_or_else(|e| fail("sale", e));
        say!(
            "ack sale {} {} {} {}",
            sale.batch_no,
            sale.voucher_no,
            sale.amount.0,
            self.signed_in
        );
        self.sales.push(sale);
    }

    fn pick(&mut self) -> Option<Transaction> {
        if self.sales.is_empty() {
            return None;
        }
        let i = self.rng.below(self.sales.len() as u64) as usize;
        Some(self.sales[i].clone())
    }

    fn request(&mut self, sale: &Transaction, password: &str) -> VoidRequest {
        let mut amount = sale.amount;
        if self.rng.below(20) == 0 {
            amount = Fen(amount.0 + 1);
        }
        VoidRequest {
            voucher_no: sale.voucher_no.clone(),
            date: sale.business_date.clone(),
            amount: amount.to_decimal_string(),
            password: password.into(),
            reason: "customer_request".into(),
        }
    }

    /// The merchant waits out a timed lock; the back office lifts the other kind.
    fn be_unlocked(&mut self) {
        let vault = self
            .terminal
            .vault_status()
            .unwrap_or_else(|e| fail("vault status", e));
        if vault.locked_until_lifted {
            self.lift();
        } else if let Some(until_ms) = vault.locked_until_ms {
            self.clock.set(until_ms);
        }
    }

    fn lift(&mut self) {
        say!("try lift @{}", self.now());
        let application = Application {
            reason: "解除撤销限制".into(),
            id_type: "resident_id".into(),
            id_number: "11010519491231002X".into(),
            licence_no: "91110000802100433B".into(),
            contact: "138 0013 8000".into(),
        };
        let apply = || {
            self.terminal
                .apply_for(RequestKind::LiftRestriction, application.clone())
        };
        let mut applied = apply();
        if let Err(VoidGuardError::RequestLimitReached { .. }) = applied {
            // Today's requests are used up: the merchant applies again tomorrow.
            self.clock.advance(24 * 3_600_000);
            applied = apply();
        }
        let request_code = match applied {
            Ok(ticket) => ticket.request_code,
            // Applied for before the last kill: the same request is answered.
            Err(VoidGuardError::RequestAlreadyOpen { request_code }) => request_code,
            Err(e) => fail("apply for a lift", e),
        };
        let approval = backoffice::approval_code(&self.secret, Action::Lift, &request_code);
        self.terminal
            .redeem_approval(request_code, approval, None)
            .unwrap_or_else(|e| fail("redeem a lift", e));
        say!("ack lifted");
    }

    fn set_host(&self, mode: SimulatorMode) {
        if self.simulated {
            self.terminal
                .set_simulator_mode(mode)
                .unwrap_or_else(|e| fail("simulator mode", e));
        }
    }

    fn void_in_one_call(&mut self) {
        let Some(sale) = self.pick() else {
            return self.sale();
        };
        self.be_unlocked();
        let mode = match self.rng.below(20) {
            0..=14 => SimulatorMode::Approve,
            15 | 16 => SimulatorMode::Decline,
            _ => SimulatorMode::Timeout,
        };
        self.set_host(mode);
        let request = self.request(&sale, PASSWORD);
        say!(
            "try void1 {} {} @{}",
            sale.batch_no,
            sale.voucher_no,
            self.now()
        );
        let result = self.terminal.void_transaction(request);
        self.set_host(SimulatorMode::Approve);
        match result {
            Ok(outcome) => self.ack_outcome(&outcome, "-"),
            Err(VoidGuardError::HostDeclined { .. }) => {
                say!("ack declined {} {} -", sale.batch_no, sale.voucher_no)
            }
            Err(VoidGuardError::HostUnreachable) => {
                say!("ack unanswered {} {} -", sale.batch_no, sale.voucher_no)
            }
            Err(e) => self.refused(e),
        }
    }

    fn void_in_two_phases(&mut self) {
        let Some(sale) = self.pick() else {
            return self.sale();
        };
        self.be_unlocked();
        let request = self.request(&sale, PASSWORD);
        say!(
            "try begin {} {} @{}",
            sale.batch_no,
            sale.voucher_no,
            self.now()
        );
        let pending = match self.terminal.begin_void(request) {
            Ok(pending) => pending,
            Err(e) => return self.refused(e),
        };
        say!(
            "ack begun {} {} {} {}",
            pending.leg_id,
            sale.batch_no,
            sale.voucher_no,
            pending.void_voucher_no
        );
        latency(&mut self.rng);
        let reply = self.host_reply();
        say!("try complete {} @{}", pending.leg_id, self.now());
        let outcome = self
            .terminal
            .complete_void(pending.leg_id, reply)
            .unwrap_or_else(|e| fail("complete", e));
        self.ack_outcome(&outcome, &pending.void_voucher_no);
    }

    fn ack_outcome(&mut self, outcome: &VoidOutcome, void_voucher_no: &str) {
        let (batch, voucher) = (&outcome.original.batch_no, &outcome.original.voucher_no);
        match (outcome.state, &outcome.void_transaction) {
            (LegState::Approved, Some(void)) => say!(
                "ack void {batch} {voucher} {} {}",
                void.voucher_no,
                void.amount.0
            ),
            (LegState::Declined, _) => say!("ack declined {batch} {voucher} {void_voucher_no}"),
            (LegState::Reversed, _) => say!("ack reversed {batch} {voucher} {void_voucher_no}"),
            (LegState::AwaitingReversal | LegState::NeedsManualHandling, _) => {
                say!("ack unanswered {batch} {voucher} {void_voucher_no}")
            }
            (state, _) => panic!("a void ended {state:?}"),
        }
    }

    /// A refusal the merchant is shown; waiting host work is then seen to.
    fn refused(&mut self, e: VoidGuardError) {
        let Some(name) = refusal_name(&e) else {
            fail("void", e);
        };
        say!("ack refused {name}");
        if name == "PendingHostWork" {
            self.host_chores();
        }
    }

    fn wrong_password(&mut self) {
        let Some(sale) = self.pick() else {
            return self.sale();
        };
        self.be_unlocked();
        let mut request = self.request(&sale, WRONG_PASSWORD);
        request.amount = sale.amount.to_decimal_string();
        say!(
            "try wrong {} {} @{}",
            sale.batch_no,
            sale.voucher_no,
            self.now()
        );
        let result = if self.rng.below(2) == 0 {
            self.terminal.void_transaction(request).map(|_| ())
        } else {
            self.terminal.begin_void(request).map(|_| ())
        };
        match result {
            Err(
                VoidGuardError::WrongPassword { .. }
                | VoidGuardError::LockedUntil { .. }
                | VoidGuardError::LockedUntilLifted,
            ) => {
                let failures = self
                    .terminal
                    .vault_status()
                    .unwrap_or_else(|e| fail("vault status", e))
                    .consecutive_failures;
                say!("ack wrong {failures}");
            }
            Ok(()) => panic!("a wrong password was accepted"),
            Err(e) => self.refused(e),
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
                self.sales.clear();
            }
            Err(e) => self.refused(e),
        }
    }

    fn reconcile(&mut self) {
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
    }

    /// Reversals due are retried; voids handed over for manual handling are closed
    /// with the answer the acquirer gives on the phone.
    fn host_chores(&mut self) {
        self.reconcile();
        let work = self
            .terminal
            .pending_host_work()
            .unwrap_or_else(|e| fail("pending host work", e));
        for pending in work {
            if pending.state != LegState::NeedsManualHandling {
                continue;
            }
            // What the acquirer says on the phone, recorded by the supervisor.
            let resolution = if self.rng.below(2) == 0 {
                Resolution::Approved {
                    rrn: self.rng.digits(12),
                    auth_code: self.rng.digits(6),
                }
            } else {
                Resolution::NeverHappened
            };
            say!("try manual {} @{}", pending.leg_id, self.now());
            let outcome = self
                .terminal
                .resolve_leg(
                    pending.leg_id,
                    resolution,
                    PASSWORD.into(),
                    "acquirer hotline".into(),
                )
                .unwrap_or_else(|e| fail("manual resolution", e));
            self.ack_outcome(&outcome, &pending.void_voucher_no);
        }
    }

    /// The administrator adds the cashiers a fresh terminal lacks; one of them signs in.
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
            say!("try staff @{}", self.now());
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
            say!("ack staff");
        }
        self.sign_in_a_cashier();
    }

    fn sign_in_a_cashier(&mut self) {
        let no = CASHIERS[self.rng.below(CASHIERS.len() as u64) as usize];
        say!("try sign-in {no} @{}", self.now());
        self.terminal
            .sign_in(no.into(), CASHIER_PASSWORD.into())
            .unwrap_or_else(|e| fail("sign-in", e));
        self.signed_in = no;
        say!("ack sign-in {no}");
    }

    /// One cashier signs out and another (or the same) signs in.
    fn change_of_shift(&mut self) {
        say!("try sign-out @{}", self.now());
        self.terminal
            .sign_out()
            .unwrap_or_else(|e| fail("sign-out", e));
        say!("ack sign-out");
        self.sign_in_a_cashier();
    }

    fn look_up(&mut self) {
        let Some(sale) = self.pick() else {
            return self.sale();
        };
        let found = self
            .terminal
            .find_transaction(sale.voucher_no.clone())
            .unwrap_or_else(|e| fail("find", e));
        assert_eq!(
            found.map(|t| (t.id, t.amount)),
            Some((sale.id, sale.amount)),
            "a sale this process recorded is found by its voucher"
        );
        self.terminal.status().unwrap_or_else(|e| fail("status", e));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, db, key_file, seed, start_ms, host] = args.as_slice() else {
        eprintln!("usage: crash_child <db> <key file> <seed> <start ms> <simulator|scripted>");
        std::process::exit(2);
    };
    let seed: u64 = seed.parse().expect("seed");
    let clock = Arc::new(StepClock(AtomicI64::new(
        start_ms.parse().expect("start ms"),
    )));
    let (host, simulated): (Option<Arc<dyn HostLink>>, bool) = match host.as_str() {
        "simulator" => (None, true),
        "scripted" => (
            Some(Arc::new(FlakyHost(Mutex::new(Rng(seed ^ 0x0f0f_f0f0))))),
            false,
        ),
        other => panic!("unknown host {other}"),
    };
    let keys = KeyFileWrapper::open_or_create(key_file).expect("key file");
    // The mark beside the key file, as the desktop keeps it: a kill between a commit
    // and the mark's update must leave a database that opens (ahead of its mark).
    let mark: Arc<dyn voidguard::RollbackMark> = Arc::new(voidguard::MarkFile::beside_key_file(
        std::path::Path::new(key_file),
    ));
    let terminal = Terminal::open_marked(config(db), &keys, host, clock.clone(), Some(mark))
        .unwrap_or_else(|e| fail("open", e.into()));
    say!("ready");
    let mut day = Day {
        terminal,
        clock,
        rng: Rng(seed),
        simulated,
        secret: voidguard::crypto::from_hex(SECRET_HEX).expect("secret"),
        sales: Vec::new(),
        signed_in: CASHIERS[0],
    };
    day.pick_up();
    let started = Instant::now();
    while started.elapsed() < MAX_RUN {
        day.step();
    }
}
