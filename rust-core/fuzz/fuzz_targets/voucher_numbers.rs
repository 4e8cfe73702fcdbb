//! `SixDigits::parse` (voucher and batch numbers): exactly six ASCII or full-width
//! digits, 000001..=999999; the number shows as the same six digits and parses back.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use voidguard::error::Field;
use voidguard::journal::numbering::SixDigits;

fuzz_target!(|data: &[u8]| {
    let input = common::keyed(data);
    for field in [Field::VoucherNo, Field::BatchNo] {
        let expected = common::folded(&input, 12)
            .filter(|t| t.len() == 6 && common::all_ascii_digits(t) && t != "000000");
        match SixDigits::parse(field, &input) {
            Ok(n) => {
                assert!((1..=999_999).contains(&n.get()), "{input:?} gave {n:?}");
                let shown = n.to_string();
                assert_eq!(Some(&shown), expected.as_ref(), "{input:?}");
                assert_eq!(SixDigits::parse(field, &shown).unwrap(), n);
                assert_eq!(SixDigits::new(n.get()), Some(n));
                assert!((1..=999_999).contains(&n.next().get()));
            }
            Err(e) => {
                assert_eq!(expected, None, "{input:?} was refused: {e:?}");
                assert_eq!(common::refusal(&e).0, field);
            }
        }
    }
});
