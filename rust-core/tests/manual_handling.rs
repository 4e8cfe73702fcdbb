//! Manual handling (人工处理): a void whose answer was lost and whose reversals kept
//! failing blocks every later void and settlement until the supervisor records what
//! the acquirer says happened. That way out must exist and must hold: the void
//! password, a well-formed answer, a note, and only for a void in that state.

mod common;

use common::*;
use voidguard::{
    Field, LegState, Problem, Resolution, SimulatorMode, TransactionStatus, VoidGuardError,
};

/// A ready terminal whose void of a sale is in manual handling, the way a merchant
/// gets there: the host times out on the void and on every reversal.
fn stuck() -> (Fixture, voidguard::Transaction, i64) {
    let f = Fixture::ready();
    let t = &f.terminal;
    let sale = f.sale("88.00");
    t.set_simulator_mode(SimulatorMode::Timeout).unwrap();
    assert_eq!(
        t.void_transaction(void_of(&sale)),
        Err(VoidGuardError::HostUnreachable)
    );
    t.reconcile().unwrap();
    assert_eq!(t.reconcile().unwrap().needs_manual_handling, 1);
    t.set_simulator_mode(SimulatorMode::Approve).unwrap();
    let work = t.pending_host_work().unwrap();
    assert_eq!(work.len(), 1);
    assert_eq!(work[0].state, LegState::NeedsManualHandling);
    (f, sale, work[0].leg_id)
}

fn approved() -> Resolution {
    Resolution::Approved {
        rrn: "202612020042".into(),
        auth_code: "H0T11E".into(),
    }
}

#[test]
fn the_dead_end_ends_when_the_supervisor_records_the_acquirers_approval() {
    let (f, sale, id) = stuck();
    let t = &f.terminal;
    let next = f.sale("12.00");
    // The dead end: nothing online works, and reconciling does nothing more.
    assert_eq!(
        t.void_transaction(void_of(&next)),
        Err(VoidGuardError::PendingHostWork { count: 1 })
    );
    assert_eq!(
        t.settle().map(drop),
        Err(VoidGuardError::PendingHostWork { count: 1 })
    );
    assert_eq!(t.reconcile().unwrap().needs_manual_handling, 0);

    let outcome = t
        .resolve_leg(
            id,
            approved(),
            PASSWORD.into(),
            "acquirer hotline, agent 0042".into(),
        )
        .unwrap();

    assert_eq!(outcome.state, LegState::Approved);
    assert_eq!(outcome.original_voucher_no.as_ref(), Some(&sale.voucher_no));
    let original = t
        .find_transaction(sale.voucher_no.clone())
        .unwrap()
        .unwrap();
    assert_eq!(original.status, TransactionStatus::Voided);
    let void = t
        .find_transaction(outcome.voucher_no.clone().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(
        (void.rrn.as_str(), void.auth_code.as_str()),
        ("202612020042", "H0T11E")
    );
    assert_eq!(
        (void.operator_no.as_str(), void.authoriser_no.as_deref()),
        (CASHIER, Some("00"))
    );
    assert!(t.pending_host_work().unwrap().is_empty());
    // The way is open again: a later void and the settlement work.
    t.void_transaction(void_of(&next)).unwrap();
    let report = t.settle().unwrap();
    assert_eq!((report.sale_count, report.void_count), (2, 2));
    let entry = t
        .audit(None, 500)
        .unwrap()
        .into_iter()
        .find(|e| e.kind == "void.resolved_manually")
        .unwrap();
    assert!(entry.detail.contains("agent 0042"), "{}", entry.detail);
    assert!(entry.detail.contains("approved"), "{}", entry.detail);
    assert!(t.verify_audit().unwrap().ok);
}

#[test]
fn a_void_that_never_happened_leaves_the_sale_standing_and_voidable() {
    let (f, sale, id) = stuck();
    let t = &f.terminal;
    let outcome = t
        .resolve_leg(
            id,
            Resolution::NeverHappened,
            PASSWORD.into(),
            "host has no record".into(),
        )
        .unwrap();
    assert_eq!(outcome.state, LegState::Reversed);
    let void_voucher = outcome.voucher_no.clone().unwrap();
    assert_eq!(t.find_transaction(void_voucher).unwrap(), None);
    let original = t
        .find_transaction(sale.voucher_no.clone())
        .unwrap()
        .unwrap();
    assert_eq!(original.status, TransactionStatus::Approved);
    let again = t.void_transaction(void_of(&sale)).unwrap();
    assert_eq!(again.original.status, TransactionStatus::Voided);
}

#[test]
fn a_late_host_answer_cannot_close_a_void_handed_to_reversal() {
    let (f, sale, id) = stuck();
    let late = voidguard::HostReply::Approved {
        rrn: "202612020043".into(),
        auth_code: "L4TE00".into(),
    };
    assert_eq!(
        f.terminal.complete_void(id, late),
        Err(VoidGuardError::AnswerTooLate {
            state: LegState::NeedsManualHandling
        })
    );
    assert_eq!(
        f.terminal
            .find_transaction(sale.voucher_no)
            .unwrap()
            .unwrap()
            .status,
        TransactionStatus::Approved
    );
}

#[test]
fn a_resolution_needs_the_void_password_a_well_formed_answer_and_a_note() {
    let (f, _sale, id) = stuck();
    let t = &f.terminal;
    let refused = |resolution: Resolution, password: &str, note: &str| {
        t.resolve_leg(id, resolution, password.into(), note.into())
            .map(drop)
    };
    let bad = |field, problem| VoidGuardError::InvalidInput { field, problem };
    for (resolution, password, note, expected) in [
        (
            approved(),
            "2748",
            "hotline",
            bad(Field::Password, Problem::WrongLength),
        ),
        (
            approved(),
            PASSWORD,
            "",
            bad(Field::ResolutionNote, Problem::Empty),
        ),
        (
            approved(),
            PASSWORD,
            &"x".repeat(1000),
            bad(Field::ResolutionNote, Problem::TooLong),
        ),
        (
            Resolution::Approved {
                rrn: "12345".into(),
                auth_code: "H0T11E".into(),
            },
            PASSWORD,
            "hotline",
            bad(Field::Rrn, Problem::WrongLength),
        ),
        (
            Resolution::Approved {
                rrn: "202612020042".into(),
                auth_code: "H0T!1E".into(),
            },
            PASSWORD,
            "hotline",
            bad(Field::AuthCode, Problem::Malformed),
        ),
    ] {
        assert_eq!(refused(resolution, password, note), Err(expected));
    }
    assert_eq!(t.vault_status().unwrap().consecutive_failures, 0);

    // A wrong void password counts toward the supervisor's lockout like any other.
    assert_eq!(
        refused(approved(), WRONG_PASSWORD, "hotline"),
        Err(VoidGuardError::WrongPassword { attempts_left: 4 })
    );
    assert_eq!(t.vault_status().unwrap().consecutive_failures, 1);
    assert_eq!(
        t.pending_host_work().unwrap()[0].state,
        LegState::NeedsManualHandling
    );

    // Nobody signed in, an unknown leg, a leg not in manual handling.
    t.sign_out().unwrap();
    assert_eq!(
        refused(approved(), PASSWORD, "hotline"),
        Err(VoidGuardError::NotSignedIn)
    );
    f.sign_in_as(CASHIER);
    assert_eq!(
        t.resolve_leg(id + 100, approved(), PASSWORD.into(), "hotline".into())
            .map(drop),
        Err(VoidGuardError::UnknownHostLeg)
    );
    t.resolve_leg(id, approved(), PASSWORD.into(), "hotline".into())
        .unwrap();
    assert_eq!(
        refused(Resolution::NeverHappened, PASSWORD, "again"),
        Err(VoidGuardError::NotInManualHandling {
            state: LegState::Approved
        })
    );
}
