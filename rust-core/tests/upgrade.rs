//! Databases made by earlier releases (schema versions 1 to 5, committed with their
//! key files under `tests/fixtures/`) open with this code: every row is still there,
//! the old audit entries still verify, every row is covered by the chain from then on,
//! and the features work on them. The version 1 day: activation, permission, a
//! password, sales, a wrong password, a void, settlement, a declined void, and a void
//! whose answer was lost (left awaiting its reversal). The version 2 day adds
//! operators and a void resolved by hand (see `fixtures/v2/README.md`).

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::*;
use rusqlite::Connection;
use voidguard::{
    AuditProblem, KeyFileWrapper, LegKind, LegState, MarkFile, RefundLookup, RefundRequest,
    RequestKind, RequestStatus, RollbackMark, Terminal, TransactionKind, VoidGuardError,
    VoidRequest,
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

fn copy_of_v1() -> Upgraded {
    copy_of(1)
}

/// A copy of a fixture (git keeps no file modes: the key file is made 0600 again).
fn copy_of(version: u32) -> Upgraded {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/v{version}"));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("voidguard.db");
    let key_file = dir.path().join("voidguard.key");
    std::fs::copy(from.join(format!("v{version}.db")), &db).unwrap();
    std::fs::copy(from.join(format!("v{version}.key")), &key_file).unwrap();
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

/// The merchant applies for `kind` and redeems the back office's code.
fn grant(t: &Terminal, kind: RequestKind) {
    let ticket = t.apply_for(kind, application()).unwrap();
    let code = approval_for(kind, &ticket.request_code);
    t.redeem_approval(ticket.request_code, code, None).unwrap();
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
    assert_eq!(status.schema_version, 6);
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
        "host_legs",
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
    assert_eq!(count(&u.db, "PRAGMA user_version"), 6);
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

/// The void password, the administrator's and the cashiers' of the version 2 day.
const V2_ADMIN_PASSWORD: &str = "58204719";
const V2_CASHIER_02_PASSWORD: &str = "4926";

#[test]
fn the_second_fixture_is_a_version_2_database() {
    let u = copy_of(2);
    assert_eq!(count(&u.db, "PRAGMA user_version"), 2);
    assert_eq!(count(&u.db, "SELECT count(*) FROM journal"), 9);
    assert_eq!(count(&u.db, "SELECT count(*) FROM pending_voids"), 4);
}

#[test]
fn a_version_2_database_moves_its_pending_voids_into_host_legs() {
    let u = copy_of(2);
    let t = open(&u);
    let status = t.status().unwrap();
    assert_eq!(status.schema_version, 6);
    assert_eq!(
        (status.batch_no.as_str(), status.next_voucher_no.as_str()),
        ("000002", "000013")
    );
    assert_eq!(status.pending_host_work, 1);
    assert_eq!(all_rows(&t).len(), 9);
    let report = t.verify_audit().unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(
        count(
            &u.db,
            "SELECT count(*) FROM sqlite_schema WHERE name = 'pending_voids'"
        ),
        0
    );
    // Every void moved with its id, state and numbers, dated by the day it was begun.
    let moved: Vec<(i64, String, String, String)> = {
        let conn = Connection::open(&u.db).unwrap();
        let mut stmt = conn
            .prepare("SELECT id, kind, state, business_date FROM host_legs ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let day = "2026-12-09".to_owned();
    assert_eq!(
        moved,
        vec![
            (1, "void".into(), "approved".into(), day.clone()),
            (2, "void".into(), "declined".into(), day.clone()),
            (3, "void".into(), "reversed".into(), day.clone()),
            (4, "void".into(), "awaiting_reversal".into(), day),
        ]
    );
    let open = t.pending_host_work().unwrap();
    assert_eq!(open.len(), 1);
    let leg = &open[0];
    assert_eq!(
        (leg.leg_id, leg.kind, leg.state),
        (4, LegKind::Void, LegState::AwaitingReversal)
    );
    assert_eq!(
        (
            leg.voucher_no.as_deref(),
            leg.original_voucher_no.as_deref()
        ),
        (Some("000012"), Some("000008"))
    );
    assert_eq!(leg.request.operator_no, "02");
    assert_eq!(leg.request.processing_code, "200000");

    // The features work on it: the lost void is reversed, cashier 02 voids the sale
    // anew, and the supervisor settles through the host leg.
    assert_eq!(t.reconcile().unwrap().reversed, 1);
    t.sign_in("02".into(), V2_CASHIER_02_PASSWORD.into())
        .unwrap();
    let sale = t.find_transaction("000008".into()).unwrap().unwrap();
    let outcome = t
        .void_transaction(VoidRequest {
            password: FIXTURE_PASSWORD.into(),
            ..void_of(&sale)
        })
        .unwrap();
    assert_eq!(outcome.state, LegState::Approved);
    t.sign_out().unwrap();
    t.sign_in("00".into(), FIXTURE_PASSWORD.into()).unwrap();
    let report = t.settle().unwrap();
    assert_eq!(
        (
            report.batch_no.as_str(),
            report.sale_count,
            report.void_count
        ),
        ("000002", 4, 1)
    );
    t.sign_out().unwrap();
    t.sign_in("99".into(), V2_ADMIN_PASSWORD.into()).unwrap();
    assert!(t.verify_audit().unwrap().ok);
}

/// A pending void edited before the upgrade is not blessed by the move: the upgrade
/// refuses, names the row, and leaves the file as it was.
#[test]
fn a_version_2_pending_void_edited_before_the_upgrade_is_refused() {
    let u = copy_of(2);
    let conn = Connection::open(&u.db).unwrap();
    conn.execute(
        "UPDATE pending_voids SET state = 'reversed', resolved_at_ms = 1 WHERE id = 4",
        [],
    )
    .unwrap();
    drop(conn);
    let before = std::fs::read(&u.db).unwrap();
    let keys = KeyFileWrapper::open(&u.key_file).unwrap();
    let refused = Terminal::open_with(config(&u.db), &keys, None, u.clock.clone())
        .map(drop)
        .map_err(VoidGuardError::from);
    assert_eq!(
        refused,
        Err(VoidGuardError::TamperedRow {
            table: "pending_voids".into(),
            row_id: 4,
            problem: AuditProblem::RowAltered,
        })
    );
    assert_eq!(std::fs::read(&u.db).unwrap(), before);
    assert_eq!(count(&u.db, "PRAGMA user_version"), 2);
}

#[test]
fn the_third_fixture_is_a_version_3_database() {
    let db = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v3/v3.db");
    assert_eq!(count(&db, "PRAGMA user_version"), 3);
    assert_eq!(count(&db, "SELECT count(*) FROM journal"), 7);
    assert_eq!(count(&db, "SELECT count(*) FROM settlements"), 1);
}

/// The version 3 day (see `fixtures/v3/README.md`) opens as version 4: the journal is
/// rebuilt with every row, id and audit entry as it was, the chain verifies, and its
/// settled sales can be refunded.
#[test]
fn a_version_3_database_keeps_its_journal_and_its_settled_sales_can_be_refunded() {
    let u = copy_of(3);
    let t = open(&u);
    assert_eq!(t.status().unwrap().schema_version, 6);
    let rows = all_rows(&t);
    assert_eq!(rows.len(), 7);
    assert_eq!(
        rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        (1..=7).collect::<Vec<i64>>()
    );
    let void = rows
        .iter()
        .find(|r| r.kind == TransactionKind::Void)
        .unwrap();
    assert_eq!(void.original_voucher_no.as_deref(), Some("000001"));
    assert!(rows.iter().all(|r| r.original_rrn.is_none()));
    let report = t.verify_audit().unwrap();
    assert!(report.ok, "{report:?}");
    // One entry per step: to version 4, then to 5, then to 6.
    assert_eq!(
        count(
            &u.db,
            "SELECT count(*) FROM audit WHERE kind = 'schema.upgraded'"
        ),
        3
    );
    let journal_sql: String = Connection::open(&u.db)
        .unwrap()
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'journal'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(journal_sql.contains("'refund'"), "{journal_sql}");

    grant(&t, RequestKind::RefundPermission);
    t.sign_in("01".into(), "3817".into()).unwrap();
    let sale = rows.iter().find(|r| r.voucher_no == "000003").unwrap();
    let refund = t
        .refund(voidguard::RefundRequest {
            lookup: voidguard::RefundLookup {
                rrn: Some(sale.rrn.clone()),
                date: Some("1210".into()),
                ..Default::default()
            },
            amount: "56.00".into(),
            password: FIXTURE_PASSWORD.into(),
            reason: "goods_returned".into(),
        })
        .unwrap()
        .refund
        .unwrap();
    assert_eq!(refund.original_voucher_no.as_deref(), Some("000003"));
    assert_eq!(refund.voucher_no, "000008");
    // The voided sale stays unrefundable; the guards hold on the rebuilt table.
    let voided = t
        .refund_preview(voidguard::RefundLookup {
            voucher_no: Some("000001".into()),
            batch_no: Some("000001".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert!(matches!(voided, VoidGuardError::RefundOfVoidedSale { .. }));
    assert!(t.verify_audit().unwrap().ok);
    drop(t);
    let conn = Connection::open(&u.db).unwrap();
    assert!(conn
        .execute("DELETE FROM journal WHERE id = 2", [])
        .is_err());
    assert!(conn
        .execute("UPDATE journal SET amount_fen = 1 WHERE id = 2", [])
        .is_err());
}

#[test]
fn the_fourth_fixture_is_a_version_4_database() {
    let db = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v4/v4.db");
    assert_eq!(count(&db, "PRAGMA user_version"), 4);
    assert_eq!(count(&db, "SELECT count(*) FROM journal"), 9);
    assert_eq!(count(&db, "SELECT count(*) FROM requests"), 2);
}

/// The version 4 day (see `fixtures/v4/README.md`) opens as version 6 (through 5): the requests
/// are rebuilt with every row, id and audit entry as they were, the open lift request
/// can still be redeemed, and refunds, which version 4 let through on the void
/// permission, wait for the refund permission of their own.
#[test]
fn a_version_4_database_keeps_its_requests_and_refunds_wait_for_their_own_permission() {
    let u = copy_of(4);
    let t = open(&u);
    let status = t.status().unwrap();
    assert_eq!(status.schema_version, 6);
    assert!(status.void_permitted);
    assert!(!status.refund_permitted);
    let requests = t.requests().unwrap();
    let mut kinds: Vec<_> = requests
        .iter()
        .map(|r| (r.request_code.clone(), r.kind, r.status))
        .collect();
    kinds.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        kinds,
        [
            (
                "3110457690".to_owned(),
                RequestKind::VoidPermission,
                RequestStatus::Redeemed
            ),
            (
                "3538601039".to_owned(),
                RequestKind::LiftRestriction,
                RequestStatus::Open
            ),
        ]
    );
    assert_eq!(
        count(&u.db, "SELECT min(id) * 10 + max(id) FROM requests"),
        12
    );
    let report = t.verify_audit().unwrap();
    assert!(report.ok, "{report:?}");
    // One entry per step: to version 5, then to 6.
    assert_eq!(
        count(
            &u.db,
            "SELECT count(*) FROM audit WHERE kind = 'schema.upgraded'"
        ),
        2
    );

    t.sign_in("01".into(), "3817".into()).unwrap();
    let sale = all_rows(&t)
        .into_iter()
        .find(|r| r.voucher_no == "000003")
        .unwrap();
    let refund = |amount: &str| {
        t.refund(RefundRequest {
            lookup: RefundLookup {
                rrn: Some(sale.rrn.clone()),
                date: Some("1211".into()),
                ..Default::default()
            },
            amount: amount.into(),
            password: FIXTURE_PASSWORD.into(),
            reason: "goods_returned".into(),
        })
    };
    assert_eq!(
        refund("10.00").map(drop),
        Err(VoidGuardError::RefundPermissionNotGranted)
    );
    // The version 4 lift request is still good, and redeeming it sets the day's
    // refunds aside.
    let lift = approval_for(RequestKind::LiftRestriction, "3538601039");
    t.redeem_approval("3538601039".into(), lift, None).unwrap();
    assert_eq!(count(&u.db, "SELECT count FROM refund_lifts"), 2);
    grant(&t, RequestKind::RefundPermission);
    assert!(t.status().unwrap().refund_permitted);
    let done = refund("10.00").unwrap().refund.unwrap();
    assert_eq!(done.voucher_no, "000010");
    // 256.00 − 56.00 earlier − 10.00 now.
    let preview = t
        .refund_preview(RefundLookup {
            voucher_no: Some("000003".into()),
            batch_no: Some("000001".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(preview.balance.to_decimal_string(), "190.00");
    assert!(t.verify_audit().unwrap().ok);
    let requests_sql: String = Connection::open(&u.db)
        .unwrap()
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'requests'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(requests_sql.contains("'permit_refund'"), "{requests_sql}");
}

#[test]
fn the_fifth_fixture_is_a_version_5_database() {
    let db = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v5/v5.db");
    assert_eq!(count(&db, "PRAGMA user_version"), 5);
    assert_eq!(count(&db, "SELECT count(*) FROM journal"), 11);
    let columns = count(
        &db,
        "SELECT count(*) FROM pragma_table_info('journal') WHERE name = 'pan_hash'",
    );
    assert_eq!(columns, 0);
}

/// The version 5 day (see `fixtures/v5/README.md`) opens as version 6: every row and
/// entry as it was, no sale with a card hash; the open batch's sale 000011, keyed
/// before the hash existed, cannot be checked against a card, so a terminal that
/// requires the card refuses its void by name; without the switch it voids as before,
/// and a sale made now keeps its hash and is voided with its card.
#[test]
fn a_version_5_database_gains_card_hashes_for_new_sales_only() {
    let u = copy_of(5);
    let keys = KeyFileWrapper::open(&u.key_file).unwrap();
    let mut strict = config(&u.db);
    strict.void_card_required = true;
    let t = Terminal::open_with(strict, &keys, None, u.clock.clone()).unwrap();
    let status = t.status().unwrap();
    assert_eq!(status.schema_version, 6);
    assert_eq!(status.next_voucher_no, "000012");
    assert_eq!(all_rows(&t).len(), 11);
    assert!(t.verify_audit().unwrap().ok);
    assert_eq!(
        count(
            &u.db,
            "SELECT count(*) FROM journal WHERE pan_hash IS NOT NULL"
        ),
        0
    );

    let reader = common::card::TestReader::new();
    t.set_card_reader(Some(reader.clone()));
    t.sign_in("01".into(), "3817".into()).unwrap();
    let old_sale = |t: &Terminal| {
        all_rows(t)
            .into_iter()
            .find(|r| r.voucher_no == "000011")
            .unwrap()
    };
    let void = |sale: &voidguard::Transaction| VoidRequest {
        password: FIXTURE_PASSWORD.into(),
        ..void_of(sale)
    };
    reader.will_read(common::card::read(common::card::PAN, true));
    assert_eq!(
        t.void_transaction(void(&old_sale(&t))).map(drop),
        Err(VoidGuardError::CardNotOnFile {
            voucher_no: "000011".into()
        })
    );
    assert_eq!(t.vault_status().unwrap().consecutive_failures, 0);

    reader.will_read(common::card::read(common::card::PAN, false));
    let sale = t
        .record_sale(voidguard::SaleRequest {
            amount: "19.90".into(),
            card_number: String::new(),
            card_scheme: String::new(),
        })
        .unwrap();
    assert_eq!(sale.voucher_no, "000012");
    assert_eq!(
        count(
            &u.db,
            "SELECT count(*) FROM journal WHERE pan_hash IS NOT NULL"
        ),
        1
    );
    reader.will_read(common::card::read(common::card::PAN, false));
    let done = t.void_transaction(void(&sale)).unwrap();
    assert!(done.void_transaction.is_some());
    assert!(t.verify_audit().unwrap().ok);
    drop(t);

    // Without the switch the old sale voids as it did in version 5.
    let t = open(&u);
    t.sign_in("01".into(), "3817".into()).unwrap();
    let done = t.void_transaction(void(&old_sale(&t))).unwrap();
    assert!(done.void_transaction.is_some());
    assert!(t.verify_audit().unwrap().ok);
}
