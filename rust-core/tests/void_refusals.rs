//! Every way a void is refused (DESIGN §2): each refusal is its own error with the
//! data the screen shows, the confirmation screen's preview refuses alike, and a
//! refused void leaves the journal exactly as it was.

mod common;

use common::*;
use voidguard::dates::BusinessDate;
use voidguard::{
    Fen, Field, LegState, Problem, SimulatorMode, TransactionKind, TransactionStatus,
    VoidGuardError, VoidLookup, VoidRequest,
};

fn void_rows(f: &Fixture) -> usize {
    all_rows(&f.terminal)
        .iter()
        .filter(|t| t.kind == TransactionKind::Void)
        .count()
}

fn lookup(req: &VoidRequest) -> VoidLookup {
    VoidLookup {
        voucher_no: req.voucher_no.clone(),
        date: req.date.clone(),
        amount: req.amount.clone(),
    }
}

/// A void as keyed when there is no sale to take it from.
fn keyed(voucher_no: &str, date: &str, amount: &str) -> VoidRequest {
    VoidRequest {
        voucher_no: voucher_no.into(),
        date: date.into(),
        amount: amount.into(),
        password: PASSWORD.into(),
        reason: "customer_request".into(),
    }
}

/// The confirmation screen and the void itself must refuse alike; returns the refusal
/// after checking that the books did not move.
fn refused_alike(f: &Fixture, req: VoidRequest) -> VoidGuardError {
    let before = untouched(f);
    let preview = f
        .terminal
        .void_preview(lookup(&req))
        .expect_err("the preview should refuse");
    let void = f
        .terminal
        .begin_void(req)
        .expect_err("the void should refuse");
    assert_eq!(preview, void, "the preview and the void disagree");
    assert_eq!(untouched(f), before, "a refused void changed the books");
    void
}

/// The void itself refuses (for refusals the preview cannot know of) and the books
/// do not move.
fn refused(f: &Fixture, req: VoidRequest) -> VoidGuardError {
    let before = untouched(f);
    let refusal = f
        .terminal
        .void_transaction(req)
        .expect_err("the void should refuse");
    assert_eq!(untouched(f), before, "a refused void changed the books");
    refusal
}

#[test]
fn an_unactivated_terminal_cannot_void() {
    let f = Fixture::fresh();
    let today = f.today();
    // Nobody can sign in before activation, so nobody can key a void.
    assert_eq!(
        f.terminal.sign_in("00".into(), PASSWORD.into()).map(drop),
        Err(VoidGuardError::NotActivated)
    );
    assert_eq!(
        refused_alike(&f, keyed("000001", &today, "12.34")),
        VoidGuardError::NotSignedIn
    );
    assert!(all_rows(&f.terminal).is_empty());
}

#[test]
fn voiding_needs_the_back_office_permission() {
    let f = Fixture::fresh();
    f.terminal
        .activate(MERCHANT_NO.into(), TERMINAL_ID.into(), SECRET_HEX.into())
        .unwrap();
    let sale = f.sale("12.34");
    assert_eq!(
        refused_alike(&f, void_of(&sale)),
        VoidGuardError::PermissionNotGranted
    );
    assert_eq!(
        f.terminal
            .find_transaction(sale.voucher_no.clone())
            .unwrap(),
        Some(sale)
    );
}

#[test]
fn a_permitted_terminal_without_a_password_cannot_void() {
    let f = Fixture::fresh();
    let t = &f.terminal;
    t.activate(MERCHANT_NO.into(), TERMINAL_ID.into(), SECRET_HEX.into())
        .unwrap();
    let ticket = t
        .apply_for(voidguard::RequestKind::VoidPermission, application())
        .unwrap();
    let code = approval_for(voidguard::RequestKind::VoidPermission, &ticket.request_code);
    t.redeem_approval(ticket.request_code, code, None).unwrap();
    let sale = f.sale("12.34");
    assert_eq!(
        refused_alike(&f, void_of(&sale)),
        VoidGuardError::PasswordNotSet
    );
}

#[test]
fn a_voucher_not_in_the_journal_is_not_found() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    let req = VoidRequest {
        voucher_no: "000042".into(),
        ..void_of(&sale)
    };
    assert_eq!(
        refused_alike(&f, req),
        VoidGuardError::TransactionNotFound {
            voucher_no: "000042".into()
        }
    );
}

#[test]
fn a_void_row_cannot_itself_be_voided() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    let void = f
        .terminal
        .void_transaction(void_of(&sale))
        .unwrap()
        .void_transaction
        .unwrap();
    assert_eq!(
        refused_alike(&f, void_of(&void)),
        VoidGuardError::NotVoidable {
            voucher_no: void.voucher_no.clone()
        }
    );
    assert_eq!(void_rows(&f), 1);
}

#[test]
fn a_sale_is_voided_once_and_the_second_try_names_the_void() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    let first = f.terminal.void_transaction(void_of(&sale)).unwrap();
    let void_voucher_no = first.void_transaction.unwrap().voucher_no;
    assert_eq!(
        refused_alike(&f, void_of(&sale)),
        VoidGuardError::AlreadyVoided {
            voucher_no: sale.voucher_no.clone(),
            void_voucher_no,
        }
    );
    assert_eq!(void_rows(&f), 1);
}

#[test]
fn void_after_settlement_points_to_refund() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    f.terminal.settle().unwrap();
    assert_eq!(
        refused_alike(&f, void_of(&sale)),
        VoidGuardError::SettledUseRefund {
            voucher_no: sale.voucher_no.clone(),
            batch_no: "000001".into(),
        }
    );
    let row = &all_rows(&f.terminal)[0];
    assert_eq!(row.status, TransactionStatus::Settled);
}

/// The business date (Beijing) `days` after the fixture's start.
fn date_after(days: i64) -> BusinessDate {
    BusinessDate::from_instant(START_MS + days * DAY_MS, 480)
}

#[test]
fn yesterdays_sale_in_the_open_batch_is_not_voided_today() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    assert_eq!(sale.business_date, date_after(0).iso());
    f.clock.advance(DAY_MS);
    assert_eq!(f.today(), date_after(1).iso());
    assert_eq!(f.terminal.status().unwrap().batch_no, sale.batch_no);
    assert_eq!(
        refused_alike(&f, void_of(&sale)),
        VoidGuardError::NotSameBusinessDate {
            business_date: sale.business_date.clone()
        }
    );
}

#[test]
fn the_date_keyed_must_be_the_sales_date() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    let yesterday = date_after(-1);
    let compact = yesterday.iso().replace('-', "");
    for date in [yesterday.iso(), yesterday.mmdd(), compact] {
        let req = VoidRequest {
            date: date.clone(),
            ..void_of(&sale)
        };
        assert_eq!(
            refused_alike(&f, req),
            VoidGuardError::DateMismatch,
            "{date}"
        );
    }
    // The slip's MMDD form of the right date is fine.
    let req = VoidRequest {
        date: date_after(0).mmdd(),
        ..void_of(&sale)
    };
    assert!(f.terminal.void_preview(lookup(&req)).is_ok());
}

#[test]
fn the_amount_keyed_must_be_the_sales_amount() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    for amount in ["12.35", "12.3", "1234", "0.01"] {
        let req = VoidRequest {
            amount: amount.into(),
            ..void_of(&sale)
        };
        assert_eq!(
            refused_alike(&f, req),
            VoidGuardError::AmountMismatch,
            "{amount}"
        );
    }
}

#[test]
fn the_daily_void_count_limit_stops_the_next_void() {
    let f = Fixture::ready_with_config(|c| c.daily_void_count_limit = 2);
    for _ in 0..2 {
        let sale = f.sale("10.00");
        f.terminal.void_transaction(void_of(&sale)).unwrap();
    }
    let third = f.sale("10.00");
    assert_eq!(
        refused_alike(&f, void_of(&third)),
        VoidGuardError::DailyCountLimitReached { limit: 2 }
    );
    assert_eq!(void_rows(&f), 2);
}

#[test]
fn the_daily_void_amount_limit_counts_what_was_voided_today() {
    let f = Fixture::ready_with_config(|c| c.daily_void_amount_limit = Fen(10_000));
    let first = f.sale("60.00");
    f.terminal.void_transaction(void_of(&first)).unwrap();

    let too_much = f.sale("50.00");
    assert_eq!(
        refused_alike(&f, void_of(&too_much)),
        VoidGuardError::DailyAmountLimitReached {
            limit: Fen(10_000),
            used: Fen(6_000)
        }
    );

    // Exactly up to the limit is allowed.
    let rest = f.sale("40.00");
    let preview = f.terminal.void_preview(lookup_of(&rest)).unwrap();
    assert_eq!(preview.void_amount_left_today, Fen(4_000));
    f.terminal.void_transaction(void_of(&rest)).unwrap();
}

#[test]
fn the_next_business_day_brings_a_new_void_allowance() {
    let f = Fixture::ready_with_config(|c| c.daily_void_count_limit = 1);
    let sale = f.sale("10.00");
    f.terminal.void_transaction(void_of(&sale)).unwrap();
    let blocked = f.sale("10.00");
    assert_eq!(
        refused_alike(&f, void_of(&blocked)),
        VoidGuardError::DailyCountLimitReached { limit: 1 }
    );
    f.clock.advance(DAY_MS);
    let tomorrow = f.sale("10.00");
    f.terminal.void_transaction(void_of(&tomorrow)).unwrap();
}

#[test]
fn a_lift_restores_the_days_void_allowance() {
    let f = Fixture::ready_with_config(|c| c.daily_void_count_limit = 1);
    let sale = f.sale("10.00");
    f.terminal.void_transaction(void_of(&sale)).unwrap();
    let blocked = f.sale("20.00");
    assert_eq!(
        refused_alike(&f, void_of(&blocked)),
        VoidGuardError::DailyCountLimitReached { limit: 1 }
    );

    let kind = voidguard::RequestKind::LiftRestriction;
    let ticket = f.terminal.apply_for(kind, application()).unwrap();
    let code = approval_for(kind, &ticket.request_code);
    f.terminal
        .redeem_approval(ticket.request_code, code, None)
        .unwrap();
    let outcome = f.terminal.void_transaction(void_of(&blocked)).unwrap();
    assert_eq!(outcome.state, LegState::Approved);
}

#[test]
fn a_wrong_password_is_refused_with_the_attempts_left() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    assert!(f.terminal.void_preview(lookup_of(&sale)).is_ok());
    let req = VoidRequest {
        password: WRONG_PASSWORD.into(),
        ..void_of(&sale)
    };
    assert_eq!(
        refused(&f, req),
        VoidGuardError::WrongPassword { attempts_left: 4 }
    );
    let vault = f.terminal.vault_status().unwrap();
    assert_eq!((vault.consecutive_failures, vault.attempts_left), (1, 4));
}

#[test]
fn a_locked_terminal_refuses_even_the_right_password_until_the_lock_ends() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    let wrong = VoidRequest {
        password: WRONG_PASSWORD.into(),
        ..void_of(&sale)
    };
    for _ in 0..4 {
        f.terminal.void_transaction(wrong.clone()).unwrap_err();
    }
    let until_ms = START_MS + 5 * MINUTE_MS;
    assert_eq!(refused(&f, wrong), VoidGuardError::LockedUntil { until_ms });
    assert_eq!(
        refused_alike(&f, void_of(&sale)),
        VoidGuardError::LockedUntil { until_ms }
    );
}

#[test]
fn ten_wrong_passwords_lock_voiding_until_the_back_office_lifts_it() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    f.lock_until_lifted(&sale);
    assert_eq!(
        refused_alike(&f, void_of(&sale)),
        VoidGuardError::LockedUntilLifted
    );
    assert_eq!(void_rows(&f), 0);
}

#[test]
fn a_void_is_keyed_by_the_session_and_authorised_by_the_supervisor() {
    let f = Fixture::ready();
    let sale = f.sale_by("12.34", "03");
    let void = f.terminal.void_transaction(void_of(&sale)).unwrap();
    let row = void.void_transaction.unwrap();
    assert_eq!(
        (row.operator_no.as_str(), row.authoriser_no.as_deref()),
        ("03", Some("00"))
    );

    // The supervisor signed in keys and authorises alike.
    let other = f.sale("20.00");
    f.sign_in_as("00");
    let void = f.terminal.void_transaction(void_of(&other)).unwrap();
    let row = void.void_transaction.unwrap();
    assert_eq!(
        (row.operator_no.as_str(), row.authoriser_no.as_deref()),
        ("00", Some("00"))
    );
}

#[test]
fn nobody_signed_in_and_the_administrator_cannot_void() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    f.terminal.sign_out().unwrap();
    let wrong = VoidRequest {
        password: WRONG_PASSWORD.into(),
        ..void_of(&sale)
    };
    for req in [void_of(&sale), wrong.clone()] {
        assert_eq!(
            f.terminal.begin_void(req.clone()),
            Err(VoidGuardError::NotSignedIn)
        );
        assert_eq!(
            f.terminal.void_transaction(req),
            Err(VoidGuardError::NotSignedIn)
        );
    }
    f.sign_in_as("99");
    let admin = VoidGuardError::NotPermitted {
        operator_no: "99".into(),
    };
    assert_eq!(f.terminal.void_transaction(wrong), Err(admin.clone()));
    assert_eq!(f.terminal.settle().map(drop), Err(admin));
    // Nothing was counted against the void password, nothing was voided.
    assert_eq!(f.terminal.vault_status().unwrap().consecutive_failures, 0);
    assert_eq!(void_rows(&f), 0);
}

#[test]
fn a_void_the_host_declines_leaves_the_sale_standing() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    let rows = all_rows(&f.terminal);
    f.terminal
        .set_simulator_mode(SimulatorMode::Decline)
        .unwrap();
    assert_eq!(
        f.terminal.void_transaction(void_of(&sale)),
        Err(VoidGuardError::HostDeclined {
            response_code: "05".into()
        })
    );
    assert_eq!(all_rows(&f.terminal), rows);
    assert!(f.terminal.pending_host_work().unwrap().is_empty());

    f.terminal
        .set_simulator_mode(SimulatorMode::Approve)
        .unwrap();
    let outcome = f.terminal.void_transaction(void_of(&sale)).unwrap();
    assert_eq!(outcome.original.status, TransactionStatus::Voided);
}

#[test]
fn an_unanswered_void_is_left_for_reversal_and_the_sale_stands() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    let rows = all_rows(&f.terminal);
    f.terminal
        .set_simulator_mode(SimulatorMode::Timeout)
        .unwrap();
    assert_eq!(
        f.terminal.void_transaction(void_of(&sale)),
        Err(VoidGuardError::HostUnreachable)
    );
    assert_eq!(all_rows(&f.terminal), rows);
    let pending = f.terminal.pending_host_work().unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].state, LegState::AwaitingReversal);
    assert_eq!(
        pending[0].original_voucher_no.as_ref(),
        Some(&sale.voucher_no)
    );

    // Once the host answers again the void is reversed and the sale can be voided.
    f.terminal
        .set_simulator_mode(SimulatorMode::Approve)
        .unwrap();
    assert_eq!(f.terminal.reconcile().unwrap().reversed, 1);
    assert_eq!(
        f.terminal
            .find_transaction(sale.voucher_no.clone())
            .unwrap()
            .unwrap()
            .status,
        TransactionStatus::Approved
    );
    f.terminal.void_transaction(void_of(&sale)).unwrap();
}

#[test]
fn a_void_in_flight_holds_its_own_sale_and_the_settlement_not_other_voids() {
    let f = Fixture::ready();
    let first = f.sale("12.34");
    let second = f.sale("56.78");
    let pending = f.terminal.begin_void(void_of(&first)).unwrap();
    assert_eq!(
        refused_alike(&f, void_of(&first)),
        VoidGuardError::VoidInProgress {
            voucher_no: first.voucher_no.clone()
        }
    );
    // The settlement would miss the void's answer: it waits for every leg.
    f.sign_in_as("00");
    assert_eq!(
        f.terminal.settle(),
        Err(VoidGuardError::PendingHostWork { count: 1 })
    );
    f.sign_in_as("01");
    assert_eq!(void_rows(&f), 0);
    // Another sale's void is no business of the one in flight.
    f.terminal.void_transaction(void_of(&second)).unwrap();
    assert_eq!(void_rows(&f), 1);

    f.terminal
        .complete_void(
            pending.leg_id,
            voidguard::HostReply::Declined {
                response_code: "05".into(),
            },
        )
        .unwrap();
    f.sign_in_as("00");
    f.terminal.settle().unwrap();
}

#[test]
fn full_width_digits_from_a_chinese_keyboard_void_like_ascii() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    assert_eq!(sale.voucher_no, "000001");
    let req = VoidRequest {
        voucher_no: "０００００１".into(),
        amount: "１２．３４".into(),
        ..void_of(&sale)
    };
    assert_eq!(
        f.terminal.void_preview(lookup(&req)).unwrap().original.id,
        sale.id
    );
    let outcome = f.terminal.void_transaction(req).unwrap();
    assert_eq!(outcome.state, LegState::Approved);
    let void = outcome.void_transaction.unwrap();
    assert_eq!(void.original_voucher_no.as_deref(), Some("000001"));
    assert_eq!(void.amount, Fen(1_234));
}

/// Bad input is refused before anything is looked at: the books stay, and a bad
/// lookup never costs a password attempt.
fn assert_invalid(f: &Fixture, req: VoidRequest, field: Field, problem: Problem) {
    let expected = VoidGuardError::InvalidInput { field, problem };
    let refusal = if matches!(field, Field::VoucherNo | Field::Date | Field::Amount) {
        refused_alike(f, req)
    } else {
        refused(f, req)
    };
    assert_eq!(refusal, expected);
    assert_eq!(f.terminal.vault_status().unwrap().consecutive_failures, 0);
}

#[test]
fn a_malformed_voucher_number_is_invalid_input() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    for (voucher_no, problem) in [
        ("", Problem::Empty),
        ("1", Problem::WrongLength),
        ("0000001", Problem::WrongLength),
        ("00000a", Problem::NotDigits),
        ("١٢٣٤٥٦", Problem::NotDigits),
        ("000000", Problem::Zero),
    ] {
        let req = VoidRequest {
            voucher_no: voucher_no.into(),
            password: WRONG_PASSWORD.into(),
            ..void_of(&sale)
        };
        assert_invalid(&f, req, Field::VoucherNo, problem);
    }
}

#[test]
fn a_malformed_date_is_invalid_input() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    for (date, problem) in [
        ("", Problem::Empty),
        ("yesterday", Problem::NotDigits),
        ("2026-13-01", Problem::NoSuchDate),
        ("2026-02-30", Problem::NoSuchDate),
        ("2026-1-129", Problem::WrongLength),
        ("112", Problem::WrongLength),
    ] {
        let req = VoidRequest {
            date: date.into(),
            password: WRONG_PASSWORD.into(),
            ..void_of(&sale)
        };
        assert_invalid(&f, req, Field::Date, problem);
    }
}

#[test]
fn a_malformed_amount_is_invalid_input() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    for (amount, problem) in [
        ("", Problem::Empty),
        ("-12.34", Problem::Negative),
        ("0", Problem::Zero),
        ("12.345", Problem::TooManyDecimals),
        ("12,34", Problem::Malformed),
        ("abc", Problem::Malformed),
        ("100000.01", Problem::OverCap),
        ("99999999999999999999", Problem::Overflow),
    ] {
        let req = VoidRequest {
            amount: amount.into(),
            password: WRONG_PASSWORD.into(),
            ..void_of(&sale)
        };
        assert_invalid(&f, req, Field::Amount, problem);
    }
}

#[test]
fn a_void_reason_must_come_from_the_configured_list() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    for (reason, problem) in [
        ("", Problem::Empty),
        ("   ", Problem::Empty),
        ("whim", Problem::NotAllowed),
        ("Customer_Request", Problem::NotAllowed),
    ] {
        let req = VoidRequest {
            reason: reason.into(),
            password: WRONG_PASSWORD.into(),
            ..void_of(&sale)
        };
        assert_invalid(&f, req, Field::VoidReason, problem);
    }
}

#[test]
fn a_malformed_password_is_invalid_input_and_not_a_failed_attempt() {
    let f = Fixture::ready();
    let sale = f.sale("12.34");
    for (password, problem) in [
        ("", Problem::Empty),
        ("12345", Problem::WrongLength),
        ("1234567", Problem::WrongLength),
        ("27481x", Problem::NotDigits),
    ] {
        let req = VoidRequest {
            password: password.into(),
            ..void_of(&sale)
        };
        assert_invalid(&f, req, Field::Password, problem);
    }
}
