//! The tamper matrix: someone with write access to the database file (root on a
//! terminal, `run-as` on a debuggable build, the same user on a PC) edits it while the
//! terminal is closed. For every table that grants, limits or records money, on a copy
//! of a database after a merchant day: each column of one row edited, the row deleted,
//! a forged row inserted, an older copy of the row written back; and the whole file
//! restored from an older copy. Each case must end in its exact typed error: at open
//! (every money-moving call refused, the row named), at the next void, or from
//! `verify_audit` naming the row.

mod common;

use std::path::Path;

use common::*;
use rusqlite::types::Value;
use rusqlite::Connection;
use voidguard::{AuditProblem, RequestKind, SimulatorMode, Transaction, VoidGuardError};

/// The covered tables; the first eight are the rows a void or refund depends on,
/// checked at open.
const CRITICAL: &[&str] = &[
    "profile",
    "vault",
    "lockout",
    "void_limits",
    "counters",
    "approval_guard",
    "operators",
    "refund_lifts",
];
const OTHERS: &[&str] = &["requests", "host_legs", "journal", "settlements"];

/// The files of a closed terminal after a merchant day, an older copy of the database
/// from the middle of it, and a sale of the open batch that can still be voided.
struct Day {
    closed: ClosedFixture,
    older: tempfile::NamedTempFile,
    open_sale: Transaction,
}

fn copy_db(db: &Path, to: &Path) {
    // The WAL is checkpointed into the file when the last connection closes.
    std::fs::copy(db, to).unwrap();
}

fn merchant_day() -> Day {
    let f = Fixture::ready();
    let t = &f.terminal;
    let coffee = f.sale("12.34");
    let lunch = f.sale("88.00");
    let snack = f.sale("5.50");
    t.void_transaction(void_of(&coffee)).unwrap();
    t.set_simulator_mode(SimulatorMode::Decline).unwrap();
    assert!(t.void_transaction(void_of(&lunch)).is_err());
    t.set_simulator_mode(SimulatorMode::Approve).unwrap();
    let mut wrong = void_of(&snack);
    wrong.password = WRONG_PASSWORD.into();
    assert!(t.begin_void(wrong).is_err());
    t.settle().unwrap();
    // Left open across the older copy, so each of these rows changes after it.
    f.sign_in_as("03");
    let tea = f.sale("6.60");
    let late = f.sale("3.30");
    let lift = t
        .apply_for(RequestKind::LiftRestriction, application())
        .unwrap();
    // 23:58: the void of the late sale is sent; its answer comes after midnight.
    let to_late_evening = 13 * 60 * MINUTE_MS + 58 * MINUTE_MS;
    f.clock.advance(to_late_evening);
    let late_void = t.begin_void(void_of(&late)).unwrap();
    t.set_simulator_mode(SimulatorMode::Timeout).unwrap();
    assert_eq!(
        t.void_transaction(void_of(&tea)),
        Err(VoidGuardError::HostUnreachable)
    );
    t.set_simulator_mode(SimulatorMode::Approve).unwrap();
    // The next day: its first void moves the first day's totals to void_limits.
    f.clock.advance(10 * MINUTE_MS);
    let morning = f.sale("4.40");
    t.void_transaction(void_of(&morning)).unwrap();

    // The older copy: taken while the terminal is closed.
    let closed = f.close();
    let older = tempfile::NamedTempFile::new().unwrap();
    copy_db(&closed.db, older.path());
    let f = closed.open();
    let t = &f.terminal;
    f.sign_in_as("03");

    f.clock.advance(MINUTE_MS);
    // The late answer: the void counts against the day it was begun on.
    let approved = voidguard::HostReply::Approved {
        rrn: "202611300099".into(),
        auth_code: "LATE01".into(),
    };
    let outcome = t.complete_void(late_void.leg_id, approved).unwrap();
    assert_eq!(outcome.state, voidguard::LegState::Approved);
    // A refund of yesterday's settled sale, which the lift below sets aside.
    t.refund(voidguard::RefundRequest {
        lookup: voidguard::RefundLookup {
            voucher_no: Some(snack.voucher_no.clone()),
            batch_no: Some(snack.batch_no.clone()),
            ..Default::default()
        },
        amount: "2.00".into(),
        password: PASSWORD.into(),
        reason: "goods_returned".into(),
    })
    .unwrap();
    t.redeem_approval(
        lift.request_code.clone(),
        approval_for(RequestKind::LiftRestriction, &lift.request_code),
        None,
    )
    .unwrap();
    t.apply_for(RequestKind::PasswordReset, application())
        .unwrap();
    f.sign_in_as("99");
    t.reset_operator_password("03".into(), "6042".into())
        .unwrap();
    let open_sale = f.sale("19.90");
    let mut wrong = void_of(&open_sale);
    wrong.password = WRONG_PASSWORD.into();
    assert!(t.begin_void(wrong).is_err());
    t.change_void_password(PASSWORD.into(), NEW_PASSWORD.into())
        .unwrap();
    t.change_void_password(NEW_PASSWORD.into(), PASSWORD.into())
        .unwrap();
    let report = t.verify_audit().unwrap();
    assert!(report.ok, "{report:?}");
    Day {
        closed: f.close(),
        older,
        open_sale,
    }
}

/// A copy of the day's files, edited by `edit` with plain SQL, opened again.
fn case(day: &Day, edit: impl FnOnce(&Connection)) -> Fixture {
    case_from(day, &day.closed.db, edit)
}

/// As [`case`], with the database file taken from `source`.
fn case_from(day: &Day, source: &Path, edit: impl FnOnce(&Connection)) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("voidguard.db");
    let key_file = dir.path().join("voidguard.key");
    copy_db(source, &db);
    std::fs::copy(&day.closed.key_file, &key_file).unwrap();
    std::fs::copy(
        day.closed.key_file.with_extension("mark"),
        key_file.with_extension("mark"),
    )
    .unwrap();
    {
        let conn = Connection::open(&db).unwrap();
        drop_guards(&conn);
        conn.pragma_update(None, "ignore_check_constraints", true)
            .unwrap();
        conn.pragma_update(None, "foreign_keys", false).unwrap();
        edit(&conn);
    }
    let f = ClosedFixture {
        dir,
        db,
        key_file,
        clock: day.closed.clock.clone(),
        host: None,
    }
    .open();
    // The cashier signs in as at the start of a shift; a terminal that found
    // tampering at open refuses even that, and says why at the void.
    let _refused_when_tampered = f.terminal.sign_in(CASHIER.into(), CASHIER_PASSWORD.into());
    f
}

/// The row each case changes: the latest of the table.
fn target(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT max(rowid) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn target_of(day: &Day, table: &str) -> i64 {
    if table == "journal" {
        return day.open_sale.id;
    }
    target(&Connection::open(&day.closed.db).unwrap(), table)
}

fn columns(conn: &Connection, table: &str) -> Vec<(String, String)> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT name, type FROM pragma_table_info('{table}')"
        ))
        .unwrap();
    let cols = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    cols.map(Result::unwrap)
        .filter(|(name, _): &(String, String)| name != "audit_seq")
        .collect()
}

/// A different value of the column's own type.
fn edited(value: Value, declared: &str) -> Value {
    match value {
        Value::Integer(v) => Value::Integer(v ^ 0x4000),
        Value::Text(t) => Value::Text(format!("{t}9")),
        Value::Blob(mut b) => {
            match b.first_mut() {
                Some(first) => *first ^= 0x01,
                None => b.push(1),
            }
            Value::Blob(b)
        }
        Value::Real(r) => Value::Real(r + 1.0),
        Value::Null => match declared {
            "INTEGER" => Value::Integer(424_242),
            "BLOB" => Value::Blob(vec![1]),
            _ => Value::Text("1".into()),
        },
    }
}

/// What the case must end in: the row named by `verify_audit`, and for the rows a
/// void depends on, every money-moving call refused from the moment the file opens.
fn assert_caught(f: &Fixture, table: &str, row_id: i64, problem: AuditProblem, what: &str) {
    let report = f.terminal.verify_audit().unwrap();
    assert_eq!(
        (report.table.as_deref(), report.row_id, report.problem),
        (Some(table), Some(row_id), Some(problem)),
        "{what}: {report:?}"
    );
    if CRITICAL.contains(&table) {
        let refused = f
            .terminal
            .record_sale(voidguard::SaleRequest {
                amount: "1.00".into(),
                card_number: "6222021234567890123".into(),
                card_scheme: "UnionPay".into(),
            })
            .map(drop);
        assert_eq!(
            refused,
            Err(VoidGuardError::TamperedRow {
                table: table.into(),
                row_id,
                problem
            }),
            "{what}: a sale was taken"
        );
    }
}

#[test]
fn every_column_of_every_covered_row_edited_is_caught() {
    let day = merchant_day();
    let mut cases = 0;
    for table in CRITICAL.iter().chain(OTHERS) {
        let row_id = target_of(&day, table);
        let cols = columns(&Connection::open(&day.closed.db).unwrap(), table);
        assert!(!cols.is_empty(), "{table}");
        for (column, declared) in cols {
            let f = case(&day, |conn| {
                let value: Value = conn
                    .query_row(
                        &format!("SELECT {column} FROM {table} WHERE rowid = ?1"),
                        [row_id],
                        |r| r.get(0),
                    )
                    .unwrap();
                let changed = conn
                    .execute(
                        &format!("UPDATE {table} SET {column} = ?1 WHERE rowid = ?2"),
                        rusqlite::params![edited(value, &declared), row_id],
                    )
                    .unwrap();
                assert_eq!(changed, 1);
            });
            // An edited key column moves the row: the original is gone, and a row no
            // entry records stands in its place. Either is named.
            let report = f.terminal.verify_audit().unwrap();
            let what = format!("{table}.{column} edited");
            if column == "id" {
                assert!(
                    matches!(
                        report.problem,
                        Some(AuditProblem::RowUnrecorded | AuditProblem::RowDeleted)
                    ) && report.table.as_deref() == Some(*table),
                    "{what}: {report:?}"
                );
            } else {
                assert_caught(&f, table, row_id, AuditProblem::RowAltered, &what);
            }
            cases += 1;
        }
    }
    assert!(cases >= 87, "only {cases} columns");
    eprintln!("tamper matrix: {cases} column edits caught");
}

#[test]
fn a_deleted_covered_row_is_caught() {
    let day = merchant_day();
    for table in CRITICAL.iter().chain(OTHERS) {
        let row_id = target_of(&day, table);
        let f = case(&day, |conn| {
            conn.execute("PRAGMA foreign_keys = OFF", []).unwrap();
            let gone = conn
                .execute(&format!("DELETE FROM {table} WHERE rowid = ?1"), [row_id])
                .unwrap();
            assert_eq!(gone, 1, "{table}");
        });
        assert_caught(
            &f,
            table,
            row_id,
            AuditProblem::RowDeleted,
            &format!("{table} row deleted"),
        );
    }
}

/// A copy of the target row under a new row id, with its unique columns made unique.
fn forge(conn: &Connection, table: &str, row_id: i64) -> i64 {
    let new_id = target(conn, table) + 1;
    let cols: Vec<String> = columns(conn, table).into_iter().map(|(n, _)| n).collect();
    let select: Vec<String> = cols
        .iter()
        .map(|c| match (table, c.as_str()) {
            (_, "id") => new_id.to_string(),
            ("void_limits" | "refund_lifts", "business_date") => "'2099-12-31'".into(),
            ("requests", "request_code") => "'9999999999'".into(),
            ("requests", "status") => "'closed'".into(),
            ("operators", "operator_no") => "'77'".into(),
            ("journal", "voucher_no") => "999998".into(),
            ("host_legs", "resolved_at_ms") => "coalesce(resolved_at_ms, 1)".into(),
            ("host_legs", "state") => "'declined'".into(),
            _ => c.clone(),
        })
        .collect();
    conn.execute(
        &format!(
            "INSERT INTO {table} ({cols}, audit_seq) SELECT {select}, audit_seq FROM {table} WHERE rowid = ?1",
            cols = cols.join(", "),
            select = select.join(", ")
        ),
        [row_id],
    )
    .unwrap();
    conn.last_insert_rowid()
}

#[test]
fn a_forged_row_is_caught() {
    let day = merchant_day();
    for table in CRITICAL.iter().chain(OTHERS) {
        let row_id = target_of(&day, table);
        let mut forged = 0;
        let f = case(&day, |conn| forged = forge(conn, table, row_id));
        assert_caught(
            &f,
            table,
            forged,
            AuditProblem::RowUnrecorded,
            &format!("{table} row forged"),
        );
    }
}

#[test]
fn an_older_copy_of_a_row_written_back_is_caught() {
    let day = merchant_day();
    let older = Connection::open(day.older.path()).unwrap();
    let current = Connection::open(&day.closed.db).unwrap();
    let mut replayed = Vec::new();
    for table in CRITICAL.iter().chain(OTHERS) {
        // The rows that changed since the older copy: the latest one.
        let sql = format!("SELECT rowid, audit_seq FROM {table} ORDER BY rowid");
        let read = |c: &Connection| -> Vec<(i64, i64)> {
            let mut stmt = c.prepare(&sql).unwrap();
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
            rows.map(Result::unwrap).collect()
        };
        let before = read(&older);
        let now = read(&current);
        let Some(&(row_id, _)) = before
            .iter()
            .rfind(|(id, seq)| now.iter().any(|(i, s)| i == id && s != seq))
        else {
            continue;
        };
        let cols: Vec<String> = columns(&current, table)
            .into_iter()
            .map(|(n, _)| n)
            .chain(["audit_seq".to_owned()])
            .collect();
        let old_values: Vec<Value> = older
            .query_row(
                &format!("SELECT {} FROM {table} WHERE rowid = ?1", cols.join(", ")),
                [row_id],
                |r| (0..cols.len()).map(|i| r.get(i)).collect(),
            )
            .unwrap();
        let f = case(&day, |conn| {
            let sets: Vec<String> = cols
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c} = ?{}", i + 1))
                .collect();
            let mut params: Vec<Value> = old_values.clone();
            params.push(Value::Integer(row_id));
            let changed = conn
                .execute(
                    &format!(
                        "UPDATE {table} SET {} WHERE rowid = ?{}",
                        sets.join(", "),
                        cols.len() + 1
                    ),
                    rusqlite::params_from_iter(params),
                )
                .unwrap();
            assert_eq!(changed, 1);
        });
        assert_caught(
            &f,
            table,
            row_id,
            AuditProblem::RowReplayed,
            &format!("{table} row replayed"),
        );
        replayed.push(*table);
    }
    // Every table whose rows change after they are written has such a row.
    for table in [
        "vault",
        "lockout",
        "void_limits",
        "counters",
        "approval_guard",
        "operators",
        "requests",
        "host_legs",
        "journal",
    ] {
        assert!(
            replayed.contains(&table),
            "no replay of {table}: {replayed:?}"
        );
    }
    eprintln!(
        "tamper matrix: {} row replays caught: {replayed:?}",
        replayed.len()
    );
}

#[test]
fn restoring_an_older_copy_of_the_whole_file_is_refused_as_rolled_back() {
    let day = merchant_day();
    // The older copy restored over the file; the mark beside the key file stays.
    let f = case_from(&day, day.older.path(), |_| {});
    let refused = f.terminal.void_transaction(void_of(&day.open_sale));
    assert!(
        matches!(refused, Err(VoidGuardError::RolledBack { mark_seq, found_seq }) if found_seq < mark_seq),
        "{refused:?}"
    );
    assert!(matches!(
        f.terminal.settle(),
        Err(VoidGuardError::RolledBack { .. })
    ));
    // Reading and verification stay available: the older copy is consistent in itself.
    assert!(f.terminal.verify_audit().unwrap().ok);
    assert!(!all_rows(&f.terminal).is_empty());
}

/// Deleting the mark is no way around it: a database bound to a mark insists on one.
#[test]
fn a_missing_mark_is_refused() {
    let day = merchant_day();
    let f = case(&day, |_| {});
    let closed = f.close();
    std::fs::remove_file(closed.key_file.with_extension("mark")).unwrap();
    let f = closed.open();
    assert_eq!(
        f.terminal
            .void_transaction(void_of(&day.open_sale))
            .map(drop),
        Err(VoidGuardError::MarkMissing)
    );
}

#[test]
fn deleting_the_profile_and_activating_again_is_refused_and_changes_nothing() {
    let day = merchant_day();
    let f = case(&day, |conn| {
        conn.execute("DELETE FROM profile", []).unwrap();
    });
    let before = std::fs::read(&f.db).unwrap();
    let refused = f.terminal.activate(
        MERCHANT_NO.into(),
        TERMINAL_ID.into(),
        "00112233445566778899aabbccddeeff".into(),
    );
    let deleted = Err(VoidGuardError::TamperedRow {
        table: "profile".into(),
        row_id: 1,
        problem: AuditProblem::RowDeleted,
    });
    assert_eq!(refused.map(drop), deleted);
    assert!(f.terminal.set_void_password("918273".into()).is_err());
    assert_eq!(
        std::fs::read(&f.db).unwrap(),
        before,
        "the refused activation wrote"
    );
    let report = f.terminal.verify_audit().unwrap();
    assert_eq!(
        (report.table.as_deref(), report.row_id, report.problem),
        (Some("profile"), Some(1), Some(AuditProblem::RowDeleted))
    );
}

#[test]
fn activation_is_refused_on_a_terminal_that_holds_data() {
    let day = merchant_day();
    // Even with a consistent file: the profile and its record gone together is still
    // a terminal with a vault and a journal.
    let f = case(&day, |conn| {
        conn.execute("DELETE FROM profile", []).unwrap();
        conn.execute("DELETE FROM audit WHERE row_table = 'profile'", [])
            .unwrap();
    });
    assert!(f
        .terminal
        .activate(MERCHANT_NO.into(), TERMINAL_ID.into(), SECRET_HEX.into())
        .is_err());
}

#[test]
fn permission_and_limit_edits_are_caught_before_a_void() {
    let day = merchant_day();
    let sale = &day.open_sale;
    // Void permission revoked and granted again by hand.
    let f = case(&day, |conn| {
        conn.execute("UPDATE profile SET void_permitted_at_ms = 1", [])
            .unwrap();
    });
    assert_eq!(
        f.terminal.void_transaction(void_of(sale)).map(drop),
        Err(VoidGuardError::TamperedRow {
            table: "profile".into(),
            row_id: 1,
            problem: AuditProblem::RowAltered
        })
    );
    // Today's void count wiped.
    let f = case(&day, |conn| {
        conn.execute(
            "UPDATE counters SET void_day = NULL, void_count = NULL, void_amount_fen = NULL",
            [],
        )
        .unwrap();
    });
    assert_eq!(
        f.terminal.void_transaction(void_of(sale)).map(drop),
        Err(VoidGuardError::TamperedRow {
            table: "counters".into(),
            row_id: 1,
            problem: AuditProblem::RowAltered
        })
    );
    // An earlier day's wiped.
    let f = case(&day, |conn| {
        conn.execute("DELETE FROM void_limits", []).unwrap();
    });
    assert!(matches!(
        f.terminal.void_transaction(void_of(sale)),
        Err(VoidGuardError::TamperedRow { table, problem: AuditProblem::RowDeleted, .. }) if table == "void_limits"
    ));
    // A sale's amount changed, then voided for the new amount.
    let f = case(&day, |conn| {
        conn.execute("UPDATE journal SET amount_fen = 1 WHERE id = ?1", [sale.id])
            .unwrap();
    });
    let mut edited = void_of(sale);
    edited.amount = "0.01".into();
    assert_eq!(
        f.terminal.void_transaction(edited).map(drop),
        Err(VoidGuardError::TamperedRow {
            table: "journal".into(),
            row_id: sale.id,
            problem: AuditProblem::RowAltered
        })
    );
}

#[test]
fn an_unknown_stored_code_reads_as_tampering_never_as_a_default() {
    let day = merchant_day();
    let f = case(&day, |conn| {
        conn.execute(
            "UPDATE journal SET status = 'approved_ok' WHERE id = ?1",
            [day.open_sale.id],
        )
        .unwrap();
    });
    assert_eq!(
        f.terminal
            .find_transaction(day.open_sale.voucher_no.clone()),
        Err(VoidGuardError::Tampered {
            what: "a stored code is unknown".into()
        })
    );
    let f = case(&day, |conn| {
        conn.execute("UPDATE requests SET kind = 'grant_all'", [])
            .unwrap();
    });
    assert_eq!(
        f.terminal.requests().map(drop),
        Err(VoidGuardError::Tampered {
            what: "a stored code is unknown".into()
        })
    );
}

/// Before anyone drops them, the triggers refuse what the rules never do: a journal
/// row changed other than by a status move, a journal row or an audit entry deleted.
#[test]
fn the_triggers_refuse_edits_that_no_rule_makes() {
    let day = merchant_day();
    let conn = Connection::open(&day.closed.db).unwrap();
    let id = day.open_sale.id;
    for sql in [
        format!("UPDATE journal SET amount_fen = 1 WHERE id = {id}"),
        "UPDATE journal SET status = 'approved' WHERE status = 'voided'".to_owned(),
        format!("UPDATE journal SET audit_seq = 1 WHERE id = {id}"),
        format!("DELETE FROM journal WHERE id = {id}"),
        "UPDATE audit SET detail = '{}' WHERE seq = 2".to_owned(),
        "DELETE FROM audit WHERE seq = 2".to_owned(),
    ] {
        assert!(conn.execute(&sql, []).is_err(), "{sql} went through");
    }
    // A legal move still goes through the trigger (the core makes it).
    assert_eq!(
        conn.execute(
            &format!("UPDATE journal SET status = 'settled' WHERE id = {id}"),
            []
        )
        .unwrap(),
        1
    );
}

/// The rows a void depends on are checked again before the next write whenever
/// another connection committed to the file while the terminal had it open.
#[test]
fn an_edit_committed_by_another_connection_while_open_is_caught_at_the_next_write() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    f.sale("1.00");
    let other = Connection::open(&f.db).unwrap();
    other
        .execute(
            "UPDATE counters SET next_voucher_no = next_voucher_no + 5",
            [],
        )
        .unwrap();
    drop(other);
    assert_eq!(
        f.terminal.void_transaction(void_of(&sale)).map(drop),
        Err(VoidGuardError::TamperedRow {
            table: "counters".into(),
            row_id: 1,
            problem: AuditProblem::RowAltered
        })
    );
}
