//! Every message the table allows survives pack → unpack unchanged, and no byte string
//! makes unpack panic; what unpack accepts packs back to the same bytes.

use proptest::prelude::*;
use voidguard_iso8583::fields::{Content, Length, FIELDS};
use voidguard_iso8583::Message;

fn value_for(content: Content, length: Length) -> BoxedStrategy<Vec<u8>> {
    let (min, max) = match length {
        Length::Fixed(n) => (n, n),
        Length::Ll(m) | Length::Lll(m) => (0, m.min(64)),
    };
    let byte: BoxedStrategy<u8> = match content {
        Content::NumLeft | Content::NumRight => (b'0'..=b'9').boxed(),
        Content::Track => prop_oneof![9 => b'0'..=b'9', 1 => Just(b'=')].boxed(),
        Content::Text => (0x20u8..0x7f).boxed(),
        Content::Binary => any::<u8>().boxed(),
    };
    proptest::collection::vec(byte, min..=max).boxed()
}

fn message() -> impl Strategy<Value = Message> {
    let per_field: Vec<_> = FIELDS
        .iter()
        .map(|s| proptest::option::of(value_for(s.content, s.length)).prop_map(move |v| (s.bit, v)))
        .collect();
    (
        any::<[u8; 5]>(),
        any::<[u8; 6]>(),
        proptest::collection::vec(b'0'..=b'9', 4),
        per_field,
    )
        .prop_map(|(tpdu, header, mti, fields)| {
            let mut m = Message::new(std::str::from_utf8(&mti).unwrap_or("0200"));
            m.tpdu = tpdu;
            m.header = header;
            for (bit, v) in fields {
                if let Some(v) = v {
                    m.set(bit, v);
                }
            }
            m
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn unpack_inverts_pack(m in message()) {
        let frame = m.pack().unwrap();
        prop_assert_eq!(Message::unpack(&frame).unwrap(), m);
    }

    #[test]
    fn garbage_never_panics_and_what_parses_repacks_identically(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(m) = Message::unpack(&bytes) {
            prop_assert_eq!(m.pack().unwrap(), bytes);
        }
    }

    #[test]
    fn a_flipped_byte_of_a_good_frame_never_panics(m in message(), at in any::<usize>(), with in any::<u8>()) {
        let mut frame = m.pack().unwrap();
        let i = at % frame.len();
        frame[i] ^= with | 1;
        if let Ok(back) = Message::unpack(&frame) {
            prop_assert_eq!(back.pack().unwrap(), frame);
        }
    }

    #[test]
    fn every_prefix_of_a_good_frame_is_refused(m in message()) {
        let frame = m.pack().unwrap();
        for cut in 0..frame.len() {
            prop_assert!(Message::unpack(&frame[..cut]).is_err());
        }
    }
}

mod with_card {
    use proptest::prelude::*;
    use voidguard_iso8583::messages::{CardData, Kind, Original, Request, Station};
    use voidguard_iso8583::Message;

    fn digits(min: usize, max: usize) -> impl Strategy<Value = String> {
        proptest::collection::vec(b'0'..=b'9', min..=max)
            .prop_map(|d| String::from_utf8(d).unwrap_or_default())
    }

    /// A card as a reader gives it: 12–19 digits, YYMM, track 2 of up to 37
    /// characters around `=`, an 8-byte PIN block or none.
    fn card() -> impl Strategy<Value = CardData> {
        (
            digits(12, 19),
            proptest::option::of(digits(4, 4)),
            prop_oneof![Just("011"), Just("012"), Just("021"), Just("022")],
            proptest::option::of((digits(12, 19), digits(0, 17))),
            proptest::option::of(any::<[u8; 8]>()),
        )
            .prop_map(|(pan, expiry, mode, track, pin)| CardData {
                pan,
                expiry,
                entry_mode: mode.to_owned(),
                track2: track.map(|(a, b)| format!("{a}={b}")),
                pin_block: pin.map(|p| p.to_vec()),
            })
    }

    fn kind() -> impl Strategy<Value = Kind> {
        let original = || (digits(12, 12), digits(6, 6), digits(6, 6), digits(4, 4));
        prop_oneof![
            Just(Kind::Sale),
            original().prop_map(|(rrn, auth_code, voucher_no, date)| Kind::Void {
                original: Original {
                    rrn,
                    auth_code,
                    batch_no: "000001".into(),
                    voucher_no,
                    date,
                },
            }),
            original().prop_map(|(rrn, _, _, date)| Kind::Refund {
                original: Original {
                    rrn,
                    auth_code: String::new(),
                    batch_no: String::new(),
                    voucher_no: String::new(),
                    date,
                },
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn a_card_survives_the_wire_with_its_request(card in card(), kind in kind(), amount in 0u64..1_000_000_000_000) {
            let r = Request {
                station: Station {
                    terminal_id: "10000001".into(),
                    merchant_no: "898000000000001".into(),
                },
                stan: "000042".into(),
                batch_no: "000001".into(),
                amount,
                audit_head: None,
                kind,
                card: Some(card),
            };
            let m = r.to_message();
            let pin = r.card.as_ref().and_then(|c| c.pin_block.as_ref()).is_some();
            prop_assert_eq!(m.text(26).is_some(), pin);
            let frame = m.pack().unwrap();
            let back = Request::from_message(&Message::unpack(&frame).unwrap()).unwrap();
            prop_assert_eq!(back, r);
        }
    }
}
