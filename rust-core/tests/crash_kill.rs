//! Power cuts, simulated. A child process (`examples/crash_child.rs`) runs a
//! merchant's day on one database — sales, voids in one call and in two phases,
//! settlements, against a host that declines, loses requests and loses answers,
//! wrong passwords and lifted lockouts — and is killed with SIGKILL at a random
//! moment, again and again. Two terminals take turns: one on the built-in simulator,
//! one whose host is an acquirer in the child with its own durable ledger
//! (`common::acquirer`). After every kill the terminal is reopened, as after a
//! restart, and held to what the child acknowledged (printed only after the call
//! returned): every such sale, void and settlement is there; the books keep their
//! invariants (`common::check_books`, `common::check_legs`: a voucher is a row iff its
//! leg was approved, every closed batch closed by one approved settlement with its
//! totals); the acquirer's ledger agrees with the terminal's, leg by leg
//! (`common::check_with_acquirer`: a batch is closed here iff the acquirer settled
//! it, with the same totals); a void persisted before the host leg survives; the
//! lockout counter is exactly what the acknowledged wrong passwords made it; and
//! `reconcile()` against the acquirer leaves nothing without an outcome but legs
//! handed over for manual handling. After half the restarts the child reconciles
//! instead, or records the host's late answer and then repeats it, which must change
//! nothing.
//!
//! `VOIDGUARD_CRASH_KILLS` sets the number of kills (default 50, half on each
//! terminal; `scripts/soak` runs a thousand). `VOIDGUARD_CRASH_SEED` replays the same
//! choices, not the same timing.

mod common;

use common::acquirer::Acquirer;
use common::*;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use voidguard::{
    Fen, HostError, HostLink, HostReply, HostRequest, KeyFileWrapper, LegDetail, LegKind, LegState,
    ReversalReason, ReversalReply, Terminal, TransactionKind, TransactionStatus, VoidGuardError,
};

const DEFAULT_KILLS: u32 = 50;
const SIGKILL: i32 = 9;

#[test]
fn a_terminal_killed_at_random_moments_keeps_every_acknowledged_operation() {
    let kills = count_from_env("VOIDGUARD_CRASH_KILLS", DEFAULT_KILLS);
    let seed = seed_from_env("VOIDGUARD_CRASH_SEED");
    eprintln!("crash: VOIDGUARD_CRASH_SEED={seed}");
    let child = crash_child();
    // The terminal on the simulator, and the one whose acquirer keeps a ledger.
    let mut terminals = [Run::new(Host::Simulator), Run::new(Host::Acquirer)];
    let mut rng = Rng(seed);

    for kill in 0..kills {
        let run = &mut terminals[(kill % 2) as usize];
        let lines = run_until_killed(
            &child,
            &run.files,
            rng.next(),
            run.ledger.next_start_ms(),
            &run.host_args(),
            run.host.kill_window_us(),
            &mut rng,
        );
        let end = run.ledger.read(&lines);
        // Half the restarts reconcile here; after the others the child does it
        // itself. Each terminal's last restart reconciles.
        let reconcile = rng.below(2) == 0 || kill + 2 >= kills;
        let acquirer = run.acquirer_ledger();
        run.ledger
            .check_after_restart(&run.files, acquirer, &end, reconcile, &mut rng);
        run.ledger.figures.kills += 1;
    }

    let mut total = Figures::default();
    for run in &terminals {
        let f = &run.ledger.figures;
        eprintln!("crash ({}): {}", run.host.name(), f.line());
        total.add(f);
    }
    eprintln!("crash: {}", total.line());
    assert_eq!(total.kills, kills);
    // With a few dozen kills every kind of operation has been acknowledged at least
    // once on each terminal; a shorter run only checks the invariants.
    if kills >= 20 {
        for run in &terminals {
            let f = &run.ledger.figures;
            assert!(
                f.sales > 0
                    && f.voids > 0
                    && f.settlements > 0
                    && f.refunds > 0
                    && f.wrong_passwords > 0
                    && f.sign_ins > 0,
                "the runs on the {} went through sales, voids, settlements, refunds, wrong \
                 passwords and sign-ins: {f:?}",
                run.host.name()
            );
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Host {
    Simulator,
    Acquirer,
}

impl Host {
    /// How long after it is ready a child may run before the kill: the acquirer takes
    /// its time over every leg (latency and a durable ledger), so its runs are longer.
    fn kill_window_us(self) -> u64 {
        match self {
            Host::Simulator => 300_000,
            Host::Acquirer => 900_000,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Host::Simulator => "simulator",
            Host::Acquirer => "flaky acquirer",
        }
    }
}

/// One terminal's files, what its child acknowledged, and its host.
struct Run {
    host: Host,
    files: ClosedFixture,
    ledger: Ledger,
}

impl Run {
    fn new(host: Host) -> Self {
        Self {
            host,
            files: Fixture::ready_with_config(unlimited_voids).close(),
            ledger: Ledger::default(),
        }
    }

    fn acquirer_path(&self) -> PathBuf {
        self.files.dir.path().join("acquirer-ledger.txt")
    }

    fn host_args(&self) -> Vec<String> {
        match self.host {
            Host::Simulator => vec!["simulator".into()],
            Host::Acquirer => vec![
                "flaky".into(),
                self.acquirer_path().to_string_lossy().into_owned(),
            ],
        }
    }

    /// The acquirer as its ledger stands after the kill.
    fn acquirer_ledger(&self) -> Option<Arc<Acquirer>> {
        (self.host == Host::Acquirer).then(|| Arc::new(Acquirer::open(&self.acquirer_path())))
    }
}

/// The child binary, built for this test's profile so it runs the code under test.
fn crash_child() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let path = profile_dir
        .join("examples")
        .join(format!("crash_child{}", std::env::consts::EXE_SUFFIX));
    // Under cargo, make sure the child is current; run directly, use what is there.
    if let Ok(cargo) = std::env::var("CARGO") {
        let mut build = Command::new(cargo);
        build.args([
            "build",
            "--quiet",
            "-p",
            "voidguard",
            "--example",
            "crash_child",
        ]);
        match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") | None => {}
            Some("release") => {
                build.arg("--release");
            }
            Some(other) => {
                build.args(["--profile", other]);
            }
        }
        let status = build.status().expect("cargo runs");
        assert!(status.success(), "cargo build --example crash_child failed");
    }
    assert!(
        path.exists(),
        "{} is missing: cargo build -p voidguard --example crash_child",
        path.display()
    );
    path
}

/// Starts the child and kills it with SIGKILL: now and then while it is still
/// starting, mostly a random moment (within `window_us`) after it is ready. Returns every whole line it
/// wrote; a line cut short by the kill was never acknowledged.
fn run_until_killed(
    child: &Path,
    files: &ClosedFixture,
    seed: u64,
    start_ms: i64,
    host: &[String],
    window_us: u64,
    rng: &mut Rng,
) -> Vec<String> {
    let stderr_path = files.dir.path().join("child-stderr.txt");
    let mut process = Command::new(child)
        .arg(&files.db)
        .arg(&files.key_file)
        .arg(seed.to_string())
        .arg(start_ms.to_string())
        .args(host)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("the crash child starts");
    let stdout = process.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        loop {
            let mut line = Vec::new();
            match reader.read_until(b'\n', &mut line) {
                Ok(_) if line.ends_with(b"\n") => {
                    let text = String::from_utf8(line).expect("the child writes UTF-8");
                    if tx.send(text.trim_end().to_owned()).is_err() {
                        break;
                    }
                }
                _ => break,
            }
        }
    });

    let mut lines = Vec::new();
    if rng.below(100) < 15 {
        std::thread::sleep(Duration::from_micros(rng.below(60_000)));
    } else {
        loop {
            match rx.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => {
                    let ready = line == "ready";
                    lines.push(line);
                    if ready {
                        break;
                    }
                }
                Err(_) => {
                    let _ = process.kill();
                    let _ = process.wait();
                    panic!(
                        "the child never got ready: {}",
                        std::fs::read_to_string(&stderr_path).unwrap_or_default()
                    );
                }
            }
        }
        std::thread::sleep(Duration::from_micros(rng.below(window_us)));
    }
    process.kill().unwrap();
    let status = process.wait().unwrap();
    if status.signal() != Some(SIGKILL) {
        let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
        panic!("the child ended on its own ({status}) before the kill:\n{stderr}");
    }
    reader.join().unwrap();
    lines.extend(rx.try_iter());
    lines
}

/// The acquirer reached after a restart: it answers every reversal (冲正). With a
/// ledger it answers from it (a sale or void it approved is undone or confirmed, a
/// settlement confirmed iff it closed that batch); a terminal on the simulator has
/// none, so any answer is the host's word: now and then the act went through.
struct AnsweringHost {
    acquirer: Option<Arc<Acquirer>>,
    rng: Mutex<Rng>,
}

impl HostLink for AnsweringHost {
    fn send(&self, _request: HostRequest) -> Result<HostReply, HostError> {
        Err(HostError::Unreachable {
            reason: "the check after a restart sends nothing new".into(),
        })
    }

    fn reverse(
        &self,
        request: HostRequest,
        _reason: ReversalReason,
    ) -> Result<ReversalReply, HostError> {
        let mut rng = self.rng.lock().unwrap();
        if let Some(acquirer) = &self.acquirer {
            return Ok(acquirer.reverse(&request, rng.below(2) == 0));
        }
        Ok(match (rng.below(4), request.kind()) {
            (0, LegKind::Settlement) => ReversalReply::Approved {
                rrn: String::new(),
                auth_code: String::new(),
            },
            (0, _) => ReversalReply::Approved {
                rrn: rng.digits(12),
                auth_code: rng.digits(6),
            },
            _ => ReversalReply::Reversed,
        })
    }
}

/// What one kind of leg was acknowledged as.
#[derive(Debug, Default, Clone, Copy)]
struct Ends {
    declined: u64,
    unanswered: u64,
}

#[derive(Debug, Default)]
struct Figures {
    kills: u32,
    acknowledged: u64,
    sales: u64,
    voids: u64,
    refunds: u64,
    settlements: u64,
    /// By kind: sale, void, settlement.
    ends: [Ends; 4],
    wrong_passwords: u64,
    lifts: u64,
    sign_ins: u64,
    resolved_never_happened: u64,
    resolved_by_hand: u64,
    refusals: u64,
    reconciled_by_child: u64,
    late_answers: u64,
    repeated_answers: u64,
    /// Legs the parent reconciled after a restart, by kind: (reversed, confirmed).
    after_restart: [(u64, u64); 4],
    manual_at_end: u64,
}

fn slot(kind: LegKind) -> usize {
    match kind {
        LegKind::Sale => 0,
        LegKind::Void => 1,
        LegKind::Settlement => 2,
        LegKind::Refund => 3,
    }
}

impl Figures {
    fn add(&mut self, o: &Figures) {
        self.kills += o.kills;
        self.acknowledged += o.acknowledged;
        self.sales += o.sales;
        self.voids += o.voids;
        self.refunds += o.refunds;
        self.settlements += o.settlements;
        for i in 0..4 {
            self.ends[i].declined += o.ends[i].declined;
            self.ends[i].unanswered += o.ends[i].unanswered;
            self.after_restart[i].0 += o.after_restart[i].0;
            self.after_restart[i].1 += o.after_restart[i].1;
        }
        self.wrong_passwords += o.wrong_passwords;
        self.lifts += o.lifts;
        self.sign_ins += o.sign_ins;
        self.resolved_never_happened += o.resolved_never_happened;
        self.resolved_by_hand += o.resolved_by_hand;
        self.refusals += o.refusals;
        self.reconciled_by_child += o.reconciled_by_child;
        self.late_answers += o.late_answers;
        self.repeated_answers += o.repeated_answers;
        self.manual_at_end += o.manual_at_end;
    }

    fn line(&self) -> String {
        let [s, v, t, r] = self.ends;
        let [rs, rv, rt, rr] = self.after_restart;
        format!(
            "kills survived {}, operations acknowledged {}: sales approved {} (declined {}, \
             unanswered {}), voids approved {} (declined {}, unanswered {}), settlements {} \
             (declined {}, unanswered {}), refunds {} (declined {}, unanswered {}); wrong \
             passwords {}, lockouts lifted {}, sign-ins {}, refusals {}; legs reconciled after \
             a restart: sales {}/{}, voids {}/{}, settlements {}/{}, refunds {}/{} \
             (reversed/confirmed); reconciled by the child {}, resolved by \
             hand {} (as never happened {}), late host answers {} (repeated {}), left for manual \
             handling {}",
            self.kills,
            self.acknowledged,
            self.sales,
            s.declined,
            s.unanswered,
            self.voids,
            v.declined,
            v.unanswered,
            self.settlements,
            t.declined,
            t.unanswered,
            self.refunds,
            r.declined,
            r.unanswered,
            self.wrong_passwords,
            self.lifts,
            self.sign_ins,
            self.refusals,
            rs.0,
            rs.1,
            rv.0,
            rv.1,
            rt.0,
            rt.1,
            rr.0,
            rr.1,
            self.reconciled_by_child,
            self.resolved_by_hand,
            self.resolved_never_happened,
            self.late_answers,
            self.repeated_answers,
            self.manual_at_end,
        )
    }
}

/// How one run ended: the call in flight when the kill landed (its `try` line was
/// written, its `ack` was not), and a pending void acknowledged as begun whose answer
/// was never recorded.
struct RunEnd {
    in_flight: Option<String>,
    begun: Option<i64>,
}

/// Everything one terminal's child acknowledged, over all runs, and the model of
/// the lockout.
#[derive(Default)]
struct Ledger {
    acked: Acknowledged,
    /// Consecutive wrong passwords since the last verified password or lift.
    failures: u32,
    latest_ms: i64,
    figures: Figures,
}

impl Ledger {
    /// The child's clock starts after anything it may have written.
    fn next_start_ms(&self) -> i64 {
        self.latest_ms.max(START_MS) + MINUTE_MS
    }

    fn read(&mut self, lines: &[String]) -> RunEnd {
        let mut in_flight: Option<Vec<String>> = None;
        let mut begun = None;
        for line in lines {
            let words: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
            match words[0].as_str() {
                "ready" => {}
                "try" => {
                    assert!(in_flight.is_none(), "a try without its ack: {in_flight:?}");
                    if let Some(at) = words.last().and_then(|w| w.strip_prefix('@')) {
                        self.latest_ms = self.latest_ms.max(at.parse().unwrap());
                    }
                    in_flight = Some(words);
                }
                "ack" => {
                    let call = in_flight.take().expect("an ack follows its try");
                    self.acknowledge(&call, &words, &mut begun);
                }
                other => panic!("the child wrote {other:?}"),
            }
        }
        RunEnd {
            in_flight: in_flight.map(|w| w[1].clone()),
            begun,
        }
    }

    fn acknowledge(&mut self, call: &[String], ack: &[String], begun: &mut Option<i64>) {
        let f = &mut self.figures;
        f.acknowledged += 1;
        let fen = |s: &String| Fen(s.parse().unwrap());
        // `declined sale`, `unanswered settlement`: legs without a voucher to name.
        let whole_kind = match ack.get(2).map(String::as_str) {
            Some("sale") if ack.len() == 3 => Some(LegKind::Sale),
            Some("settlement") if ack.len() == 3 => Some(LegKind::Settlement),
            Some("refund") if ack.len() == 3 => Some(LegKind::Refund),
            _ => None,
        };
        match ack[1].as_str() {
            "sale" => {
                f.sales += 1;
                self.acked.sales.push((
                    ack[2].clone(),
                    ack[3].clone(),
                    fen(&ack[4]),
                    ack[5].clone(),
                ));
            }
            "refund" => {
                f.refunds += 1;
                self.acked
                    .refunds
                    .push((ack[2].clone(), ack[3].clone(), fen(&ack[4])));
            }
            "void" => {
                f.voids += 1;
                self.acked.voids.push((
                    ack[2].clone(),
                    ack[3].clone(),
                    ack[4].clone(),
                    fen(&ack[5]),
                ));
            }
            "declined" => {
                let kind = whole_kind.unwrap_or(LegKind::Void);
                f.ends[slot(kind)].declined += 1;
                if whole_kind.is_none() && ack[4] != "-" {
                    self.acked.declined.push((ack[2].clone(), ack[4].clone()));
                }
            }
            "unanswered" => {
                let kind = whole_kind.unwrap_or(LegKind::Void);
                f.ends[slot(kind)].unanswered += 1;
            }
            "reversed" => {
                f.resolved_never_happened += 1;
                if ack[4] != "-" {
                    self.acked.declined.push((ack[2].clone(), ack[4].clone()));
                }
            }
            "begun" => *begun = Some(ack[2].parse().unwrap()),
            "refused" => f.refusals += 1,
            "wrong" => {
                f.wrong_passwords += 1;
                self.failures += 1;
                assert_eq!(
                    ack[2].parse::<u32>().unwrap(),
                    self.failures,
                    "each acknowledged wrong password counts once"
                );
            }
            "lifted" => f.lifts += 1,
            "staff" | "sign-out" => {}
            "sign-in" => f.sign_ins += 1,
            "same" => f.repeated_answers += 1,
            "settled" => {
                f.settlements += 1;
                self.acked.settlements.push(Settled {
                    batch_no: ack[2].clone(),
                    sale_count: ack[3].parse().unwrap(),
                    sale_total: fen(&ack[4]),
                    void_count: ack[5].parse().unwrap(),
                    void_total: fen(&ack[6]),
                });
            }
            "reconciled" => {
                let n = |i: usize| ack[i].parse::<u64>().unwrap();
                f.reconciled_by_child += n(2) + n(3);
            }
            other => panic!("the child acknowledged {other:?}"),
        }
        match call[1].as_str() {
            "complete" => *begun = None,
            "late" => f.late_answers += 1,
            "manual" => f.resolved_by_hand += 1,
            _ => {}
        }
        // A void that got past the password check (whatever the host said), a manual
        // resolution and a lift all clear the count of wrong passwords.
        let verified = matches!(call[1].as_str(), "void1" | "begin" | "manual" | "refund")
            && ack[1] != "refused";
        if verified || ack[1] == "lifted" {
            self.failures = 0;
        }
    }

    /// Reopens the database as after a restart and checks it against what the child
    /// acknowledged and, where there is one, the acquirer's ledger.
    fn check_after_restart(
        &mut self,
        files: &ClosedFixture,
        acquirer: Option<Arc<Acquirer>>,
        run: &RunEnd,
        reconcile: bool,
        rng: &mut Rng,
    ) {
        let clock = TestClock::at(self.next_start_ms());
        let host = Arc::new(AnsweringHost {
            acquirer: acquirer.clone(),
            rng: Mutex::new(Rng(rng.next())),
        });
        let mut config = config(&files.db);
        unlimited_voids(&mut config);
        let keys = KeyFileWrapper::open(&files.key_file).unwrap();
        let terminal = Terminal::open_with(config, &keys, Some(host), clock)
            .map_err(VoidGuardError::from)
            .expect("the terminal reopens after a kill");

        let books = check_books(&terminal);
        check_acknowledged(&books, &self.acked);
        let legs = leg_history(&files.db);
        check_legs(&books, &legs, &legless(&files.db));
        if let Some(acquirer) = &acquirer {
            check_with_acquirer(&legs, acquirer, false);
        }
        self.check_lockout(&terminal, run.in_flight.as_deref());
        if let (Some(pending_id), None) = (run.begun, run.in_flight.as_deref()) {
            assert!(
                books
                    .pending
                    .iter()
                    .any(|p| p.leg_id == pending_id && p.state == LegState::AwaitingAnswer),
                "pending void {pending_id}, acknowledged as begun, still awaits its answer"
            );
        }
        if reconcile {
            self.reconcile_after_restart(&terminal, &files.db, &books, acquirer.as_deref());
        }
    }

    /// The counter is what the acknowledged calls made it; only the call in flight
    /// may have moved it further, by the one step that call takes.
    fn check_lockout(&mut self, terminal: &Terminal, in_flight: Option<&str>) {
        let failures = terminal.vault_status().unwrap().consecutive_failures;
        let known = self.failures;
        let possible: &[u32] = match in_flight {
            Some("wrong") => &[known, known + 1],
            Some("void1" | "begin" | "lift" | "manual" | "refund") => &[known, 0],
            _ => &[known],
        };
        assert!(
            possible.contains(&failures),
            "{failures} consecutive wrong passwords on disk, {known} acknowledged, \
             {in_flight:?} in flight"
        );
        self.failures = failures;
    }

    /// Every leg left awaiting an answer or a reversal — sale, void or settlement —
    /// is reversed or confirmed by a host that answers; those handed over for manual
    /// handling stay, as they are. A confirmed sale or void is journaled, a reversed
    /// one is not; a confirmed settlement closed its batch.
    fn reconcile_after_restart(
        &mut self,
        terminal: &Terminal,
        db: &Path,
        books: &Books,
        acquirer: Option<&Acquirer>,
    ) {
        let manual: Vec<_> = books
            .pending
            .iter()
            .filter(|p| p.state == LegState::NeedsManualHandling)
            .collect();
        let report = terminal.reconcile().unwrap();
        assert_eq!(
            (report.still_pending, report.needs_manual_handling),
            (0, 0),
            "a host that answers leaves nothing pending: {report:?}"
        );
        let left = terminal.pending_host_work().unwrap();
        assert_eq!(
            left.iter().map(|p| p.leg_id).collect::<Vec<_>>(),
            manual.iter().map(|p| p.leg_id).collect::<Vec<_>>(),
            "only legs for manual handling are left"
        );
        assert!(left
            .iter()
            .all(|p| p.state == LegState::NeedsManualHandling));

        let after = check_books(terminal);
        let legs = leg_history(db);
        check_legs(&after, &legs, &legless(db));
        if let Some(acquirer) = acquirer {
            check_with_acquirer(&legs, acquirer, true);
        }
        let (mut reversed, mut confirmed) = (0, 0);
        for p in books
            .pending
            .iter()
            .filter(|p| p.state != LegState::NeedsManualHandling)
        {
            let leg = legs.iter().find(|l| l.leg_id == p.leg_id).unwrap();
            let counts = &mut self.figures.after_restart[slot(p.kind)];
            match leg.state.as_str() {
                "approved" => {
                    confirmed += 1;
                    counts.1 += 1;
                }
                "reversed" => {
                    reversed += 1;
                    counts.0 += 1;
                }
                other => panic!("{:?} leg {} reconciled as {other}", p.kind, p.leg_id),
            }
            let approved = leg.approved();
            match &p.request.detail {
                LegDetail::Void { original, .. } => {
                    let sale = after
                        .row(&p.request.batch_no, &original.voucher_no)
                        .expect("the sale of a pending void");
                    let void = after.row(&p.request.batch_no, p.voucher_no.as_ref().unwrap());
                    if approved {
                        assert_eq!(sale.status, TransactionStatus::Voided);
                        let void = void.expect("a confirmed void is journaled");
                        assert_eq!(void.kind, TransactionKind::Void);
                    } else {
                        assert_eq!(sale.status, TransactionStatus::Approved);
                        assert!(void.is_none(), "a reversed void leaves no row");
                    }
                }
                LegDetail::Sale { voucher_no, .. } => assert_eq!(
                    after.row(&p.request.batch_no, voucher_no).is_some(),
                    approved,
                    "sale leg {}: journaled iff confirmed",
                    p.leg_id
                ),
                LegDetail::Refund { voucher_no, .. } => assert_eq!(
                    after.row(&p.request.batch_no, voucher_no).is_some(),
                    approved,
                    "refund leg {}: journaled iff confirmed",
                    p.leg_id
                ),
                LegDetail::Settlement { .. } => {
                    let batch: u32 = p.request.batch_no.parse().unwrap();
                    assert_eq!(
                        after.batch_no > batch,
                        approved,
                        "settlement leg {}: batch {batch} closed iff confirmed",
                        p.leg_id
                    );
                }
            }
        }
        assert_eq!((reversed, confirmed), (report.reversed, report.confirmed));
        self.figures.manual_at_end = left.len() as u64;
    }
}
