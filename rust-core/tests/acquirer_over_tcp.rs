//! The terminal against `voidguard-host` over loopback TCP in ISO 8583: sign-on with
//! working keys, sales, a void, a bad answer MAC reversed with A0, a dropped answer
//! reversed with 98, an answer cut mid-frame (06) or held past the read timeout (98), a
//! decline, and settlement — and at the end the terminal's
//! journal and the host's ledger agree transaction by transaction.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{void_of, Fixture, DAY_MS};
use voidguard::host::iso::Iso8583HostLink;
use voidguard::{HostLink, TransactionKind, TransactionStatus, VoidGuardError};
use voidguard_host::{AcquirerHost, Faults, Status};
use voidguard_iso8583::crypto::Algorithm;

fn terminal_on(addr: &str) -> (Fixture, Arc<Iso8583HostLink>) {
    common::iso::terminal_on(addr, Algorithm::Tdes, Duration::from_millis(500))
}

fn start_host() -> (Arc<AcquirerHost>, String) {
    common::iso::start_host(Algorithm::Tdes)
}

#[test]
fn merchant_day_against_the_acquirer_keeps_both_books_equal() {
    let (host, addr) = start_host();
    let (f, link) = terminal_on(&addr);

    let first = f.sale("12.34");
    assert!(link.is_signed_on(), "the first sale signed on by itself");
    let second = f.sale("50.00");
    let third = f.sale("8.00");
    f.terminal.void_transaction(void_of(&second)).unwrap();

    // The answer's MAC is corrupted: the sale is reversed at once with reason A0.
    host.set_faults(Faults {
        corrupt_macs: 1,
        ..Faults::default()
    });
    assert!(matches!(
        f.terminal.record_sale(common::sale_request("7.00")),
        Err(VoidGuardError::HostReversed)
    ));
    // The answer is dropped: the sale is reversed with reason 98.
    host.set_faults(Faults {
        drop_answers: 1,
        ..Faults::default()
    });
    assert!(matches!(
        f.terminal.record_sale(common::sale_request("9.00")),
        Err(VoidGuardError::HostReversed)
    ));
    // A decline leaves nothing on either side.
    host.set_faults(Faults {
        decline_with: Some("51".into()),
        ..Faults::default()
    });
    assert!(matches!(
        f.terminal.record_sale(common::sale_request("3.00")),
        Err(VoidGuardError::HostDeclined { .. })
    ));
    host.set_faults(Faults::default());

    let ledger = host.ledger();
    let reasons: Vec<_> = ledger
        .values()
        .filter(|e| e.status == Status::Reversed)
        .map(|e| e.reversal_reason.clone().unwrap())
        .collect();
    assert_eq!(reasons, vec!["A0".to_owned(), "98".to_owned()]);

    // Transaction by transaction: every approved row of the terminal is in the host's
    // ledger with the same RRN, auth code, amount and standing.
    let rows = common::all_rows(&f.terminal);
    let approved_rows: Vec<_> = rows
        .iter()
        .filter(|r| r.status != TransactionStatus::Reversed)
        .collect();
    let live: Vec<_> = ledger
        .iter()
        .filter(|(_, e)| e.status != Status::Reversed)
        .collect();
    assert_eq!(approved_rows.len(), live.len(), "{rows:?}\n{ledger:?}");
    for row in &approved_rows {
        let (_, entry) = live
            .iter()
            .find(|((_, _, stan), _)| *stan == row.voucher_no)
            .unwrap_or_else(|| panic!("voucher {} unknown to the host", row.voucher_no));
        assert_eq!(
            (entry.rrn.as_str(), entry.auth_code.as_str()),
            (row.rrn.as_str(), row.auth_code.as_str())
        );
        assert_eq!(entry.amount, row.amount.0 as u64);
        let host_voided = entry.status == Status::Voided;
        assert_eq!(
            host_voided,
            row.status == TransactionStatus::Voided,
            "voucher {}",
            row.voucher_no
        );
        assert_eq!(entry.type_code == "23", row.kind == TransactionKind::Void);
    }
    assert_eq!(
        [&first, &third]
            .iter()
            .map(|t| t.status)
            .collect::<Vec<_>>(),
        vec![TransactionStatus::Approved, TransactionStatus::Approved]
    );

    let report = f.terminal.settle().unwrap();
    let settlements = host.settlements();
    assert_eq!(settlements.len(), 1);
    let (totals, flag) = settlements.values().next().unwrap();
    assert_eq!(
        *flag, 1,
        "the host's totals agree with the terminal's: {totals:?} {report:?}"
    );
    assert_eq!(totals.debit_count, 3);
    assert_eq!(totals.debit_amount, 1234 + 5000 + 800);
    assert_eq!((totals.credit_count, totals.credit_amount), (1, 5000));
}

#[test]
fn an_answer_cut_mid_frame_or_held_past_the_timeout_is_reversed_at_the_host() {
    let (host, addr) = start_host();
    let (f, _link) = terminal_on(&addr);
    let sale = f.sale("20.00");

    // The line drops halfway through the void's answer: the host voided the sale,
    // the terminal read half a frame — unreadable, so reversed with reason 06.
    host.set_faults(Faults {
        cut_answers: 1,
        ..Faults::default()
    });
    assert!(matches!(
        f.terminal.void_transaction(void_of(&sale)),
        Err(VoidGuardError::HostReversed)
    ));
    // The answer comes a second after the terminal's 500 ms read timeout: no answer,
    // reason 98; the late frame finds the connection gone.
    host.set_faults(Faults {
        delay_answers: 1,
        delay_for: Duration::from_millis(1_500),
        ..Faults::default()
    });
    assert!(matches!(
        f.terminal.record_sale(common::sale_request("6.00")),
        Err(VoidGuardError::HostReversed)
    ));
    host.set_faults(Faults::default());

    let reversed: Vec<_> = host
        .ledger()
        .into_values()
        .filter(|e| e.status == Status::Reversed)
        .map(|e| (e.type_code, e.reversal_reason.unwrap_or_default()))
        .collect();
    let expected = [("23", "06"), ("22", "98")].map(|(t, r)| (t.to_owned(), r.to_owned()));
    assert_eq!(reversed, expected);
    // The sale stayed the merchant's on both sides, so it can be voided now, once.
    f.terminal.void_transaction(void_of(&sale)).unwrap();
    let sale_entry = host
        .ledger()
        .into_values()
        .find(|e| e.rrn == sale.rrn)
        .unwrap();
    assert_eq!(sale_entry.status, Status::Voided);
    assert!(f.terminal.void_transaction(void_of(&sale)).is_err());
    assert!(f.terminal.pending_host_work().unwrap().is_empty());
}

#[test]
fn a_void_the_host_cannot_match_is_declined_by_it() {
    use voidguard::host::{LegDetail, OriginalSale};
    let (host, addr) = start_host();
    let (f, link) = terminal_on(&addr);
    let sale = f.sale("10.00");
    let request = |auth_code: &str| voidguard::HostRequest {
        processing_code: "200000".into(),
        amount: sale.amount,
        currency: 156,
        batch_no: sale.batch_no.clone(),
        business_date: sale.business_date.clone(),
        merchant_no: common::MERCHANT_NO.into(),
        terminal_id: common::TERMINAL_ID.into(),
        operator_no: "01".into(),
        detail: LegDetail::Void {
            voucher_no: "000900".into(),
            original: OriginalSale {
                voucher_no: sale.voucher_no.clone(),
                batch_no: sale.batch_no.clone(),
                rrn: sale.rrn.clone(),
                auth_code: auth_code.into(),
                business_date: sale.business_date.clone(),
            },
        },
    };
    assert_eq!(
        link.send(request("999999")).unwrap(),
        voidguard::HostReply::Declined {
            response_code: "25".into()
        }
    );
    assert!(host.ledger().values().all(|e| e.status == Status::Approved));
}

#[test]
fn a_host_reporting_a_mac_error_gets_a_fresh_sign_on_and_the_sale_goes_through() {
    let (host, addr) = start_host();
    let (f, _link) = terminal_on(&addr);
    f.sale("1.00");
    assert_eq!(host.sign_ons(), 1);
    host.set_faults(Faults {
        reject_macs: 1,
        ..Faults::default()
    });
    let sale = f.sale("2.00");
    assert_eq!(host.sign_ons(), 2, "A0 made the link sign on again");
    let ledger = host.ledger();
    let entry = ledger.values().find(|e| e.rrn == sale.rrn).unwrap();
    assert_eq!((entry.amount, entry.status), (200, Status::Approved));
    assert_eq!(ledger.len(), 2);
}

#[test]
fn refunds_of_a_settled_sale_agree_with_the_acquirer_and_its_next_settlement() {
    use voidguard::{RefundLookup, RefundRequest};
    let (host, addr) = start_host();
    let (f, _link) = terminal_on(&addr);
    let sale = f.sale("100.00");
    f.terminal.settle().unwrap();
    f.clock.advance(DAY_MS);

    let refund = |amount: &str| {
        f.terminal.refund(RefundRequest {
            lookup: RefundLookup {
                rrn: Some(sale.rrn.clone()),
                date: Some(sale.business_date.replace('-', "")),
                ..RefundLookup::default()
            },
            amount: amount.into(),
            password: common::PASSWORD.into(),
            reason: "goods_returned".into(),
        })
    };
    let first = refund("30.00").unwrap().refund.unwrap();
    let second = refund("20.00").unwrap().refund.unwrap();
    assert!(matches!(
        refund("50.01"),
        Err(VoidGuardError::RefundOverBalance { .. })
    ));

    // The host holds the same two refunds, with the terminal's RRN and auth codes,
    // each pointing at the sale by its RRN.
    let ledger = host.ledger();
    let host_refunds: Vec<_> = ledger.values().filter(|e| e.type_code == "25").collect();
    assert_eq!(host_refunds.len(), 2, "{ledger:?}");
    for (row, entry) in [&first, &second].iter().zip(&host_refunds) {
        assert_eq!(
            (entry.rrn.as_str(), entry.auth_code.as_str(), entry.amount),
            (
                row.rrn.as_str(),
                row.auth_code.as_str(),
                row.amount.0 as u64
            )
        );
        assert_eq!(entry.original_rrn.as_deref(), Some(sale.rrn.as_str()));
    }

    // The refunds' batch settles with the host agreeing: two credits of 50.00.
    f.terminal.settle().unwrap();
    let settlements = host.settlements();
    let (totals, flag) = settlements
        .iter()
        .find(|((_, batch), _)| *batch == first.batch_no)
        .map(|(_, v)| *v)
        .unwrap();
    assert_eq!(flag, 1, "{totals:?}");
    assert_eq!((totals.credit_count, totals.credit_amount), (2, 5000));
}

#[test]
fn the_acquirer_refuses_a_terminal_whose_audit_head_went_back() {
    let (host, addr) = start_host();
    let (f, link) = terminal_on(&addr);
    f.terminal.send_audit_head_to(Arc::clone(&link));
    f.sale("1.00");
    f.sale("2.00");

    // A terminal of the same id whose file holds an earlier head — a copy from
    // before, restored — is refused with A7 by the host, and nothing is journaled.
    let (restored, restored_link) = terminal_on(&addr);
    restored
        .terminal
        .send_audit_head_to(Arc::clone(&restored_link));
    match restored.terminal.record_sale(common::sale_request("3.00")) {
        Err(VoidGuardError::HostDeclined { response_code }) => assert_eq!(response_code, "A7"),
        other => panic!("expected A7, got {other:?}"),
    }
    assert!(common::all_rows(&restored.terminal).is_empty());
    assert_eq!(host.ledger().len(), 2, "only the first terminal's sales");
    drop(f);
}
