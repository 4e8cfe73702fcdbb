//! The crash-and-fault soak over TCP. `voidguard-host` (the binary) runs on loopback
//! with its ledger in a file and random faults (answers dropped, or delayed beyond
//! the terminal's read timeout); a child process (`examples/tcp_crash_child.rs`)
//! runs a merchant's day through `Iso8583HostLink` — sales, voids, refunds of settled
//! sales, settlements, reconciling after every restart — and is killed with SIGKILL
//! at a random moment, again and again; now and then the host is killed too, in the
//! middle of the child's run, and started again on the same ledger file.
//!
//! At the end the host is started without faults, the terminal reconciles until
//! nothing is pending but legs in manual handling, the host is stopped and its
//! ledger file read directly: the journal and the ledger must agree transaction by
//! transaction — every approved sale, void and refund here is approved there with
//! the same RRN, auth code and amount, everything the host holds approved and not
//! reversed is here (or a leg in manual handling, listed), a sale is voided on both
//! sides or neither, and every closed batch was settled there with the same totals.
//!
//! `VOIDGUARD_TCP_KILLS` sets the number of kills (default 20; `scripts/soak` runs
//! 500), `VOIDGUARD_TCP_SEED` replays the same choices (not the same timing).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{
    all_rows, check_books, count_from_env, seed_from_env, unlimited_voids, Fixture, Rng, TestClock,
    START_MS, TERMINAL_ID,
};
use voidguard::host::iso::Iso8583HostLink;
use voidguard::{
    HostLink, KeyFileWrapper, LegState, MarkFile, RollbackMark, Terminal, TransactionKind,
    TransactionStatus,
};
use voidguard_iso8583::crypto::Algorithm;

const DEFAULT_KILLS: u32 = 20;
const SIGKILL: i32 = 9;
/// The host's faults: a tenth of the answers dropped, a tenth held back 600 ms, well
/// past the child's 250 ms read timeout.
const FAULTS: [&str; 6] = [
    "--drop-rate",
    "0.1",
    "--delay-rate",
    "0.1",
    "--delay-ms",
    "600",
];

/// A binary of this workspace, built for this test's profile under cargo.
fn built(what: &str, name: &str, package: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    let path = match what {
        "--example" => profile_dir.join("examples").join(file),
        _ => profile_dir.join(file),
    };
    if let Ok(cargo) = std::env::var("CARGO") {
        let mut build = Command::new(cargo);
        build.args(["build", "--quiet", "-p", package, what, name]);
        match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") | None => {}
            Some("release") => {
                build.arg("--release");
            }
            Some(other) => {
                build.args(["--profile", other]);
            }
        }
        assert!(
            build.status().unwrap().success(),
            "cargo build {what} {name}"
        );
    }
    assert!(path.exists(), "{} is missing", path.display());
    path
}

/// The host binary on a ledger file, listening where it can.
struct Host {
    exe: PathBuf,
    dir: PathBuf,
    addr: String,
    child: Option<Child>,
    restarts: u32,
}

impl Host {
    fn key_file(&self) -> PathBuf {
        self.dir.join("tmk.key")
    }

    fn ledger(&self) -> PathBuf {
        self.dir.join("host.ledger")
    }

    /// Starts the host, on its last port when it had one (the terminal keeps its
    /// address), with random faults from `seed` unless none.
    fn start(&mut self, seed: Option<u64>) {
        assert!(self.child.is_none());
        for listen in [self.addr.clone(), "127.0.0.1:0".into()] {
            let mut cmd = Command::new(&self.exe);
            cmd.args(["--listen", &listen, "--master-key-file"])
                .arg(self.key_file())
                .arg("--ledger")
                .arg(self.ledger())
                .stdout(Stdio::piped())
                .stderr(Stdio::null());
            if let Some(seed) = seed {
                cmd.args(["--random-faults", &seed.to_string()])
                    .args(FAULTS);
            }
            let mut child = cmd.spawn().unwrap();
            let mut line = String::new();
            BufReader::new(child.stdout.take().unwrap())
                .read_line(&mut line)
                .unwrap();
            if let Some(addr) = line.trim().strip_prefix("voidguard-host: listening on ") {
                self.addr = addr.to_owned();
                self.child = Some(child);
                return;
            }
            // The port was taken meanwhile: a new one, passed to the next child.
            assert_eq!(
                child.wait().unwrap().code(),
                Some(1),
                "the host did not start"
            );
        }
        panic!("the host could not listen");
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }
}

#[derive(Debug, Default)]
struct Acked {
    /// (batch, voucher, amount)
    sales: Vec<(String, String, i64)>,
    /// (batch, sale voucher, void voucher, amount)
    voids: Vec<(String, String, String, i64)>,
    refunds: Vec<(String, String, i64)>,
    settled: Vec<String>,
    operations: u32,
}

impl Acked {
    fn read(&mut self, line: &str) {
        let words: Vec<&str> = line.split(' ').collect();
        let n = |s: &str| s.parse::<i64>().unwrap();
        match words.as_slice() {
            ["ack", "sale", b, v, a, ..] => self.sales.push((b.to_string(), v.to_string(), n(a))),
            ["ack", "void", b, v, vv, a] => {
                self.voids
                    .push((b.to_string(), v.to_string(), vv.to_string(), n(a)))
            }
            ["ack", "refund", b, v, a] => self.refunds.push((b.to_string(), v.to_string(), n(a))),
            ["ack", "settled", b, ..] => self.settled.push(b.to_string()),
            _ => {}
        }
        if words.first() == Some(&"ack") {
            self.operations += 1;
        }
    }
}

/// One host ledger entry, as the file holds it.
#[derive(Debug, Clone)]
struct Entry {
    type_code: String,
    amount: i64,
    rrn: String,
    auth_code: String,
    status: String,
    original_stan: Option<String>,
}

/// Entries by (batch, trace number).
type Ledger = BTreeMap<(String, String), Entry>;
/// Settlements by batch: (totals, flag).
type Settled = BTreeMap<String, ([i64; 4], i64)>;

/// The host's ledger file, read directly (read-only) after the host stopped.
fn read_ledger(path: &Path) -> (Ledger, Settled) {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut entries = BTreeMap::new();
    let mut q = conn
        .prepare(
            "SELECT batch_no, stan, type_code, amount, rrn, auth_code, status, original_stan
             FROM entry WHERE terminal_id = ?1",
        )
        .unwrap();
    let rows = q
        .query_map([TERMINAL_ID], |r| {
            Ok((
                (r.get::<_, String>(0)?, r.get::<_, String>(1)?),
                Entry {
                    type_code: r.get(2)?,
                    amount: r.get(3)?,
                    rrn: r.get(4)?,
                    auth_code: r.get(5)?,
                    status: r.get(6)?,
                    original_stan: r.get(7)?,
                },
            ))
        })
        .unwrap();
    for row in rows {
        let (k, e) = row.unwrap();
        entries.insert(k, e);
    }
    let mut settled = BTreeMap::new();
    let mut q = conn
        .prepare(
            "SELECT batch_no, debit_count, debit_amount, credit_count, credit_amount, flag
             FROM settlement WHERE terminal_id = ?1",
        )
        .unwrap();
    let rows = q
        .query_map([TERMINAL_ID], |r| {
            Ok((
                r.get::<_, String>(0)?,
                ([r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?], r.get(5)?),
            ))
        })
        .unwrap();
    for row in rows {
        let (b, s) = row.unwrap();
        settled.insert(b, s);
    }
    (entries, settled)
}

/// Runs the child until it is killed; the host too, now and then, mid-run (left
/// stopped, for the caller to start again). Returns the lines the child printed.
fn run_child(
    child_exe: &Path,
    files: &common::ClosedFixture,
    host: &mut Host,
    start_ms: i64,
    rng: &mut Rng,
) -> Vec<String> {
    let stderr_path = files.dir.path().join("child.stderr");
    let mut child = Command::new(child_exe)
        .arg(&files.db)
        .arg(&files.key_file)
        .arg(rng.next().to_string())
        .arg(start_ms.to_string())
        .arg(&host.addr)
        .arg(host.ledger())
        .arg(host.key_file())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let ready_by = Instant::now() + Duration::from_secs(60);
    while !lines.iter().any(|l| l == "ready") {
        let left = ready_by.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => lines.push(line),
            Err(_) => break,
        }
    }
    let window = Duration::from_micros(rng.below(2_000_000) + 100_000);
    // One run in six also loses its host at a moment of its own.
    let host_kill = (rng.below(6) == 0).then(|| Duration::from_micros(rng.below(1_500_000)));
    let started = Instant::now();
    let mut host_killed = false;
    while started.elapsed() < window {
        if let Some(at) = host_kill {
            if !host_killed && started.elapsed() >= at {
                host.kill();
                host_killed = true;
            }
        }
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(20)) {
            lines.push(line);
        }
    }
    let _ = child.kill();
    let status = child.wait().unwrap();
    reader.join().unwrap();
    lines.extend(rx.try_iter());
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    assert_eq!(
        status.signal(),
        Some(SIGKILL),
        "the child ended before the kill ({status:?}):\n{stderr}\n{}",
        lines.join("\n")
    );
    if host_killed {
        host.restarts += 1;
    }
    lines
}

fn open_terminal(files: &common::ClosedFixture, link: Arc<Iso8583HostLink>, at: i64) -> Terminal {
    let mut config = common::config(&files.db);
    unlimited_voids(&mut config);
    let keys = KeyFileWrapper::open_or_create(&files.key_file).unwrap();
    let mark: Arc<dyn RollbackMark> = Arc::new(MarkFile::beside_key_file(&files.key_file));
    let as_link: Arc<dyn HostLink> = link.clone();
    let terminal =
        Terminal::open_marked(config, &keys, Some(as_link), TestClock::at(at), Some(mark)).unwrap();
    terminal.send_audit_head_to(link);
    terminal
}

#[test]
fn a_terminal_and_its_host_killed_at_random_keep_books_that_agree() {
    let kills = count_from_env("VOIDGUARD_TCP_KILLS", DEFAULT_KILLS);
    let seed = seed_from_env("VOIDGUARD_TCP_SEED");
    eprintln!("tcp-crash: VOIDGUARD_TCP_SEED={seed}");
    let began = Instant::now();
    let child_exe = built("--example", "tcp_crash_child", "voidguard");
    let host_dir = tempfile::tempdir().unwrap();
    let mut host = Host {
        exe: built("--bin", "voidguard-host", "voidguard-host"),
        dir: host_dir.path().to_owned(),
        addr: "127.0.0.1:0".into(),
        child: None,
        restarts: 0,
    };
    std::fs::write(host.key_file(), common::iso::MASTER_HEX).unwrap();
    let files = Fixture::ready_with_config(unlimited_voids).close();
    let mut rng = Rng(seed);
    host.start(Some(rng.next()));

    let mut acked = Acked::default();
    let mut latest_ms = START_MS;
    for _ in 0..kills {
        let lines = run_child(&child_exe, &files, &mut host, latest_ms + 60_000, &mut rng);
        for line in &lines {
            acked.read(line);
            if let Some(ms) = line
                .rsplit_once(" @")
                .and_then(|(_, t)| t.parse::<i64>().ok())
            {
                latest_ms = latest_ms.max(ms);
            }
        }
        // A host killed mid-run starts again (same file, same port where it can);
        // one in eight between runs is killed and started again as well.
        if host.child.is_some() && rng.below(8) == 0 {
            host.kill();
            host.restarts += 1;
        }
        if host.child.is_none() {
            host.start(Some(rng.next()));
        }
    }

    // The end of the day: the host without faults, everything reconciled.
    host.kill();
    host.start(None);
    let link = Arc::new(common::iso::link(
        &host.addr,
        Algorithm::Tdes,
        Duration::from_secs(5),
    ));
    let terminal = open_terminal(&files, link, latest_ms + 60_000);
    for _ in 0..20 {
        let r = terminal.reconcile().unwrap();
        if r.still_pending == 0 {
            break;
        }
    }
    let pending = terminal.pending_host_work().unwrap();
    let manual: Vec<_> = pending
        .iter()
        .filter(|l| l.state == LegState::NeedsManualHandling)
        .collect();
    assert_eq!(
        manual.len(),
        pending.len(),
        "nothing but manual handling is left after reconciling: {pending:?}"
    );
    let manual_keys: BTreeSet<(String, String)> = manual
        .iter()
        .map(|l| {
            (
                l.request.batch_no.clone(),
                l.voucher_no.clone().unwrap_or_default(),
            )
        })
        .collect();
    for leg in &manual {
        eprintln!(
            "tcp-crash: in manual handling: {:?} batch {} voucher {:?} amount {}",
            leg.kind, leg.request.batch_no, leg.voucher_no, leg.amount.0
        );
    }
    let books = check_books(&terminal);
    let rows = all_rows(&terminal);
    let open_batch = terminal.status().unwrap().batch_no;
    drop(terminal);
    host.kill();
    let (ledger, settled) = read_ledger(&host.ledger());

    // Every approved row here is approved there, with the same numbers and standing.
    let live: Vec<_> = rows
        .iter()
        .filter(|r| r.status != TransactionStatus::Reversed)
        .collect();
    for row in &live {
        let what = format!("{:?} {} {}", row.kind, row.batch_no, row.voucher_no);
        let entry = ledger
            .get(&(row.batch_no.clone(), row.voucher_no.clone()))
            .unwrap_or_else(|| panic!("{what} is unknown to the host"));
        assert_ne!(
            entry.status, "reversed",
            "{what}: reversed at the host only"
        );
        assert_eq!(
            (entry.rrn.as_str(), entry.auth_code.as_str(), entry.amount),
            (row.rrn.as_str(), row.auth_code.as_str(), row.amount.0),
            "{what}"
        );
        let code = match row.kind {
            TransactionKind::Sale => "22",
            TransactionKind::Void => "23",
            TransactionKind::Refund => "25",
        };
        assert_eq!(entry.type_code, code, "{what}");
        assert_eq!(
            entry.status == "voided",
            row.status == TransactionStatus::Voided,
            "{what}: voided on one side only ({} at the host)",
            entry.status
        );
    }
    // Everything the host holds approved is here, or a leg in manual handling.
    let here: BTreeSet<(String, String)> = live
        .iter()
        .map(|r| (r.batch_no.clone(), r.voucher_no.clone()))
        .collect();
    let mut in_manual = 0;
    for (key, entry) in &ledger {
        if entry.status == "reversed" || here.contains(key) {
            continue;
        }
        assert!(
            manual_keys.contains(key),
            "{key:?} ({entry:?}) is approved at the host, not here"
        );
        in_manual += 1;
    }
    // A void at the host names a sale it voided.
    for ((batch, _), e) in ledger
        .iter()
        .filter(|(_, e)| e.type_code == "23" && e.status != "reversed")
    {
        let sale = e.original_stan.clone().unwrap_or_default();
        assert_eq!(
            ledger
                .get(&(batch.clone(), sale))
                .map(|s| s.status.as_str()),
            Some("voided"),
            "a void at the host whose sale is not voided there"
        );
    }
    // Every closed batch settled there, with the journal's totals; nothing settled
    // there that is open here, but a settlement in manual handling.
    let closed: BTreeSet<String> = live
        .iter()
        .map(|r| r.batch_no.clone())
        .filter(|b| *b != open_batch)
        .collect();
    for batch in &closed {
        let mut totals = [0i64; 4];
        for r in live.iter().filter(|r| r.batch_no == *batch) {
            let i = if r.kind == TransactionKind::Sale {
                0
            } else {
                2
            };
            totals[i] += 1;
            totals[i + 1] += r.amount.0;
        }
        let (theirs, flag) = settled
            .get(batch)
            .unwrap_or_else(|| panic!("batch {batch} closed here, not settled at the host"));
        assert_eq!((*theirs, *flag), (totals, 1), "batch {batch}'s totals");
    }
    for batch in settled.keys() {
        assert!(
            *batch < open_batch || manual_keys.contains(&(batch.clone(), String::new())),
            "batch {batch} settled at the host, open here"
        );
    }
    // What the child was told happened is in the books.
    for (b, v, a) in &acked.sales {
        let row = books
            .row(b, v)
            .unwrap_or_else(|| panic!("acknowledged sale {b} {v} lost"));
        assert_eq!(row.amount.0, *a);
        assert_ne!(row.status, TransactionStatus::Reversed);
    }
    for (b, v, vv, a) in &acked.voids {
        let void = books
            .row(b, vv)
            .unwrap_or_else(|| panic!("acknowledged void {b} {vv} lost"));
        assert_eq!((void.kind, void.amount.0), (TransactionKind::Void, *a));
        assert_eq!(
            books.row(b, v).map(|s| s.status),
            Some(TransactionStatus::Voided)
        );
    }
    for (b, v, a) in &acked.refunds {
        let refund = books
            .row(b, v)
            .unwrap_or_else(|| panic!("acknowledged refund {b} {v} lost"));
        assert_eq!(
            (refund.kind, refund.amount.0),
            (TransactionKind::Refund, *a)
        );
    }
    for b in &acked.settled {
        assert_eq!(
            settled.get(b).map(|s| s.1),
            Some(1),
            "acknowledged settlement {b}"
        );
    }

    let count = |k: TransactionKind| live.iter().filter(|r| r.kind == k).count();
    let reversals = ledger.values().filter(|e| e.status == "reversed").count();
    eprintln!(
        "tcp-crash: {kills} kills ({} host restarts), {} sales, {} voids, {} refunds, {} \
         settlements, {reversals} reversals, {} manual ({in_manual} approved at the host); \
         {} operations acknowledged, {:.0} s",
        host.restarts,
        count(TransactionKind::Sale),
        count(TransactionKind::Void),
        count(TransactionKind::Refund),
        settled.len(),
        manual.len(),
        acked.operations,
        began.elapsed().as_secs_f64()
    );
    if kills >= 20 {
        assert!(
            count(TransactionKind::Sale) > 0
                && count(TransactionKind::Void) > 0
                && !settled.is_empty(),
            "the run went through sales, voids and settlements"
        );
    }
}
