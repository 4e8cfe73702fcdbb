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
//! Usage: `crash_child <db> <key file> <seed> <start ms> simulator` (the built-in
//! simulator, told to approve, decline or time out at random), or
//! `crash_child <db> <key file> <seed> <start ms> flaky <acquirer ledger>`: a host in
//! this process that approves, declines, loses the request or loses the answer at
//! random, for every kind of leg, and files what it did in the acquirer's ledger
//! (`tests/common/acquirer.rs`) before it answers, so the test can compare the two
//! ledgers after the kill.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::acquirer::{self, Acquirer, Decision, Standing};
use common::soak::{
    fail, hire, missing_cashiers, open_batch, refund_request, refusal_name, sale_request, sales_of,
    say, say_refund, say_settled, settled_sales, soak_config, unless_host_failed, CASHIERS,
    MAX_RUN,
};
use common::{Rng, TestClock, CASHIER_PASSWORD, PASSWORD, SECRET_HEX, WRONG_PASSWORD};
use voidguard::backoffice::{self, Action};
use voidguard::{
    Application, Clock, Fen, HostError, HostLeg, HostLink, HostReply, HostRequest, KeyFileWrapper,
    LegDetail, LegKind, LegState, RequestKind, Resolution, ReversalReason, ReversalReply,
    SimulatorMode, Terminal, Transaction, VoidGuardError, VoidOutcome, VoidRequest,
};

/// The acquirer, reached after a moment on the network (so kills land in the host leg
/// too): approves, declines, never gets the request or loses its answer, at random,
/// for sales, voids and settlements alike, and answers reversals from its ledger
/// (or not at all, half the time, so legs go on to manual handling too).
struct FlakyHost {
    acquirer: Acquirer,
    rng: Mutex<Rng>,
}

/// Up to 15 ms, as the host leg or the payment app takes.
fn latency(rng: &mut Rng) {
    std::thread::sleep(Duration::from_micros(rng.below(15_000)));
}

impl FlakyHost {
    fn decision(rng: &mut Rng) -> Decision {
        match rng.below(10) {
            0..=5 => Decision::Approve,
            6 => Decision::Decline,
            7 => Decision::ApproveAnswerLost,
            _ => Decision::Lost,
        }
    }

    /// What the acquirer says on the phone about a leg in manual handling: an
    /// approval it holds is confirmed, or (sales and voids, now and then) reversed
    /// there and then; anything else never happened.
    fn by_phone(&self, request: &HostRequest) -> Resolution {
        let undo = self.rng.lock().unwrap().below(3) == 0;
        match self.acquirer.reverse(request, undo) {
            ReversalReply::Approved { rrn, auth_code } => Resolution::Approved { rrn, auth_code },
            ReversalReply::Reversed => Resolution::NeverHappened,
        }
    }

    /// The answer the payment app hands back late, after a restart, for a request the
    /// killed process sent: what the acquirer decided, or decides now if the request
    /// is only arriving; none once it was reversed.
    fn late_answer(&self, request: &HostRequest) -> HostReply {
        match self.acquirer.standing(request) {
            Some(Standing::Approved { rrn, auth_code, .. }) => {
                HostReply::Approved { rrn, auth_code }
            }
            Some(Standing::Declined) => HostReply::Declined {
                response_code: acquirer::DECLINE_CODE.into(),
            },
            Some(Standing::Reversed) => HostReply::NoAnswer,
            None => self.send(request.clone()).unwrap_or(HostReply::NoAnswer),
        }
    }
}

impl HostLink for FlakyHost {
    fn send(&self, request: HostRequest) -> Result<HostReply, HostError> {
        let decision = {
            let mut rng = self.rng.lock().unwrap();
            latency(&mut rng);
            Self::decision(&mut rng)
        };
        self.acquirer.receive(&request, decision)
    }

    fn reverse(
        &self,
        request: HostRequest,
        _reason: ReversalReason,
    ) -> Result<ReversalReply, HostError> {
        let (lost, undo) = {
            let mut rng = self.rng.lock().unwrap();
            latency(&mut rng);
            (rng.below(2) == 0, rng.below(2) == 0)
        };
        if lost {
            return Err(HostError::Timeout);
        }
        Ok(self.acquirer.reverse(&request, undo))
    }
}

struct Day {
    terminal: Terminal,
    clock: Arc<TestClock>,
    rng: Rng,
    /// The acquirer behind the host link; `None` on the built-in simulator.
    host: Option<Arc<FlakyHost>>,
    secret: Vec<u8>,
    /// The open batch and its sales as far as this process knows.
    batch_no: String,
    sales: Vec<Transaction>,
    /// Sales of closed batches: what refunds are tried on.
    settled: Vec<Transaction>,
    /// The cashier signed in now.
    signed_in: &'static str,
}

impl Day {
    fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// After a restart: the sales of the open batch, a lockout to wait out or lift,
    /// and legs left waiting for the host.
    fn pick_up(&mut self) {
        self.staff();
        self.be_unlocked();
        self.late_answers();
        self.host_chores();
        self.read_batch();
        // Sales settled before the kill, so a restarted child refunds too.
        self.settled = settled_sales(&self.terminal, &self.batch_no);
    }

    /// The sales of the open batch, read again when it may have been closed.
    fn read_batch(&mut self) {
        let batch = open_batch(&self.terminal);
        if batch == self.batch_no {
            return;
        }
        self.sales = sales_of(&self.terminal, Some(batch.clone()));
        self.batch_no = batch;
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
            let late = pending.state == LegState::AwaitingAnswer && pending.kind == LegKind::Void;
            if !late || self.rng.below(2) == 0 {
                continue;
            }
            let reply = match &self.host {
                Some(host) => host.late_answer(&pending.request),
                None => self.host_reply(),
            };
            say!("try late {} @{}", pending.leg_id, self.now());
            let outcome = self
                .terminal
                .complete_void(pending.leg_id, reply)
                .unwrap_or_else(|e| fail("late answer", e));
            self.ack_outcome(&outcome, voucher_of(&pending));
            if outcome.state.is_resolved() {
                // Whatever it says, a second answer is ignored.
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

    /// A random answer, for the simulated host and for repeated answers.
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
            0..=27 => self.sale(),
            28..=39 => self.refund(),
            40..=54 => self.void_in_one_call(),
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

    /// Tells the simulator how to answer the next leg; the flaky host decides itself.
    fn set_host(&mut self) {
        let mode = match self.rng.below(20) {
            0..=14 => SimulatorMode::Approve,
            15 | 16 => SimulatorMode::Decline,
            _ => SimulatorMode::Timeout,
        };
        self.set_mode(mode);
    }

    fn set_mode(&self, mode: SimulatorMode) {
        if self.host.is_none() {
            self.terminal
                .set_simulator_mode(mode)
                .unwrap_or_else(|e| fail("simulator mode", e));
        }
    }

    fn sale(&mut self) {
        let request = sale_request(&mut self.rng);
        self.set_host();
        say!("try sale @{}", self.now());
        let result = self.terminal.record_sale(request);
        self.set_mode(SimulatorMode::Approve);
        match unless_host_failed("sale", result) {
            None => {}
            Some(Ok(sale)) => {
                say!(
                    "ack sale {} {} {} {}",
                    sale.batch_no,
                    sale.voucher_no,
                    sale.amount.0,
                    self.signed_in
                );
                self.sales.push(sale);
            }
            Some(Err(e)) => self.refused("sale", e),
        }
    }

    /// A part (now and then more than is left) of a sale of a settled batch, by its
    /// reference number and date.
    fn refund(&mut self) {
        if self.settled.is_empty() {
            return self.sale();
        }
        let i = self.rng.below(self.settled.len() as u64) as usize;
        let sale = self.settled[i].clone();
        let request = refund_request(&mut self.rng, &sale);
        self.be_unlocked();
        self.set_host();
        say!(
            "try refund {} {} @{}",
            sale.batch_no,
            sale.voucher_no,
            self.now()
        );
        let result = self.terminal.refund(request);
        self.set_mode(SimulatorMode::Approve);
        match unless_host_failed("refund", result) {
            None => {}
            Some(Ok(outcome)) => say_refund(&outcome),
            Some(Err(e)) => self.refused("refund", e),
        }
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
            self.clock.at_least(until_ms);
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

    fn void_in_one_call(&mut self) {
        let Some(sale) = self.pick() else {
            return self.sale();
        };
        self.be_unlocked();
        self.set_host();
        let request = self.request(&sale, PASSWORD);
        say!(
            "try void1 {} {} @{}",
            sale.batch_no,
            sale.voucher_no,
            self.now()
        );
        let result = self.terminal.void_transaction(request);
        self.set_mode(SimulatorMode::Approve);
        match result {
            Ok(outcome) => self.ack_outcome(&outcome, "-"),
            Err(VoidGuardError::HostDeclined { .. }) => {
                say!("ack declined {} {} -", sale.batch_no, sale.voucher_no)
            }
            Err(VoidGuardError::HostUnreachable | VoidGuardError::HostReversed) => {
                say!("ack unanswered {} {} -", sale.batch_no, sale.voucher_no)
            }
            Err(e) => self.refused("void", e),
        }
    }

    /// The payment app's way: the terminal persists the void, the app takes the
    /// request to the acquirer, and its answer is recorded by a second call.
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
            Err(e) => return self.refused("begin void", e),
        };
        say!(
            "ack begun {} {} {} {}",
            pending.leg_id,
            sale.batch_no,
            sale.voucher_no,
            voucher_of(&pending)
        );
        let reply = match &self.host {
            Some(host) => host
                .send(pending.request.clone())
                .unwrap_or(HostReply::NoAnswer),
            None => {
                latency(&mut self.rng);
                self.host_reply()
            }
        };
        say!("try complete {} @{}", pending.leg_id, self.now());
        let outcome = self
            .terminal
            .complete_void(pending.leg_id, reply)
            .unwrap_or_else(|e| fail("complete", e));
        self.ack_outcome(&outcome, voucher_of(&pending));
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
    fn refused(&mut self, what: &str, e: VoidGuardError) {
        let Some(name) = refusal_name(&e) else {
            fail(what, e);
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
            Err(e) => self.refused("wrong password", e),
        }
    }

    fn settle(&mut self) {
        self.set_host();
        say!("try settle @{}", self.now());
        let result = self.terminal.settle();
        self.set_mode(SimulatorMode::Approve);
        match unless_host_failed("settlement", result) {
            None => {}
            Some(Ok(r)) => {
                say_settled(&r);
                self.settled.append(&mut self.sales);
                self.batch_no = r.next_batch_no;
            }
            Some(Err(e)) => self.refused("settle", e),
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
        // A settlement confirmed by its reversal's answer closed the batch.
        self.read_batch();
    }

    /// Reversals due are retried; legs handed over for manual handling are closed
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
            // The supervisor's password is the void password: a lock is waited out or
            // lifted first.
            self.be_unlocked();
            // What the acquirer says on the phone, recorded by the supervisor.
            let resolution = match &self.host {
                Some(host) => host.by_phone(&pending.request),
                None if self.rng.below(2) == 0 => Resolution::Approved {
                    rrn: self.rng.digits(12),
                    auth_code: self.rng.digits(6),
                },
                None => Resolution::NeverHappened,
            };
            say!("try manual {} @{}", pending.leg_id, self.now());
            let leg = self
                .terminal
                .resolve_leg(
                    pending.leg_id,
                    resolution,
                    PASSWORD.into(),
                    "acquirer hotline".into(),
                )
                .unwrap_or_else(|e| fail("manual resolution", e));
            self.ack_resolved(&leg);
        }
        self.read_batch();
    }

    /// Acknowledges a leg closed by hand as the act it was.
    fn ack_resolved(&mut self, leg: &HostLeg) {
        let batch = &leg.request.batch_no;
        let voucher = voucher_of(leg);
        let original = leg.original_voucher_no.as_deref().unwrap_or("-");
        match (leg.state, &leg.request.detail) {
            (LegState::Approved, LegDetail::Sale { .. }) => {
                let sale = self
                    .terminal
                    .find_transaction(voucher.into())
                    .unwrap_or_else(|e| fail("find", e))
                    .expect("a sale approved by hand is journaled");
                say!(
                    "ack sale {batch} {voucher} {} {}",
                    sale.amount.0,
                    sale.operator_no
                );
                self.sales.push(sale);
            }
            (LegState::Approved, LegDetail::Void { .. }) => {
                say!("ack void {batch} {original} {voucher} {}", leg.amount.0)
            }
            (LegState::Approved, LegDetail::Refund { .. }) => {
                say!("ack refund {batch} {voucher} {}", leg.amount.0)
            }
            (LegState::Approved, LegDetail::Settlement { totals: t }) => {
                say!(
                    "ack settled {batch} {} {} {} {}",
                    t.sale_count,
                    t.sale_total.0,
                    t.void_count,
                    t.void_total.0
                );
                self.settled.append(&mut self.sales);
            }
            (LegState::Reversed, _) => say!("ack reversed {batch} {original} {voucher}"),
            (state, _) => panic!("a leg resolved by hand is {state:?}"),
        }
    }

    /// The administrator adds the cashiers a fresh terminal lacks; one of them signs in.
    fn staff(&mut self) {
        let missing = missing_cashiers(&self.terminal);
        if !missing.is_empty() {
            say!("try staff @{}", self.now());
            hire(&self.terminal, &missing);
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

/// A leg's voucher number as the protocol writes it (`-` for a settlement).
fn voucher_of(leg: &HostLeg) -> &str {
    leg.voucher_no.as_deref().unwrap_or("-")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: crash_child <db> <key file> <seed> <start ms> \
                 <simulator | flaky <acquirer ledger>>";
    let (db, key_file, seed, start_ms, host) = match args.as_slice() {
        [_, db, key, seed, start, mode] if mode == "simulator" => (db, key, seed, start, None),
        [_, db, key, seed, start, mode, ledger] if mode == "flaky" => {
            (db, key, seed, start, Some(ledger))
        }
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    let seed: u64 = seed.parse().expect("seed");
    let clock = TestClock::at(start_ms.parse().expect("start ms"));
    let host = host.map(|ledger| {
        Arc::new(FlakyHost {
            acquirer: Acquirer::open(std::path::Path::new(ledger)),
            rng: Mutex::new(Rng(seed ^ 0x0f0f_f0f0)),
        })
    });
    let link = host.clone().map(|h| h as Arc<dyn HostLink>);
    let keys = KeyFileWrapper::open_or_create(key_file).expect("key file");
    // The mark beside the key file, as the desktop keeps it: a kill between a commit
    // and the mark's update must leave a database that opens (ahead of its mark).
    let mark: Arc<dyn voidguard::RollbackMark> = Arc::new(voidguard::MarkFile::beside_key_file(
        std::path::Path::new(key_file),
    ));
    let terminal = Terminal::open_marked(soak_config(db), &keys, link, clock.clone(), Some(mark))
        .unwrap_or_else(|e| fail("open", e.into()));
    say!("ready");
    let mut day = Day {
        terminal,
        clock,
        rng: Rng(seed),
        host,
        secret: voidguard::crypto::from_hex(SECRET_HEX).expect("secret"),
        batch_no: String::new(),
        sales: Vec::new(),
        settled: Vec::new(),
        signed_in: CASHIERS[0],
    };
    day.pick_up();
    let started = Instant::now();
    while started.elapsed() < MAX_RUN {
        day.step();
    }
}
