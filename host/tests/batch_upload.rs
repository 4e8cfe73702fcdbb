//! The batch upload (批上送) after a settlement that does not balance: the host
//! answers F48 2, keeps the records the terminal sends (0320, 60.3 = 201), and when the
//! upload ends (60.3 = 202 with the count) settles with the terminal's figures, each
//! record checked against the ledger and the ledger's entries the terminal lacked
//! noted; out of place or with a wrong count, the upload is refused 12. The records
//! and verdicts survive a restart on the ledger file, and a ledger of version 2 is
//! upgraded with its settlements kept.

mod common;

use common::{master, released_ledger, request, reversal, send, sign_on};
use voidguard_host::{AcquirerHost, UploadVerdict};
use voidguard_iso8583::messages::{Kind, Totals, Uploaded};

fn record(type_code: &str, voucher_no: &str, amount: u64) -> Uploaded {
    Uploaded {
        type_code: type_code.into(),
        voucher_no: voucher_no.into(),
        amount,
    }
}

fn settlement(totals: Totals) -> voidguard_iso8583::messages::Request {
    request("000001", 0, Kind::Settlement { totals })
}

fn totals(debit_count: u32, debit_amount: u64) -> Totals {
    Totals {
        debit_count,
        debit_amount,
        ..Totals::default()
    }
}

#[test]
fn a_batch_that_does_not_balance_is_settled_by_its_upload_with_each_record_judged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("host.ledger");
    let host = AcquirerHost::open(master(), &path).unwrap();
    let keys = sign_on(&host);
    // The host knows 000001 (1000) and 000002 (500); the terminal has 000001, 000002
    // for 700, and 000003, which the host never approved.
    assert!(send(&host, &keys, &request("000001", 1000, Kind::Sale)).approved());
    assert!(send(&host, &keys, &request("000002", 500, Kind::Sale)).approved());
    assert!(send(&host, &keys, &request("000004", 200, Kind::Sale)).approved());
    let terminals = totals(3, 2000);

    // An upload before any settlement, or its end, is out of place.
    let early = send(
        &host,
        &keys,
        &request("900001", 0, Kind::BatchUploadEnd { count: 0 }),
    );
    assert_eq!(early.response_code, "12");

    let a = send(&host, &keys, &settlement(terminals));
    assert_eq!(
        (a.response_code.as_str(), a.settlement_flag),
        ("00", Some(2))
    );
    let first = Kind::BatchUpload {
        items: vec![record("22", "000001", 1000), record("22", "000002", 700)],
    };
    assert!(send(&host, &keys, &request("900002", 0, first.clone())).approved());
    // Sent again (its answer lost): the records replace themselves.
    assert!(send(&host, &keys, &request("900003", 0, first)).approved());
    let second = Kind::BatchUpload {
        items: vec![record("22", "000003", 300)],
    };
    assert!(send(&host, &keys, &request("900004", 0, second)).approved());
    // The end must count what came.
    let wrong = send(
        &host,
        &keys,
        &request("900005", 0, Kind::BatchUploadEnd { count: 4 }),
    );
    assert_eq!(wrong.response_code, "12");
    assert!(!host.settled_by_upload("10000001", "000001"));
    let end = send(
        &host,
        &keys,
        &request("900006", 0, Kind::BatchUploadEnd { count: 3 }),
    );
    assert!(end.approved(), "{}", end.response_code);
    assert!(host.settled_by_upload("10000001", "000001"));

    let verdicts = |host: &AcquirerHost| -> Vec<(String, u64, Option<UploadVerdict>)> {
        host.uploads()
            .into_iter()
            .map(|((_, _, v), u)| (v, u.amount, u.verdict))
            .collect()
    };
    let expected = vec![
        ("000001".to_owned(), 1000, Some(UploadVerdict::Agrees)),
        ("000002".to_owned(), 700, Some(UploadVerdict::Differs)),
        ("000003".to_owned(), 300, Some(UploadVerdict::Unknown)),
        ("000004".to_owned(), 200, Some(UploadVerdict::NotUploaded)),
    ];
    assert_eq!(verdicts(&host), expected);
    // The end sent again is answered as before; the settlement asked again balances.
    let again = request("900007", 0, Kind::BatchUploadEnd { count: 3 });
    assert!(send(&host, &keys, &again).approved());
    let asked = send(&host, &keys, &settlement(terminals));
    assert_eq!(asked.settlement_flag, Some(1));
    assert_eq!(host.settlements().values().next().unwrap().0, terminals);
    // A host started again on the file knows all of it.
    drop(host);
    let host = AcquirerHost::open(master(), &path).unwrap();
    assert_eq!(verdicts(&host), expected);
    assert!(host.settled_by_upload("10000001", "000001"));
}

#[test]
fn a_new_not_balanced_settlement_starts_the_upload_afresh() {
    let host = AcquirerHost::new(master()).unwrap();
    let keys = sign_on(&host);
    assert!(send(&host, &keys, &request("000001", 1000, Kind::Sale)).approved());
    assert_eq!(
        send(&host, &keys, &settlement(totals(1, 900))).settlement_flag,
        Some(2)
    );
    let stale = Kind::BatchUpload {
        items: vec![record("22", "000009", 900)],
    };
    assert!(send(&host, &keys, &request("900001", 0, stale)).approved());
    assert_eq!(
        send(&host, &keys, &settlement(totals(1, 900))).settlement_flag,
        Some(2)
    );
    let fresh = Kind::BatchUpload {
        items: vec![record("22", "000001", 900)],
    };
    assert!(send(&host, &keys, &request("900002", 0, fresh)).approved());
    let end = request("900003", 0, Kind::BatchUploadEnd { count: 1 });
    assert!(send(&host, &keys, &end).approved());
    let uploads = host.uploads();
    assert_eq!(uploads.len(), 1, "{uploads:?}");
    let (key, item) = uploads.into_iter().next().unwrap();
    assert_eq!(key.2, "000001");
    assert_eq!(item.verdict, Some(UploadVerdict::Differs));
}

#[test]
fn a_balanced_batch_takes_no_upload() {
    let host = AcquirerHost::new(master()).unwrap();
    let keys = sign_on(&host);
    assert!(send(&host, &keys, &request("000001", 1000, Kind::Sale)).approved());
    assert!(send(&host, &keys, &request("000002", 300, Kind::Sale)).approved());
    assert!(send(
        &host,
        &keys,
        &request("000002", 300, reversal("22", "000000"))
    )
    .approved());
    assert_eq!(
        send(&host, &keys, &settlement(totals(1, 1000))).settlement_flag,
        Some(1)
    );
    let upload = Kind::BatchUpload {
        items: vec![record("22", "000001", 1000)],
    };
    assert_eq!(
        send(&host, &keys, &request("900001", 0, upload)).response_code,
        "12"
    );
    assert!(host.uploads().is_empty());
}

#[test]
fn a_ledger_of_version_2_is_upgraded_with_its_settlements_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.ledger");
    // Version 2 as released: no batch upload.
    released_ledger(
        &path,
        2,
        "INSERT INTO settlement VALUES ('10000001', '000001', 1, 1000, 0, 0, 2);",
    );
    let host = AcquirerHost::open(master(), &path).unwrap();
    let version: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    // Upgraded to the current version (4 adds the keys' algorithm).
    assert_eq!(version, 4);
    assert_eq!(
        host.settlements()
            .get(&("10000001".to_owned(), "000001".to_owned())),
        Some(&(totals(1, 1000), 2))
    );
    assert!(!host.settled_by_upload("10000001", "000001"));
    assert!(host.uploads().is_empty());
}
