//! Back-office approvals and the password lifecycle (DESIGN §1.3–1.4, §2): an
//! approval code is bound to its request and action, used once, and expires; five
//! wrong codes close a request; a reset forces a new password; a change needs the
//! current one; an old password is due for a change but keeps working.

mod common;

use common::*;
use voidguard::{
    Clock, Field, LegState, Problem, RequestKind, RequestStatus, RequestTicket, VoidGuardError,
    VoidRequest,
};

const HOUR_MS: i64 = 60 * MINUTE_MS;
/// Another good password, neither [`PASSWORD`] nor [`NEW_PASSWORD`].
const THIRD_PASSWORD: &str = "602817";

fn activated() -> Fixture {
    let f = Fixture::fresh();
    f.terminal
        .activate(MERCHANT_NO.into(), TERMINAL_ID.into(), SECRET_HEX.into())
        .unwrap();
    f
}

fn apply(f: &Fixture, kind: RequestKind) -> RequestTicket {
    f.terminal.apply_for(kind, application()).unwrap()
}

fn status_of(f: &Fixture, request_code: &str) -> RequestStatus {
    f.terminal
        .requests()
        .unwrap()
        .into_iter()
        .find(|r| r.request_code == request_code)
        .expect("the request is listed")
        .status
}

fn redeem(
    f: &Fixture,
    ticket: &RequestTicket,
    code: &str,
    new_password: Option<&str>,
) -> Result<voidguard::VaultStatus, VoidGuardError> {
    f.terminal.redeem_approval(
        ticket.request_code.clone(),
        code.into(),
        new_password.map(Into::into),
    )
}

fn right_code(ticket: &RequestTicket) -> String {
    approval_for(ticket.kind, &ticket.request_code)
}

fn void_with(f: &Fixture, password: &str) -> Result<LegState, VoidGuardError> {
    let sale = f.sale("12.34");
    let req = VoidRequest {
        password: password.into(),
        ..void_of(&sale)
    };
    f.terminal.void_transaction(req).map(|o| o.state)
}

// ---- Password reset -------------------------------------------------------------

#[test]
fn a_reset_refuses_a_missing_trivial_or_reused_password_without_spending_the_code() {
    let f = Fixture::ready();
    let ticket = apply(&f, RequestKind::PasswordReset);
    let code = right_code(&ticket);

    assert_eq!(
        redeem(&f, &ticket, &code, None),
        Err(VoidGuardError::NewPasswordRequired)
    );
    assert_eq!(
        redeem(&f, &ticket, &code, Some("123456")),
        Err(VoidGuardError::TrivialPassword)
    );
    assert_eq!(
        redeem(&f, &ticket, &code, Some(PASSWORD)),
        Err(VoidGuardError::PasswordReused)
    );
    assert_eq!(status_of(&f, &ticket.request_code), RequestStatus::Open);

    let vault = redeem(&f, &ticket, &code, Some(NEW_PASSWORD)).unwrap();
    assert!(vault.password_set);
    assert_eq!(status_of(&f, &ticket.request_code), RequestStatus::Redeemed);
}

#[test]
fn a_reset_replaces_the_password_and_clears_the_lockout() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    f.lock_until_lifted(&sale);

    let ticket = apply(&f, RequestKind::PasswordReset);
    let vault = redeem(&f, &ticket, &right_code(&ticket), Some(NEW_PASSWORD)).unwrap();
    assert!(!vault.locked_until_lifted);
    assert_eq!(vault.locked_until_ms, None);
    assert_eq!((vault.consecutive_failures, vault.attempts_left), (0, 5));
    assert!(!vault.change_due);

    assert_eq!(
        void_with(&f, PASSWORD),
        Err(VoidGuardError::WrongPassword { attempts_left: 4 })
    );
    assert_eq!(void_with(&f, NEW_PASSWORD), Ok(LegState::Approved));
    assert!(f.terminal.verify_audit().unwrap().ok);
}

#[test]
fn a_reset_with_a_wrong_code_does_not_reveal_whether_a_guess_is_the_password() {
    // Otherwise anyone at the terminal could try passwords here, five per request,
    // without ever meeting the lockout.
    let f = Fixture::ready();
    let ticket = apply(&f, RequestKind::PasswordReset);
    let wrong_code = approval_for(RequestKind::LiftRestriction, &ticket.request_code);
    assert_eq!(
        redeem(&f, &ticket, &wrong_code, Some(PASSWORD)),
        Err(VoidGuardError::ApprovalCodeInvalid { attempts_left: 4 })
    );
    assert_eq!(
        redeem(&f, &ticket, &wrong_code, Some(THIRD_PASSWORD)),
        Err(VoidGuardError::ApprovalCodeInvalid { attempts_left: 3 })
    );
    assert_eq!(void_with(&f, PASSWORD), Ok(LegState::Approved));
}

// ---- Approval codes -------------------------------------------------------------

#[test]
fn an_approval_code_is_used_once() {
    let f = activated();
    let ticket = apply(&f, RequestKind::VoidPermission);
    let code = right_code(&ticket);
    redeem(&f, &ticket, &code, None).unwrap();
    assert!(f.terminal.status().unwrap().void_permitted);
    assert_eq!(
        redeem(&f, &ticket, &code, None),
        Err(VoidGuardError::ApprovalAlreadyUsed)
    );
}

#[test]
fn a_client_learns_what_a_redemption_needs_or_why_it_would_be_refused() {
    let f = activated();
    let reset = apply(&f, RequestKind::PasswordReset);
    let permit = apply(&f, RequestKind::VoidPermission);
    let kind = |code: &str| f.terminal.redeemable_kind(code.into());
    assert_eq!(kind(&reset.request_code), Ok(RequestKind::PasswordReset));
    assert_eq!(kind(&permit.request_code), Ok(RequestKind::VoidPermission));
    redeem(&f, &permit, &right_code(&permit), None).unwrap();
    assert_eq!(
        kind(&permit.request_code),
        Err(VoidGuardError::ApprovalAlreadyUsed)
    );
    assert_eq!(kind("0000000001"), Err(VoidGuardError::UnknownRequest));
    assert!(matches!(
        kind("12345"),
        Err(VoidGuardError::InvalidInput { .. })
    ));
    f.clock.advance(8 * DAY_MS);
    assert_eq!(
        kind(&reset.request_code),
        Err(VoidGuardError::ApprovalExpired)
    );
}

#[test]
fn a_used_reset_code_cannot_set_the_password_again() {
    let f = Fixture::ready();
    let ticket = apply(&f, RequestKind::PasswordReset);
    let code = right_code(&ticket);
    redeem(&f, &ticket, &code, Some(NEW_PASSWORD)).unwrap();
    assert_eq!(
        redeem(&f, &ticket, &code, Some(THIRD_PASSWORD)),
        Err(VoidGuardError::ApprovalAlreadyUsed)
    );
    assert_eq!(void_with(&f, NEW_PASSWORD), Ok(LegState::Approved));
}

#[test]
fn a_used_or_expired_reset_is_refused_as_such_even_without_a_new_password() {
    let f = Fixture::ready();
    let ticket = apply(&f, RequestKind::PasswordReset);
    let code = right_code(&ticket);
    redeem(&f, &ticket, &code, Some(NEW_PASSWORD)).unwrap();
    assert_eq!(
        redeem(&f, &ticket, &code, None),
        Err(VoidGuardError::ApprovalAlreadyUsed)
    );

    let ticket = apply(&f, RequestKind::PasswordReset);
    f.clock.set(ticket.expires_at_ms);
    assert_eq!(
        redeem(&f, &ticket, &right_code(&ticket), None),
        Err(VoidGuardError::ApprovalExpired)
    );
}

#[test]
fn a_request_is_found_by_its_code() {
    let f = activated();
    let ticket = apply(&f, RequestKind::VoidPermission);
    assert_eq!(
        f.terminal.request(ticket.request_code.clone()).unwrap(),
        Some(ticket.clone())
    );
    assert_eq!(f.terminal.request("0000000000".into()).unwrap(), None);
    assert_eq!(
        f.terminal.request("12345".into()),
        Err(VoidGuardError::InvalidInput {
            field: Field::RequestCode,
            problem: Problem::WrongLength
        })
    );
    redeem(&f, &ticket, &right_code(&ticket), None).unwrap();
    let found = f.terminal.request(ticket.request_code).unwrap().unwrap();
    assert_eq!(found.status, RequestStatus::Redeemed);
}

#[test]
fn an_approval_expires_after_72_hours() {
    let f = activated();
    let ticket = apply(&f, RequestKind::VoidPermission);
    assert_eq!(ticket.expires_at_ms, START_MS + 72 * HOUR_MS);
    f.clock.set(ticket.expires_at_ms);
    assert_eq!(status_of(&f, &ticket.request_code), RequestStatus::Expired);
    assert_eq!(
        redeem(&f, &ticket, &right_code(&ticket), None),
        Err(VoidGuardError::ApprovalExpired)
    );
    assert!(!f.terminal.status().unwrap().void_permitted);
}

#[test]
fn an_approval_is_good_until_the_last_minute() {
    let f = activated();
    let ticket = apply(&f, RequestKind::VoidPermission);
    f.clock.set(ticket.expires_at_ms - MINUTE_MS);
    redeem(&f, &ticket, &right_code(&ticket), None).unwrap();
    assert!(f.terminal.status().unwrap().void_permitted);
}

#[test]
fn a_code_for_another_action_or_another_request_is_invalid_and_counted() {
    let f = activated();
    let permit = apply(&f, RequestKind::VoidPermission);
    let reset = apply(&f, RequestKind::PasswordReset);

    let reset_action = approval_for(RequestKind::PasswordReset, &permit.request_code);
    assert_eq!(
        redeem(&f, &permit, &reset_action, None),
        Err(VoidGuardError::ApprovalCodeInvalid { attempts_left: 4 })
    );
    let other_request = approval_for(RequestKind::VoidPermission, &reset.request_code);
    assert_eq!(
        redeem(&f, &permit, &other_request, None),
        Err(VoidGuardError::ApprovalCodeInvalid { attempts_left: 3 })
    );
    assert!(!f.terminal.status().unwrap().void_permitted);
    assert!(f
        .terminal
        .audit(None, 50)
        .unwrap()
        .iter()
        .any(|e| e.kind == "request.code_rejected"));

    // The right code still works within the attempts left.
    redeem(&f, &permit, &right_code(&permit), None).unwrap();
    assert!(f.terminal.status().unwrap().void_permitted);
}

#[test]
fn five_wrong_codes_close_the_request_for_good() {
    let f = activated();
    let ticket = apply(&f, RequestKind::VoidPermission);
    let wrong = approval_for(RequestKind::LiftRestriction, &ticket.request_code);
    for attempts_left in [4, 3, 2, 1, 0] {
        assert_eq!(
            redeem(&f, &ticket, &wrong, None),
            Err(VoidGuardError::ApprovalCodeInvalid { attempts_left })
        );
    }
    assert_eq!(status_of(&f, &ticket.request_code), RequestStatus::Closed);
    assert_eq!(
        redeem(&f, &ticket, &right_code(&ticket), None),
        Err(VoidGuardError::RequestClosed)
    );
    assert!(!f.terminal.status().unwrap().void_permitted);

    // The merchant applies again.
    let again = apply(&f, RequestKind::VoidPermission);
    assert_ne!(again.request_code, ticket.request_code);
    redeem(&f, &again, &right_code(&again), None).unwrap();
    assert!(f.terminal.status().unwrap().void_permitted);
}

#[test]
fn an_unknown_request_code_is_refused() {
    let f = activated();
    let ticket = apply(&f, RequestKind::VoidPermission);
    let unknown = if ticket.request_code == "1234567890" {
        "0987654321"
    } else {
        "1234567890"
    };
    let code = approval_for(RequestKind::VoidPermission, unknown);
    assert_eq!(
        f.terminal.redeem_approval(unknown.into(), code, None),
        Err(VoidGuardError::UnknownRequest)
    );
    assert_eq!(
        f.terminal
            .redeem_approval("12345".into(), right_code(&ticket), None),
        Err(VoidGuardError::InvalidInput {
            field: Field::RequestCode,
            problem: Problem::WrongLength
        })
    );
}

#[test]
fn a_malformed_approval_code_is_invalid_input_and_costs_no_attempt() {
    let f = activated();
    let ticket = apply(&f, RequestKind::VoidPermission);
    let right = right_code(&ticket);
    for (code, problem) in [
        (right[..7].to_string(), Problem::WrongLength),
        (format!("{right}0"), Problem::WrongLength),
        ("1234567a".to_string(), Problem::NotDigits),
        ("ABCDEFGH".to_string(), Problem::NotDigits),
        (String::new(), Problem::Empty),
    ] {
        assert_eq!(
            redeem(&f, &ticket, &code, None),
            Err(VoidGuardError::InvalidInput {
                field: Field::ApprovalCode,
                problem
            }),
            "{code:?}"
        );
    }
    let wrong = approval_for(RequestKind::PasswordReset, &ticket.request_code);
    assert_eq!(
        redeem(&f, &ticket, &wrong, None),
        Err(VoidGuardError::ApprovalCodeInvalid { attempts_left: 4 })
    );
}

#[test]
fn full_width_approval_codes_are_accepted() {
    let f = activated();
    let ticket = apply(&f, RequestKind::VoidPermission);
    let wide: String = right_code(&ticket)
        .chars()
        .map(|c| char::from_u32(c as u32 - 0x30 + 0xFF10).unwrap())
        .collect();
    redeem(&f, &ticket, &wide, None).unwrap();
    assert!(f.terminal.status().unwrap().void_permitted);
}

#[test]
fn one_request_of_a_kind_is_open_at_a_time() {
    let f = activated();
    let first = apply(&f, RequestKind::VoidPermission);
    assert_eq!(
        f.terminal
            .apply_for(RequestKind::VoidPermission, application()),
        Err(VoidGuardError::RequestAlreadyOpen {
            request_code: first.request_code.clone()
        })
    );
    // Another kind is a separate queue.
    let reset = apply(&f, RequestKind::PasswordReset);
    assert_ne!(reset.request_code, first.request_code);
}

#[test]
fn after_a_request_expires_a_new_one_of_the_kind_can_be_opened() {
    let f = activated();
    let first = apply(&f, RequestKind::VoidPermission);
    f.clock.advance(72 * HOUR_MS + MINUTE_MS);
    let second = apply(&f, RequestKind::VoidPermission);
    assert_ne!(second.request_code, first.request_code);
    assert_eq!(second.status, RequestStatus::Open);
    assert_eq!(
        redeem(&f, &first, &right_code(&first), None).map(|_| ()),
        Err(VoidGuardError::RequestClosed)
    );
    redeem(&f, &second, &right_code(&second), None).unwrap();
    assert!(f.terminal.status().unwrap().void_permitted);
}

// ---- Password lifecycle ---------------------------------------------------------

#[test]
fn a_password_is_due_for_a_change_after_90_days_but_still_voids() {
    let f = Fixture::ready();
    let vault = f.terminal.vault_status().unwrap();
    assert_eq!(vault.set_at_ms, Some(START_MS));
    assert_eq!(vault.expires_at_ms, Some(START_MS + 90 * DAY_MS));

    f.clock.advance(89 * DAY_MS);
    assert!(!f.terminal.vault_status().unwrap().change_due);
    f.clock.advance(DAY_MS);
    assert!(f.terminal.vault_status().unwrap().change_due);
    assert_eq!(void_with(&f, PASSWORD), Ok(LegState::Approved));

    let vault = f
        .terminal
        .change_void_password(PASSWORD.into(), NEW_PASSWORD.into())
        .unwrap();
    assert!(!vault.change_due);
    assert_eq!(vault.set_at_ms, Some(START_MS + 90 * DAY_MS));
}

#[test]
fn changing_the_password_needs_the_current_one() {
    let f = Fixture::ready();
    assert_eq!(
        f.terminal
            .change_void_password(WRONG_PASSWORD.into(), NEW_PASSWORD.into()),
        Err(VoidGuardError::WrongPassword { attempts_left: 4 })
    );
    assert_eq!(
        void_with(&f, NEW_PASSWORD).map(|_| ()),
        Err(VoidGuardError::WrongPassword { attempts_left: 3 })
    );
    assert_eq!(void_with(&f, PASSWORD), Ok(LegState::Approved));

    f.terminal
        .change_void_password(PASSWORD.into(), NEW_PASSWORD.into())
        .unwrap();
    assert_eq!(
        void_with(&f, PASSWORD),
        Err(VoidGuardError::WrongPassword { attempts_left: 4 })
    );
    assert_eq!(void_with(&f, NEW_PASSWORD), Ok(LegState::Approved));
}

#[test]
fn a_changed_password_must_differ_and_not_be_trivial() {
    let f = Fixture::ready();
    assert_eq!(
        f.terminal
            .change_void_password(PASSWORD.into(), PASSWORD.into()),
        Err(VoidGuardError::PasswordReused)
    );
    for trivial in ["123456", "888888", "654321", "121212"] {
        assert_eq!(
            f.terminal
                .change_void_password(PASSWORD.into(), trivial.into()),
            Err(VoidGuardError::TrivialPassword),
            "{trivial}"
        );
    }
    // None of these was a wrong password.
    assert_eq!(f.terminal.vault_status().unwrap().consecutive_failures, 0);
    assert_eq!(void_with(&f, PASSWORD), Ok(LegState::Approved));
}

#[test]
fn a_first_password_is_set_once() {
    let f = activated();
    assert_eq!(
        f.terminal.set_void_password("000000".into()),
        Err(VoidGuardError::TrivialPassword)
    );
    f.terminal.set_void_password(PASSWORD.into()).unwrap();
    assert_eq!(
        f.terminal.set_void_password(NEW_PASSWORD.into()),
        Err(VoidGuardError::PasswordAlreadySet)
    );
}

// ---- Guessing approval codes across requests --------------------------------------

/// Wrong codes against fresh requests, one after another, as a script would.
fn guess_wrong(f: &Fixture, times: u32) -> Vec<Result<voidguard::VaultStatus, VoidGuardError>> {
    let mut answers = Vec::new();
    let mut ticket = apply(f, RequestKind::PasswordReset);
    for _ in 0..times {
        if status_of(f, &ticket.request_code) != RequestStatus::Open {
            ticket = apply(f, RequestKind::PasswordReset);
        }
        answers.push(redeem(f, &ticket, "00000000", Some(THIRD_PASSWORD)));
    }
    answers
}

#[test]
fn ten_wrong_codes_in_a_day_block_requests_and_approvals_for_a_day_then_two() {
    let f = Fixture::ready();
    let open = apply(&f, RequestKind::VoidPermission);
    let answers = guess_wrong(&f, 10);
    let until_ms = f.clock.now_ms() + DAY_MS;
    assert!(answers[..9]
        .iter()
        .all(|a| matches!(a, Err(VoidGuardError::ApprovalCodeInvalid { .. }))));
    assert_eq!(
        answers[9],
        Err(VoidGuardError::ApprovalsBlocked { until_ms })
    );

    // Blocked: no new request, and no code tried against an open one, right or wrong.
    assert_eq!(
        f.terminal
            .apply_for(RequestKind::PasswordReset, application())
            .map(drop),
        Err(VoidGuardError::ApprovalsBlocked { until_ms })
    );
    assert_eq!(
        redeem(&f, &open, &right_code(&open), None),
        Err(VoidGuardError::ApprovalsBlocked { until_ms })
    );
    // Voids go on meanwhile: the block is on approvals only.
    assert_eq!(void_with(&f, PASSWORD), Ok(LegState::Approved));

    // A day later the next ten wrong codes block for two days.
    f.clock.set(until_ms);
    let answers = guess_wrong(&f, 10);
    assert_eq!(
        answers[9],
        Err(VoidGuardError::ApprovalsBlocked {
            until_ms: f.clock.now_ms() + 2 * DAY_MS
        })
    );
}

#[test]
fn a_right_code_ends_the_count_of_wrong_ones() {
    let f = Fixture::ready();
    guess_wrong(&f, 9);
    let ticket = f
        .terminal
        .requests()
        .unwrap()
        .into_iter()
        .find(|r| r.status == RequestStatus::Open)
        .unwrap();
    redeem(&f, &ticket, &right_code(&ticket), Some(THIRD_PASSWORD)).unwrap();
    let answers = guess_wrong(&f, 9);
    assert!(answers
        .iter()
        .all(|a| matches!(a, Err(VoidGuardError::ApprovalCodeInvalid { .. }))));
}

#[test]
fn at_most_ten_requests_are_opened_a_day() {
    let f = Fixture::ready();
    // Fixture::ready opened two already, for the void and refund permissions: eight more.
    let passwords = [
        "602817", "581934", "736215", "940362", "318457", "825613", "469308", "157946",
    ];
    for password in passwords {
        let ticket = apply(&f, RequestKind::PasswordReset);
        redeem(&f, &ticket, &right_code(&ticket), Some(password)).unwrap();
    }
    assert_eq!(
        f.terminal
            .apply_for(RequestKind::PasswordReset, application())
            .map(drop),
        Err(VoidGuardError::RequestLimitReached { limit: 10 })
    );
    f.clock.advance(DAY_MS);
    apply(&f, RequestKind::PasswordReset);
}
