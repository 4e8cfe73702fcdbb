//! `card::mask_pan` and `card::parse_scheme`. PCI DSS 3.4.1: a masked PAN shows at
//! most the first six and last four digits; a full PAN never comes back as it went in.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use voidguard::error::Field;
use voidguard::journal::card::{mask_pan, parse_scheme};

fn check_pan(input: &str) {
    let folded = common::folded(input, 19);
    match mask_pan(input) {
        Ok(masked) => {
            let folded = folded.expect("a masked PAN came from keyed text");
            let chars: Vec<char> = masked.chars().collect();
            let len = chars.len();
            assert!((12..=19).contains(&len), "{masked}");
            assert_eq!(len, folded.chars().count());
            assert!(chars[..6].iter().all(char::is_ascii_digit), "{masked}");
            assert!(
                chars[len - 4..].iter().all(char::is_ascii_digit),
                "{masked}"
            );
            assert!(chars[6..len - 4].iter().all(|c| *c == '*'), "{masked}");
            assert!(masked.chars().filter(char::is_ascii_digit).count() <= 10);
            // BIN and last four are the keyed ones, not made up.
            assert_eq!(chars[..6], folded.chars().take(6).collect::<Vec<_>>()[..]);
            assert!(folded.ends_with(&masked[masked.len() - 4..]));
            if common::all_ascii_digits(&folded) {
                assert_ne!(masked, folded, "a full PAN came back unmasked");
                assert_ne!(masked, input);
            }
            assert_eq!(mask_pan(&masked).unwrap(), masked, "masking is idempotent");
        }
        Err(e) => assert_eq!(common::refusal(&e).0, Field::CardNumber),
    }
}

/// A UnionPay BIN: a scheme left blank is read off it.
const MASKED: &str = "622202******0123";

fn check_scheme(input: &str) {
    match parse_scheme(input, MASKED) {
        Ok(scheme) if input.trim().is_empty() => assert_eq!(scheme, "UnionPay"),
        Ok(scheme) => {
            assert_eq!(Some(&scheme), common::folded(input, 20).as_ref());
            assert!(scheme
                .chars()
                .all(|c| c.is_alphanumeric() || c == ' ' || c == '-'));
            assert_eq!(parse_scheme(&scheme, MASKED).unwrap(), scheme);
        }
        Err(e) => assert_eq!(common::refusal(&e).0, Field::CardScheme),
    }
}

fuzz_target!(|data: &[u8]| {
    let input = common::keyed(data);
    check_pan(&input);
    check_scheme(&input);
});
