//! `approvals::parse_request_code` and `parse_approval_code`: ten and eight ASCII or
//! full-width digits. Every code the back office computes for a request code the
//! terminal accepts is itself accepted, unchanged.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use voidguard::approvals::{parse_approval_code, parse_request_code};
use voidguard::backoffice::{approval_code, Action};
use voidguard::error::Field;

const SECRET: [u8; 16] = *b"\x7c\x1f\x9a\x2b\x5d\x3e\x4f\x60\x71\x82\x93\xa4\xb5\xc6\xd7\xe8";

/// `len` digits after folding, from text of at most `max` characters.
fn digits_of_len(input: &str, len: usize, max: usize) -> Option<String> {
    common::folded(input, max).filter(|t| t.len() == len && common::all_ascii_digits(t))
}

fuzz_target!(|data: &[u8]| {
    let input = common::keyed(data);
    match parse_request_code(&input) {
        Ok(code) => {
            assert_eq!(
                Some(&code),
                digits_of_len(&input, 10, 20).as_ref(),
                "{input:?}"
            );
            for action in [Action::Permit, Action::Reset, Action::Lift] {
                let approval = approval_code(&SECRET, action, &code);
                assert_eq!(parse_approval_code(&approval).unwrap().as_str(), approval);
            }
        }
        Err(e) => {
            assert_eq!(common::refusal(&e).0, Field::RequestCode);
            assert!(
                digits_of_len(&input, 10, 20).is_none(),
                "{input:?} was refused"
            );
        }
    }
    match parse_approval_code(&input) {
        Ok(code) => {
            let expected = digits_of_len(&input, 8, usize::MAX / 8);
            assert_eq!(Some(code.as_str()), expected.as_deref(), "{input:?}");
        }
        Err(e) => {
            assert_eq!(common::refusal(&e).0, Field::ApprovalCode);
            assert!(
                digits_of_len(&input, 8, usize::MAX / 8).is_none(),
                "{input:?} was refused"
            );
        }
    }
});
