//! A host on a ledger file, dropped and started again on the same file: it keeps the
//! terminals' keys, its approvals, its settlements and the audit heads it saw; a file
//! that is no host ledger is refused with a typed error.

mod common;

use common::{master, original_of, request, reversal, send, sign_on};
use voidguard_host::{AcquirerHost, LedgerError, Status};
use voidguard_iso8583::crypto::Key;
use voidguard_iso8583::messages::{Kind, Totals};

#[test]
fn a_restarted_host_knows_its_keys_approvals_and_audit_heads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("host.ledger");

    let host = AcquirerHost::open(master(), &path).unwrap();
    let keys = sign_on(&host);
    let mut first = request("000001", 1000, Kind::Sale);
    first.audit_head = Some("40:aa".into());
    let sale = send(&host, &keys, &first);
    assert!(sale.approved());
    let other = send(&host, &keys, &request("000002", 500, Kind::Sale));
    assert!(other.approved());
    let before = host.ledger();
    drop(host);

    let host = AcquirerHost::open(master(), &path).unwrap();
    assert_eq!(host.ledger(), before, "every approval is back");
    assert!(host.is_signed_on("10000001"));
    // The keys of before the restart still serve: no sign-on needed.
    let void = Kind::Void {
        original: original_of(&sale, "000001"),
    };
    let voided = send(&host, &keys, &request("000003", 1000, void.clone()));
    assert!(voided.approved(), "{}", voided.response_code);
    assert_eq!(host.sign_ons(), 0);
    // Its RRN follows on from the ones handed out before the restart.
    assert_ne!(voided.rrn, sale.rrn);
    assert_ne!(voided.rrn, other.rrn);
    // A second void of the same sale is still refused (12), as before a restart.
    assert_eq!(
        send(&host, &keys, &request("000004", 1000, void)).response_code,
        "12"
    );
    // A reversal of a sale approved before the restart undoes it.
    assert!(send(
        &host,
        &keys,
        &request("000002", 500, reversal("22", "000000"))
    )
    .approved());
    // The audit head seen before the restart still may not go backwards.
    let mut behind = request("000005", 100, Kind::Sale);
    behind.audit_head = Some("39:bb".into());
    assert_eq!(send(&host, &keys, &behind).response_code, "A7");
    drop(host);

    let host = AcquirerHost::open(master(), &path).unwrap();
    let ledger = host.ledger();
    let status = |stan: &str| {
        ledger
            .iter()
            .find(|(k, _)| k.2 == stan)
            .map(|(_, e)| e.status)
    };
    assert_eq!(status("000001"), Some(Status::Voided));
    assert_eq!(status("000002"), Some(Status::Reversed));
    assert_eq!(status("000003"), Some(Status::Approved));
    assert_eq!(ledger.len(), 3);
    // Sale 1000 (voided, still counted), its void 1000 back; the reversed sale gone.
    let totals = Totals {
        debit_count: 1,
        debit_amount: 1000,
        credit_count: 1,
        credit_amount: 1000,
    };
    let settle = request("000001", 0, Kind::Settlement { totals });
    assert_eq!(send(&host, &keys, &settle).settlement_flag, Some(1));
    drop(host);

    let host = AcquirerHost::open(master(), &path).unwrap();
    let settled = host.settlements();
    assert_eq!(
        settled.get(&("10000001".to_owned(), "000001".to_owned())),
        Some(&(totals, 1))
    );
}

#[test]
fn a_sign_out_is_remembered_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("host.ledger");
    let host = AcquirerHost::open(master(), &path).unwrap();
    let keys = sign_on(&host);
    assert!(send(&host, &keys, &request("900001", 0, Kind::SignOut)).approved());
    drop(host);
    let host = AcquirerHost::open(master(), &path).unwrap();
    assert!(!host.is_signed_on("10000001"));
    assert_eq!(
        send(&host, &keys, &request("000001", 100, Kind::Sale)).response_code,
        "A0"
    );
    assert!(host.ledger().is_empty());
}

#[test]
fn a_file_that_is_no_sqlite_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("host.ledger");
    let garbage =
        b"this is not a database, only text that is long enough to be a header".repeat(20);
    std::fs::write(&path, &garbage).unwrap();
    assert!(matches!(
        AcquirerHost::open(master(), &path),
        Err(LedgerError::NotADatabase { .. })
    ));
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
}

#[test]
fn a_sqlite_file_of_something_else_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE journal (id INTEGER PRIMARY KEY);")
        .unwrap();
    drop(conn);
    assert!(matches!(
        AcquirerHost::open(master(), &path),
        Err(LedgerError::NotALedger { .. })
    ));
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("PRAGMA user_version = 9;").unwrap();
    drop(conn);
    assert!(matches!(
        AcquirerHost::open(master(), &path),
        Err(LedgerError::UnknownVersion { found: 9, .. })
    ));
}

#[test]
fn a_ledger_opened_with_another_master_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("host.ledger");
    let host = AcquirerHost::open(master(), &path).unwrap();
    sign_on(&host);
    drop(host);
    let other = Key::from_hex("0123456789ABCDEFFEDCBA9876543210").unwrap();
    let err = AcquirerHost::open(other, &path).err().unwrap();
    assert!(matches!(err, LedgerError::ForeignKeys { .. }), "{err}");
}
