//! `Terminal::journal` (keyset paging of the journal) on a terminal whose database
//! (a memory-backed file where there is one) holds three business days, three
//! batches, sales by six operators and a few voids. The query is structured input
//! (`arbitrary`). A page is exactly the rows a plain filter over what was recorded
//! gives, newest first, `limit` at most, with a cursor that continues where it
//! stopped; a bad filter is refused as the parser of its field refuses it.
//!
//! The seeds are in `arbitrary`'s encoding; `cargo fuzz fmt journal_queries <file>`
//! shows the query a file holds.
#![no_main]

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use voidguard::backoffice::{approval_code, Action};
use voidguard::dates::{parse_date, BusinessDate};
use voidguard::error::{invalid, Field, Problem, Result};
use voidguard::journal::numbering::{BatchNo, VoucherNo};
use voidguard::vault::kdf::MIN_ITERATIONS;
use voidguard::{
    operators, Application, Clock, JournalPage, JournalQuery, KeyFileWrapper, RequestKind,
    SaleRequest, Terminal, TerminalConfig, TransactionKind, VoidGuardError, VoidRequest,
};

/// 2026-11-28 10:00 in Beijing; the journal spans this day and the next two.
const START_MS: i64 = 1_795_831_200_000;
const DAY_MS: i64 = 86_400_000;
const UTC_OFFSET: i32 = 480;
const SECRET_HEX: &str = "7c1f9a2b5d3e4f60718293a4b5c6d7e8";
const PASSWORD: &str = "274816";
const ADMIN_PASSWORD: &str = "58204719";
const CASHIER_PASSWORD: &str = "3817";
const OPERATORS: [&str; 6] = ["00", "01", "02", "03", "04", "05"];

#[derive(Debug)]
struct FuzzClock(AtomicI64);

impl Clock for FuzzClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// What the journal must show of a row: the fields a filter looks at, which never
/// change (a sale's status does, when it is voided or settled).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    id: i64,
    kind: TransactionKind,
    voucher_no: String,
    batch_no: String,
    operator_no: String,
    business_date: String,
}

impl From<&voidguard::Transaction> for Row {
    fn from(t: &voidguard::Transaction) -> Self {
        Row {
            id: t.id,
            kind: t.kind,
            voucher_no: t.voucher_no.clone(),
            batch_no: t.batch_no.clone(),
            operator_no: t.operator_no.clone(),
            business_date: t.business_date.clone(),
        }
    }
}

struct Fixture {
    terminal: Terminal,
    today: BusinessDate,
    /// Every row as it was recorded, in the order it was.
    rows: Vec<Row>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(build)
}

/// Where the fixture's files live while it is built: memory-backed where there is one.
fn scratch_dir() -> std::path::PathBuf {
    let shm = std::path::Path::new("/dev/shm");
    let base = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    base.join(format!("voidguard-fuzz-{}", std::process::id()))
}

fn build() -> Fixture {
    let dir = scratch_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("voidguard.key");
    let keys = KeyFileWrapper::open_or_create(&key_file).unwrap();
    let mut config = TerminalConfig::new(dir.join("voidguard.db").to_string_lossy());
    config.kdf_iterations = MIN_ITERATIONS;
    let clock = Arc::new(FuzzClock(AtomicI64::new(START_MS)));
    let terminal = Terminal::open_with(config, &keys, None, clock.clone()).unwrap();

    terminal
        .activate(
            "898340157220001".into(),
            "LKL00042".into(),
            SECRET_HEX.into(),
        )
        .unwrap();
    let ticket = terminal
        .apply_for(
            RequestKind::VoidPermission,
            Application {
                reason: "开通消费撤销权限".into(),
                id_type: "resident_id".into(),
                id_number: "11010519491231002X".into(),
                licence_no: "91110000802100433B".into(),
                contact: "138 0013 8000".into(),
            },
        )
        .unwrap();
    let secret = voidguard::crypto::from_hex(SECRET_HEX).unwrap();
    let code = approval_code(&secret, Action::Permit, &ticket.request_code);
    terminal
        .redeem_approval(ticket.request_code, code, None)
        .unwrap();
    terminal.set_void_password(PASSWORD.into()).unwrap();
    terminal
        .set_admin_password(ADMIN_PASSWORD.into())
        .unwrap();
    terminal
        .sign_in("99".into(), ADMIN_PASSWORD.into())
        .unwrap();
    for no in &OPERATORS[1..] {
        terminal
            .add_operator((*no).into(), CASHIER_PASSWORD.into())
            .unwrap();
    }
    terminal.sign_out().unwrap();
    // Each row is keyed by whoever is signed in.
    let sign_in_as = |no: &str| {
        if terminal.session().is_some() {
            terminal.sign_out().unwrap();
        }
        let password = if no == "00" { PASSWORD } else { CASHIER_PASSWORD };
        terminal.sign_in(no.into(), password.into()).unwrap();
    };

    let mut rows = Vec::new();
    let sales = |n: usize, rows: &mut Vec<Row>| -> Vec<voidguard::Transaction> {
        (0..n)
            .map(|i| {
                sign_in_as(OPERATORS[i % OPERATORS.len()]);
                let t = terminal
                    .record_sale(SaleRequest {
                        amount: format!("{}.{:02}", 10 + i * 7, i % 100),
                        card_number: "6222021234567890123".into(),
                        card_scheme: "UnionPay".into(),
                    })
                    .unwrap();
                rows.push(Row::from(&t));
                t
            })
            .collect()
    };
    let void = |t: &voidguard::Transaction, rows: &mut Vec<Row>| {
        let outcome = terminal
            .void_transaction(VoidRequest {
                voucher_no: t.voucher_no.clone(),
                date: t.business_date.clone(),
                amount: t.amount.to_decimal_string(),
                password: PASSWORD.into(),
                reason: "customer_request".into(),
            })
            .unwrap();
        rows.push(Row::from(outcome.void_transaction.as_ref().unwrap()));
    };

    // Day one: a batch of sales, three voided, settled.
    let day = sales(30, &mut rows);
    for t in [&day[2], &day[9], &day[17]] {
        void(t, &mut rows);
    }
    terminal.settle().unwrap();
    // Day two: sales and two voids in the second batch.
    clock.0.fetch_add(DAY_MS, Ordering::SeqCst);
    let day = sales(30, &mut rows);
    for t in [&day[0], &day[29]] {
        void(t, &mut rows);
    }
    // Day three: more of the second batch, settled, then the third batch.
    clock.0.fetch_add(DAY_MS, Ordering::SeqCst);
    let day = sales(25, &mut rows);
    void(&day[5], &mut rows);
    terminal.settle().unwrap();
    sales(25, &mut rows);

    // The fuzzer only reads from here on, and reading works on open files whose names
    // are gone; so nothing is left behind when libFuzzer exits without unwinding.
    std::fs::remove_dir_all(&dir).unwrap();
    let today = BusinessDate::from_instant(clock.now_ms(), UTC_OFFSET);
    Fixture {
        terminal,
        today,
        rows,
    }
}

#[derive(Arbitrary, Debug)]
enum Limit {
    Small(u8),
    Any(u32),
}

#[derive(Arbitrary, Debug)]
enum Cursor {
    /// Near the ids the journal holds.
    Row(u8),
    Any(i64),
}

#[derive(Arbitrary, Debug)]
enum Kind {
    Sale,
    Void,
}

#[derive(Arbitrary, Debug)]
struct Input {
    limit: Limit,
    cursor: Option<Cursor>,
    kind: Option<Kind>,
    /// How many further pages to follow by `next_cursor`.
    follow: u8,
    batch_no: Option<String>,
    business_date: Option<String>,
    operator_no: Option<String>,
    voucher_no: Option<String>,
}

/// The filter as plain values, each parsed by its own field's parser.
struct Filter {
    batch_no: Option<String>,
    business_date: Option<String>,
    kind: Option<TransactionKind>,
    operator_no: Option<String>,
    voucher_no: Option<String>,
}

fn filter(q: &JournalQuery, today: BusinessDate) -> Result<Filter> {
    if q.limit == 0 || q.limit > 500 {
        return Err(invalid(Field::PageSize, Problem::NotAllowed));
    }
    let six = |field, s: &Option<String>| {
        s.as_deref()
            .map(|s| match field {
                Field::BatchNo => BatchNo::parse(s).map(|n| n.to_string()),
                _ => VoucherNo::parse(s).map(|n| n.to_string()),
            })
            .transpose()
    };
    Ok(Filter {
        batch_no: six(Field::BatchNo, &q.batch_no)?,
        business_date: q
            .business_date
            .as_deref()
            .map(|d| parse_date(d, today).map(|d| d.iso()))
            .transpose()?,
        kind: q.kind,
        operator_no: q
            .operator_no
            .as_deref()
            .map(|o| operators::parse(Field::OperatorNo, o))
            .transpose()?,
        voucher_no: six(Field::VoucherNo, &q.voucher_no)?,
    })
}

/// The page a plain filter over the recorded rows gives.
fn expected_page(rows: &[Row], f: &Filter, q: &JournalQuery) -> (Vec<Row>, Option<i64>) {
    let matches = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
    let mut hits: Vec<Row> = rows
        .iter()
        .filter(|r| {
            matches(&f.batch_no, &r.batch_no)
                && matches(&f.business_date, &r.business_date)
                && f.kind.is_none_or(|k| k == r.kind)
                && matches(&f.operator_no, &r.operator_no)
                && matches(&f.voucher_no, &r.voucher_no)
                && q.cursor.is_none_or(|c| r.id < c)
        })
        .cloned()
        .collect();
    hits.sort_by_key(|r| std::cmp::Reverse(r.id));
    let limit = q.limit as usize;
    let next = (hits.len() > limit).then(|| hits[limit - 1].id);
    hits.truncate(limit);
    (hits, next)
}

fn check_page(fx: &Fixture, q: &JournalQuery, got: &JournalPage, f: &Filter) {
    let (rows, next) = expected_page(&fx.rows, f, q);
    let got_rows: Vec<Row> = got.items.iter().map(Row::from).collect();
    assert_eq!(got_rows, rows, "{q:?}");
    assert_eq!(got.next_cursor, next, "{q:?}");
    assert!(got.items.windows(2).all(|w| w[0].id > w[1].id));
    assert!(got
        .items
        .iter()
        .all(|t| t.masked_pan == "622202*********0123"));
}

fuzz_target!(|input: Input| {
    let fx = fixture();
    let mut q = JournalQuery {
        batch_no: input.batch_no,
        business_date: input.business_date,
        kind: input.kind.map(|k| match k {
            Kind::Sale => TransactionKind::Sale,
            Kind::Void => TransactionKind::Void,
        }),
        operator_no: input.operator_no,
        voucher_no: input.voucher_no,
        cursor: input.cursor.map(|c| match c {
            Cursor::Row(n) => i64::from(n),
            Cursor::Any(n) => n,
        }),
        limit: match input.limit {
            Limit::Small(n) => u32::from(n),
            Limit::Any(n) => n,
        },
    };
    let got = fx.terminal.journal(q.clone());
    let f = match filter(&q, fx.today) {
        Ok(f) => f,
        Err(e) => {
            assert_eq!(got, Err(VoidGuardError::from(e)), "{q:?}");
            return;
        }
    };
    let mut page = got.unwrap_or_else(|e| panic!("{q:?} was refused: {e:?}"));
    check_page(fx, &q, &page, &f);
    for _ in 0..input.follow % 4 {
        let Some(next) = page.next_cursor else { break };
        q.cursor = Some(next);
        page = fx.terminal.journal(q.clone()).unwrap();
        check_page(fx, &q, &page, &f);
    }
});
