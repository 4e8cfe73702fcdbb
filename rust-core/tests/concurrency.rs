//! One terminal, many callers: the app calls the core from its UI thread, background
//! work and the payment app's callback at once. Eight threads share one `Terminal`
//! (an `Arc`, as UniFFI hands it out) and run sales, voids, settlements, look-ups,
//! journal pages and status reads, while one of them also troubles the host now and
//! then (declines, lost requests, lost answers) and closes legs handed over for
//! manual handling. Every answer is either a result or a refusal a merchant can be
//! shown (a declined or unanswered leg, host work pending, a sale already voided or
//! settled), counted by act; `Busy`, storage or internal errors never reach a caller.
//! Afterwards the books keep their invariants, hold everything the threads were
//! told, agree with the legs of every kind and, with the payment app as host, with
//! the acquirer's ledger leg by leg.
//!
//! `VOIDGUARD_CONCURRENCY_OPS` sets the operations per thread (default 500;
//! `scripts/soak` runs 10000). `VOIDGUARD_CONCURRENCY_SEED` replays the choices.

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::acquirer::{Acquirer, Decision};
use common::*;
use voidguard::{
    Fen, HostError, HostLink, HostReply, HostRequest, JournalQuery, KeyFileWrapper, LegDetail,
    LegKind, LegState, RefundLookup, RefundRequest, Resolution, ReversalReason, ReversalReply,
    SaleRequest, SimulatorMode, Terminal, Transaction, TransactionKind, VoidGuardError,
    VoidRequest,
};

const THREADS: u64 = 8;
const DEFAULT_OPS: u32 = 500;

#[test]
fn eight_threads_on_one_terminal_never_see_busy_and_keep_the_books() {
    let files = Fixture::ready_with_config(unlimited_voids).close();
    let terminal = Arc::new(open_shared(&files, None));
    let simulator = terminal.clone();
    eight_threads("built-in simulator", &files, &terminal, None, move |mode| {
        simulator.set_simulator_mode(mode).unwrap()
    });
}

/// The same day with the payment app as the host link, as on a real terminal: each
/// leg commits its pending row, waits for the host, then commits the answer, while
/// the other threads go on; the acquirer behind the app keeps its ledger.
#[test]
fn eight_threads_with_the_payment_app_as_host_never_see_busy_and_keep_the_books() {
    let files = Fixture::ready_with_config(unlimited_voids).close();
    let app = Arc::new(PaymentApp::new());
    let terminal = Arc::new(open_shared(&files, Some(app.clone())));
    let modes = app.clone();
    eight_threads("payment app", &files, &terminal, Some(app), move |mode| {
        modes.set_mode(mode)
    });
}

fn open_shared(files: &ClosedFixture, host: Option<Arc<dyn HostLink>>) -> Terminal {
    let mut config = config(&files.db);
    unlimited_voids(&mut config);
    let keys = KeyFileWrapper::open(&files.key_file).unwrap();
    let terminal = Terminal::open_with(config, &keys, host, files.clock.clone())
        .map_err(VoidGuardError::from)
        .expect("the terminal opens");
    // One terminal, one counter: the threads key under the one signed-in cashier.
    terminal
        .sign_in(CASHIER.into(), CASHIER_PASSWORD.into())
        .unwrap();
    terminal
}

/// The acquirer's payment app: answers after a moment, and declines, or loses the
/// request or the answer, while the supervising thread says so. The acquirer behind
/// it keeps its ledger and answers reversals from it.
struct PaymentApp {
    /// 0 approve, 1 decline, 2 time out.
    mode: AtomicU8,
    rng: Mutex<Rng>,
    acquirer: Acquirer,
}

impl PaymentApp {
    fn new() -> Self {
        Self {
            mode: AtomicU8::new(0),
            rng: Mutex::new(Rng(0x5eed)),
            acquirer: Acquirer::in_memory(),
        }
    }

    /// What the acquirer says on the phone about a leg in manual handling: what it
    /// holds (a sale or void it approved now and then reversed there and then).
    fn by_phone(&self, request: &HostRequest, undo: bool) -> Resolution {
        match self.acquirer.reverse(request, undo) {
            ReversalReply::Approved { rrn, auth_code } => Resolution::Approved { rrn, auth_code },
            ReversalReply::Reversed => Resolution::NeverHappened,
        }
    }

    fn set_mode(&self, mode: SimulatorMode) {
        let v = match mode {
            SimulatorMode::Approve => 0,
            SimulatorMode::Decline => 1,
            SimulatorMode::Timeout => 2,
        };
        self.mode.store(v, Ordering::SeqCst);
    }

    /// Up to 2 ms on the network; returns a generator for the answer's numbers.
    fn moment(&self) -> Rng {
        let mut rng = Rng(self.rng.lock().unwrap().next());
        std::thread::sleep(Duration::from_micros(rng.below(2_000)));
        rng
    }
}

impl HostLink for PaymentApp {
    fn send(&self, request: HostRequest) -> Result<HostReply, HostError> {
        let mut rng = self.moment();
        let decision = match self.mode.load(Ordering::SeqCst) {
            0 => Decision::Approve,
            1 => Decision::Decline,
            // A timeout: the request or the answer is lost.
            _ if rng.below(2) == 0 => Decision::Lost,
            _ => Decision::ApproveAnswerLost,
        };
        self.acquirer.receive(&request, decision)
    }

    fn reverse(
        &self,
        request: HostRequest,
        _reason: ReversalReason,
    ) -> Result<ReversalReply, HostError> {
        let mut rng = self.moment();
        match self.mode.load(Ordering::SeqCst) {
            2 => Err(HostError::Timeout),
            _ => Ok(self.acquirer.reverse(&request, rng.below(2) == 0)),
        }
    }
}

/// Eight threads on `terminal`; `set_host` makes the host approve, decline or time
/// out; `app` is the payment app when it is the host.
fn eight_threads(
    host: &str,
    files: &ClosedFixture,
    terminal: &Arc<Terminal>,
    app: Option<Arc<PaymentApp>>,
    set_host: impl Fn(SimulatorMode) + Send + Sync + 'static,
) {
    let ops = count_from_env("VOIDGUARD_CONCURRENCY_OPS", DEFAULT_OPS);
    let seed = seed_from_env("VOIDGUARD_CONCURRENCY_SEED");
    eprintln!("concurrency ({host}): VOIDGUARD_CONCURRENCY_SEED={seed}");
    let set_host: Arc<dyn Fn(SimulatorMode) + Send + Sync> = Arc::new(set_host);
    let sales = Arc::new(Mutex::new(Vec::new()));

    let workers: Vec<_> = (0..THREADS)
        .map(|id| {
            let worker = Worker {
                supervisor: id == 0,
                terminal: terminal.clone(),
                set_host: set_host.clone(),
                app: app.clone(),
                sales: sales.clone(),
                rng: Rng(seed ^ id.wrapping_mul(0x2545_f491_4f6c_dd1d)),
                trouble_left: 0,
                tally: Tally::default(),
            };
            std::thread::spawn(move || worker.run(ops))
        })
        .collect();
    let mut all = Tally::default();
    for worker in workers {
        all.merge(worker.join().expect("a worker panicked"));
    }

    let busy = all.failures.iter().filter(|f| f.contains("Busy")).count();
    assert!(
        all.failures.is_empty(),
        "{} calls failed ({busy} with Busy), the first: {:#?}",
        all.failures.len(),
        &all.failures[..all.failures.len().min(10)]
    );

    // The host comes back: what is left is reversed or confirmed, or closed by hand
    // with what the acquirer says; then the last batch is settled, and the books hold
    // every answer the threads were given and agree with the acquirer's.
    set_host(SimulatorMode::Approve);
    let report = terminal.reconcile().unwrap();
    assert_eq!(report.still_pending, 0, "{report:?}");
    for pending in terminal.pending_host_work().unwrap() {
        assert_eq!(pending.state, LegState::NeedsManualHandling);
        let resolution = match &app {
            Some(app) => app.by_phone(&pending.request, false),
            None => Resolution::NeverHappened,
        };
        let leg = terminal
            .resolve_leg(
                pending.leg_id,
                resolution,
                PASSWORD.into(),
                "acquirer hotline".into(),
            )
            .unwrap();
        all.closed_by_hand(&leg);
    }
    let books = check_books(terminal);
    assert!(books.pending.is_empty(), "{:?}", books.pending);
    check_acknowledged(&books, &all.acked);
    let check_host_legs = |books: &Books| {
        let legs = leg_history(&files.db);
        check_legs(books, &legs, &legless(&files.db));
        if let Some(app) = &app {
            check_with_acquirer(&legs, &app.acquirer, true);
        }
        legs.len()
    };
    check_host_legs(&books);

    let open_batch = format!("{:06}", books.batch_no);
    let last = terminal.settle().unwrap();
    let in_batch = |kind| {
        books
            .rows
            .iter()
            .filter(|r| r.batch_no == open_batch && r.kind == kind)
            .fold((0u32, 0i64), |(n, sum), r| (n + 1, sum + r.amount.0))
    };
    assert_eq!(
        (last.sale_count, last.sale_total.0),
        in_batch(TransactionKind::Sale)
    );
    assert_eq!(
        (last.void_count, last.void_total.0),
        in_batch(TransactionKind::Void)
    );
    assert_eq!(
        (last.refund_count, last.refund_total.0),
        in_batch(TransactionKind::Refund)
    );
    assert!(terminal.verify_audit().unwrap().ok);
    let legs = check_host_legs(&check_books(terminal));

    eprintln!(
        "concurrency ({host}): {THREADS} threads × {ops} operations: sales approved {}, \
         voids approved {}, refunds approved {}, settlements {}, reads {}, legs closed by hand {}, refusals {:?}; \
         journal rows {}, host legs {legs}, no Busy",
        all.acked.sales.len(),
        all.acked.voids.len(),
        all.acked.refunds.len(),
        all.acked.settlements.len(),
        all.reads,
        all.manual_closed,
        all.refusals,
        books.rows.len(),
    );
    // Settling while others sell and void is mostly refused (a leg is in flight),
    // so only the last settlement above is sure to happen.
    if ops >= 100 {
        assert!(
            !all.acked.sales.is_empty() && !all.acked.voids.is_empty(),
            "the threads sold and voided"
        );
    }
}

#[derive(Default)]
struct Tally {
    acked: Acknowledged,
    /// By act and refusal: `sale HostDeclined`, `settle PendingHostWork` …
    refusals: BTreeMap<String, u64>,
    reads: u64,
    manual_closed: u64,
    failures: Vec<String>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.acked.sales.extend(other.acked.sales);
        self.acked.voids.extend(other.acked.voids);
        self.acked.settlements.extend(other.acked.settlements);
        self.acked.refunds.extend(other.acked.refunds);
        self.acked.declined.extend(other.acked.declined);
        for (name, n) in other.refusals {
            *self.refusals.entry(name).or_default() += n;
        }
        self.reads += other.reads;
        self.manual_closed += other.manual_closed;
        self.failures.extend(other.failures);
    }

    /// Tallies what a manual resolution closed: an approved sale or void is owed its
    /// row, an approved settlement its closed batch; one that never happened must
    /// leave no row.
    fn closed_by_hand(&mut self, leg: &voidguard::HostLeg) {
        self.manual_closed += 1;
        let approved = leg.state == LegState::Approved;
        let batch = leg.request.batch_no.clone();
        let voucher = leg.voucher_no.clone().unwrap_or_default();
        match (&leg.request.detail, approved) {
            (LegDetail::Void { original, .. }, true) => {
                self.acked
                    .voids
                    .push((batch, original.voucher_no.clone(), voucher, leg.amount))
            }
            (LegDetail::Sale { .. }, true) => {
                self.acked
                    .sales
                    .push((batch, voucher, leg.amount, leg.operator_no.clone()))
            }
            (LegDetail::Settlement { totals }, true) => self.acked.settlements.push(Settled {
                batch_no: batch,
                sale_count: totals.sale_count,
                sale_total: totals.sale_total,
                void_count: totals.void_count,
                void_total: totals.void_total,
            }),
            (LegDetail::Settlement { .. }, false) => {}
            (LegDetail::Refund { .. }, true) => {
                self.acked.refunds.push((batch, voucher, leg.amount))
            }
            (_, false) => self.acked.declined.push((batch, voucher)),
        }
    }
}

/// The refusals a merchant may be shown while others void and settle at the same time.
fn business_refusal(e: &VoidGuardError) -> Option<&'static str> {
    Some(match e {
        VoidGuardError::AlreadyVoided { .. } => "AlreadyVoided",
        VoidGuardError::SettledUseRefund { .. } => "SettledUseRefund",
        VoidGuardError::VoidInProgress { .. } => "VoidInProgress",
        VoidGuardError::PendingHostWork { .. } => "PendingHostWork",
        VoidGuardError::HostDeclined { .. } => "HostDeclined",
        VoidGuardError::HostUnreachable => "HostUnreachable",
        VoidGuardError::HostReversed => "HostReversed",
        // A refund races the others' voids, refunds and settlements of its sale.
        VoidGuardError::RefundUseVoid { .. } => "RefundUseVoid",
        VoidGuardError::RefundOriginalNotFound { .. } => "RefundOriginalNotFound",
        VoidGuardError::RefundOverBalance { .. } => "RefundOverBalance",
        VoidGuardError::RefundOfVoidedSale { .. } => "RefundOfVoidedSale",
        VoidGuardError::RefundOfReversedSale { .. } => "RefundOfReversedSale",
        VoidGuardError::DailyRefundCountLimitReached { .. } => "DailyRefundCountLimitReached",
        VoidGuardError::DailyRefundAmountLimitReached { .. } => "DailyRefundAmountLimitReached",
        _ => return None,
    })
}

struct Worker {
    /// Also settles, troubles the host and closes voids for manual handling.
    supervisor: bool,
    terminal: Arc<Terminal>,
    set_host: Arc<dyn Fn(SimulatorMode) + Send + Sync>,
    /// The payment app, when it is the host: the supervisor phones its acquirer.
    app: Option<Arc<PaymentApp>>,
    /// Every sale any thread recorded, for the others to void and look up.
    sales: Arc<Mutex<Vec<Transaction>>>,
    rng: Rng,
    /// Operations until the host answers again.
    trouble_left: u32,
    tally: Tally,
}

impl Worker {
    fn run(mut self, ops: u32) -> Tally {
        for _ in 0..ops {
            match self.rng.below(100) {
                0..=34 => self.sale(),
                35..=54 => self.void(),
                55..=59 => self.refund(),
                60 => self.settle(),
                61..=69 => self.find(),
                70..=84 => self.journal_page(),
                _ => self.status(),
            }
            if self.supervisor {
                self.supervise();
            }
        }
        self.tally
    }

    /// A result, or a refusal counted by name when `refusals` may happen here; any
    /// other error is a failure of the test.
    fn answer<T>(
        &mut self,
        what: &str,
        result: Result<T, VoidGuardError>,
        refusals: bool,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                match business_refusal(&e) {
                    Some(name) if refusals => {
                        *self
                            .tally
                            .refusals
                            .entry(format!("{what} {name}"))
                            .or_default() += 1
                    }
                    _ => self.tally.failures.push(format!("{what}: {e:?}")),
                }
                None
            }
        }
    }

    /// One of the latest sales: older ones are mostly settled already.
    fn pick(&mut self) -> Option<Transaction> {
        let sales = self.sales.lock().unwrap();
        let recent = &sales[sales.len().saturating_sub(64)..];
        (!recent.is_empty()).then(|| recent[self.rng.below(recent.len() as u64) as usize].clone())
    }

    fn sale(&mut self) {
        let request = SaleRequest {
            amount: Fen(1 + self.rng.below(500_000) as i64).to_decimal_string(),
            card_number: "6222021234567890123".into(),
            card_scheme: "UnionPay".into(),
        };
        let result = self.terminal.record_sale(request);
        // A sale is online too: the host may decline it or lose its answer.
        if let Some(sale) = self.answer("sale", result, true) {
            self.tally.acked.sales.push((
                sale.batch_no.clone(),
                sale.voucher_no.clone(),
                sale.amount,
                // The threads share the terminal and so its one session.
                CASHIER.to_owned(),
            ));
            self.sales.lock().unwrap().push(sale);
        }
    }

    fn void(&mut self) {
        let Some(sale) = self.pick() else {
            return self.sale();
        };
        let request = VoidRequest {
            voucher_no: sale.voucher_no.clone(),
            date: sale.business_date.clone(),
            amount: sale.amount.to_decimal_string(),
            password: PASSWORD.into(),
            reason: "customer_request".into(),
        };
        let result = self.terminal.void_transaction(request);
        if let Some(outcome) = self.answer("void", result, true) {
            let void = outcome
                .void_transaction
                .expect("an approved void has its row");
            self.tally.acked.voids.push((
                void.batch_no,
                sale.voucher_no,
                void.voucher_no,
                void.amount,
            ));
        }
    }

    /// Part of a recent sale back, by its voucher and batch: refused while the sale
    /// can still be voided, and whenever the others' refunds leave too little.
    fn refund(&mut self) {
        let Some(sale) = self.pick() else {
            return self.sale();
        };
        let part = 1 + self.rng.below(sale.amount.0.max(1) as u64) as i64;
        let request = RefundRequest {
            lookup: RefundLookup {
                voucher_no: Some(sale.voucher_no.clone()),
                batch_no: Some(sale.batch_no.clone()),
                ..RefundLookup::default()
            },
            amount: Fen(part).to_decimal_string(),
            password: PASSWORD.into(),
            reason: "goods_returned".into(),
        };
        let result = self.terminal.refund(request);
        if let Some(outcome) = self.answer("refund", result, true) {
            let refund = outcome.refund.expect("an approved refund has its row");
            self.tally
                .acked
                .refunds
                .push((refund.batch_no, refund.voucher_no, refund.amount));
        }
    }

    /// Any thread may close the batch; with others selling it mostly waits.
    fn settle(&mut self) {
        let result = self.terminal.settle();
        if let Some(report) = self.answer("settle", result, true) {
            self.tally.acked.settlements.push(Settled::from(&report));
        }
    }

    fn find(&mut self) {
        let Some(sale) = self.pick() else {
            return self.status();
        };
        let result = self.terminal.find_transaction(sale.voucher_no.clone());
        if let Some(found) = self.answer("find", result, false) {
            self.tally.reads += 1;
            if found.as_ref().map(|t| t.id) != Some(sale.id) {
                let failure = format!("find {} returned {found:?}", sale.voucher_no);
                self.tally.failures.push(failure);
            }
        }
    }

    fn journal_page(&mut self) {
        let kind = match self.rng.below(3) {
            0 => Some(TransactionKind::Sale),
            1 => Some(TransactionKind::Void),
            _ => None,
        };
        let query = JournalQuery {
            kind,
            limit: 20,
            ..Default::default()
        };
        let result = self.terminal.journal(query);
        if let Some(page) = self.answer("journal", result, false) {
            self.tally.reads += 1;
            let newest_first = page.items.windows(2).all(|w| w[0].id > w[1].id);
            let of_kind = page.items.iter().all(|t| kind.is_none_or(|k| t.kind == k));
            if !newest_first || !of_kind || page.items.len() > 20 {
                self.tally.failures.push(format!("journal page {page:?}"));
            }
        }
        let result = self.terminal.voids_by_operator(None);
        if self.answer("voids by operator", result, false).is_some() {
            self.tally.reads += 1;
        }
    }

    fn status(&mut self) {
        let result = self.terminal.status();
        if let Some(status) = self.answer("status", result, false) {
            self.tally.reads += 1;
            // Only right passwords are keyed here: none may ever count as wrong.
            if status.vault.consecutive_failures != 0 || status.vault.attempts_left != 5 {
                self.tally
                    .failures
                    .push(format!("vault {:?}", status.vault));
            }
        }
    }

    /// Settles now and then, makes the host decline or time out for a few operations,
    /// and closes voids handed over for manual handling with the acquirer's answer.
    fn supervise(&mut self) {
        if self.trouble_left > 0 {
            self.trouble_left -= 1;
            if self.trouble_left == 0 {
                (self.set_host)(SimulatorMode::Approve);
            }
        } else if self.rng.below(100) < 2 {
            let mode = if self.rng.below(2) == 0 {
                SimulatorMode::Decline
            } else {
                SimulatorMode::Timeout
            };
            self.trouble_left = 3 + self.rng.below(8) as u32;
            (self.set_host)(mode);
        }
        if self.rng.below(100) < 3 {
            self.settle();
        }
        let result = self.terminal.pending_host_work();
        let Some(work) = self.answer("pending host work", result, false) else {
            return;
        };
        for pending in work {
            if pending.state != LegState::NeedsManualHandling {
                continue;
            }
            // What the acquirer says on the phone, recorded by the supervisor; the
            // simulator keeps no ledger, so any answer is its word.
            let undo = self.rng.below(3) == 0;
            let resolution = match &self.app {
                Some(app) => app.by_phone(&pending.request, undo),
                None if pending.kind == LegKind::Settlement || undo => Resolution::NeverHappened,
                None => Resolution::Approved {
                    rrn: self.rng.digits(12),
                    auth_code: self.rng.digits(6),
                },
            };
            let result = self.terminal.resolve_leg(
                pending.leg_id,
                resolution,
                PASSWORD.into(),
                "acquirer hotline".into(),
            );
            if let Some(leg) = self.answer("manual resolution", result, false) {
                self.tally.closed_by_hand(&leg);
            }
        }
    }
}
