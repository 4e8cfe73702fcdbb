//! The host on an SM4 master key (`--algorithm sm4`): SM4 sign-ons get SM4 working
//! keys and every answer an SM4 MAC; 3DES sign-ons are refused with 40; the ledger
//! keeps each terminal's key algorithm, a version-3 ledger (3DES keys only) is
//! upgraded, and a ledger of one algorithm's keys is refused by a host of the other.

mod common;

use common::{released_ledger, request, send};
use voidguard_host::{AcquirerHost, LedgerError, ALGORITHM_REFUSED};
use voidguard_iso8583::crypto::{Algorithm, Key, WorkingKeys};
use voidguard_iso8583::messages::{Answer, Kind};
use voidguard_iso8583::Message;

const MASTER_HEX: &str = "00112233445566778899AABBCCDDEEFF";

fn master(algorithm: Algorithm) -> Key {
    Key::from_hex_as(algorithm, MASTER_HEX).unwrap()
}

fn sign_on_answer(host: &AcquirerHost, algorithm: Algorithm) -> Answer {
    let frame = request(
        "900000",
        0,
        Kind::SignOn {
            operator_no: "01".into(),
            algorithm,
        },
    )
    .to_message()
    .pack()
    .unwrap();
    Answer::from_message(&Message::unpack(&host.handle(&frame).unwrap()).unwrap()).unwrap()
}

#[test]
fn an_sm4_host_hands_out_sm4_keys_and_refuses_3des_sign_ons() {
    let host = AcquirerHost::new(master(Algorithm::Sm4)).unwrap();
    let refused = sign_on_answer(&host, Algorithm::Tdes);
    assert_eq!(refused.response_code, ALGORITHM_REFUSED);
    assert_eq!(refused.keys, None);
    assert_eq!(host.sign_ons(), 0);

    let answer = sign_on_answer(&host, Algorithm::Sm4);
    assert!(answer.approved());
    let f62 = answer.keys.unwrap();
    // The SM4 master unwraps them with good check values; a 3DES master of the same
    // bytes does not.
    let keys = WorkingKeys::from_f62(&master(Algorithm::Sm4), &f62).unwrap();
    assert_eq!(keys.algorithm(), Algorithm::Sm4);
    assert!(WorkingKeys::from_f62(&master(Algorithm::Tdes), &f62).is_err());
    // A sale MAC'd under the SM4 MAC key is served, its answer verified under it.
    let sale = send(&host, &keys, &request("000001", 1000, Kind::Sale));
    assert!(sale.approved(), "{sale:?}");
}

#[test]
fn a_3des_host_refuses_sm4_sign_ons_with_40() {
    let host = AcquirerHost::new(master(Algorithm::Tdes)).unwrap();
    let refused = sign_on_answer(&host, Algorithm::Sm4);
    assert_eq!(refused.response_code, ALGORITHM_REFUSED);
    assert_eq!(refused.keys, None);
    assert!(!host.is_signed_on("10000001"));
}

#[test]
fn the_ledger_keeps_the_algorithm_and_a_host_of_the_other_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sm4.ledger");
    {
        let host = AcquirerHost::open(master(Algorithm::Sm4), &path).unwrap();
        assert!(sign_on_answer(&host, Algorithm::Sm4).approved());
    }
    let stored: String = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT algorithm FROM working_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, "sm4");
    // Opened again on the SM4 master: the terminal is still signed on.
    let host = AcquirerHost::open(master(Algorithm::Sm4), &path).unwrap();
    assert!(host.is_signed_on("10000001"));
    drop(host);
    assert!(matches!(
        AcquirerHost::open(master(Algorithm::Tdes), &path),
        Err(LedgerError::ForeignKeys { .. })
    ));
}

#[test]
fn a_ledger_of_version_3_is_upgraded_and_its_keys_are_3des() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.ledger");
    let tdes = master(Algorithm::Tdes);
    let keys = WorkingKeys {
        pin: Key::from_hex("1111111111111111222222222222222F").unwrap(),
        mac: Key::from_hex("3333333333333333444444444444444F").unwrap(),
        track: None,
    };
    // Version 3 as released: working keys without their algorithm.
    released_ledger(&path, 3, "");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO working_keys VALUES ('10000001', ?1, 0)",
        [keys.to_f62(&tdes).unwrap()],
    )
    .unwrap();
    drop(conn);
    // An SM4 host will not take the 3DES keys of before.
    assert!(matches!(
        AcquirerHost::open(master(Algorithm::Sm4), &path),
        Err(LedgerError::ForeignKeys { .. })
    ));
    let host = AcquirerHost::open(tdes, &path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 4);
    let stored: String = conn
        .query_row("SELECT algorithm FROM working_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, "3des");
    // The old keys still serve: a sale MAC'd under them is approved.
    assert!(host.is_signed_on("10000001"));
    assert!(send(&host, &keys, &request("000001", 1000, Kind::Sale)).approved());
}
