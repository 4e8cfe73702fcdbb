//! The acquirer's rules as seen on the wire: only signed-on terminals with a good MAC
//! are served, a reversal of a void gives the sale back, a settlement compares
//! totals, and an audit head that goes backwards is refused.

mod common;

use common::{master, request, send, send_with_bad_mac, sign_on};
use voidguard_host::{AcquirerHost, Status};
use voidguard_iso8583::crypto::WorkingKeys;
use voidguard_iso8583::messages::{Answer, Kind, Original, Totals};

#[test]
fn sign_on_hands_out_keys_with_check_values_under_the_master_key() {
    let host = AcquirerHost::new(master()).unwrap();
    let keys = sign_on(&host);
    assert_ne!(keys.pin, keys.mac);
    assert!(keys.track.is_some());
}

#[test]
fn a_request_with_a_bad_mac_is_answered_a0_and_changes_nothing() {
    let host = AcquirerHost::new(master()).unwrap();
    let keys = sign_on(&host);
    let reply = send_with_bad_mac(&host, &keys, &request("000001", 100, Kind::Sale));
    let answer = Answer::from_message(&reply).unwrap();
    assert_eq!(answer.response_code, "A0");
    assert!(host.ledger().is_empty());
}

#[test]
fn a_terminal_that_never_signed_on_gets_no_answer() {
    let host = AcquirerHost::new(master()).unwrap();
    let keys = WorkingKeys {
        pin: master(),
        mac: master(),
        track: None,
    };
    let frame = request("000001", 100, Kind::Sale)
        .to_message()
        .pack_with_mac(&keys.mac)
        .unwrap();
    assert_eq!(host.handle(&frame), None);
}

#[test]
fn reversing_a_void_gives_the_sale_back_and_settlement_compares_totals() {
    let host = AcquirerHost::new(master()).unwrap();
    let keys = sign_on(&host);
    let sale = send(&host, &keys, &request("000001", 1000, Kind::Sale));
    let original = Original {
        rrn: sale.rrn.clone().unwrap(),
        auth_code: sale.auth_code.clone().unwrap(),
        batch_no: "000001".into(),
        voucher_no: "000001".into(),
        date: "1202".into(),
    };
    assert!(send(
        &host,
        &keys,
        &request(
            "000002",
            1000,
            Kind::Void {
                original: original.clone()
            }
        )
    )
    .approved());
    // A second void of the same sale is refused (12).
    assert_eq!(
        send(
            &host,
            &keys,
            &request("000003", 1000, Kind::Void { original })
        )
        .response_code,
        "12"
    );
    let reversal = Kind::Reversal {
        original_type: "23".into(),
        processing_code: "200000".into(),
        reason: "98".into(),
    };
    assert!(send(&host, &keys, &request("000002", 1000, reversal)).approved());
    let ledger = host.ledger();
    let status = |stan: &str| {
        ledger
            .iter()
            .find(|(k, _)| k.2 == stan)
            .map(|(_, e)| e.status)
    };
    assert_eq!(status("000001"), Some(Status::Approved));
    assert_eq!(status("000002"), Some(Status::Reversed));

    let agree = Totals {
        debit_count: 1,
        debit_amount: 1000,
        credit_count: 0,
        credit_amount: 0,
    };
    let a = send(
        &host,
        &keys,
        &request("000001", 0, Kind::Settlement { totals: agree }),
    );
    assert_eq!(
        (a.response_code.as_str(), a.settlement_flag),
        ("00", Some(1))
    );
    let disagree = Totals {
        credit_count: 1,
        credit_amount: 1000,
        ..agree
    };
    let a = send(
        &host,
        &keys,
        &request("000001", 0, Kind::Settlement { totals: disagree }),
    );
    assert_eq!(a.settlement_flag, Some(2));
}

#[test]
fn an_audit_head_that_goes_backwards_is_refused() {
    let host = AcquirerHost::new(master()).unwrap();
    let keys = sign_on(&host);
    let mut r = request("000001", 100, Kind::Sale);
    r.audit_head = Some("40:aa".into());
    assert!(send(&host, &keys, &r).approved());
    let mut r = request("000002", 100, Kind::Sale);
    r.audit_head = Some("39:bb".into());
    assert_eq!(send(&host, &keys, &r).response_code, "A7");
    assert_eq!(host.ledger().len(), 1);
}

#[test]
fn refunds_of_a_sale_never_take_back_more_than_was_paid() {
    let host = AcquirerHost::new(master()).unwrap();
    let keys = sign_on(&host);
    let sale = send(&host, &keys, &request("000001", 1000, Kind::Sale));
    let original = |rrn: &str| Original {
        rrn: rrn.into(),
        auth_code: String::new(),
        batch_no: "000000".into(),
        voucher_no: "000000".into(),
        date: "1202".into(),
    };
    let rrn = sale.rrn.unwrap();
    let refund = |stan: &str, amount: u64, rrn: &str| {
        let mut r = request(
            stan,
            amount,
            Kind::Refund {
                original: original(rrn),
            },
        );
        // A refund is keyed in a later batch than its sale.
        r.batch_no = "000002".into();
        send(&host, &keys, &r)
    };
    assert!(refund("000002", 600, &rrn).approved());
    // 600 + 500 > 1000: the original amount does not allow it (64).
    assert_eq!(refund("000003", 500, &rrn).response_code, "64");
    assert!(refund("000004", 400, &rrn).approved());
    assert_eq!(refund("000005", 1, &rrn).response_code, "64");
    // No such sale: 25.
    assert_eq!(refund("000006", 1, "999999999999").response_code, "25");
    // A repeated trace number is answered as before, not refunded twice.
    let again = refund("000004", 400, &rrn);
    assert!(again.approved());
    let refunds = |ledger: &std::collections::BTreeMap<_, voidguard_host::Entry>| {
        ledger.values().filter(|e| e.type_code == "25").count()
    };
    assert_eq!(refunds(&host.ledger()), 2);

    // Reversing a refund gives its amount back to the balance.
    let mut reversal = request(
        "000004",
        400,
        Kind::Reversal {
            original_type: "25".into(),
            processing_code: "200000".into(),
            reason: "98".into(),
        },
    );
    reversal.batch_no = "000002".into();
    assert!(send(&host, &keys, &reversal).approved());
    assert!(refund("000007", 400, &rrn).approved());

    // The refund batch's credits are its refunds not reversed.
    let mut settle = request(
        "000002",
        0,
        Kind::Settlement {
            totals: Totals {
                debit_count: 0,
                debit_amount: 0,
                credit_count: 2,
                credit_amount: 1000,
            },
        },
    );
    settle.batch_no = "000002".into();
    assert_eq!(send(&host, &keys, &settle).settlement_flag, Some(1));
}
