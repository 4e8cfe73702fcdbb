//! Requests as a terminal builds them, answered by a host in the same process.

#![allow(dead_code)]

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
