//! Frames for the cross-check against jPOS (`scripts/jpos-check`).
//!
//! `frames` prints every message kind the terminal packs and every answer the host
//! builds, one `name HEX` a line, from fixed values and a fixed test MAC key.
//! `frames decode` reads such lines on stdin and prints each frame as our codec reads
//! it: `name mti=…`, `name tpdu=…`, `name header=…`, one `name BIT=VALUE` a field
//! (binary fields in upper-case hex, the rest as the ASCII they hold), `name mac=ok`
//! and `name kind=…` (what the host or terminal side takes it for). A frame our codec
//! refuses stops it with the typed error on stderr and exit status 2.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use voidguard_iso8583::crypto::{Algorithm, Key, WorkingKeys};
use voidguard_iso8583::fields::{spec, Content};
use voidguard_iso8583::message::MAC_BIT;
use voidguard_iso8583::messages::{
    answer_mti, Answer, CardData, Kind, Original, Request, Station, Totals, Uploaded,
};
use voidguard_iso8583::{IsoError, Message};

/// Test keys only, also written in the Java test: nothing here is a real key.
const MAC_KEY: &str = "0123456789ABCDEFFEDCBA9876543210";
const MASTER_KEY: &str = "00112233445566778899AABBCCDDEEFF";

fn station() -> Station {
    Station {
        terminal_id: "10000001".into(),
        merchant_no: "898000000000001".into(),
    }
}

fn request(stan: &str, amount: u64, kind: Kind) -> Request {
    Request {
        station: station(),
        stan: stan.into(),
        batch_no: "000001".into(),
        amount,
        audit_head: Some("17:0123456789abcdef".into()),
        kind,
        card: None,
    }
}

fn original() -> Original {
    Original {
        rrn: "123456789012".into(),
        auth_code: "A1B2C3".into(),
        batch_no: "000001".into(),
        voucher_no: "000041".into(),
        date: "1202".into(),
    }
}

fn answer(request_mti: &str, stan: &str) -> Result<Answer, IsoError> {
    Ok(Answer {
        mti: answer_mti(request_mti)?.to_owned(),
        stan: stan.into(),
        response_code: "00".into(),
        rrn: None,
        auth_code: None,
        keys: None,
        settlement_flag: None,
        batch_no: "000001".into(),
    })
}

fn requests() -> Vec<(&'static str, Request)> {
    let totals = Totals {
        debit_count: 3,
        debit_amount: 3000,
        credit_count: 1,
        credit_amount: 1000,
    };
    let items = vec![
        Uploaded {
            type_code: "22".into(),
            voucher_no: "000041".into(),
            amount: 1000,
        },
        Uploaded {
            type_code: "23".into(),
            voucher_no: "000042".into(),
            amount: 1000,
        },
    ];
    vec![
        (
            "sign-on",
            request(
                "000040",
                0,
                Kind::SignOn {
                    operator_no: "01".into(),
                    algorithm: Algorithm::Tdes,
                },
            ),
        ),
        ("sign-out", request("000050", 0, Kind::SignOut)),
        ("echo", request("000051", 0, Kind::Echo)),
        ("sale", request("000041", 1234, Kind::Sale)),
        (
            "void",
            request(
                "000042",
                1234,
                Kind::Void {
                    original: original(),
                },
            ),
        ),
        (
            "refund",
            request(
                "000043",
                500,
                Kind::Refund {
                    original: original(),
                },
            ),
        ),
        (
            "reversal",
            request(
                "000042",
                1234,
                Kind::Reversal {
                    original_type: "23".into(),
                    processing_code: "200000".into(),
                    reason: "98".into(),
                },
            ),
        ),
        (
            "settlement",
            request("000044", 0, Kind::Settlement { totals }),
        ),
        (
            "batch-upload",
            request("000045", 0, Kind::BatchUpload { items }),
        ),
        (
            "batch-upload-end",
            request("000046", 0, Kind::BatchUploadEnd { count: 2 }),
        ),
    ]
}

/// Every frame, MAC'd as the terminal and host send them (the sign-on pair without).
fn frames() -> Result<Vec<(String, Vec<u8>)>, IsoError> {
    let mac = Key::from_hex(MAC_KEY)?;
    let master = Key::from_hex(MASTER_KEY)?;
    let mut out = Vec::new();
    for (name, r) in requests() {
        let mut m = r.to_message();
        let frame = match r.kind {
            Kind::SignOn { .. } => m.pack()?,
            _ => m.pack_with_mac(&mac)?,
        };
        out.push((name.to_owned(), frame));
        let mut a = answer(&m.mti, &r.stan)?;
        match r.kind {
            Kind::SignOn { .. } => {
                let keys = WorkingKeys {
                    pin: Key::from_hex("1111111111111111FFFFFFFFFFFFFFFF")?,
                    mac: Key::from_hex(MAC_KEY)?,
                    track: Some(Key::from_hex("22222222222222223333333333333333")?),
                };
                a.keys = Some(keys.to_f62(&master)?);
            }
            Kind::Sale | Kind::Void { .. } | Kind::Refund { .. } => {
                a.rrn = Some("123456789012".into());
                a.auth_code = Some("A1B2C3".into());
            }
            Kind::Settlement { .. } => a.settlement_flag = Some(2),
            _ => {}
        }
        let mut am = a.to_message(&r.station);
        let frame = match r.kind {
            Kind::SignOn { .. } => am.pack()?,
            _ => am.pack_with_mac(&mac)?,
        };
        out.push((format!("{name}-answer"), frame));
    }
    // A void and a refund with the card read, as the terminal's link sends them (typed,
    // through `Request::card`): swiped without a PIN (022, odd-length track 2, no
    // F26/F52) and swiped with one (021, F26 12, F52).
    let with_card = |name: &str, card: CardData| -> Result<(String, Vec<u8>), IsoError> {
        let mut r = requests()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, r)| r)
            .ok_or(IsoError::Missing { bit: 3 })?;
        r.card = Some(card);
        Ok((
            format!("{name}-with-card"),
            r.to_message().pack_with_mac(&mac)?,
        ))
    };
    out.push(with_card(
        "void",
        CardData {
            pan: "6222021234567890123".into(),
            expiry: Some("2512".into()),
            entry_mode: "022".into(),
            track2: Some("6222021234567890123=2512101".into()),
            pin_block: None,
        },
    )?);
    out.push(with_card(
        "refund",
        CardData {
            pan: "6225881234567890".into(),
            expiry: Some("2612".into()),
            entry_mode: "021".into(),
            track2: Some("6225881234567890=26121010000000".into()),
            pin_block: Some(vec![0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6, 0x07, 0x18]),
        },
    )?);
    // Every remaining field of the table on a sale, so its layouts are checked too.
    let mut m = requests()
        .into_iter()
        .find(|(n, _)| *n == "sale")
        .map(|(_, r)| r.to_message())
        .ok_or(IsoError::Missing { bit: 3 })?;
    m.set(2, "6222021234567890123")
        .set(14, "2512")
        .set(22, "021")
        .set(23, "001")
        .set(26, "12")
        .set(32, "12345678901")
        .set(35, "6222021234567890123=25121010000")
        .set(44, "0102030405  ")
        .set(52, vec![0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0])
        .set(53, "2000000000000000");
    out.push(("sale-with-card".to_owned(), m.pack_with_mac(&mac)?));
    // Odd digit counts in F48 and F61, whose messages carry even ones: their pad nibble
    // (0, on the right) is then on the wire too.
    let mut m = requests()
        .into_iter()
        .find(|(n, _)| *n == "sale")
        .map(|(_, r)| r.to_message())
        .ok_or(IsoError::Missing { bit: 3 })?;
    m.set(48, "12345").set(61, "000001000041120");
    out.push(("sale-odd-digits".to_owned(), m.pack_with_mac(&mac)?));
    Ok(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn kind_name(k: &Kind) -> &'static str {
    match k {
        Kind::SignOn { .. } => "sign-on",
        Kind::SignOut => "sign-out",
        Kind::Echo => "echo",
        Kind::Sale => "sale",
        Kind::Void { .. } => "void",
        Kind::Refund { .. } => "refund",
        Kind::Reversal { .. } => "reversal",
        Kind::Settlement { .. } => "settlement",
        Kind::BatchUpload { .. } => "batch-upload",
        Kind::BatchUploadEnd { .. } => "batch-upload-end",
    }
}

/// The canonical dump of one frame, or the codec's refusal.
fn decode(name: &str, frame: &[u8]) -> Result<Vec<String>, IsoError> {
    let m = if Message::unpack(frame)?.get(MAC_BIT).is_some() {
        Message::unpack_verified(frame, &Key::from_hex(MAC_KEY)?)?
    } else {
        Message::unpack(frame)?
    };
    let mut lines = vec![
        format!("{name} mti={}", m.mti),
        format!("{name} tpdu={}", hex(&m.tpdu)),
        format!("{name} header={}", hex(&m.header)),
    ];
    for (&bit, value) in &m.fields {
        let shown = match spec(bit)?.content {
            Content::Binary => hex(value),
            _ => String::from_utf8_lossy(value).into_owned(),
        };
        lines.push(format!("{name} {bit}={shown}"));
    }
    if m.get(MAC_BIT).is_some() {
        lines.push(format!("{name} mac=ok"));
    }
    let kind = if answer_mti(&m.mti).is_ok() {
        kind_name(&Request::from_message(&m)?.kind).to_owned()
    } else {
        Answer::from_message(&m)?;
        "answer".to_owned()
    };
    lines.push(format!("{name} kind={kind}"));
    Ok(lines)
}

/// Writes lines to stdout; a closed pipe is a failure, not a panic.
fn print_lines(lines: &[String]) -> ExitCode {
    let mut out = std::io::stdout().lock();
    for l in lines {
        if writeln!(out, "{l}").is_err() {
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let mode = std::env::args().nth(1);
    match mode.as_deref() {
        None => match frames() {
            Ok(all) => {
                let lines: Vec<String> = all
                    .iter()
                    .map(|(name, frame)| format!("{name} {}", hex(frame)))
                    .collect();
                print_lines(&lines)
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        Some("decode") => {
            for line in std::io::stdin().lock().lines() {
                let Ok(line) = line else {
                    eprintln!("error: stdin is not text");
                    return ExitCode::from(2);
                };
                let Some((name, text)) = line.trim().split_once(' ') else {
                    continue;
                };
                let Some(frame) = unhex(text.trim()) else {
                    eprintln!("{name} error: not hex");
                    return ExitCode::from(2);
                };
                match decode(name, &frame) {
                    Ok(lines) => {
                        if print_lines(&lines) != ExitCode::SUCCESS {
                            return ExitCode::from(2);
                        }
                    }
                    Err(e) => {
                        eprintln!("{name} error: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Some(_) => {
            eprintln!("usage: frames [decode]");
            ExitCode::from(64)
        }
    }
}
