//! Requests as a terminal builds them, answered by a host in the same process.

#![allow(dead_code)]

pub mod binary;

use voidguard_host::AcquirerHost;
use voidguard_iso8583::crypto::{Algorithm, Key, WorkingKeys};
use voidguard_iso8583::messages::{Answer, Kind, Original, Request, Station};
use voidguard_iso8583::Message;

pub fn master() -> Key {
    Key::from_hex("00112233445566778899AABBCCDDEEFF").unwrap()
}

pub fn request(stan: &str, amount: u64, kind: Kind) -> Request {
    Request {
        station: Station {
            terminal_id: "10000001".into(),
            merchant_no: "898000000000001".into(),
        },
        stan: stan.into(),
        batch_no: "000001".into(),
        amount,
        audit_head: None,
        kind,
        card: None,
    }
}

pub fn sign_on(host: &AcquirerHost) -> WorkingKeys {
    let frame = request(
        "900000",
        0,
        Kind::SignOn {
            operator_no: "01".into(),
            algorithm: Algorithm::Tdes,
        },
    )
    .to_message()
    .pack()
    .unwrap();
    let answer =
        Answer::from_message(&Message::unpack(&host.handle(&frame).unwrap()).unwrap()).unwrap();
    assert!(answer.approved());
    WorkingKeys::from_f62(&master(), &answer.keys.unwrap()).unwrap()
}

pub fn send(host: &AcquirerHost, keys: &WorkingKeys, r: &Request) -> Answer {
    let frame = r.to_message().pack_with_mac(&keys.mac).unwrap();
    let reply = host.handle(&frame).unwrap();
    Answer::from_message(&Message::unpack_verified(&reply, &keys.mac).unwrap()).unwrap()
}

/// `r` MAC'd with the terminal's keys and one bit of the MAC flipped on the way: the
/// host's answer, read with the same keys.
pub fn send_with_bad_mac(host: &AcquirerHost, keys: &WorkingKeys, r: &Request) -> Message {
    let mut frame = r.to_message().pack_with_mac(&keys.mac).unwrap();
    let last = frame.len() - 1;
    frame[last] ^= 1;
    let reply = host.handle(&frame).unwrap();
    Message::unpack_verified(&reply, &keys.mac).unwrap()
}

/// A sale of this terminal, named as a void or refund names it.
pub fn original_of(sale: &Answer, voucher_no: &str) -> Original {
    Original {
        rrn: sale.rrn.clone().unwrap(),
        auth_code: sale.auth_code.clone().unwrap(),
        batch_no: "000001".into(),
        voucher_no: voucher_no.into(),
        date: "1202".into(),
    }
}

pub fn reversal(original_type: &str, processing_code: &str) -> Kind {
    Kind::Reversal {
        original_type: original_type.into(),
        processing_code: processing_code.into(),
        reason: "98".into(),
    }
}

/// A ledger file as `version` (1 to 3) was released, its DDL frozen here, with `rows`
/// (SQL inserts) in it: what the upgrade tests open.
pub fn released_ledger(path: &std::path::Path, version: u32, rows: &str) {
    const V1: &str = "CREATE TABLE working_keys (terminal_id TEXT PRIMARY KEY, f62 BLOB NOT NULL,
             signed_out INTEGER NOT NULL);
         CREATE TABLE audit_head (terminal_id TEXT PRIMARY KEY, seq INTEGER NOT NULL);
         CREATE TABLE entry (terminal_id TEXT NOT NULL, batch_no TEXT NOT NULL,
             stan TEXT NOT NULL, type_code TEXT NOT NULL, amount INTEGER NOT NULL,
             rrn TEXT NOT NULL, auth_code TEXT NOT NULL, status TEXT NOT NULL,
             original_stan TEXT, original_rrn TEXT, reversal_reason TEXT,
             PRIMARY KEY (terminal_id, batch_no, stan));
         CREATE TABLE settlement (terminal_id TEXT NOT NULL, batch_no TEXT NOT NULL,
             debit_count INTEGER NOT NULL, debit_amount INTEGER NOT NULL,
             credit_count INTEGER NOT NULL, credit_amount INTEGER NOT NULL,
             flag INTEGER NOT NULL, PRIMARY KEY (terminal_id, batch_no));";
    // Version 2: the card's digest.
    const V2: &str = "ALTER TABLE entry ADD COLUMN pan_digest BLOB
             CHECK (pan_digest IS NULL OR length(pan_digest) = 32);";
    // Version 3: batch upload.
    const V3: &str = "ALTER TABLE settlement ADD COLUMN upload_ended INTEGER NOT NULL DEFAULT 0;
         CREATE TABLE upload_item (terminal_id TEXT NOT NULL, batch_no TEXT NOT NULL,
             voucher_no TEXT NOT NULL, type_code TEXT NOT NULL, amount INTEGER NOT NULL,
             verdict TEXT, PRIMARY KEY (terminal_id, batch_no, voucher_no));";
    let ddl = [V1, V2, V3][..version as usize].concat();
    rusqlite::Connection::open(path)
        .unwrap()
        .execute_batch(&format!("{ddl} {rows} PRAGMA user_version = {version};"))
        .unwrap();
}
