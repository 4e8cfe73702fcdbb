//! `VoucherNo::parse` and `BatchNo::parse`: exactly six ASCII or full-width
//! digits, 000001..=999999; the number shows as the same six digits and parses back.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use voidguard::error::Field;
use voidguard::journal::numbering::{BatchNo, VoucherNo};

/// One number type against the rule: what it accepts, shows and parses back.
macro_rules! check {
    ($number:ident, $field:expr, $input:expr) => {{
        let input = $input;
        let expected = common::folded(input, 12)
            .filter(|t| t.len() == 6 && common::all_ascii_digits(t) && t != "000000");
        match $number::parse(input) {
            Ok(n) => {
                assert!((1..=999_999).contains(&n.get()), "{input:?} gave {n:?}");
                let shown = n.to_string();
                assert_eq!(Some(&shown), expected.as_ref(), "{input:?}");
                assert_eq!($number::parse(&shown).unwrap(), n);
                assert_eq!($number::new(n.get()), Some(n));
                assert!((1..=999_999).contains(&n.next().get()));
            }
            Err(e) => {
                assert_eq!(expected, None, "{input:?} was refused: {e:?}");
                assert_eq!(common::refusal(&e).0, $field);
            }
        }
    }};
}

fuzz_target!(|data: &[u8]| {
    let input = common::keyed(data);
    check!(VoucherNo, Field::VoucherNo, &input);
    check!(BatchNo, Field::BatchNo, &input);
});
