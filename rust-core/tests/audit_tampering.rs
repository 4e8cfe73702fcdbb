//! The audit trail after someone edited the database behind the terminal's back.
//!
//! A busy day leaves a long HMAC chain; the terminal is closed, the file is changed
//! with plain SQL, the terminal opens it again and `verify_audit` must name the first
//! entry that no longer holds and what happened to it.

mod common;

use common::*;
use rusqlite::{params, Connection};
use voidguard::{
    AuditEntry, AuditProblem, AuditReport, RequestKind, SimulatorMode, VoidGuardError,
};

/// The full card number every sale of the day is paid with.
const FULL_PAN: &str = "6222021234567890123";
/// The digits PCI DSS says must never be kept: everything between BIN and last four.
const PAN_MIDDLE: &str = "123456789";
const WRONG_PASSWORD: &str = "135792";
const RESET_PASSWORD: &str = "918273";

struct Day {
    f: Fixture,
    /// Everything secret the merchant keyed or was sent during the day.
    secrets: Vec<String>,
    entries: u64,
}

/// Activation, permission, sales, an approved, a declined and a reversed void, a
/// lockout and its lift, a password change, a reset, one more void and settlement.
fn busy_day() -> Day {
    let f = Fixture::fresh();
    let t = &f.terminal;
    let mut secrets = vec![
        PASSWORD.to_owned(),
        NEW_PASSWORD.to_owned(),
        RESET_PASSWORD.to_owned(),
        WRONG_PASSWORD.to_owned(),
        SECRET_HEX.to_owned(),
        SECRET_HEX.to_ascii_uppercase(),
        FULL_PAN.to_owned(),
        PAN_MIDDLE.to_owned(),
    ];
    let mut redeem = |kind: RequestKind, new_password: Option<&str>| {
        let ticket = t.apply_for(kind, application()).unwrap();
        let code = approval_for(kind, &ticket.request_code);
        secrets.push(code.clone());
        t.redeem_approval(ticket.request_code, code, new_password.map(str::to_owned))
            .unwrap();
    };

    t.activate(MERCHANT_NO.into(), TERMINAL_ID.into(), SECRET_HEX.into())
        .unwrap();
    redeem(RequestKind::VoidPermission, None);
    t.set_void_password(PASSWORD.into()).unwrap();

    let coffee = f.sale("12.34");
    let lunch = f.sale("88.00");
    let snack = f.sale("5.50");
    let shoes = f.sale("230.00");
    let books = f.sale("66.60");

    t.void_transaction(void_of(&lunch)).unwrap();
    t.set_simulator_mode(SimulatorMode::Decline).unwrap();
    assert!(matches!(
        t.void_transaction(void_of(&snack)),
        Err(VoidGuardError::HostDeclined { .. })
    ));
    t.set_simulator_mode(SimulatorMode::Timeout).unwrap();
    assert_eq!(
        t.void_transaction(void_of(&shoes)),
        Err(VoidGuardError::HostUnreachable)
    );
    t.set_simulator_mode(SimulatorMode::Approve).unwrap();
    assert_eq!(t.reconcile().unwrap().reversed, 1);

    for _ in 0..5 {
        let mut wrong = void_of(&coffee);
        wrong.password = WRONG_PASSWORD.into();
        assert!(t.begin_void(wrong).is_err());
    }
    assert!(t.vault_status().unwrap().locked_until_ms.is_some());
    redeem(RequestKind::LiftRestriction, None);

    t.change_void_password(PASSWORD.into(), NEW_PASSWORD.into())
        .unwrap();
    redeem(RequestKind::PasswordReset, Some(RESET_PASSWORD));

    let mut last = void_of(&books);
    last.password = RESET_PASSWORD.into();
    t.void_transaction(last).unwrap();
    t.settle().unwrap();

    let report = t.verify_audit().unwrap();
    assert!(report.ok, "{report:?}");
    assert!(report.entries_checked >= 25, "{report:?}");
    let entries = report.entries_checked;
    Day {
        f,
        secrets,
        entries,
    }
}

/// Every entry, newest first, read in small pages as the audit screen does.
fn every_entry(day: &Day) -> Vec<AuditEntry> {
    let mut all = Vec::new();
    let mut before = None;
    loop {
        let page = day.f.terminal.audit(before, 7).unwrap();
        match page.last() {
            Some(oldest) => before = Some(oldest.seq),
            None => break,
        }
        all.extend(page);
    }
    all
}

fn seq_of_first(day: &Day, kind: &str) -> u64 {
    let mut entries = every_entry(day);
    entries.reverse();
    entries
        .iter()
        .find(|e| e.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} entry"))
        .seq
}

/// Closes the terminal, lets `edit` loose on the file with raw SQL, and opens it again.
fn tamper(day: Day, edit: impl FnOnce(&Connection)) -> Fixture {
    let closed = day.f.close();
    let conn = Connection::open(&closed.db).unwrap();
    drop_guards(&conn);
    edit(&conn);
    conn.close().unwrap();
    closed.open()
}

fn bad_at(seq: u64, problem: AuditProblem) -> (bool, Option<u64>, Option<AuditProblem>) {
    (false, Some(seq), Some(problem))
}

fn verdict(f: &Fixture) -> (bool, Option<u64>, Option<AuditProblem>) {
    let AuditReport {
        ok,
        first_bad_seq,
        problem,
        ..
    } = f.terminal.verify_audit().unwrap();
    (ok, first_bad_seq, problem)
}

#[test]
fn an_untouched_trail_verifies_after_a_restart() {
    let day = busy_day();
    let entries = day.entries;
    let f = tamper(day, |_| {});
    let report = f.terminal.verify_audit().unwrap();
    assert_eq!(
        report,
        AuditReport {
            ok: true,
            entries_checked: entries,
            first_bad_seq: None,
            problem: None,
            rows_checked: report.rows_checked,
            table: None,
            row_id: None,
        }
    );
    assert!(report.rows_checked > 10, "{report:?}");
}

#[test]
fn paging_the_trail_shows_every_entry_once_newest_first() {
    let day = busy_day();
    let seqs: Vec<u64> = every_entry(&day).iter().map(|e| e.seq).collect();
    // The page lists the acts; the entries that record covered rows are left out.
    let conn = Connection::open(&day.f.db).unwrap();
    let mut stmt = conn
        .prepare("SELECT seq FROM audit WHERE row_table IS NULL ORDER BY seq DESC")
        .unwrap();
    let expected: Vec<u64> = stmt
        .query_map([], |r| r.get::<_, i64>(0))
        .unwrap()
        .map(|s| s.unwrap() as u64)
        .collect();
    assert!(expected.len() >= 25, "{expected:?}");
    assert_eq!(seqs, expected);
}

#[test]
fn the_trail_never_holds_passwords_approval_codes_the_secret_or_a_full_pan() {
    let day = busy_day();
    let entries = every_entry(&day);
    assert!(entries.len() >= 25);
    let kinds: Vec<&str> = entries.iter().map(|e| e.kind.as_str()).collect();
    for expected in [
        "password.failed",
        "lockout.started",
        "restriction.lifted",
        "password.changed",
        "password.reset",
        "void.approved",
        "void.declined",
        "void.reversed",
        "batch.settled",
    ] {
        assert!(kinds.contains(&expected), "no {expected} in {kinds:?}");
    }
    for entry in &entries {
        let text = format!("{entry:?}");
        for secret in &day.secrets {
            assert!(
                !text.contains(secret.as_str()),
                "entry {} reveals a secret: {text}",
                entry.seq
            );
        }
    }
}

#[test]
fn editing_one_entrys_detail_is_reported_at_that_entry() {
    let day = busy_day();
    let seq = seq_of_first(&day, "void.approved");
    let f = tamper(day, |conn| {
        let changed = conn
            .execute(
                "UPDATE audit SET detail = replace(detail, '\"amount_fen\":8800', '\"amount_fen\":1')
                 WHERE seq = ?1",
                [seq as i64],
            )
            .unwrap();
        assert_eq!(changed, 1);
        let detail: String = conn
            .query_row(
                "SELECT detail FROM audit WHERE seq = ?1",
                [seq as i64],
                |r| r.get(0),
            )
            .unwrap();
        assert!(detail.contains("\"amount_fen\":1,") || detail.contains("\"amount_fen\":1}"));
    });
    assert_eq!(verdict(&f), bad_at(seq, AuditProblem::Altered));
    assert_eq!(f.terminal.verify_audit().unwrap().entries_checked, seq - 1);
}

#[test]
fn deleting_an_entry_in_the_middle_is_reported_as_missing() {
    let day = busy_day();
    let seq = day.entries / 2;
    let f = tamper(day, |conn| {
        assert_eq!(
            conn.execute("DELETE FROM audit WHERE seq = ?1", [seq as i64])
                .unwrap(),
            1
        );
    });
    assert_eq!(verdict(&f), bad_at(seq, AuditProblem::Missing));
}

#[test]
fn swapping_two_adjacent_entries_is_reported_at_the_first_of_them() {
    let day = busy_day();
    let seq = day.entries / 2;
    let f = tamper(day, |conn| {
        type Row = (i64, String, Option<String>, String, Vec<u8>);
        let read = |s: u64| -> Row {
            conn.query_row(
                "SELECT at_ms, kind, operator_no, detail, mac FROM audit WHERE seq = ?1",
                [s as i64],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap()
        };
        let (first, second) = (read(seq), read(seq + 1));
        assert_ne!(first, second);
        for (s, row) in [(seq, &second), (seq + 1, &first)] {
            conn.execute(
                "UPDATE audit SET at_ms = ?2, kind = ?3, operator_no = ?4, detail = ?5, mac = ?6
                 WHERE seq = ?1",
                params![s as i64, row.0, row.1, row.2, row.3, row.4],
            )
            .unwrap();
        }
        assert_eq!(read(seq), second);
    });
    assert_eq!(verdict(&f), bad_at(seq, AuditProblem::Altered));
}

#[test]
fn cutting_the_tail_is_reported_where_the_cut_begins() {
    let day = busy_day();
    let entries = day.entries;
    let f = tamper(day, |conn| {
        assert_eq!(
            conn.execute("DELETE FROM audit WHERE seq > ?1", [(entries - 4) as i64])
                .unwrap(),
            4
        );
    });
    assert_eq!(verdict(&f), bad_at(entries - 3, AuditProblem::TailCut));
}

#[test]
fn cutting_the_tail_and_moving_the_head_back_is_caught_by_the_keyed_head_mac() {
    let day = busy_day();
    let entries = day.entries;
    let new_last = entries - 4;
    let f = tamper(day, |conn| {
        conn.execute("DELETE FROM audit WHERE seq > ?1", [new_last as i64])
            .unwrap();
        let changed = conn
            .execute(
                "UPDATE audit_head SET seq = ?1, mac = (SELECT mac FROM audit WHERE seq = ?1)
                 WHERE id = 1",
                [new_last as i64],
            )
            .unwrap();
        assert_eq!(changed, 1);
    });
    assert_eq!(verdict(&f), bad_at(new_last + 1, AuditProblem::HeadAltered));
}

#[test]
fn removing_the_head_record_is_reported_as_head_altered() {
    let day = busy_day();
    let entries = day.entries;
    let f = tamper(day, |conn| {
        conn.execute("DELETE FROM audit_head", []).unwrap();
    });
    assert_eq!(verdict(&f), bad_at(entries + 1, AuditProblem::HeadAltered));
}

#[test]
fn wiping_the_whole_trail_is_a_tail_cut_from_the_first_entry() {
    let day = busy_day();
    let f = tamper(day, |conn| {
        conn.execute("DELETE FROM audit", []).unwrap();
    });
    assert_eq!(verdict(&f), bad_at(1, AuditProblem::TailCut));
}

#[test]
fn a_tampered_trail_stays_reported_as_the_terminal_goes_on_working() {
    let day = busy_day();
    let seq = 3;
    let f = tamper(day, |conn| {
        let changed = conn
            .execute(
                "UPDATE audit SET operator_no = '01' WHERE seq = ?1",
                [seq as i64],
            )
            .unwrap();
        assert_eq!(changed, 1);
    });
    // New entries chain on from the head, but cannot heal the edited one.
    let sale = f.sale("9.90");
    let mut void = void_of(&sale);
    void.password = RESET_PASSWORD.into();
    f.terminal.void_transaction(void).unwrap();
    assert_eq!(verdict(&f), bad_at(seq, AuditProblem::Altered));
}

#[test]
fn the_audit_head_moves_with_every_act_and_names_the_last_entry() {
    let day = busy_day();
    let head = day.f.terminal.audit_head().unwrap();
    assert_eq!(head.seq, day.entries);
    assert_eq!(head.mac.len(), 64);
    day.f.sale("1.00");
    let next = day.f.terminal.audit_head().unwrap();
    assert!(next.seq > head.seq);
    assert_ne!(next.mac, head.mac);
}
