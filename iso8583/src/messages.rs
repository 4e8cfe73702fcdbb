//! The messages a CUPS POS terminal exchanges with its acquirer, as typed values that
//! map onto [`Message`]s and back. The host side reads requests with
//! [`Request::from_message`]; the terminal side reads answers with
//! [`Answer::from_message`].
//!
//! | act          | MTI  | F3     | F60.1 | F60.3 | specifics                              |
//! |--------------|------|--------|-------|-------|----------------------------------------|
//! | sign-on      | 0800 |        | 00    | 004   | F63 operator; answer 0810 F62 keys; 006 for SM4 keys |
//! | sign-out     | 0820 |        | 00    | 002   |                                        |
//! | echo         | 0820 |        | 00    | 301   | answer 0830                            |
//! | sale         | 0200 | 000000 | 22    | 000   | F25 00                                 |
//! | void         | 0200 | 200000 | 23    | 000   | F37/F38 original, F61 batch+voucher+MMDD |
//! | refund       | 0220 | 200000 | 25    | 000   | F37 original, F61 000000000000+MMDD    |
//! | reversal     | 0400 | orig.  | orig. | 000   | F11 original, F39 reason               |
//! | settlement   | 0500 |        | 00    | 201   | F48 totals; answer F48 flag            |
//! | batch upload | 0320 |        | 00    | 201   | F48 count + (kind, voucher, amount)*   |
//! | upload end   | 0320 |        | 00    | 202   | F48 count of items uploaded (N4)       |
//!
//! Settlement and batch upload (结算, 批上送) follow the UnionPay POS terminal
//! specification as public terminal code implements it (e.g. `PosSettleTran`,
//! `PosBatchUp` and `BatchMagOnLineTrans` in `Src/tranproc.c` of the
//! CaoEnXin/LiaoYang_POS terminal): the 0510 answers 00 and says in F48, after each
//! half of the totals, whether the acquirer's agree (对账应答代码: 1 balanced, 2 not
//! balanced, 3 error). On 2 the terminal uploads its batch in 0320s of 60.3 = 201 —
//! there eight records a message, each 40 digits: card organisation (00 CUP, 01
//! other), trace number n6, card number n20, amount n12, behind a count n2 — and
//! closes with a 0320 of 60.3 = 202 (批上送结束) whose F48 is the number of records
//! sent (n4). The same code ends with 207 when both halves balanced, and an Android
//! UnionPay terminal's settlement fixes a bug of sending 207 instead of 202 after
//! "not balanced": 202 is the end of an upload the acquirer asked for. The other
//! 60.3 codes of the upload (203 to 207: chip and offline records, notifications,
//! and 207, the end after a balanced settlement) carry records of acts this terminal
//! does not make. Ours keep the 201 layout but carry the transaction's F60.1 where the
//! organisation code stands and no card number, 20 digits a record: the terminal
//! keeps no card number (PCI DSS 3.2.1), and the acquirer matches by trace number.
//!
//! Every message but the sign-on pair carries a MAC in F64; F59 carries the
//! terminal's audit head when it has one.

pub use crate::card::{CardData, PIN_CAPTURE_CODE};
use crate::crypto::Algorithm;
use crate::error::{IsoError, Result};
use crate::message::Message;

/// Who is talking: F41 and F42.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Station {
    pub terminal_id: String,
    pub merchant_no: String,
}

/// What a void or refund points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Original {
    pub rrn: String,
    pub auth_code: String,
    pub batch_no: String,
    pub voucher_no: String,
    /// MMDD.
    pub date: String,
}

/// Settlement totals as F48 carries them (domestic cards only; the foreign-card half
/// is sent as zeros).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// Sales: money to the merchant.
    pub debit_count: u32,
    pub debit_amount: u64,
    /// Voids and refunds: money back to the cardholder.
    pub credit_count: u32,
    pub credit_amount: u64,
}

/// Records per batch-upload message: the UnionPay terminal specification's at most
/// eight per 0320 with 60.3 = 201.
pub const UPLOAD_PER_MESSAGE: usize = 8;

/// F48 of a 0510: the acquirer's totals agree (对账平).
pub const BALANCED: u8 = 1;
/// F48 of a 0510: they do not (对账不平); the terminal uploads its batch.
pub const NOT_BALANCED: u8 = 2;
/// F48 of a 0510: the acquirer could not compare (对账出错).
pub const SETTLEMENT_ERROR: u8 = 3;

/// One transaction of a batch upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploaded {
    /// F60.1 of the transaction (22 sale, 23 void, 25 refund).
    pub type_code: String,
    pub voucher_no: String,
    pub amount: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    SignOn {
        operator_no: String,
        /// The keys asked for, in F60.3 (`crypto` module docs: 004 3DES, 006 SM4).
        algorithm: Algorithm,
    },
    SignOut,
    Echo,
    Sale,
    Void {
        original: Original,
    },
    Refund {
        original: Original,
    },
    /// Undoes the request with `original_type` (F60.1) and this F11.
    Reversal {
        original_type: String,
        processing_code: String,
        reason: String,
    },
    Settlement {
        totals: Totals,
    },
    /// Up to [`UPLOAD_PER_MESSAGE`] records of the batch (60.3 = 201).
    BatchUpload {
        items: Vec<Uploaded>,
    },
    /// The end of the upload (批上送结束, 60.3 = 202): how many records were sent.
    BatchUploadEnd {
        count: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub station: Station,
    /// F11: the voucher (trace) number; for a reversal, the original's.
    pub stan: String,
    pub batch_no: String,
    /// Fen; zero where the message has no amount.
    pub amount: u64,
    /// F59: the terminal's audit head, when it has one.
    pub audit_head: Option<String>,
    pub kind: Kind,
    /// The card read for a sale, void or refund (F2, F14, F22, F26, F35, F52); sent
    /// with those kinds only.
    pub card: Option<CardData>,
}

fn n(value: u64, width: usize) -> String {
    format!("{value:0width$}")
}

fn digits(m: &Message, bit: u8, at: std::ops::Range<usize>) -> Result<&str> {
    m.need(bit)?.get(at).ok_or(IsoError::BadLength {
        bit,
        len: m.get(bit).map_or(0, <[u8]>::len),
    })
}

fn number(m: &Message, bit: u8, at: std::ops::Range<usize>) -> Result<u64> {
    digits(m, bit, at)?
        .parse()
        .map_err(|_| IsoError::BadValue { bit })
}

const TOTALS_DIGITS: usize = 62;

fn totals_f48(t: &Totals, flag: u8) -> String {
    format!(
        "{}{}{}{}{}{}",
        n(t.debit_amount, 12),
        n(u64::from(t.debit_count), 3),
        n(t.credit_amount, 12),
        n(u64::from(t.credit_count), 3),
        flag,
        "0".repeat(31)
    )
}

fn read_totals(m: &Message) -> Result<(Totals, u8)> {
    if m.get(48).map(<[u8]>::len) != Some(TOTALS_DIGITS) {
        return Err(IsoError::BadLength {
            bit: 48,
            len: m.get(48).map_or(0, <[u8]>::len),
        });
    }
    let totals = Totals {
        debit_amount: number(m, 48, 0..12)?,
        debit_count: number(m, 48, 12..15)? as u32,
        credit_amount: number(m, 48, 15..27)?,
        credit_count: number(m, 48, 27..30)? as u32,
    };
    Ok((totals, number(m, 48, 30..31)? as u8))
}

impl Request {
    fn frame_codes(&self) -> (&'static str, Option<String>, String, &'static str) {
        // (MTI, F3, F60.1, F60.3)
        match &self.kind {
            Kind::SignOn { algorithm, .. } => ("0800", None, "00".into(), algorithm.sign_on_code()),
            Kind::SignOut => ("0820", None, "00".into(), "002"),
            Kind::Echo => ("0820", None, "00".into(), "301"),
            Kind::Sale => ("0200", Some("000000".into()), "22".into(), "000"),
            Kind::Void { .. } => ("0200", Some("200000".into()), "23".into(), "000"),
            Kind::Refund { .. } => ("0220", Some("200000".into()), "25".into(), "000"),
            Kind::Reversal {
                original_type,
                processing_code,
                ..
            } => (
                "0400",
                Some(processing_code.clone()),
                original_type.clone(),
                "000",
            ),
            Kind::Settlement { .. } => ("0500", None, "00".into(), "201"),
            Kind::BatchUpload { .. } => ("0320", None, "00".into(), "201"),
            Kind::BatchUploadEnd { .. } => ("0320", None, "00".into(), "202"),
        }
    }

    /// The message, without its MAC (see [`Message::pack_with_mac`]).
    pub fn to_message(&self) -> Message {
        let (mti, f3, type_code, network) = self.frame_codes();
        let mut m = Message::new(mti);
        if let Some(f3) = f3 {
            m.set(3, f3);
        }
        let moves_money = matches!(
            self.kind,
            Kind::Sale | Kind::Void { .. } | Kind::Refund { .. } | Kind::Reversal { .. }
        );
        if moves_money {
            m.set(4, n(self.amount, 12)).set(25, "00").set(49, "156");
        }
        m.set(11, self.stan.as_str());
        m.set(41, self.station.terminal_id.as_str());
        m.set(42, self.station.merchant_no.as_str());
        if let Some(head) = &self.audit_head {
            m.set(59, head.as_str());
        }
        m.set(60, format!("{type_code}{}{network}", self.batch_no));
        match &self.kind {
            Kind::SignOn { operator_no, .. } => {
                m.set(63, format!("{operator_no:<3}"));
            }
            Kind::Void { original } => {
                m.set(37, original.rrn.as_str())
                    .set(38, original.auth_code.as_str());
                m.set(
                    61,
                    format!(
                        "{}{}{}",
                        original.batch_no, original.voucher_no, original.date
                    ),
                );
            }
            Kind::Refund { original } => {
                m.set(37, original.rrn.as_str());
                m.set(61, format!("000000000000{}", original.date));
            }
            Kind::Reversal { reason, .. } => {
                m.set(39, reason.as_str());
            }
            Kind::Settlement { totals } => {
                m.set(48, totals_f48(totals, 0));
            }
            Kind::BatchUpload { items } => {
                let mut f48 = n(items.len() as u64, 2);
                for i in items {
                    f48.push_str(&format!(
                        "{}{}{}",
                        i.type_code,
                        i.voucher_no,
                        n(i.amount, 12)
                    ));
                }
                m.set(48, f48);
            }
            Kind::BatchUploadEnd { count } => {
                m.set(48, n(u64::from(*count), 4));
            }
            Kind::SignOut | Kind::Echo | Kind::Sale => {}
        }
        if let (Some(card), Kind::Sale | Kind::Void { .. } | Kind::Refund { .. }) =
            (&self.card, &self.kind)
        {
            card.set_on(&mut m);
        }
        m
    }

    /// Reads a request (the host's side). Refuses a message that is not one of the
    /// table's with `BadMti` or `BadValue`.
    pub fn from_message(m: &Message) -> Result<Self> {
        let station = Station {
            terminal_id: m.need(41)?.to_owned(),
            merchant_no: m.need(42)?.to_owned(),
        };
        let f60 = m.need(60)?;
        if f60.len() < 11 {
            return Err(IsoError::BadLength {
                bit: 60,
                len: f60.len(),
            });
        }
        let (type_code, batch_no, network) = (&f60[0..2], &f60[2..8], &f60[8..11]);
        let f3 = m.text(3);
        let bad_mti = || IsoError::BadMti { mti: m.mti.clone() };
        let kind = match (m.mti.as_str(), f3, type_code, network) {
            ("0800", _, "00", code) if Algorithm::of_sign_on_code(code).is_some() => Kind::SignOn {
                operator_no: m.need(63)?.trim_end().to_owned(),
                algorithm: Algorithm::of_sign_on_code(code).unwrap_or_default(),
            },
            ("0820", _, "00", "002") => Kind::SignOut,
            ("0820", _, "00", "301") => Kind::Echo,
            ("0200", Some("000000"), "22", _) => Kind::Sale,
            ("0200", Some("200000"), "23", _) => Kind::Void {
                original: Original {
                    rrn: m.need(37)?.to_owned(),
                    auth_code: m.need(38)?.to_owned(),
                    batch_no: digits(m, 61, 0..6)?.to_owned(),
                    voucher_no: digits(m, 61, 6..12)?.to_owned(),
                    date: digits(m, 61, 12..16)?.to_owned(),
                },
            },
            ("0220", Some("200000"), "25", _) => Kind::Refund {
                original: Original {
                    rrn: m.need(37)?.to_owned(),
                    auth_code: String::new(),
                    batch_no: String::new(),
                    voucher_no: String::new(),
                    date: digits(m, 61, 12..16)?.to_owned(),
                },
            },
            ("0400", Some(pc), t, _) => Kind::Reversal {
                original_type: t.to_owned(),
                processing_code: pc.to_owned(),
                reason: m.need(39)?.to_owned(),
            },
            ("0500", _, "00", "201") => Kind::Settlement {
                totals: read_totals(m)?.0,
            },
            ("0320", _, "00", "201") => {
                let count = number(m, 48, 0..2)? as usize;
                let f48 = m.need(48)?;
                if f48.len() != 2 + 20 * count {
                    return Err(IsoError::BadLength {
                        bit: 48,
                        len: f48.len(),
                    });
                }
                let mut items = Vec::with_capacity(count);
                for i in 0..count {
                    let at = 2 + 20 * i;
                    items.push(Uploaded {
                        type_code: f48[at..at + 2].to_owned(),
                        voucher_no: f48[at + 2..at + 8].to_owned(),
                        amount: number(m, 48, at + 8..at + 20)?,
                    });
                }
                Kind::BatchUpload { items }
            }
            ("0320", _, "00", "202") => {
                if m.need(48)?.len() != 4 {
                    return Err(IsoError::BadLength {
                        bit: 48,
                        len: m.need(48)?.len(),
                    });
                }
                Kind::BatchUploadEnd {
                    count: number(m, 48, 0..4)? as u32,
                }
            }
            _ => return Err(bad_mti()),
        };
        let amount = match m.text(4) {
            Some(a) => a.parse().map_err(|_| IsoError::BadValue { bit: 4 })?,
            None => 0,
        };
        Ok(Self {
            station,
            stan: m.need(11)?.to_owned(),
            batch_no: batch_no.to_owned(),
            amount,
            audit_head: m.text(59).map(str::to_owned),
            card: match kind {
                Kind::Sale | Kind::Void { .. } | Kind::Refund { .. } => CardData::read(m)?,
                _ => None,
            },
            kind,
        })
    }
}

/// The host's answer to any request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The request's MTI + 10 (0810, 0210, 0230, 0410, 0510, 0330, 0830).
    pub mti: String,
    pub stan: String,
    /// F39: 00 approved; anything else declined.
    pub response_code: String,
    pub rrn: Option<String>,
    pub auth_code: Option<String>,
    /// Sign-on: F62 (working keys under the master key).
    pub keys: Option<Vec<u8>>,
    /// Settlement: the host's verdict, [`BALANCED`], [`NOT_BALANCED`] or
    /// [`SETTLEMENT_ERROR`].
    pub settlement_flag: Option<u8>,
    pub batch_no: String,
}

/// The answer's MTI for a request's.
pub fn answer_mti(request_mti: &str) -> Result<&'static str> {
    Ok(match request_mti {
        "0800" => "0810",
        "0820" => "0830",
        "0200" => "0210",
        "0220" => "0230",
        "0400" => "0410",
        "0500" => "0510",
        "0320" => "0330",
        other => {
            return Err(IsoError::BadMti {
                mti: other.to_owned(),
            })
        }
    })
}

impl Answer {
    pub fn approved(&self) -> bool {
        self.response_code == "00"
    }

    pub fn to_message(&self, station: &Station) -> Message {
        let mut m = Message::new(&self.mti);
        m.set(11, self.stan.as_str())
            .set(39, self.response_code.as_str());
        m.set(41, station.terminal_id.as_str())
            .set(42, station.merchant_no.as_str());
        if let Some(rrn) = &self.rrn {
            m.set(37, rrn.as_str());
        }
        if let Some(a) = &self.auth_code {
            m.set(38, a.as_str());
        }
        if let Some(k) = &self.keys {
            m.set(62, k.clone());
        }
        if let Some(flag) = self.settlement_flag {
            m.set(48, totals_f48(&Totals::default(), flag));
        }
        m.set(60, format!("00{}000", self.batch_no));
        m
    }

    pub fn from_message(m: &Message) -> Result<Self> {
        let settlement_flag = match m.get(48) {
            Some(_) => Some(read_totals(m)?.1),
            None => None,
        };
        let f60 = m.text(60).unwrap_or("");
        Ok(Self {
            mti: m.mti.clone(),
            stan: m.need(11)?.to_owned(),
            response_code: m.need(39)?.to_owned(),
            rrn: m.text(37).map(str::to_owned),
            auth_code: m.text(38).map(str::to_owned),
            keys: m.get(62).map(<[u8]>::to_vec),
            settlement_flag,
            batch_no: f60.get(2..8).unwrap_or("").to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(kind: Kind) -> Request {
        Request {
            station: Station {
                terminal_id: "10000001".into(),
                merchant_no: "898000000000001".into(),
            },
            stan: "000042".into(),
            batch_no: "000001".into(),
            amount: 1234,
            audit_head: Some("17:0123456789abcdef".into()),
            kind,
            card: None,
        }
    }

    fn card(pin: bool) -> CardData {
        CardData {
            pan: "6222021234567890123".into(),
            expiry: Some("2512".into()),
            entry_mode: if pin { "021" } else { "022" }.into(),
            track2: Some("6222021234567890123=25121010000".into()),
            pin_block: pin.then(|| vec![0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0]),
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

    fn every_kind() -> Vec<Kind> {
        vec![
            Kind::SignOn {
                operator_no: "01".into(),
                algorithm: Algorithm::Tdes,
            },
            Kind::SignOn {
                operator_no: "01".into(),
                algorithm: Algorithm::Sm4,
            },
            Kind::SignOut,
            Kind::Echo,
            Kind::Sale,
            Kind::Void {
                original: original(),
            },
            Kind::Reversal {
                original_type: "23".into(),
                processing_code: "200000".into(),
                reason: "A0".into(),
            },
            Kind::Settlement {
                totals: Totals {
                    debit_count: 3,
                    debit_amount: 3000,
                    credit_count: 1,
                    credit_amount: 1000,
                },
            },
            Kind::BatchUpload {
                items: vec![
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
                ],
            },
            Kind::BatchUpload {
                items: (0..UPLOAD_PER_MESSAGE as u64)
                    .map(|i| Uploaded {
                        type_code: ["22", "23", "25"][i as usize % 3].into(),
                        voucher_no: format!("{:06}", 100 + i),
                        amount: 999_999_999_999 - i,
                    })
                    .collect(),
            },
            Kind::BatchUpload { items: vec![] },
            Kind::BatchUploadEnd { count: 17 },
        ]
    }

    #[test]
    fn every_request_survives_the_wire() {
        for kind in every_kind() {
            let mut r = request(kind);
            if matches!(
                r.kind,
                Kind::SignOn { .. }
                    | Kind::SignOut
                    | Kind::Echo
                    | Kind::Settlement { .. }
                    | Kind::BatchUpload { .. }
                    | Kind::BatchUploadEnd { .. }
            ) {
                r.amount = 0;
            }
            let frame = r.to_message().pack().unwrap();
            let back = Request::from_message(&Message::unpack(&frame).unwrap()).unwrap();
            assert_eq!(back, r);
        }
    }

    #[test]
    fn a_card_rides_with_sales_voids_and_refunds_only() {
        for (kind, pin) in [
            (Kind::Sale, true),
            (
                Kind::Void {
                    original: original(),
                },
                false,
            ),
            (
                Kind::Refund {
                    original: Original {
                        auth_code: String::new(),
                        batch_no: String::new(),
                        voucher_no: String::new(),
                        ..original()
                    },
                },
                true,
            ),
        ] {
            let mut r = request(kind);
            r.card = Some(card(pin));
            let m = r.to_message();
            assert_eq!(m.text(2), Some("6222021234567890123"));
            assert_eq!(m.text(14), Some("2512"));
            assert_eq!(m.text(22), Some(if pin { "021" } else { "022" }));
            assert_eq!(m.text(26).is_some(), pin);
            assert_eq!(m.get(52).is_some(), pin);
            let frame = m.pack().unwrap();
            let back = Request::from_message(&Message::unpack(&frame).unwrap()).unwrap();
            assert_eq!(back, r);
        }
        let mut r = request(Kind::Echo);
        r.card = Some(card(true));
        let m = r.to_message();
        assert!(m.get(2).is_none() && m.get(35).is_none() && m.get(52).is_none());
        assert!(!format!("{:?}", card(true)).contains("6222"));
    }

    #[test]
    fn a_pin_block_without_its_capture_code_is_refused() {
        let mut r = request(Kind::Sale);
        r.card = Some(card(true));
        let mut m = r.to_message();
        m.fields.remove(&26);
        assert_eq!(
            Request::from_message(&m),
            Err(IsoError::Missing { bit: 26 })
        );
        m.fields.remove(&52);
        m.fields.remove(&22);
        assert_eq!(
            Request::from_message(&m),
            Err(IsoError::Missing { bit: 22 })
        );
    }

    #[test]
    fn void_carries_the_cups_fields() {
        let m = request(Kind::Void {
            original: original(),
        })
        .to_message();
        assert_eq!(m.mti, "0200");
        assert_eq!(m.text(3), Some("200000"));
        assert_eq!(m.text(60), Some("23000001000"));
        assert_eq!(m.text(61), Some("0000010000411202"));
        assert_eq!(m.text(37), Some("123456789012"));
        assert_eq!(m.text(38), Some("A1B2C3"));
    }

    #[test]
    fn refund_has_zeros_before_the_original_date() {
        let m = request(Kind::Refund {
            original: original(),
        })
        .to_message();
        assert_eq!((m.mti.as_str(), m.text(3)), ("0220", Some("200000")));
        assert_eq!(m.text(60), Some("25000001000"));
        assert_eq!(m.text(61), Some("0000000000001202"));
    }

    #[test]
    fn settlement_totals_fill_f48() {
        let m = request(Kind::Settlement {
            totals: Totals {
                debit_count: 3,
                debit_amount: 3000,
                credit_count: 1,
                credit_amount: 1000,
            },
        })
        .to_message();
        assert_eq!(m.text(60), Some("00000001201"));
        let f48 = m.text(48).unwrap();
        assert_eq!(&f48[..31], "0000000030000030000000010000010");
        assert_eq!(f48.len(), 62);
    }

    #[test]
    fn batch_upload_and_its_end_carry_their_network_codes() {
        let m = request(Kind::BatchUpload {
            items: vec![Uploaded {
                type_code: "25".into(),
                voucher_no: "000007".into(),
                amount: 1500,
            }],
        })
        .to_message();
        assert_eq!((m.mti.as_str(), m.text(60)), ("0320", Some("00000001201")));
        assert_eq!(m.text(48), Some("0125000007000000001500"));
        let m = request(Kind::BatchUploadEnd { count: 9 }).to_message();
        assert_eq!((m.mti.as_str(), m.text(60)), ("0320", Some("00000001202")));
        assert_eq!(m.text(48), Some("0009"));
        let mut short = m.clone();
        short.set(48, "009");
        assert!(matches!(
            Request::from_message(&short),
            Err(IsoError::BadLength { bit: 48, .. })
        ));
        let mut other = m;
        other.set(60, "00000001203");
        assert!(matches!(
            Request::from_message(&other),
            Err(IsoError::BadMti { .. })
        ));
    }

    #[test]
    fn a_not_balanced_settlement_answer_survives_the_wire() {
        let station = request(Kind::Sale).station;
        for flag in [BALANCED, NOT_BALANCED, SETTLEMENT_ERROR] {
            let a = Answer {
                mti: "0510".into(),
                stan: "000001".into(),
                response_code: "00".into(),
                rrn: None,
                auth_code: None,
                keys: None,
                settlement_flag: Some(flag),
                batch_no: "000001".into(),
            };
            let m = a.to_message(&station);
            assert_eq!(m.text(48).unwrap().as_bytes()[30], b'0' + flag);
            let frame = m.pack().unwrap();
            assert_eq!(
                Answer::from_message(&Message::unpack(&frame).unwrap()).unwrap(),
                a
            );
        }
    }

    #[test]
    fn answers_survive_the_wire() {
        let station = request(Kind::Sale).station;
        let a = Answer {
            mti: "0810".into(),
            stan: "000042".into(),
            response_code: "00".into(),
            rrn: Some("123456789012".into()),
            auth_code: Some("A1B2C3".into()),
            keys: Some(vec![7; 40]),
            settlement_flag: Some(1),
            batch_no: "000001".into(),
        };
        let frame = a.to_message(&station).pack().unwrap();
        assert_eq!(
            Answer::from_message(&Message::unpack(&frame).unwrap()).unwrap(),
            a
        );
    }

    #[test]
    fn a_message_outside_the_table_is_refused() {
        let mut m = request(Kind::Sale).to_message();
        m.mti = "0100".into();
        assert_eq!(
            Request::from_message(&m),
            Err(IsoError::BadMti { mti: "0100".into() })
        );
        let mut m = request(Kind::Void {
            original: original(),
        })
        .to_message();
        m.set(61, "0000");
        assert!(matches!(
            Request::from_message(&m),
            Err(IsoError::BadLength { bit: 61, .. })
        ));
    }
}
