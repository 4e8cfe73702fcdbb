//! The acquirer's own check of the card: a sale that carried one (F2) is kept with a
//! keyed digest of its number, never the number; a void or refund carrying another
//! card is declined 14, one carrying the sale's or none at all (a terminal that does
//! not read the card for these) is served as before, and the MAC is checked first.

mod common;

use common::{master, original_of, released_ledger, request, send, send_with_bad_mac, sign_on};
use voidguard_host::AcquirerHost;
use voidguard_iso8583::messages::{Answer, CardData, Kind, Original, Request};

const PAN: &str = "6222021234567890123";
const OTHER_PAN: &str = "6222029876543210987";

fn card(pan: &str) -> CardData {
    CardData {
        pan: pan.into(),
        expiry: Some("2512".into()),
        entry_mode: "021".into(),
        track2: Some(format!("{pan}=25121010000")),
        pin_block: Some(vec![0x5A; 8]),
    }
}

fn with_card(mut r: Request, pan: &str) -> Request {
    r.card = Some(card(pan));
    r
}

fn void(stan: &str, original: Original) -> Request {
    request(stan, 1000, Kind::Void { original })
}

fn refund(stan: &str, amount: u64, original: Original) -> Request {
    request(stan, amount, Kind::Refund { original })
}

#[test]
fn a_void_with_another_card_is_declined_14_and_with_the_sales_card_approved() {
    let host = AcquirerHost::new(master()).unwrap();
    let keys = sign_on(&host);
    let sale = send(
        &host,
        &keys,
        &with_card(request("000001", 1000, Kind::Sale), PAN),
    );
    assert!(sale.approved());
    let original = original_of(&sale, "000001");
    let other = send(
        &host,
        &keys,
        &with_card(void("000002", original.clone()), OTHER_PAN),
    );
    assert_eq!(other.response_code, "14");
    assert_eq!(host.ledger().len(), 1, "a declined void is not kept");
    let same = send(&host, &keys, &with_card(void("000003", original), PAN));
    assert!(same.approved(), "{}", same.response_code);
}

#[test]
fn a_void_or_refund_carrying_no_card_is_served_as_before() {
    let host = AcquirerHost::new(master()).unwrap();
    let keys = sign_on(&host);
    let sale = send(
        &host,
        &keys,
        &with_card(request("000001", 1000, Kind::Sale), PAN),
    );
    let original = original_of(&sale, "000001");
    assert!(send(&host, &keys, &refund("000002", 300, original.clone())).approved());
    assert!(send(&host, &keys, &void("000003", original)).approved());
    // A sale that carried no card has nothing to compare a card with.
    let keyed = send(&host, &keys, &request("000004", 1000, Kind::Sale));
    let keyed = original_of(&keyed, "000004");
    assert!(send(&host, &keys, &with_card(void("000005", keyed), OTHER_PAN)).approved());
}

#[test]
fn a_refund_with_another_card_is_declined_14() {
    let host = AcquirerHost::new(master()).unwrap();
    let keys = sign_on(&host);
    let sale = send(
        &host,
        &keys,
        &with_card(request("000001", 1000, Kind::Sale), PAN),
    );
    let original = original_of(&sale, "000001");
    let other = send(
        &host,
        &keys,
        &with_card(refund("000002", 500, original.clone()), OTHER_PAN),
    );
    assert_eq!(other.response_code, "14");
    let same = send(
        &host,
        &keys,
        &with_card(refund("000003", 500, original), PAN),
    );
    assert!(same.approved(), "{}", same.response_code);
}

#[test]
fn a_bad_mac_is_refused_before_the_card_is_looked_at() {
    let host = AcquirerHost::new(master()).unwrap();
    let keys = sign_on(&host);
    let sale = send(
        &host,
        &keys,
        &with_card(request("000001", 1000, Kind::Sale), PAN),
    );
    let r = with_card(void("000002", original_of(&sale, "000001")), OTHER_PAN);
    let answer = Answer::from_message(&send_with_bad_mac(&host, &keys, &r)).unwrap();
    assert_eq!(answer.response_code, "A0");
}

#[test]
fn the_ledger_file_keeps_a_digest_of_the_number_never_the_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let original = {
        let host = AcquirerHost::open(master(), &path).unwrap();
        let keys = sign_on(&host);
        let sale = send(
            &host,
            &keys,
            &with_card(request("000001", 1000, Kind::Sale), PAN),
        );
        original_of(&sale, "000001")
    };
    let mut bytes = std::fs::read(&path).unwrap();
    if let Ok(wal) = std::fs::read(dir.path().join("ledger.db-wal")) {
        bytes.extend(wal);
    }
    // The digits as text and as packed BCD (how F2 and F35 carry them).
    let bcd: Vec<u8> = PAN.as_bytes()[..18]
        .chunks(2)
        .map(|p| ((p[0] - b'0') << 4) | (p[1] - b'0'))
        .collect();
    for needle in [PAN.as_bytes(), &PAN.as_bytes()[6..], &bcd[..]] {
        assert!(!bytes.windows(needle.len()).any(|w| w == needle));
    }
    // A host started again on the file still knows the sale's card.
    let host = AcquirerHost::open(master(), &path).unwrap();
    let keys = sign_on(&host);
    let other = send(
        &host,
        &keys,
        &with_card(void("000002", original.clone()), OTHER_PAN),
    );
    assert_eq!(other.response_code, "14");
    assert!(send(&host, &keys, &with_card(void("000003", original), PAN)).approved());
}

#[test]
fn a_ledger_of_version_1_is_upgraded_and_its_sales_carry_no_digest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.ledger");
    // Version 1 as released: the entry table without the digest.
    released_ledger(
        &path,
        1,
        "INSERT INTO entry VALUES ('10000001', '000001', '000001', '22', 1000,
             '000000000007', '000007', 'approved', NULL, NULL, NULL);",
    );
    let host = AcquirerHost::open(master(), &path).unwrap();
    let version: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    // Upgraded through every version since, to the current one (4: the keys'
    // algorithm).
    assert_eq!(version, 4);
    assert!(host.ledger().values().all(|e| e.pan_digest.is_none()));
    let keys = sign_on(&host);
    let original = Original {
        rrn: "000000000007".into(),
        auth_code: "000007".into(),
        batch_no: "000001".into(),
        voucher_no: "000001".into(),
        date: "1202".into(),
    };
    assert!(send(&host, &keys, &with_card(void("000002", original), PAN)).approved());
}
