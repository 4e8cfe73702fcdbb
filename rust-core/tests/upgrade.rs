//! A database made by the first release (schema version 1, committed with its key file
//! under `tests/fixtures/v1/`) opens with this code: every row is still there, the old
//! audit entries still verify, every row is covered by the chain from then on, and the
//! features work on it. The fixture's day: activation, permission, a password, sales,
//! a wrong password, a void, settlement, a declined void, and a void whose answer was
//! lost (left awaiting its reversal).

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::*;
use rusqlite::Connection;
use voidguard::{
    AuditProblem, KeyFileWrapper, LegState, MarkFile, RollbackMark, Terminal, TransactionKind,
    VoidGuardError, VoidRequest,
};

const FIXTURE_PASSWORD: &str = "258369";

struct Upgraded {
    _dir: tempfile::TempDir,
    db: PathBuf,
    key_file: PathBuf,
    clock: Arc<TestClock>,
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1")
}

/// A copy of the fixture (git keeps no file modes: the key file is made 0600 again).
fn copy_of_v1() -> Upgraded {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("voidguard.db");
    let key_file = dir.path().join("voidguard.key");
    std::fs::copy(fixture_dir().join("v1.db"), &db).unwrap();
    std::fs::copy(fixture_dir().join("v1.key"), &key_file).unwrap();
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    // The clock stands a minute after the fixture's last act, on its business day.
    let last_ms: i64 = Connection::open(&db)
        .unwrap()
        .query_row("SELECT max(created_at_ms) FROM journal", [], |r| r.get(0))
        .unwrap();
    Upgraded {
        _dir: dir,
        db,
        key_file,
        clock: TestClock::at(last_ms + MINUTE_MS),
    }
}

fn open(u: &Upgraded) -> Terminal {
    let keys = KeyFileWrapper::open(&u.key_file).unwrap();
    let mark: Arc<dyn RollbackMark> = Arc::new(MarkFile::beside_key_file(&u.key_file));
    Terminal::open_marked(config(&u.db), &keys, None, u.clock.clone(), Some(mark)).unwrap()
}

fn count(db: &Path, sql: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn the_fixture_is_a_version_1_database() {
    let db = fixture_dir().join("v1.db");
    assert_eq!(count(&db, "PRAGMA user_version"), 1);
    assert_eq!(count(&db, "SELECT count(*) FROM journal"), 6);
}

#[test]
fn a_version_1_database_opens_with_every_row_and_is_covered_from_then_on() {
    let u = copy_of_v1();
    let entries_before = count(&u.db, "SELECT count(*) FROM audit");
    let t = open(&u);
    let status = t.status().unwrap();
    assert_eq!(status.schema_version, 2);
    assert!(status.activated && status.void_permitted && status.vault.password_set);
    assert_eq!(status.batch_no, "000002");
    assert_eq!(status.pending_host_work, 1);

    let rows = all_rows(&t);
    assert_eq!(rows.len(), 6);
    assert_eq!(
        rows.iter()
            .filter(|r| r.kind == TransactionKind::Void)
            .count(),
        1
    );
    let report = t.verify_audit().unwrap();
    assert!(report.ok, "{report:?}");
    assert!(report.entries_checked > entries_before as u64);
    // profile, vault, lockout, counters, the guard, 1 limits row, 1 request, 3 pending
    // voids, 6 journal rows, 1 settlement.
    assert_eq!(report.rows_checked, 17, "{report:?}");
    let uncovered = [
        "profile",
        "vault",
        "lockout",
        "void_limits",
        "counters",
        "requests",
        "pending_voids",
        "journal",
        "settlements",
    ]
    .iter()
    .map(|t| {
        count(
            &u.db,
            &format!("SELECT count(*) FROM {t} WHERE audit_seq IS NULL"),
        )
    })
    .sum::<i64>();
    assert_eq!(uncovered, 0);

    // The features work on it: the lost void is reversed, the sale voided again.
    // Version 1 had no accounts; the supervisor signs in with the void password.
    assert_eq!(t.reconcile().unwrap().reversed, 1);
    t.sign_in("00".into(), FIXTURE_PASSWORD.into()).unwrap();
    let sale = rows.iter().find(|r| r.voucher_no == "000007").unwrap();
    let outcome = t
        .void_transaction(VoidRequest {
            password: FIXTURE_PASSWORD.into(),
            ..void_of(sale)
        })
        .unwrap();
    assert_eq!(outcome.state, LegState::Approved);
    assert!(t.verify_audit().unwrap().ok);
    drop(t);

    // And an edit of an upgraded row is caught like any other.
    let conn = Connection::open(&u.db).unwrap();
    drop_guards(&conn);
    conn.execute("UPDATE journal SET amount_fen = 1 WHERE voucher_no = 2", [])
        .unwrap();
    drop(conn);
    let t = open(&u);
    let report = t.verify_audit().unwrap();
    assert_eq!(
        (report.table.as_deref(), report.problem),
        (Some("journal"), Some(AuditProblem::RowAltered))
    );
}

#[test]
fn the_upgrade_is_one_step_a_crash_cannot_half_do() {
    let u = copy_of_v1();
    // A read-only copy of the key makes nothing easier: the upgrade runs once, whole.
    let t = open(&u);
    drop(t);
    let entries = count(&u.db, "SELECT count(*) FROM audit");
    let t = open(&u);
    drop(t);
    assert_eq!(
        count(&u.db, "SELECT count(*) FROM audit"),
        entries,
        "the upgrade ran twice"
    );
    assert_eq!(count(&u.db, "PRAGMA user_version"), 2);
}

#[test]
fn a_version_1_database_opened_with_another_key_is_refused_before_the_upgrade() {
    let u = copy_of_v1();
    let before = std::fs::read(&u.db).unwrap();
    let other = u.key_file.with_extension("other");
    let keys = KeyFileWrapper::open_or_create(&other).unwrap();
    let refused = Terminal::open_with(config(&u.db), &keys, None, u.clock.clone())
        .map(drop)
        .map_err(VoidGuardError::from);
    assert_eq!(refused, Err(VoidGuardError::WrongKey));
    assert_eq!(std::fs::read(&u.db).unwrap(), before);
    assert_eq!(count(&u.db, "PRAGMA user_version"), 1);
}
