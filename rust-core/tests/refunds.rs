//! Refunds (退货): money back on a sale of an earlier batch or day, partially and more
//! than once, never more than was paid (DESIGN §2, issue "Refund"). Each refusal is
//! its own error with what the screen shows, and a refused refund writes nothing but
//! a counted password failure.

mod common;

use common::*;
use voidguard::{
    Fen, Field, LegKind, LegState, Locale, Problem, RefundLookup, RefundRequest, RequestKind,
    SimulatorMode, Transaction, TransactionKind, TransactionStatus, VoidGuardError,
};

fn audit_kinds(f: &Fixture) -> Vec<String> {
    let mut entries = f.terminal.audit(None, 500).unwrap();
    entries.reverse();
    entries.into_iter().map(|e| e.kind).collect()
}

fn by_rrn(sale: &Transaction, date: &str) -> RefundLookup {
    RefundLookup {
        rrn: Some(sale.rrn.clone()),
        date: Some(date.into()),
        ..Default::default()
    }
}

fn by_voucher(sale: &Transaction) -> RefundLookup {
    RefundLookup {
        voucher_no: Some(sale.voucher_no.clone()),
        batch_no: Some(sale.batch_no.clone()),
        ..Default::default()
    }
}

fn request(lookup: RefundLookup, amount: &str) -> RefundRequest {
    RefundRequest {
        lookup,
        amount: amount.into(),
        password: PASSWORD.into(),
        reason: "goods_returned".into(),
    }
}

/// A sale of `amount`, settled, and the next business day begun.
fn settled_sale(f: &Fixture, amount: &str) -> Transaction {
    let sale = f.sale(amount);
    f.terminal.settle().unwrap();
    f.clock.advance(DAY_MS);
    sale
}

/// The refund is refused with `expected`; nothing but the audit trail moved, and
/// the preview (where it sees the fault) refuses alike.
fn refused(f: &Fixture, req: RefundRequest) -> VoidGuardError {
    let before = untouched(f);
    let audit_before = audit_kinds(f).len();
    let e = f.terminal.refund(req).unwrap_err();
    assert_eq!(
        untouched(f),
        before,
        "a refused refund changed the books: {e:?}"
    );
    let written = &audit_kinds(f)[audit_before..];
    assert!(
        written
            .iter()
            .all(|k| k == "password.failed" || k == "lockout.started"),
        "{e:?} wrote {written:?}"
    );
    e
}

#[test]
fn a_settled_sale_is_refunded_in_parts_never_beyond_its_amount() {
    let f = Fixture::ready();
    let sale = settled_sale(&f, "100.00");
    let mmdd = format!(
        "{}{}",
        &sale.business_date[5..7],
        &sale.business_date[8..10]
    );

    let preview = f.terminal.refund_preview(by_rrn(&sale, &mmdd)).unwrap();
    assert!(preview.verified);
    assert_eq!(preview.balance, Fen(10_000));
    assert_eq!(preview.original.as_ref().map(|o| o.id), Some(sale.id));

    let first = f
        .terminal
        .refund(request(by_rrn(&sale, &mmdd), "30.00"))
        .unwrap();
    assert_eq!(first.state, LegState::Approved);
    let row = first.refund.unwrap();
    assert_eq!(row.kind, TransactionKind::Refund);
    assert_eq!(row.amount, Fen(3_000));
    assert_eq!(row.original_voucher_no.as_ref(), Some(&sale.voucher_no));
    assert_eq!(row.original_rrn.as_ref(), Some(&sale.rrn));
    assert_eq!(
        row.original_business_date.as_ref(),
        Some(&sale.business_date)
    );
    assert_eq!(row.authoriser_no.as_deref(), Some("00"));
    assert_eq!(row.operator_no, CASHIER);
    assert_eq!(row.batch_no, "000002");

    // By voucher and batch, full date form.
    let second = f
        .terminal
        .refund(request(by_voucher(&sale), "50.00"))
        .unwrap();
    assert_eq!(second.state, LegState::Approved);
    let preview = f.terminal.refund_preview(by_voucher(&sale)).unwrap();
    assert_eq!(preview.balance, Fen(2_000));
    assert_eq!(preview.refunded, Fen(8_000));
    assert_eq!(preview.refunds.len(), 2);

    let e = refused(&f, request(by_voucher(&sale), "20.01"));
    assert_eq!(
        e,
        VoidGuardError::RefundOverBalance {
            balance: Fen(2_000)
        }
    );
    f.terminal
        .refund(request(by_voucher(&sale), "20.00"))
        .unwrap();
    let e = refused(&f, request(by_voucher(&sale), "0.01"));
    assert_eq!(e, VoidGuardError::RefundOverBalance { balance: Fen(0) });

    // The sale keeps its status; the refunds are in this batch's totals and the
    // per-operator report.
    let rows = all_rows(&f.terminal);
    let original = rows.iter().find(|r| r.id == sale.id).unwrap();
    assert_eq!(original.status, TransactionStatus::Settled);
    let report = f.terminal.voids_by_operator(None).unwrap();
    assert_eq!(report.len(), 1);
    assert_eq!(
        (
            report[0].refund_count,
            report[0].refund_total,
            report[0].void_count
        ),
        (3, Fen(10_000), 0)
    );
    let settled = f.terminal.settle().unwrap();
    assert_eq!(
        (settled.refund_count, settled.refund_total),
        (3, Fen(10_000))
    );
    assert_eq!(settled.net_total, Fen(-10_000));
    assert!(f.terminal.verify_audit().unwrap().ok);
}

#[test]
fn refund_slips_name_the_original_and_the_sale_reprint_lists_its_refunds() {
    let f = Fixture::ready();
    let sale = settled_sale(&f, "88.00");
    let refund = f
        .terminal
        .refund(request(by_voucher(&sale), "８.８０"))
        .unwrap()
        .refund
        .unwrap();
    assert_eq!(refund.amount, Fen(880), "full-width digits are normalised");
    let zh = f
        .terminal
        .receipt(refund.voucher_no.clone(), Locale::ZhCn)
        .unwrap();
    assert_eq!(zh.title, "退货签购单");
    for needle in [
        "原参考号",
        "原交易日期",
        "原凭证号",
        "退货原因",
        "RMB -8.80",
    ] {
        assert!(
            zh.text.contains(needle),
            "{needle} missing from\n{}",
            zh.text
        );
    }
    assert!(zh.text.contains(&sale.rrn));
    let en = f
        .terminal
        .receipt(refund.voucher_no.clone(), Locale::En)
        .unwrap();
    assert_eq!(en.title, "REFUND SLIP");
    assert!(en.text.contains("ORIG REF NO"), "{}", en.text);
    let reprint = f
        .terminal
        .receipt(sale.voucher_no.clone(), Locale::ZhCn)
        .unwrap();
    assert!(
        reprint
            .text
            .contains(&format!("已退货: {}", refund.voucher_no)),
        "{}",
        reprint.text
    );
}

#[test]
fn bad_input_is_refused_and_writes_nothing() {
    let f = Fixture::ready();
    let sale = settled_sale(&f, "100.00");
    let date = sale.business_date.clone();
    let invalid = |field, problem| VoidGuardError::InvalidInput { field, problem };
    let cases: Vec<(RefundRequest, VoidGuardError)> = vec![
        (
            request(
                RefundLookup {
                    rrn: Some(sale.rrn[..11].into()),
                    date: Some(date.clone()),
                    ..Default::default()
                },
                "1.00",
            ),
            invalid(Field::Rrn, Problem::WrongLength),
        ),
        (
            request(by_rrn(&sale, "2099-01-01"), "1.00"),
            invalid(Field::Date, Problem::InFuture),
        ),
        (
            request(by_rrn(&sale, "2026-02-30"), "1.00"),
            invalid(Field::Date, Problem::NoSuchDate),
        ),
        (
            request(by_rrn(&sale, "yesterday"), "1.00"),
            invalid(Field::Date, Problem::NotDigits),
        ),
        (
            request(by_voucher(&sale), "0"),
            invalid(Field::Amount, Problem::Zero),
        ),
        (
            request(by_voucher(&sale), "-5.00"),
            invalid(Field::Amount, Problem::Negative),
        ),
        (
            request(by_voucher(&sale), "1.005"),
            invalid(Field::Amount, Problem::TooManyDecimals),
        ),
        (
            request(by_voucher(&sale), "100.01"),
            VoidGuardError::RefundOverBalance {
                balance: Fen(10_000),
            },
        ),
        (
            request(by_voucher(&sale), "5000.01"),
            VoidGuardError::RefundOverCap { cap: Fen(500_000) },
        ),
        (
            RefundRequest {
                reason: "because".into(),
                ..request(by_voucher(&sale), "1.00")
            },
            invalid(Field::RefundReason, Problem::NotAllowed),
        ),
        (
            request(
                RefundLookup {
                    rrn: Some("ZZZZZZZZZZZZ".into()),
                    date: Some(date.clone()),
                    original_amount: Some("100.00".into()),
                    ..Default::default()
                },
                "1.00",
            ),
            VoidGuardError::RefundOriginalNotFound {
                reference: "ZZZZZZZZZZZZ".into(),
            },
        ),
    ];
    for (req, expected) in cases {
        let what = format!("{req:?}");
        assert_eq!(refused(&f, req), expected, "{what}");
    }
    assert_eq!(f.terminal.vault_status().unwrap().consecutive_failures, 0);
}

#[test]
fn refunds_of_refunds_voids_voided_and_voidable_sales_say_why_not() {
    let f = Fixture::ready();
    let voided = f.sale("10.00");
    let void = f.terminal.void_transaction(void_of(&voided)).unwrap();
    let void_row = void.void_transaction.unwrap();
    let kept = f.sale("20.00");
    f.terminal.settle().unwrap();
    f.clock.advance(DAY_MS);
    let refund = f
        .terminal
        .refund(request(by_voucher(&kept), "1.00"))
        .unwrap()
        .refund
        .unwrap();
    let today = f.sale("30.00");

    assert_eq!(
        refused(&f, request(by_voucher(&refund), "1.00")),
        VoidGuardError::RefundOfRefund {
            voucher_no: refund.voucher_no.clone()
        }
    );
    assert_eq!(
        refused(&f, request(by_voucher(&void_row), "1.00")),
        VoidGuardError::RefundOfVoid {
            voucher_no: void_row.voucher_no.clone()
        }
    );
    assert_eq!(
        refused(&f, request(by_voucher(&voided), "1.00")),
        VoidGuardError::RefundOfVoidedSale {
            voucher_no: voided.voucher_no.clone(),
            void_voucher_no: void_row.voucher_no.clone()
        }
    );
    assert_eq!(
        refused(&f, request(by_voucher(&today), "1.00")),
        VoidGuardError::RefundUseVoid {
            voucher_no: today.voucher_no.clone()
        }
    );
    // And a refund cannot be voided.
    let e = f.terminal.void_transaction(void_of(&refund)).unwrap_err();
    assert!(
        matches!(
            e,
            VoidGuardError::NotVoidable { .. } | VoidGuardError::SettledUseRefund { .. }
        ),
        "{e:?}"
    );
}

#[test]
fn a_wrong_password_is_counted_and_nothing_else_is_written() {
    let f = Fixture::ready();
    let sale = settled_sale(&f, "50.00");
    let req = RefundRequest {
        password: WRONG_PASSWORD.into(),
        ..request(by_voucher(&sale), "5.00")
    };
    let before = audit_kinds(&f).len();
    let e = refused(&f, req);
    assert!(matches!(e, VoidGuardError::WrongPassword { .. }), "{e:?}");
    assert_eq!(&audit_kinds(&f)[before..], ["password.failed"]);
    assert_eq!(f.terminal.vault_status().unwrap().consecutive_failures, 1);
}

#[test]
fn a_sale_not_in_this_journal_is_refunded_only_when_configured_and_flagged() {
    let f = Fixture::ready_with_config(|c| c.unverified_refunds = true);
    f.sale("1.00");
    f.terminal.settle().unwrap();
    let lookup = RefundLookup {
        rrn: Some("20261130ABCD".into()),
        date: Some("20261129".into()),
        original_amount: Some("60.00".into()),
        ..Default::default()
    };
    let preview = f.terminal.refund_preview(lookup.clone()).unwrap();
    assert!(!preview.verified);
    assert_eq!(preview.original, None);
    assert_eq!(preview.balance, Fen(6_000));
    let row = f
        .terminal
        .refund(request(lookup.clone(), "40.00"))
        .unwrap()
        .refund
        .unwrap();
    assert_eq!(row.original_voucher_no, None);
    assert_eq!(row.original_rrn.as_deref(), Some("20261130ABCD"));
    assert_eq!(row.original_business_date.as_deref(), Some("2026-11-29"));
    let slip = f.terminal.receipt(row.voucher_no, Locale::ZhCn).unwrap();
    assert!(slip.text.contains("原交易未在本机核实"), "{}", slip.text);
    assert_eq!(
        refused(&f, request(lookup.clone(), "20.01")),
        VoidGuardError::RefundOverBalance {
            balance: Fen(2_000)
        }
    );
    // Keyed with another original amount, it is not the same sale's balance.
    let other = RefundLookup {
        original_amount: Some("600.00".into()),
        ..lookup
    };
    assert_eq!(
        refused(&f, request(other, "1.00")),
        VoidGuardError::AmountMismatch
    );
}

#[test]
fn daily_refund_limits_refuse_with_the_limit() {
    let f = Fixture::ready_with_config(|c| {
        c.daily_refund_count_limit = 2;
        c.daily_refund_amount_limit = Fen(5_000);
    });
    let sale = settled_sale(&f, "100.00");
    f.terminal
        .refund(request(by_voucher(&sale), "30.00"))
        .unwrap();
    assert_eq!(
        refused(&f, request(by_voucher(&sale), "20.01")),
        VoidGuardError::DailyRefundAmountLimitReached {
            limit: Fen(5_000),
            used: Fen(3_000)
        }
    );
    f.terminal
        .refund(request(by_voucher(&sale), "1.00"))
        .unwrap();
    assert_eq!(
        refused(&f, request(by_voucher(&sale), "1.00")),
        VoidGuardError::DailyRefundCountLimitReached { limit: 2 }
    );
    // The next day starts afresh.
    f.clock.advance(DAY_MS);
    f.terminal
        .refund(request(by_voucher(&sale), "1.00"))
        .unwrap();
}

#[test]
fn a_lift_gives_the_day_a_fresh_refund_allowance() {
    let f = Fixture::ready_with_config(|c| {
        c.daily_refund_count_limit = 2;
        c.daily_refund_amount_limit = Fen(5_000);
    });
    let sale = settled_sale(&f, "100.00");
    for amount in ["30.00", "1.00"] {
        f.terminal
            .refund(request(by_voucher(&sale), amount))
            .unwrap();
    }
    assert_eq!(
        refused(&f, request(by_voucher(&sale), "1.00")),
        VoidGuardError::DailyRefundCountLimitReached { limit: 2 }
    );
    f.grant(RequestKind::LiftRestriction);
    // Two more, up to 50.00 more, and then the limits hold again.
    assert_eq!(
        refused(&f, request(by_voucher(&sale), "50.01")),
        VoidGuardError::DailyRefundAmountLimitReached {
            limit: Fen(5_000),
            used: Fen(0)
        }
    );
    for amount in ["40.00", "10.00"] {
        f.terminal
            .refund(request(by_voucher(&sale), amount))
            .unwrap();
    }
    assert_eq!(
        refused(&f, request(by_voucher(&sale), "1.00")),
        VoidGuardError::DailyRefundCountLimitReached { limit: 2 }
    );
    assert_eq!(
        f.terminal
            .refund_preview(by_voucher(&sale))
            .unwrap()
            .balance,
        Fen(1_900)
    );
    assert!(audit_kinds(&f).iter().any(|k| k == "restriction.lifted"));
}

#[test]
fn a_refund_needs_the_refund_permission_which_a_void_permit_code_does_not_grant() {
    let f = Fixture::fresh();
    f.terminal
        .activate(MERCHANT_NO.into(), TERMINAL_ID.into(), SECRET_HEX.into())
        .unwrap();
    f.grant(RequestKind::VoidPermission);
    f.terminal.set_void_password(PASSWORD.into()).unwrap();
    f.sign_in_as(CASHIER);
    let sale = settled_sale(&f, "20.00");
    assert!(!f.terminal.status().unwrap().refund_permitted);

    let failures = f.terminal.vault_status().unwrap().consecutive_failures;
    assert_eq!(
        refused(&f, request(by_voucher(&sale), "5.00")),
        VoidGuardError::RefundPermissionNotGranted
    );
    assert_eq!(
        f.terminal.vault_status().unwrap().consecutive_failures,
        failures,
        "no password was asked, so none is counted"
    );

    let ticket = f
        .terminal
        .apply_for(RequestKind::RefundPermission, application())
        .unwrap();
    let void_code = approval_for(RequestKind::VoidPermission, &ticket.request_code);
    assert!(matches!(
        f.terminal
            .redeem_approval(ticket.request_code.clone(), void_code, None),
        Err(VoidGuardError::ApprovalCodeInvalid { .. })
    ));
    assert!(!f.terminal.status().unwrap().refund_permitted);
    let code = approval_for(RequestKind::RefundPermission, &ticket.request_code);
    f.terminal
        .redeem_approval(ticket.request_code, code, None)
        .unwrap();
    assert!(f.terminal.status().unwrap().refund_permitted);
    f.terminal
        .refund(request(by_voucher(&sale), "5.00"))
        .unwrap();
}

#[test]
fn two_refunds_at_once_cannot_both_take_the_balance() {
    let f = Fixture::ready();
    let sale = settled_sale(&f, "100.00");
    let terminal = &*f.terminal;
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let req = request(by_voucher(&sale), "60.00");
                scope.spawn(move || terminal.refund(req))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(ok, 1, "{results:?}");
    assert!(results.iter().any(|r| matches!(
        r,
        Err(VoidGuardError::RefundOverBalance { balance }) if *balance == Fen(4_000)
    )));
    let refunds = all_rows(terminal)
        .into_iter()
        .filter(|r| r.kind == TransactionKind::Refund)
        .count();
    assert_eq!(refunds, 1);
}

#[test]
fn a_pending_refund_holds_its_amount_and_other_host_work_refuses_refunds() {
    let f = Fixture::ready();
    let sale = settled_sale(&f, "100.00");
    // Two phases, as with the payment app: the pending refund holds its amount.
    let leg = f
        .terminal
        .begin_refund(request(by_voucher(&sale), "70.00"))
        .unwrap();
    assert_eq!(leg.kind, LegKind::Refund);
    assert_eq!(leg.request.processing_code, "200000");
    assert_eq!(voidguard::intent_processing_code(LegKind::Refund), "500000");
    let preview = f.terminal.refund_preview(by_voucher(&sale)).unwrap();
    assert_eq!((preview.pending, preview.balance), (Fen(7_000), Fen(3_000)));
    let outcome = f
        .terminal
        .complete_refund(
            leg.leg_id,
            voidguard::HostReply::Approved {
                rrn: "000000123456".into(),
                auth_code: "654321".into(),
            },
        )
        .unwrap();
    assert_eq!(outcome.state, LegState::Approved);
    assert_eq!(outcome.refund.unwrap().rrn, "000000123456");

    // A refund whose answer was lost and whose reversal failed holds every refund.
    f.terminal
        .set_simulator_mode(SimulatorMode::Timeout)
        .unwrap();
    let e = f
        .terminal
        .refund(request(by_voucher(&sale), "1.00"))
        .unwrap_err();
    assert_eq!(e, VoidGuardError::HostUnreachable);
    assert_eq!(f.terminal.pending_host_work().unwrap().len(), 1);
    let e = refused(&f, request(by_voucher(&sale), "1.00"));
    assert_eq!(e, VoidGuardError::PendingHostWork { count: 1 });
    // Once reversed, the amount it held is free again.
    f.terminal
        .set_simulator_mode(SimulatorMode::Approve)
        .unwrap();
    assert_eq!(f.terminal.reconcile().unwrap().reversed, 1);
    let preview = f.terminal.refund_preview(by_voucher(&sale)).unwrap();
    assert_eq!(preview.balance, Fen(3_000));
}

#[test]
fn a_sale_whose_void_is_still_open_is_not_refunded() {
    let f = Fixture::ready();
    let sale = f.sale("100.00");
    // The void is sent (two phases, as with the payment app) and its answer not in;
    // at midnight the sale can no longer be voided anew, yet this void may still be
    // approved: a refund now could pay the money back twice.
    let pending = f.terminal.begin_void(common::void_of(&sale)).unwrap();
    assert_eq!(pending.state, LegState::AwaitingAnswer);
    f.clock.advance(DAY_MS);
    let e = refused(&f, request(by_voucher(&sale), "10.00"));
    assert_eq!(
        e,
        VoidGuardError::VoidInProgress {
            voucher_no: sale.voucher_no.clone()
        }
    );
    let e = f.terminal.refund_preview(by_voucher(&sale)).unwrap_err();
    assert!(matches!(e, VoidGuardError::VoidInProgress { .. }), "{e:?}");
}
