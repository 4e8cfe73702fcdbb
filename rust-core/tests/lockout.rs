//! Lockout after wrong void passwords (DESIGN §2): five consecutive failures lock
//! voiding for 5 minutes, each further failure doubles the lock, the tenth locks it
//! until the back office lifts it. The counters survive restarts and cannot be
//! reset by editing the database.

mod common;

use common::*;
use voidguard::{LegState, RequestKind, Transaction, VoidGuardError, VoidRequest};

fn wrong(sale: &Transaction) -> VoidRequest {
    VoidRequest {
        password: WRONG_PASSWORD.into(),
        ..void_of(sale)
    }
}

/// Keys the wrong password `times` times and returns the refusals.
fn fail(f: &Fixture, sale: &Transaction, times: usize) -> Vec<VoidGuardError> {
    (0..times)
        .map(|_| f.terminal.void_transaction(wrong(sale)).unwrap_err())
        .collect()
}

fn audit_kinds(f: &Fixture) -> Vec<String> {
    f.terminal
        .audit(None, 500)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

fn lift(f: &Fixture) {
    let ticket = f
        .terminal
        .apply_for(RequestKind::LiftRestriction, application())
        .unwrap();
    let code = approval_for(RequestKind::LiftRestriction, &ticket.request_code);
    let vault = f
        .terminal
        .redeem_approval(ticket.request_code, code, None)
        .unwrap();
    assert!(!vault.locked_until_lifted);
    assert_eq!(vault.locked_until_ms, None);
    assert_eq!((vault.consecutive_failures, vault.attempts_left), (0, 5));
}

#[test]
fn five_wrong_passwords_count_down_then_lock_for_five_minutes() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    let until_ms = START_MS + 5 * MINUTE_MS;
    assert_eq!(
        fail(&f, &sale, 5),
        vec![
            VoidGuardError::WrongPassword { attempts_left: 4 },
            VoidGuardError::WrongPassword { attempts_left: 3 },
            VoidGuardError::WrongPassword { attempts_left: 2 },
            VoidGuardError::WrongPassword { attempts_left: 1 },
            VoidGuardError::LockedUntil { until_ms },
        ]
    );
    let vault = f.terminal.vault_status().unwrap();
    assert_eq!(vault.consecutive_failures, 5);
    assert_eq!(vault.attempts_left, 0);
    assert_eq!(vault.locked_until_ms, Some(until_ms));
    assert!(!vault.locked_until_lifted);

    let kinds = audit_kinds(&f);
    assert_eq!(kinds.iter().filter(|k| *k == "password.failed").count(), 5);
    assert_eq!(kinds.iter().filter(|k| *k == "lockout.started").count(), 1);
    assert!(f.terminal.verify_audit().unwrap().ok);
}

#[test]
fn the_right_password_is_refused_while_locked() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    fail(&f, &sale, 5);
    let until_ms = START_MS + 5 * MINUTE_MS;
    f.clock.advance(4 * MINUTE_MS);
    assert_eq!(
        f.terminal.void_transaction(void_of(&sale)),
        Err(VoidGuardError::LockedUntil { until_ms })
    );
    // A refusal during the lock neither counts nor clears anything.
    assert_eq!(f.terminal.vault_status().unwrap().consecutive_failures, 5);
    assert_eq!(
        f.terminal
            .find_transaction(sale.voucher_no.clone())
            .unwrap(),
        Some(sale)
    );
}

#[test]
fn each_failure_after_a_lock_doubles_it_and_the_tenth_needs_a_lift() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    fail(&f, &sale, 5);
    for minutes in [10, 20, 40, 80] {
        let expired_at = f.terminal.vault_status().unwrap().locked_until_ms.unwrap();
        f.clock.set(expired_at);
        assert_eq!(f.terminal.vault_status().unwrap().attempts_left, 1);
        assert_eq!(
            f.terminal.void_transaction(wrong(&sale)),
            Err(VoidGuardError::LockedUntil {
                until_ms: expired_at + minutes * MINUTE_MS
            }),
            "after a {minutes}-minute lock"
        );
    }
    let expired_at = f.terminal.vault_status().unwrap().locked_until_ms.unwrap();
    f.clock.set(expired_at);
    assert_eq!(
        f.terminal.void_transaction(wrong(&sale)),
        Err(VoidGuardError::LockedUntilLifted)
    );
    let vault = f.terminal.vault_status().unwrap();
    assert!(vault.locked_until_lifted);
    assert_eq!(vault.consecutive_failures, 10);
    assert_eq!(vault.attempts_left, 0);

    // No amount of waiting ends it.
    f.clock.advance(7 * 24 * 60 * MINUTE_MS);
    assert_eq!(
        f.terminal.void_transaction(void_of(&sale)),
        Err(VoidGuardError::LockedUntilLifted)
    );
}

#[test]
fn the_right_password_after_a_lock_expires_clears_the_count() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    fail(&f, &sale, 5);
    f.clock.advance(5 * MINUTE_MS);
    let outcome = f.terminal.void_transaction(void_of(&sale)).unwrap();
    assert_eq!(outcome.state, LegState::Approved);
    let vault = f.terminal.vault_status().unwrap();
    assert_eq!((vault.consecutive_failures, vault.attempts_left), (0, 5));
    assert_eq!(vault.locked_until_ms, None);
}

#[test]
fn a_correct_password_resets_the_consecutive_count() {
    let f = Fixture::ready();
    let coffee = f.sale("12.34");
    let lunch = f.sale("88.00");
    fail(&f, &coffee, 3);
    assert_eq!(f.terminal.vault_status().unwrap().attempts_left, 2);
    f.terminal.void_transaction(void_of(&coffee)).unwrap();
    assert_eq!(f.terminal.vault_status().unwrap().consecutive_failures, 0);
    assert_eq!(
        fail(&f, &lunch, 4),
        vec![
            VoidGuardError::WrongPassword { attempts_left: 4 },
            VoidGuardError::WrongPassword { attempts_left: 3 },
            VoidGuardError::WrongPassword { attempts_left: 2 },
            VoidGuardError::WrongPassword { attempts_left: 1 },
        ]
    );
}

#[test]
fn a_timed_lock_survives_a_restart() {
    let mut f = Fixture::ready();
    let sale = f.sale("12.34");
    fail(&f, &sale, 5);
    f.reopen();
    let until_ms = START_MS + 5 * MINUTE_MS;
    assert_eq!(
        f.terminal.void_transaction(void_of(&sale)),
        Err(VoidGuardError::LockedUntil { until_ms })
    );
    assert_eq!(
        f.terminal.vault_status().unwrap().locked_until_ms,
        Some(until_ms)
    );
    // And after the restart the next failure still doubles.
    f.clock.set(until_ms);
    assert_eq!(
        f.terminal.void_transaction(wrong(&sale)),
        Err(VoidGuardError::LockedUntil {
            until_ms: until_ms + 10 * MINUTE_MS
        })
    );
}

#[test]
fn a_lock_until_lifted_survives_a_restart() {
    let mut f = Fixture::ready();
    let sale = f.sale("12.34");
    f.lock_until_lifted(&sale);
    f.reopen();
    assert_eq!(
        f.terminal.void_transaction(void_of(&sale)),
        Err(VoidGuardError::LockedUntilLifted)
    );
    assert!(f.terminal.vault_status().unwrap().locked_until_lifted);
}

#[test]
fn a_back_office_lift_ends_the_lock_and_voiding_works_again() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    f.lock_until_lifted(&sale);
    lift(&f);
    let outcome = f.terminal.void_transaction(void_of(&sale)).unwrap();
    assert_eq!(outcome.state, LegState::Approved);
    assert!(audit_kinds(&f).contains(&"restriction.lifted".to_string()));
    assert!(f.terminal.verify_audit().unwrap().ok);
}

#[test]
fn a_timed_lock_can_be_lifted_without_waiting() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    fail(&f, &sale, 5);
    lift(&f);
    f.terminal.void_transaction(void_of(&sale)).unwrap();
}

#[test]
fn there_is_nothing_to_lift_without_a_restriction() {
    let f = Fixture::ready();
    assert_eq!(
        f.terminal
            .apply_for(RequestKind::LiftRestriction, application()),
        Err(VoidGuardError::NothingToLift)
    );
    // Wrong passwords short of a lock are no restriction either.
    let sale = f.sale("12.34");
    fail(&f, &sale, 4);
    assert_eq!(
        f.terminal
            .apply_for(RequestKind::LiftRestriction, application()),
        Err(VoidGuardError::NothingToLift)
    );
    // Nor is a lock that has run out.
    fail(&f, &sale, 1);
    f.clock.advance(5 * MINUTE_MS);
    assert_eq!(
        f.terminal
            .apply_for(RequestKind::LiftRestriction, application()),
        Err(VoidGuardError::NothingToLift)
    );
    assert!(f
        .terminal
        .requests()
        .unwrap()
        .iter()
        .all(|r| r.kind != RequestKind::LiftRestriction));
}

#[test]
fn a_wrong_old_password_at_a_change_counts_towards_the_lockout() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    assert_eq!(
        f.terminal
            .change_void_password(WRONG_PASSWORD.into(), NEW_PASSWORD.into()),
        Err(VoidGuardError::WrongPassword { attempts_left: 4 })
    );
    assert_eq!(f.terminal.vault_status().unwrap().consecutive_failures, 1);

    fail(&f, &sale, 3);
    let until_ms = START_MS + 5 * MINUTE_MS;
    assert_eq!(
        f.terminal
            .change_void_password(WRONG_PASSWORD.into(), NEW_PASSWORD.into()),
        Err(VoidGuardError::LockedUntil { until_ms })
    );
    // The lock bars changing the password too, even with the right one.
    assert_eq!(
        f.terminal
            .change_void_password(PASSWORD.into(), NEW_PASSWORD.into()),
        Err(VoidGuardError::LockedUntil { until_ms })
    );
    assert_eq!(
        f.terminal.void_transaction(void_of(&sale)),
        Err(VoidGuardError::LockedUntil { until_ms })
    );
}

#[test]
fn resetting_the_counter_in_the_database_stops_the_terminal() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    fail(&f, &sale, 5);

    let closed = f.close();
    let conn = rusqlite::Connection::open(&closed.db).unwrap();
    let edited = conn
        .execute("UPDATE lockout SET failures = 0 WHERE id = 1", [])
        .unwrap();
    assert_eq!(edited, 1);
    drop(conn);
    let f = closed.open();

    assert_edited_lockout_stops_the_terminal(&f, &sale);
    let vault = f.terminal.vault_status().unwrap();
    assert!(vault.locked_until_lifted);
    assert_eq!(vault.attempts_left, 0);
}

/// An edited lockout row is tampering: every money-moving call is refused with the
/// row named (a lift included), while the evidence stays readable.
fn assert_edited_lockout_stops_the_terminal(f: &Fixture, sale: &voidguard::Transaction) {
    let tampered = Err(VoidGuardError::TamperedRow {
        table: "lockout".into(),
        row_id: 1,
        problem: voidguard::AuditProblem::RowAltered,
    });
    assert_eq!(
        f.terminal.void_transaction(void_of(sale)).map(drop),
        tampered
    );
    assert_eq!(
        f.terminal
            .apply_for(RequestKind::LiftRestriction, application())
            .map(drop),
        tampered
    );
    let report = f.terminal.verify_audit().unwrap();
    assert_eq!(
        (report.table.as_deref(), report.row_id, report.problem),
        (
            Some("lockout"),
            Some(1),
            Some(voidguard::AuditProblem::RowAltered)
        )
    );
    assert!(!all_rows(&f.terminal).is_empty());
}

#[test]
fn clearing_the_lock_in_the_database_stops_the_terminal() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    fail(&f, &sale, 5);

    let closed = f.close();
    let conn = rusqlite::Connection::open(&closed.db).unwrap();
    conn.execute(
        "UPDATE lockout SET failures = 0, locked_until_ms = NULL, needs_lift = 0 WHERE id = 1",
        [],
    )
    .unwrap();
    drop(conn);
    let f = closed.open();
    assert_edited_lockout_stops_the_terminal(&f, &sale);
}

#[test]
fn putting_the_lockout_row_back_to_its_factory_state_stops_the_terminal() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    fail(&f, &sale, 5);

    // The row as the schema first writes it, MAC and all.
    let closed = f.close();
    let conn = rusqlite::Connection::open(&closed.db).unwrap();
    conn.execute(
        "UPDATE lockout SET failures = 0, locked_until_ms = NULL, needs_lift = 0, mac = NULL
         WHERE id = 1",
        [],
    )
    .unwrap();
    drop(conn);
    let f = closed.open();
    assert_edited_lockout_stops_the_terminal(&f, &sale);
}

#[test]
fn a_fresh_terminal_is_not_locked() {
    let mut f = Fixture::ready();
    f.reopen();
    let vault = f.terminal.vault_status().unwrap();
    assert_eq!((vault.consecutive_failures, vault.attempts_left), (0, 5));
    assert!(!vault.locked_until_lifted);
    let sale = f.sale("12.34");
    f.terminal.void_transaction(void_of(&sale)).unwrap();
}
