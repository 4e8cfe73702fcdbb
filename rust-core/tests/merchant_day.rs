//! A merchant's whole day through the public API.

mod common;

use common::*;
use voidguard::{LegState, Locale, RequestKind, TransactionStatus, VoidGuardError};

#[test]
fn a_merchant_day_from_activation_to_a_refused_void_after_settlement() {
    let f = Fixture::fresh();
    let t = &f.terminal;
    assert!(!t.status().unwrap().activated);

    let status = t
        .activate(MERCHANT_NO.into(), TERMINAL_ID.into(), SECRET_HEX.into())
        .unwrap();
    assert!(status.activated && !status.void_permitted && !status.vault.password_set);

    let ticket = t
        .apply_for(RequestKind::VoidPermission, application())
        .unwrap();
    assert_eq!(ticket.request_code.len(), 10);
    assert_eq!(ticket.id_number_masked, "1*************002X");
    let code = approval_for(RequestKind::VoidPermission, &ticket.request_code);
    t.redeem_approval(ticket.request_code, code, None).unwrap();
    assert!(t.status().unwrap().void_permitted);

    assert_eq!(
        t.set_void_password("123456".into()),
        Err(VoidGuardError::TrivialPassword)
    );
    let vault = t.set_void_password(PASSWORD.into()).unwrap();
    assert!(vault.password_set && !vault.change_due);

    // 登录: nothing is keyed before someone signs in; the administrator sets up the
    // cashiers but never transacts.
    assert_eq!(
        t.record_sale(sale_request("12.34")),
        Err(VoidGuardError::NotSignedIn)
    );
    t.set_admin_password(ADMIN_PASSWORD.into()).unwrap();
    t.sign_in("99".into(), ADMIN_PASSWORD.into()).unwrap();
    assert_eq!(
        t.record_sale(sale_request("12.34")),
        Err(VoidGuardError::NotPermitted {
            operator_no: "99".into()
        })
    );
    t.add_operator("03".into(), CASHIER_PASSWORD.into())
        .unwrap();
    t.sign_out().unwrap();
    t.sign_in("03".into(), CASHIER_PASSWORD.into()).unwrap();

    let coffee = t.record_sale(sale_request("12.34")).unwrap();
    let lunch = t.record_sale(sale_request("88.00")).unwrap();
    assert_eq!(coffee.operator_no, "03");
    assert_eq!(coffee.voucher_no, "000001");
    assert_eq!(lunch.voucher_no, "000002");
    assert_eq!(coffee.masked_pan, "622202*********0123");

    let preview = t.void_preview(lookup_of(&lunch)).unwrap();
    assert_eq!(preview.original.id, lunch.id);

    let outcome = t.void_transaction(void_of(&lunch)).unwrap();
    assert_eq!(outcome.state, LegState::Approved);
    let void = outcome.void_transaction.unwrap();
    assert_eq!(void.original_voucher_no.as_deref(), Some("000002"));
    assert_eq!(void.voucher_no, "000003");
    // Keyed by the signed-in cashier, authorised by the supervisor's void password.
    assert_eq!(void.operator_no, "03");
    assert_eq!(void.authoriser_no.as_deref(), Some("00"));
    assert_eq!(outcome.original.status, TransactionStatus::Voided);

    let slip = t.receipt(void.voucher_no.clone(), Locale::ZhCn).unwrap();
    assert!(slip.text.contains("原凭证号: 000002"), "{}", slip.text);
    assert!(slip.text.contains("消费撤销"));
    assert!(slip.text.contains("操作员号: 03"), "{}", slip.text);
    assert!(slip.text.contains("授权主管: 00"), "{}", slip.text);
    assert!(slip.text.contains("撤销原因: 客户要求"), "{}", slip.text);
    let slip_en = t.receipt(void.voucher_no, Locale::En).unwrap();
    assert!(
        slip_en.text.contains("ORIG VOUCHER NO: 000002")
            && slip_en.text.contains("VOID REASON: CUSTOMER REQUEST"),
        "{}",
        slip_en.text
    );

    let report = t.settle().unwrap();
    assert_eq!((report.sale_count, report.void_count), (2, 1));
    assert_eq!(report.sale_total.0, 10_034);
    assert_eq!(report.void_total.0, 8_800);
    assert_eq!(report.net_total.0, 1_234);
    assert_eq!(report.next_batch_no, "000002");

    assert_eq!(
        t.void_transaction(void_of(&coffee)),
        Err(VoidGuardError::SettledUseRefund {
            voucher_no: "000001".into(),
            batch_no: "000001".into()
        })
    );
    assert!(t.verify_audit().unwrap().ok);
}

#[test]
fn voids_per_operator_show_who_voids_most() {
    let f = Fixture::ready();
    for op in ["03", "03", "05"] {
        let sale = f.sale_by("10.00", op);
        let outcome = f.terminal.void_transaction(void_of(&sale)).unwrap();
        let void = outcome.void_transaction.unwrap();
        assert_eq!(
            (void.operator_no.as_str(), void.authoriser_no.as_deref()),
            (op, Some("00"))
        );
    }
    let report = f.terminal.voids_by_operator(None).unwrap();
    assert_eq!(report[0].operator_no, "03");
    assert_eq!(report[0].void_count, 2);
    assert_eq!(report[0].void_total.0, 2_000);
    assert_eq!(report[1].operator_no, "05");
}
