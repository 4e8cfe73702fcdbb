//! `money::parse_amount`: what it accepts is exactly digits with at most two
//! decimals, in (0, cap]; what it returns formats back to text that parses to the
//! same fen, in ASCII and in full-width forms alike.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use voidguard::error::Problem;
use voidguard::money::{parse_amount, Fen};

/// The terminal default, and the widest cap, where only overflow stops a number.
const CAPS: [Fen; 2] = [Fen(10_000_000), Fen(i64::MAX)];

/// The amount written out independently, in u128 so it cannot overflow.
fn reference(input: &str, cap: Fen) -> Option<i64> {
    let text = common::folded(input, 32)?;
    let (whole, frac) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text.as_str(), None),
    };
    // A point is followed by one or two decimals.
    let frac_ok = frac.is_none_or(|f| (1..=2).contains(&f.len()) && common::all_ascii_digits(f));
    if whole.is_empty() || !common::all_ascii_digits(whole) || !frac_ok {
        return None;
    }
    let frac = frac.unwrap_or("");
    let mut fen: u128 = 0;
    for b in whole.bytes() {
        fen = fen.checked_mul(10)?.checked_add(u128::from(b - b'0'))?;
    }
    let frac_fen = format!("{frac:0<2}").parse::<u128>().ok()?;
    let fen = fen.checked_mul(100)?.checked_add(frac_fen)?;
    (fen > 0 && fen <= cap.0 as u128).then_some(fen as i64)
}

fn full_width(ascii: &str) -> String {
    ascii
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let input = common::keyed(data);
    for cap in CAPS {
        let parsed = parse_amount(&input, cap);
        assert_eq!(
            parsed.as_ref().ok().map(|f| f.0),
            reference(&input, cap),
            "{input:?} under cap {cap:?}: {parsed:?}"
        );
        match parsed {
            Ok(fen) => {
                assert!(fen.0 > 0 && fen <= cap, "{input:?} gave {fen:?}");
                let text = fen.to_decimal_string();
                assert_eq!(parse_amount(&text, cap).unwrap(), fen, "{text}");
                assert_eq!(
                    parse_amount(&full_width(&text), cap).unwrap(),
                    fen,
                    "{text}"
                );
            }
            Err(e) => {
                let (_, problem) = common::refusal(&e);
                // A refusal for the cap is only ever about a number that parsed.
                if problem == Problem::OverCap {
                    assert!(parse_amount(&input, Fen(i64::MAX)).is_ok(), "{input:?}");
                }
            }
        }
    }
});
