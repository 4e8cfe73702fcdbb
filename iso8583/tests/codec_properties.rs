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
