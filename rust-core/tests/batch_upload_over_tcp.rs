//! Settlement when the acquirer's books and the terminal's disagree, over loopback
//! TCP in ISO 8583: the host answers "not balanced" (F48 2), the link uploads the
//! batch from the journal (0320, 60.3 = 201, eight records a message) and ends the
//! upload (60.3 = 202); the batch closes on both sides, and the host keeps every
//! record with its verdict. The disagreement is one UnionPay terminals meet: a sale
//! whose answer was lost is reversed by the terminal, and the host answers the
//! reversal without applying it. A broken-off upload leaves the settlement open and
//! unknown, and the next attempt uploads again and closes it.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{void_of, Fixture, DAY_MS};
use voidguard::{LegKind, TransactionStatus, VoidGuardError};
use voidguard_host::{AcquirerHost, Faults, UploadVerdict};
use voidguard_iso8583::crypto::Algorithm;

fn start_host() -> (Arc<AcquirerHost>, String) {
    common::iso::start_host(Algorithm::Tdes)
}

fn terminal_on(addr: &str) -> Fixture {
    common::iso::terminal_on(addr, Algorithm::Tdes, Duration::from_millis(400)).0
}

/// A sale the terminal reverses (its answer dropped) and the host keeps approved
/// (the reversal answered, not applied): the books now disagree by this sale.
fn sale_lost_at_the_host(host: &AcquirerHost, f: &Fixture, amount: &str) {
    host.set_faults(Faults {
        drop_answers: 1,
        lose_reversals: 1,
        ..Faults::default()
    });
    assert!(matches!(
        f.terminal.record_sale(common::sale_request(amount)),
        Err(VoidGuardError::HostReversed)
    ));
    host.set_faults(Faults::default());
}

/// (voucher, type code, amount, verdict) of the host's upload records of a batch.
fn uploads_of(host: &AcquirerHost, batch: &str) -> Vec<(String, String, u64, UploadVerdict)> {
    host.uploads()
        .into_iter()
        .filter(|((_, b, _), _)| b == batch)
        .map(|((_, _, v), u)| (v, u.type_code, u.amount, u.verdict.unwrap()))
        .collect()
}

#[test]
fn a_batch_the_host_does_not_balance_is_uploaded_and_closes_on_both_sides() {
    use voidguard::{RefundLookup, RefundRequest};
    let (host, addr) = start_host();
    let f = terminal_on(&addr);
    // Batch 1 balances: a sale to refund later.
    let paid = f.sale("100.00");
    f.terminal.settle().unwrap();
    assert!(!host.settled_by_upload(common::TERMINAL_ID, &paid.batch_no));
    f.clock.advance(DAY_MS);

    // Batch 2: a refund, a voided sale, nine more sales (so more than one upload
    // message), and the sale the host keeps though the terminal reversed it.
    let refund = f
        .terminal
        .refund(RefundRequest {
            lookup: RefundLookup {
                rrn: Some(paid.rrn.clone()),
                date: Some(paid.business_date.replace('-', "")),
                ..RefundLookup::default()
            },
            amount: "30.00".into(),
            password: common::PASSWORD.into(),
            reason: "goods_returned".into(),
        })
        .unwrap()
        .refund
        .unwrap();
    let voided = f.sale("50.00");
    f.terminal.void_transaction(void_of(&voided)).unwrap();
    for i in 1..=9 {
        f.sale(&format!("{i}.00"));
    }
    sale_lost_at_the_host(&host, &f, "7.77");
    let batch = refund.batch_no.clone();
    let rows: Vec<_> = common::all_rows(&f.terminal)
        .into_iter()
        .filter(|r| r.batch_no == batch)
        .collect();
    // The reversed sale left no row; the host holds it approved.
    let lost = host
        .ledger()
        .into_iter()
        .find(|((_, b, v), _)| *b == batch && rows.iter().all(|r| r.voucher_no != *v))
        .map(|((_, _, v), e)| {
            assert_eq!(
                (e.amount, e.status),
                (777, voidguard_host::Status::Approved)
            );
            v
        })
        .unwrap();

    let report = f.terminal.settle().unwrap();
    assert_eq!(report.batch_no, batch);
    assert_eq!(
        (report.sale_count, report.void_count, report.refund_count),
        (10, 1, 1)
    );

    // The host answered "not balanced", took the upload and settled with the
    // terminal's figures.
    let settlements = host.settlements();
    let (totals, flag) = settlements
        .get(&(common::TERMINAL_ID.to_owned(), batch.clone()))
        .unwrap();
    assert_eq!(*flag, 2);
    assert_eq!(totals.debit_count, 10);
    assert_eq!(totals.credit_count, 2);
    assert_eq!(totals.credit_amount, 3000 + 5000);
    assert!(host.settled_by_upload(common::TERMINAL_ID, &batch));

    // Every transaction the terminal holds of the batch, not reversed, was uploaded
    // and agrees; the host's sale the terminal reversed is noted as not uploaded.
    let mut expected: Vec<_> = rows
        .iter()
        .filter(|r| r.status != TransactionStatus::Reversed)
        .map(|r| {
            let code = match r.kind {
                voidguard::TransactionKind::Sale => "22",
                voidguard::TransactionKind::Void => "23",
                voidguard::TransactionKind::Refund => "25",
            };
            (
                r.voucher_no.clone(),
                code.to_owned(),
                r.amount.0 as u64,
                UploadVerdict::Agrees,
            )
        })
        .collect();
    assert_eq!(expected.len(), 12);
    expected.push((lost, "22".into(), 777, UploadVerdict::NotUploaded));
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(uploads_of(&host, &batch), expected);

    // The terminal's batch is closed: its rows settled, the next batch open and
    // empty, and a sale goes on in it.
    assert!(common::all_rows(&f.terminal)
        .iter()
        .filter(|r| r.batch_no == batch && r.status != TransactionStatus::Reversed)
        .all(|r| matches!(
            r.status,
            TransactionStatus::Settled | TransactionStatus::Voided
        )));
    assert!(f.terminal.pending_host_work().unwrap().is_empty());
    let next = f.sale("1.00");
    assert_eq!(next.batch_no, report.next_batch_no);
}

#[test]
fn a_broken_off_upload_leaves_the_settlement_unknown_and_the_next_attempt_closes_it() {
    let (host, addr) = start_host();
    let f = terminal_on(&addr);
    let kept = f.sale("10.00");
    sale_lost_at_the_host(&host, &f, "2.00");
    let batch = kept.batch_no.clone();

    // The answers to the upload fail their MAC, on the first attempt and on the
    // link's asking again at once: the settlement stays open, its outcome unknown.
    host.set_faults(Faults {
        corrupt_upload_macs: 2,
        ..Faults::default()
    });
    assert!(matches!(
        f.terminal.settle(),
        Err(VoidGuardError::HostUnreachable)
    ));
    let pending = f.terminal.pending_host_work().unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].kind, LegKind::Settlement);
    assert!(!host.settled_by_upload(common::TERMINAL_ID, &batch));
    assert!(common::all_rows(&f.terminal)
        .iter()
        .any(|r| r.status == TransactionStatus::Approved));

    // The next attempt asks again, uploads the whole batch and closes it.
    host.set_faults(Faults::default());
    let report = f.terminal.reconcile().unwrap();
    assert_eq!(report.confirmed, 1, "{report:?}");
    assert!(host.settled_by_upload(common::TERMINAL_ID, &batch));
    assert_eq!(
        uploads_of(&host, &batch)
            .into_iter()
            .map(|(v, _, a, verdict)| (v, a, verdict))
            .collect::<Vec<_>>(),
        vec![
            (kept.voucher_no.clone(), 1000, UploadVerdict::Agrees),
            (
                format!("{:06}", kept.voucher_no.parse::<u32>().unwrap() + 1),
                200,
                UploadVerdict::NotUploaded
            ),
        ]
    );
    assert!(f.terminal.pending_host_work().unwrap().is_empty());
    let next = f.sale("3.00");
    assert_ne!(next.batch_no, batch, "the batch closed");
}

#[test]
fn an_end_of_upload_whose_answer_is_lost_is_confirmed_by_asking_again() {
    let (host, addr) = start_host();
    let f = terminal_on(&addr);
    let kept = f.sale("10.00");
    sale_lost_at_the_host(&host, &f, "2.00");
    // The host settles on the end but its answer is lost: the link asks again,
    // hears "balanced" and the batch closes at once.
    host.set_faults(Faults {
        drop_upload_end_answers: 1,
        ..Faults::default()
    });
    let report = f.terminal.settle().unwrap();
    assert_eq!(report.batch_no, kept.batch_no);
    assert!(host.settled_by_upload(common::TERMINAL_ID, &kept.batch_no));
    assert!(f.terminal.pending_host_work().unwrap().is_empty());
}
