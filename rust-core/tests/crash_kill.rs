//! Power cuts, simulated. A child process (`examples/crash_child.rs`) runs a
//! merchant's day on one database — sales, voids in one call and in two phases
//! against a host that sometimes does not answer, settlements, wrong passwords and
//! lifted lockouts — and is killed with SIGKILL at a random moment, again and again.
//! After every kill the terminal is reopened, as after a restart, and held to what
//! the child acknowledged (printed only after the call returned): every such sale,
//! void, declined void and settlement is there; the books keep their invariants
//! (`common::check_books`); a pending void persisted before the host leg survives;
//! the lockout counter is exactly what the acknowledged wrong passwords made it; and
//! `reconcile()` leaves nothing unresolved but voids handed over for manual handling.
//! After half the restarts the child reconciles instead, or records the host's late
//! answer and then repeats it, which must change nothing.
//!
//! `VOIDGUARD_CRASH_KILLS` sets the number of kills (default 50; `scripts/soak` runs
//! thousands). `VOIDGUARD_CRASH_SEED` replays the same choices, not the same timing.

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use voidguard::{
    Fen, HostError, HostLink, HostReply, HostRequest, KeyFileWrapper, LegState, ReversalReason,
    ReversalReply, Terminal, TransactionKind, TransactionStatus, VoidGuardError,
};

const DEFAULT_KILLS: u32 = 50;
const SIGKILL: i32 = 9;

#[test]
fn a_terminal_killed_at_random_moments_keeps_every_acknowledged_operation() {
    let kills = count_from_env("VOIDGUARD_CRASH_KILLS", DEFAULT_KILLS);
    let seed = seed_from_env("VOIDGUARD_CRASH_SEED");
    eprintln!("crash: VOIDGUARD_CRASH_SEED={seed}");
    let child = crash_child();
    let files = Fixture::ready_with_config(unlimited_voids).close();
    let mut rng = Rng(seed);
    let mut ledger = Ledger::default();

    for kill in 0..kills {
        let host = if rng.below(2) == 0 {
            "simulator"
        } else {
            "scripted"
        };
        let lines = run_until_killed(
            &child,
            &files,
            rng.next(),
            ledger.next_start_ms(),
            host,
            &mut rng,
        );
        let run = ledger.read(&lines);
        // Half the restarts reconcile here; after the others the child does it itself.
        let reconcile = rng.below(2) == 0 || kill + 1 == kills;
        ledger.check_after_restart(&files, &run, reconcile, &mut rng);
        ledger.figures.kills += 1;
    }

    let f = &ledger.figures;
    eprintln!(
        "crash: kills survived {}, operations acknowledged {} (sales {}, voids {}, declined {}, \
         unanswered {}, wrong passwords {}, lockouts lifted {}, sign-ins {}, refusals {}), settlements {}, \
         pending voids reconciled after a restart {} (reversed {}, confirmed {}), \
         reconciled by the child {}, resolved by hand as never happened {}, late host answers {} (repeated {}), \
         left for manual handling at the end {}",
        f.kills,
        f.acknowledged,
        f.sales,
        f.voids,
        f.declined,
        f.unanswered,
        f.wrong_passwords,
        f.lifts,
        f.sign_ins,
        f.refusals,
        f.settlements,
        f.reversed_after_restart + f.confirmed_after_restart,
        f.reversed_after_restart,
        f.confirmed_after_restart,
        f.reconciled_by_child,
        f.resolved_never_happened,
        f.late_answers,
        f.repeated_answers,
        f.manual_at_end,
    );
    assert_eq!(f.kills, kills);
    // With a few dozen kills every kind of operation has been acknowledged at least
    // once; a shorter run only checks the invariants.
    if kills >= 20 {
        assert!(
            f.sales > 0
                && f.voids > 0
                && f.settlements > 0
                && f.wrong_passwords > 0
                && f.sign_ins > 0,
            "the runs went through sales, voids, settlements, wrong passwords and sign-ins: {f:?}"
        );
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
/// starting, mostly a random moment after it is ready. Returns every whole line it
/// wrote; a line cut short by the kill was never acknowledged.
fn run_until_killed(
    child: &Path,
    files: &ClosedFixture,
    seed: u64,
    start_ms: i64,
    host: &str,
    rng: &mut Rng,
) -> Vec<String> {
    let stderr_path = files.dir.path().join("child-stderr.txt");
    let mut process = Command::new(child)
        .arg(&files.db)
        .arg(&files.key_file)
        .arg(seed.to_string())
        .arg(start_ms.to_string())
        .arg(host)
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
        std::thread::sleep(Duration::from_micros(rng.below(300_000)));
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

/// The acquirer reached after a restart: it answers every reversal (冲正), and now
/// and then says the void had gone through after all.
struct AnsweringHost(Mutex<Rng>);

impl HostLink for AnsweringHost {
    fn send(&self, _request: HostRequest) -> Result<HostReply, HostError> {
        Err(HostError::Unreachable {
            reason: "the check after a restart voids nothing".into(),
        })
    }

    fn reverse(
        &self,
        _request: HostRequest,
        _reason: ReversalReason,
    ) -> Result<ReversalReply, HostError> {
        let mut rng = self.0.lock().unwrap();
        if rng.below(4) == 0 {
            Ok(ReversalReply::Approved {
                rrn: rng.digits(12),
                auth_code: rng.digits(6),
            })
        } else {
            Ok(ReversalReply::Reversed)
        }
    }
}

#[derive(Debug, Default)]
struct Figures {
    kills: u32,
    acknowledged: u64,
    sales: u64,
    voids: u64,
    declined: u64,
    unanswered: u64,
    wrong_passwords: u64,
    lifts: u64,
    sign_ins: u64,
    resolved_never_happened: u64,
    refusals: u64,
    settlements: u64,
    reconciled_by_child: u64,
    late_answers: u64,
    repeated_answers: u64,
    reversed_after_restart: u64,
    confirmed_after_restart: u64,
    manual_at_end: u64,
}

/// How one run ended: the call in flight when the kill landed (its `try` line was
/// written, its `ack` was not), and a pending void acknowledged as begun whose answer
/// was never recorded.
struct RunEnd {
    in_flight: Option<String>,
    begun: Option<i64>,
}

/// Everything the child acknowledged, over all runs, and the model of the lockout.
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
                f.declined += 1;
                if ack[4] != "-" {
                    self.acked.declined.push((ack[2].clone(), ack[4].clone()));
                }
            }
            "reversed" => {
                f.resolved_never_happened += 1;
                self.acked.declined.push((ack[2].clone(), ack[4].clone()));
            }
            "unanswered" => f.unanswered += 1,
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
            _ => {}
        }
        // A void that got past the password check (whatever the host said) and a
        // lift both clear the count of wrong passwords.
        let verified =
            matches!(call[1].as_str(), "void1" | "begin" | "manual") && ack[1] != "refused";
        if verified || ack[1] == "lifted" {
            self.failures = 0;
        }
    }

    /// Reopens the database as after a restart and checks it against the ledger.
    fn check_after_restart(
        &mut self,
        files: &ClosedFixture,
        run: &RunEnd,
        reconcile: bool,
        rng: &mut Rng,
    ) {
        let clock = TestClock::at(self.next_start_ms());
        let host = Arc::new(AnsweringHost(Mutex::new(Rng(rng.next()))));
        let mut config = config(&files.db);
        unlimited_voids(&mut config);
        let keys = KeyFileWrapper::open(&files.key_file).unwrap();
        let terminal = Terminal::open_with(config, &keys, Some(host), clock)
            .map_err(VoidGuardError::from)
            .expect("the terminal reopens after a kill");

        let books = check_books(&terminal);
        check_acknowledged(&books, &self.acked);
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
            self.reconcile_after_restart(&terminal, &books);
        }
    }

    /// The counter is what the acknowledged calls made it; only the call in flight
    /// may have moved it further, by the one step that call takes.
    fn check_lockout(&mut self, terminal: &Terminal, in_flight: Option<&str>) {
        let failures = terminal.vault_status().unwrap().consecutive_failures;
        let known = self.failures;
        let possible: &[u32] = match in_flight {
            Some("wrong") => &[known, known + 1],
            Some("void1" | "begin" | "lift" | "manual") => &[known, 0],
            _ => &[known],
        };
        assert!(
            possible.contains(&failures),
            "{failures} consecutive wrong passwords on disk, {known} acknowledged, \
             {in_flight:?} in flight"
        );
        self.failures = failures;
    }

    /// Every void left awaiting an answer or a reversal is reversed or confirmed by a
    /// host that answers; those handed over for manual handling stay, as they are.
    fn reconcile_after_restart(&mut self, terminal: &Terminal, books: &Books) {
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
            "only voids for manual handling are left"
        );
        assert!(left
            .iter()
            .all(|p| p.state == LegState::NeedsManualHandling));

        let (mut reversed, mut confirmed) = (0, 0);
        for p in books
            .pending
            .iter()
            .filter(|p| p.state != LegState::NeedsManualHandling)
        {
            let sale = terminal
                .find_transaction(p.original_voucher_no.clone().unwrap())
                .unwrap()
                .expect("the sale of a pending void");
            let void = terminal
                .find_transaction(p.voucher_no.clone().unwrap())
                .unwrap();
            match sale.status {
                TransactionStatus::Voided => {
                    let void = void.expect("a confirmed void is journaled");
                    assert_eq!(void.kind, TransactionKind::Void);
                    assert_eq!(
                        void.original_voucher_no.as_ref(),
                        p.original_voucher_no.as_ref()
                    );
                    confirmed += 1;
                }
                TransactionStatus::Approved => {
                    assert_eq!(void, None, "a reversed void leaves no row");
                    reversed += 1;
                }
                other => panic!("the sale of a reconciled void is {other:?}"),
            }
        }
        assert_eq!((reversed, confirmed), (report.reversed, report.confirmed));
        self.figures.reversed_after_restart += u64::from(report.reversed);
        self.figures.confirmed_after_restart += u64::from(report.confirmed);
        self.figures.manual_at_end = left.len() as u64;
        let audit = terminal.verify_audit().unwrap();
        assert!(audit.ok, "the audit chain after reconciling: {audit:?}");
    }
}
