//! The core against raw rusqlite doing the same SQL with the same pragmas, on a
//! journal pre-filled to a million sales (VOIDGUARD_BENCH_ROWS overrides), built
//! once per run in a temporary folder on disk. `scripts/bench` reads the medians and
//! prints the ratios.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use rusqlite::{params, Connection};
use voidguard::crypto::{self, SecretKey};
use voidguard::vault::kdf;
use voidguard::{
    KeyFileWrapper, SaleRequest, SystemClock, Terminal, TerminalConfig, Transaction, VoidRequest,
};

const PASSWORD: &str = "274816";
const ADMIN_PASSWORD: &str = "58204719";
const CASHIER_PASSWORD: &str = "3817";

struct Fixture {
    _dir: tempfile::TempDir,
    ours: PathBuf,
    raw: PathBuf,
    keys: KeyFileWrapper,
    rows: u32,
}

fn rows() -> u32 {
    std::env::var("VOIDGUARD_BENCH_ROWS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1_000_000)
}

fn config(db: &Path) -> TerminalConfig {
    let mut config = TerminalConfig::new(db.to_string_lossy());
    config.kdf_iterations = kdf::MIN_ITERATIONS;
    config.daily_void_count_limit = u32::MAX;
    config.daily_void_amount_limit = voidguard::Fen(i64::MAX);
    config
}

/// Opened with cashier 01 signed in, who keys what the raw side writes as '01'.
fn open(f: &Fixture) -> Terminal {
    let t =
        Terminal::open_with(config(&f.ours), &f.keys, None, Arc::new(SystemClock)).expect("open");
    if t.status().expect("status").activated {
        t.sign_in("01".into(), CASHIER_PASSWORD.into())
            .expect("sign in");
    }
    t
}

/// The raw side: the same file layout, opened with the same pragmas.
fn open_raw(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("raw open");
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .expect("busy timeout");
    conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0))
        .expect("wal");
    conn.pragma_update(None, "synchronous", "FULL")
        .expect("synchronous");
    conn.pragma_update(None, "foreign_keys", "ON")
        .expect("foreign keys");
    conn
}

fn build() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let ours = dir.path().join("ours.db");
    let raw = dir.path().join("raw.db");
    let keys = KeyFileWrapper::open_or_create(dir.path().join("ours.key")).expect("key file");
    let rows = rows();
    let f = Fixture {
        ours,
        raw,
        keys,
        rows,
        _dir: dir,
    };
    let started = std::time::Instant::now();
    {
        let t = open(&f);
        t.activate(
            "898340157220001".into(),
            "LKL00042".into(),
            "7c1f9a2b5d3e4f60718293a4b5c6d7e8".into(),
        )
        .expect("activate");
        let ticket = t
            .apply_for(voidguard::RequestKind::VoidPermission, application())
            .expect("apply");
        let secret = crypto::from_hex("7c1f9a2b5d3e4f60718293a4b5c6d7e8").expect("hex");
        let code = voidguard::backoffice::approval_code(
            &secret,
            voidguard::backoffice::Action::Permit,
            &ticket.request_code,
        );
        t.redeem_approval(ticket.request_code, code, None)
            .expect("permit");
        t.set_void_password(PASSWORD.into()).expect("password");
        t.set_admin_password(ADMIN_PASSWORD.into())
            .expect("admin password");
        t.sign_in("99".into(), ADMIN_PASSWORD.into())
            .expect("admin");
        t.add_operator("01".into(), CASHIER_PASSWORD.into())
            .expect("cashier");
        t.sign_out().expect("sign out");
        t.bulk_fill(rows, 100_000).expect("fill");
    }
    // Closing checkpointed the WAL; the raw side starts from an identical file.
    std::fs::copy(&f.ours, &f.raw).expect("copy");
    eprintln!(
        "fixture: {rows} sales built in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    f
}

fn application() -> voidguard::Application {
    voidguard::Application {
        reason: "benchmark".into(),
        id_type: "resident_id".into(),
        id_number: "11010519491231002X".into(),
        licence_no: "91110000802100433B".into(),
        contact: "13800138000".into(),
    }
}

fn sale_request(i: u32) -> SaleRequest {
    SaleRequest {
        amount: format!("{}.{:02}", 10 + i % 500, i % 100),
        card_number: "622202******0123".into(),
        card_scheme: "UnionPay".into(),
    }
}

fn void_request(t: &Transaction) -> VoidRequest {
    VoidRequest {
        voucher_no: t.voucher_no.clone(),
        date: t.business_date.clone(),
        amount: t.amount.to_decimal_string(),
        password: PASSWORD.into(),
        reason: "customer_request".into(),
    }
}

const RAW_INSERT: &str = "INSERT INTO journal (kind, voucher_no, batch_no, rrn, auth_code, amount_fen, currency,
    masked_pan, card_scheme, operator_no, authoriser_no, void_reason, business_date, created_at_ms, status, original_id)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, 156, '622202******0123', 'UnionPay', '01', ?7, ?8, '2026-11-29', ?9, 'approved', ?10)";

struct RawCounter {
    batch: i64,
    next: AtomicU32,
}

fn raw_counter(conn: &Connection) -> RawCounter {
    let (batch, next): (i64, u32) = conn
        .query_row(
            "SELECT batch_no, next_voucher_no FROM counters WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("counters");
    RawCounter {
        batch,
        next: AtomicU32::new(next + 100_000),
    }
}

fn raw_sale(conn: &Connection, c: &RawCounter, amount: i64) -> i64 {
    let voucher = c.next.fetch_add(1, Ordering::Relaxed) % 999_999 + 1;
    conn.prepare_cached(RAW_INSERT)
        .and_then(|mut s| {
            s.execute(params![
                "sale",
                voucher,
                c.batch,
                "900000000000",
                "123456",
                amount,
                None::<String>,
                None::<String>,
                0,
                None::<i64>
            ])
        })
        .expect("raw sale");
    conn.last_insert_rowid()
}

/// The void row and the sale's status change in one commit: the least a void writes.
fn raw_void(conn: &Connection, c: &RawCounter, original: i64) {
    let tx = conn.unchecked_transaction().expect("tx");
    let voucher = c.next.fetch_add(1, Ordering::Relaxed) % 999_999 + 1;
    tx.prepare_cached(RAW_INSERT)
        .and_then(|mut s| {
            s.execute(params![
                "void",
                voucher,
                c.batch,
                "900000000001",
                "654321",
                1234,
                "00",
                "customer_request",
                0,
                original
            ])
        })
        .expect("void row");
    tx.prepare_cached("UPDATE journal SET status = 'voided' WHERE id = ?1 AND status = 'approved'")
        .and_then(|mut s| s.execute([original]))
        .expect("update");
    tx.commit().expect("commit");
}

/// Frames in a database's write-ahead log: what its commits wrote since it was last
/// checkpointed and reset (each frame is one page plus a 24-byte header).
fn wal_frames(db: &Path, page_size: u64) -> u64 {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    let len = std::fs::metadata(PathBuf::from(wal)).map_or(0, |m| m.len());
    len.saturating_sub(32) / (page_size + 24)
}

/// WAL frames one void appends, the core's through the simulator and the raw one,
/// over 40 voids each on a freshly opened file (the fixture closed checkpointed, so
/// the logs start empty and stay below the autocheckpoint's 1,000 frames).
fn frames_per_void(f: &Fixture, counter: &RawCounter) -> (f64, f64) {
    const VOIDS: u32 = 40;
    let page_size: i64 = open_raw(&f.raw)
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .expect("page size");
    let page_size = page_size.unsigned_abs();
    let ours = {
        let t = open(f);
        let sales: Vec<Transaction> = (0..VOIDS)
            .map(|i| t.record_sale(sale_request(2_000_000 + i)).expect("sale"))
            .collect();
        let before = wal_frames(&f.ours, page_size);
        for sale in &sales {
            t.void_transaction(void_request(sale)).expect("void");
        }
        wal_frames(&f.ours, page_size) - before
    };
    let raw = {
        let conn = open_raw(&f.raw);
        let sales: Vec<i64> = (0..VOIDS).map(|_| raw_sale(&conn, counter, 1234)).collect();
        let before = wal_frames(&f.raw, page_size);
        for sale in sales {
            raw_void(&conn, counter, sale);
        }
        wal_frames(&f.raw, page_size) - before
    };
    let per = |frames: u64| frames as f64 / f64::from(VOIDS);
    (per(ours), per(raw))
}

/// A journal row read in full, as the API returns it.
type RawRow = (
    i64,
    String,
    i64,
    i64,
    String,
    String,
    i64,
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    i64,
    String,
    Option<i64>,
);

fn raw_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
        r.get(12)?,
        r.get(13)?,
        r.get(14)?,
        r.get(15)?,
        r.get(16)?,
    ))
}

/// CPU time of the calling thread so far, in nanoseconds (Linux's per-thread
/// scheduler statistics); `None` where the kernel does not offer them.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Medians of one void's wall time and on-CPU time, in microseconds, over 200 voids
/// each side: what of P1 is computing and what is waiting for the disk. The sale
/// before each void is outside the timing, as in P1.
fn cpu_per_void(f: &Fixture, counter: &RawCounter) -> Option<[f64; 4]> {
    const VOIDS: u32 = 200;
    fn median(mut v: Vec<u64>) -> f64 {
        v.sort_unstable();
        v[v.len() / 2] as f64 / 1000.0
    }
    fn timed(run: impl FnOnce()) -> Option<(u64, u64)> {
        let (wall, cpu) = (std::time::Instant::now(), thread_cpu_ns()?);
        run();
        let spent = thread_cpu_ns()? - cpu;
        Some((u64::try_from(wall.elapsed().as_nanos()).ok()?, spent))
    }
    let t = open(f);
    let raw = open_raw(&f.raw);
    let (mut ours, mut theirs) = ((vec![], vec![]), (vec![], vec![]));
    for i in 0..VOIDS {
        let sale = t.record_sale(sale_request(3_000_000 + i)).expect("sale");
        let (wall, cpu) = timed(|| drop(t.void_transaction(void_request(&sale)).expect("void")))?;
        ours.0.push(wall);
        ours.1.push(cpu);
        let original = raw_sale(&raw, counter, 1234);
        let (wall, cpu) = timed(|| raw_void(&raw, counter, original))?;
        theirs.0.push(wall);
        theirs.1.push(cpu);
    }
    Some([
        median(ours.1),
        median(ours.0),
        median(theirs.1),
        median(theirs.0),
    ])
}

fn benches(c: &mut Criterion) {
    let f = build();
    // One counter for the raw side's voucher numbers throughout, so no two of its
    // rows share a number (the journal's unique index would refuse the second).
    let counter = raw_counter(&open_raw(&f.raw));
    let (ours_frames, raw_frames) = frames_per_void(&f, &counter);
    eprintln!("frames: a void writes {ours_frames:.1} WAL frames, the raw void {raw_frames:.1}");
    if let Some([cpu, wall, raw_cpu, raw_wall]) = cpu_per_void(&f, &counter) {
        eprintln!(
            "cpu: a void spends {cpu:.0} of {wall:.0} µs on the CPU (KDF included), the raw void {raw_cpu:.0} of {raw_wall:.0} µs"
        );
    }
    let ours = open(&f);
    let raw = open_raw(&f.raw);
    let sale_no = AtomicU32::new(0);

    let mut p1 = c.benchmark_group("p1_void");
    p1.sample_size(30);
    p1.bench_function("voidguard", |b| {
        b.iter_batched(
            || {
                ours.record_sale(sale_request(sale_no.fetch_add(1, Ordering::Relaxed)))
                    .expect("sale")
            },
            |sale| ours.void_transaction(void_request(&sale)).expect("void"),
            BatchSize::PerIteration,
        )
    });
    p1.bench_function("raw", |b| {
        b.iter_batched(
            || raw_sale(&raw, &counter, 1234),
            |original| raw_void(&raw, &counter, original),
            BatchSize::PerIteration,
        )
    });
    p1.finish();

    // Vouchers that both files hold: the fixture's newest sales in the open batch. (The
    // voids and sales above went to different voucher numbers on each side.)
    let probes: Vec<u32> = {
        let mut stmt = raw
            .prepare("SELECT voucher_no FROM journal WHERE batch_no = ?1 AND id <= ?2 ORDER BY id DESC LIMIT 50000")
            .expect("probe query");
        let rows = stmt
            .query_map(params![counter.batch, i64::from(f.rows)], |r| r.get(0))
            .expect("probes");
        rows.collect::<rusqlite::Result<_>>().expect("probe rows")
    };
    assert!(!probes.is_empty(), "no sales in the open batch");
    let mut p2 = c.benchmark_group("p2_find");
    let probe = AtomicU32::new(0);
    let next_probe = || probes[probe.fetch_add(1, Ordering::Relaxed) as usize % probes.len()];
    p2.bench_function("voidguard", |b| {
        b.iter(|| {
            ours.find_transaction(format!("{:06}", next_probe()))
                .expect("find")
                .expect("present")
        })
    });
    p2.bench_function("raw", |b| {
        b.iter(|| {
            let v = next_probe();
            raw.prepare_cached(
                "SELECT id, kind, voucher_no, batch_no, rrn, auth_code, amount_fen, currency, masked_pan,
                        card_scheme, operator_no, authoriser_no, void_reason, business_date, created_at_ms, status,
                        original_id
                 FROM journal WHERE batch_no = ?1 AND voucher_no = ?2",
            )
            .and_then(|mut s| s.query_row(params![counter.batch, v], raw_row))
            .expect("raw find")
        })
    });
    p2.finish();

    let mut p3 = c.benchmark_group("p3_sale");
    p3.sample_size(30);
    p3.bench_function("voidguard", |b| {
        b.iter(|| {
            ours.record_sale(sale_request(sale_no.fetch_add(1, Ordering::Relaxed)))
                .expect("sale")
        })
    });
    p3.bench_function("raw", |b| {
        b.iter(|| {
            let tx = raw.unchecked_transaction().expect("tx");
            let id = raw_sale(&tx, &counter, 1234);
            tx.commit().expect("commit");
            id
        })
    });
    p3.finish();

    let mut p4 = c.benchmark_group("p4_verify_audit");
    p4.sample_size(10);
    p4.bench_function("voidguard", |b| {
        b.iter(|| assert!(ours.verify_audit().expect("verify").ok))
    });
    let key = SecretKey::random().expect("key");
    p4.bench_function("raw", |b| {
        b.iter(|| {
            let mut stmt = raw
                .prepare_cached(
                    "SELECT seq, at_ms, kind, operator_no, detail, mac FROM audit ORDER BY seq",
                )
                .expect("prepare");
            let mut rows = stmt.query([]).expect("query");
            let mut last = [0u8; 32];
            while let Some(r) = rows.next().expect("row") {
                let seq: i64 = r.get(0).expect("seq");
                let at: i64 = r.get(1).expect("at");
                let kind = r.get_ref(2).expect("kind").as_bytes().expect("text");
                let op = r
                    .get_ref(3)
                    .expect("op")
                    .as_bytes_or_null()
                    .expect("text")
                    .unwrap_or_default();
                let detail = r.get_ref(4).expect("detail").as_bytes().expect("text");
                last = crypto::hmac_sha256(
                    key.as_bytes(),
                    &[
                        &last,
                        &seq.to_be_bytes(),
                        &at.to_be_bytes(),
                        kind,
                        op,
                        detail,
                    ],
                );
            }
            last
        })
    });
    p4.finish();
    drop(ours);
    drop(raw);

    let mut p5 = c.benchmark_group("p5_open");
    p5.bench_function("voidguard", |b| b.iter(|| drop(open(&f))));
    p5.bench_function("raw", |b| b.iter(|| drop(open_raw(&f.raw))));
    p5.finish();

    let mut kdf_group = c.benchmark_group("kdf");
    kdf_group.sample_size(10);
    kdf_group.bench_function("minimum", |b| {
        b.iter(|| {
            kdf::derive(
                PASSWORD.as_bytes(),
                &[7u8; kdf::SALT_LEN],
                kdf::MIN_ITERATIONS,
            )
        })
    });
    kdf_group.bench_function("production", |b| {
        b.iter(|| {
            kdf::derive(
                PASSWORD.as_bytes(),
                &[7u8; kdf::SALT_LEN],
                kdf::DEFAULT_ITERATIONS,
            )
        })
    });
    kdf_group.finish();
    eprintln!(
        "kdf: {} iterations (default), calibrated for 200 ms on this machine: {}; rows: {}",
        kdf::DEFAULT_ITERATIONS,
        kdf::calibrate(200),
        f.rows
    );
}

criterion_group!(core_vs_raw, benches);
criterion_main!(core_vs_raw);
