//! Operator accounts (操作员) and sessions: the administrator 99 manages cashiers
//! 01–98, each signs in with their own password and its own lockout; the supervisor
//! 00 signs in with the void password. Every act is audited; bad input is a typed
//! error that writes nothing but a counted failure.

mod common;

use common::*;
use voidguard::{AuditProblem, Field, Problem, RequestKind, Role, VoidGuardError};

/// A ready terminal (administrator's password set, cashier 01 added) with nobody
/// signed in.
fn with_admin() -> Fixture {
    let f = Fixture::ready();
    f.terminal.sign_out().unwrap();
    f
}

fn admin_adds(f: &Fixture, operator_no: &str) {
    f.terminal
        .sign_in("99".into(), ADMIN_PASSWORD.into())
        .unwrap();
    f.terminal
        .add_operator(operator_no.into(), CASHIER_PASSWORD.into())
        .unwrap();
    f.terminal.sign_out().unwrap();
}

fn kinds(f: &Fixture) -> Vec<String> {
    f.terminal
        .audit(None, 200)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

#[test]
fn the_administrator_adds_a_cashier_who_signs_in_and_out() {
    let f = with_admin();
    admin_adds(&f, "03");
    let session = f
        .terminal
        .sign_in("03".into(), CASHIER_PASSWORD.into())
        .unwrap();
    assert_eq!(
        (session.operator_no.as_str(), session.role),
        ("03", Role::Cashier)
    );
    assert_eq!(f.terminal.session(), Some(session));
    f.terminal.sign_out().unwrap();
    assert_eq!(f.terminal.session(), None);
    let listed = f.terminal.operators().unwrap();
    let numbers: Vec<&str> = listed.iter().map(|o| o.operator_no.as_str()).collect();
    assert_eq!(numbers, ["00", "01", "03", "99"]);
    let trail = kinds(&f);
    for kind in [
        "operator.added",
        "operator.signed_in",
        "operator.signed_out",
    ] {
        assert!(trail.iter().any(|k| k == kind), "{kind}: {trail:?}");
    }
    assert!(f.terminal.verify_audit().unwrap().ok);
}

#[test]
fn the_supervisor_signs_in_with_the_void_password_and_wrong_ones_count_toward_its_lockout() {
    let f = with_admin();
    assert_eq!(
        f.terminal.sign_in("00".into(), WRONG_PASSWORD.into()),
        Err(VoidGuardError::WrongPassword { attempts_left: 4 })
    );
    assert_eq!(f.terminal.vault_status().unwrap().consecutive_failures, 1);
    let s = f.terminal.sign_in("00".into(), PASSWORD.into()).unwrap();
    assert_eq!(s.role, Role::Supervisor);
    assert_eq!(f.terminal.vault_status().unwrap().consecutive_failures, 0);
}

#[test]
fn a_cashier_is_locked_after_five_wrong_passwords_and_the_administrator_resets_it() {
    let f = with_admin();
    admin_adds(&f, "05");
    for left in [4, 3, 2, 1] {
        assert_eq!(
            f.terminal.sign_in("05".into(), "9999".into()),
            Err(VoidGuardError::WrongOperatorPassword {
                operator_no: "05".into(),
                attempts_left: left
            })
        );
    }
    let locked = f.terminal.sign_in("05".into(), "9999".into());
    assert!(
        matches!(&locked, Err(VoidGuardError::OperatorLocked { operator_no, until_ms: Some(_) }) if operator_no == "05"),
        "{locked:?}"
    );
    // Even the right password waits out the lock; the void password is untouched.
    assert!(matches!(
        f.terminal.sign_in("05".into(), CASHIER_PASSWORD.into()),
        Err(VoidGuardError::OperatorLocked { .. })
    ));
    assert_eq!(f.terminal.vault_status().unwrap().consecutive_failures, 0);
    // The counters survive a restart.
    let mut f = f;
    f.reopen();
    assert!(matches!(
        f.terminal.sign_in("05".into(), CASHIER_PASSWORD.into()),
        Err(VoidGuardError::OperatorLocked { .. })
    ));
    f.terminal
        .sign_in("99".into(), ADMIN_PASSWORD.into())
        .unwrap();
    f.terminal
        .reset_operator_password("05".into(), "6042".into())
        .unwrap();
    f.terminal.sign_out().unwrap();
    f.terminal.sign_in("05".into(), "6042".into()).unwrap();
}

#[test]
fn only_the_administrator_manages_operators() {
    let f = with_admin();
    admin_adds(&f, "07");
    assert_eq!(
        f.terminal
            .add_operator("08".into(), CASHIER_PASSWORD.into()),
        Err(VoidGuardError::NotSignedIn)
    );
    f.terminal
        .sign_in("07".into(), CASHIER_PASSWORD.into())
        .unwrap();
    assert_eq!(
        f.terminal
            .add_operator("08".into(), CASHIER_PASSWORD.into()),
        Err(VoidGuardError::NotPermitted {
            operator_no: "07".into()
        })
    );
    assert_eq!(
        f.terminal.remove_operator("07".into()),
        Err(VoidGuardError::NotPermitted {
            operator_no: "07".into()
        })
    );
    f.terminal.sign_out().unwrap();
    f.terminal.sign_in("00".into(), PASSWORD.into()).unwrap();
    assert!(matches!(
        f.terminal
            .reset_operator_password("07".into(), "6042".into()),
        Err(VoidGuardError::NotPermitted { .. })
    ));
}

#[test]
fn the_supervisor_and_the_administrator_cannot_be_removed_and_numbers_are_never_reused() {
    let f = with_admin();
    admin_adds(&f, "12");
    f.terminal
        .sign_in("99".into(), ADMIN_PASSWORD.into())
        .unwrap();
    for no in ["00", "99"] {
        assert_eq!(
            f.terminal.remove_operator(no.into()),
            Err(VoidGuardError::CannotRemove {
                operator_no: no.into()
            })
        );
    }
    f.terminal.remove_operator("12".into()).unwrap();
    assert_eq!(
        f.terminal
            .add_operator("12".into(), CASHIER_PASSWORD.into()),
        Err(VoidGuardError::OperatorExists {
            operator_no: "12".into()
        })
    );
    f.terminal.sign_out().unwrap();
    assert_eq!(
        f.terminal.sign_in("12".into(), CASHIER_PASSWORD.into()),
        Err(VoidGuardError::UnknownOperator {
            operator_no: "12".into()
        })
    );
    let removed = f
        .terminal
        .operators()
        .unwrap()
        .into_iter()
        .find(|o| o.operator_no == "12")
        .unwrap();
    assert!(!removed.active);
}

#[test]
fn bad_sign_ins_are_typed_and_write_nothing_but_a_counted_failure() {
    let f = with_admin();
    let entries = f.terminal.audit_head().unwrap().seq;
    for (no, password, expected) in [
        (
            "1",
            "1234",
            VoidGuardError::InvalidInput {
                field: Field::OperatorNo,
                problem: Problem::WrongLength,
            },
        ),
        (
            "100",
            "1234",
            VoidGuardError::InvalidInput {
                field: Field::OperatorNo,
                problem: Problem::WrongLength,
            },
        ),
        (
            "ab",
            "1234",
            VoidGuardError::InvalidInput {
                field: Field::OperatorNo,
                problem: Problem::NotDigits,
            },
        ),
        (
            "99",
            "1234",
            VoidGuardError::InvalidInput {
                field: Field::Password,
                problem: Problem::WrongLength,
            },
        ),
        (
            "03",
            "12",
            VoidGuardError::InvalidInput {
                field: Field::Password,
                problem: Problem::WrongLength,
            },
        ),
        (
            "03",
            "",
            VoidGuardError::InvalidInput {
                field: Field::Password,
                problem: Problem::Empty,
            },
        ),
    ] {
        assert_eq!(
            f.terminal.sign_in(no.into(), password.into()).map(drop),
            Err(expected),
            "{no}/{password}"
        );
    }
    assert_eq!(
        f.terminal.audit_head().unwrap().seq,
        entries,
        "a malformed sign-in wrote"
    );
    assert_eq!(
        f.terminal
            .sign_in("03".into(), CASHIER_PASSWORD.into())
            .map(drop),
        Err(VoidGuardError::UnknownOperator {
            operator_no: "03".into()
        })
    );
    f.terminal
        .sign_in("99".into(), ADMIN_PASSWORD.into())
        .unwrap();
    assert_eq!(
        f.terminal
            .sign_in("99".into(), ADMIN_PASSWORD.into())
            .map(drop),
        Err(VoidGuardError::AlreadySignedIn {
            operator_no: "99".into()
        })
    );
    assert_eq!(
        f.terminal
            .add_operator("30".into(), "1111".into())
            .map(drop),
        Err(VoidGuardError::TrivialPassword)
    );
    assert_eq!(
        f.terminal
            .add_operator("99".into(), "4719".into())
            .map(drop),
        Err(VoidGuardError::NotPermitted {
            operator_no: "99".into()
        })
    );
    assert_eq!(
        f.terminal.set_admin_password("60417283".into()),
        Err(VoidGuardError::AdminPasswordAlreadySet)
    );
}

#[test]
fn a_cashier_changes_their_own_password_with_the_current_one() {
    let f = with_admin();
    admin_adds(&f, "04");
    f.terminal
        .sign_in("04".into(), CASHIER_PASSWORD.into())
        .unwrap();
    assert_eq!(
        f.terminal
            .change_operator_password("9999".into(), "5826".into()),
        Err(VoidGuardError::WrongOperatorPassword {
            operator_no: "04".into(),
            attempts_left: 4
        })
    );
    f.terminal
        .change_operator_password(CASHIER_PASSWORD.into(), "5826".into())
        .unwrap();
    f.terminal.sign_out().unwrap();
    f.terminal.sign_in("04".into(), "5826".into()).unwrap();
}

#[test]
fn wrong_current_passwords_that_lock_the_operator_also_end_their_session() {
    let f = with_admin();
    admin_adds(&f, "04");
    f.terminal
        .sign_in("04".into(), CASHIER_PASSWORD.into())
        .unwrap();
    for left in (1..=4).rev() {
        assert_eq!(
            f.terminal
                .change_operator_password("9999".into(), "5826".into()),
            Err(VoidGuardError::WrongOperatorPassword {
                operator_no: "04".into(),
                attempts_left: left
            })
        );
        assert!(f.terminal.session().is_some(), "{left} attempts left");
    }
    assert!(matches!(
        f.terminal
            .change_operator_password("9999".into(), "5826".into()),
        Err(VoidGuardError::OperatorLocked { .. })
    ));
    // Whoever typed those is no longer keying sales as 04.
    assert_eq!(f.terminal.session(), None);
    assert_eq!(
        f.terminal.record_sale(sale_request("1.00")),
        Err(VoidGuardError::NotSignedIn)
    );
    assert_eq!(kinds(&f)[0], "operator.signed_out");
    assert!(f.terminal.verify_audit().unwrap().ok);
}

#[test]
fn an_edited_operator_row_stops_the_terminal() {
    let f = with_admin();
    admin_adds(&f, "06");
    let closed = f.close();
    let conn = rusqlite::Connection::open(&closed.db).unwrap();
    conn.execute(
        "UPDATE operators SET failures = 0, role = 'admin' WHERE operator_no = '06'",
        [],
    )
    .unwrap();
    drop(conn);
    let f = closed.open();
    assert!(matches!(
        f.terminal.sign_in("06".into(), CASHIER_PASSWORD.into()),
        Err(VoidGuardError::TamperedRow { table, problem: AuditProblem::RowAltered, .. }) if table == "operators"
    ));
    let report = f.terminal.verify_audit().unwrap();
    assert_eq!(report.table.as_deref(), Some("operators"));
}

#[test]
fn a_back_office_lift_opens_the_administrators_lock() {
    let f = with_admin();
    for _ in 0..10 {
        let _ = f.terminal.sign_in("99".into(), "11223344".into());
        f.clock.advance(3 * 3_600_000);
    }
    assert_eq!(
        f.terminal.sign_in("99".into(), ADMIN_PASSWORD.into()),
        Err(VoidGuardError::OperatorLocked {
            operator_no: "99".into(),
            until_ms: None
        })
    );
    let ticket = f
        .terminal
        .apply_for(RequestKind::LiftRestriction, application())
        .unwrap();
    f.terminal
        .redeem_approval(
            ticket.request_code.clone(),
            approval_for(RequestKind::LiftRestriction, &ticket.request_code),
            None,
        )
        .unwrap();
    f.terminal
        .sign_in("99".into(), ADMIN_PASSWORD.into())
        .unwrap();
}

#[test]
fn a_session_ends_with_the_terminal_and_a_sale_after_a_restart_needs_a_sign_in() {
    let f = Fixture::ready();
    let sale = f.sale("12.00");
    assert_eq!(sale.operator_no, CASHIER);
    let files = f.close();
    let t = open(&files.db, &files.key_file, None, files.clock.clone()).unwrap();
    assert_eq!(t.session(), None);
    assert_eq!(
        t.record_sale(sale_request("3.00")),
        Err(VoidGuardError::NotSignedIn)
    );
    t.sign_in("05".into(), CASHIER_PASSWORD.into())
        .expect_err("05 was never added");
    t.sign_in(CASHIER.into(), CASHIER_PASSWORD.into()).unwrap();
    assert_eq!(
        t.record_sale(sale_request("3.00")).unwrap().operator_no,
        CASHIER
    );
}
