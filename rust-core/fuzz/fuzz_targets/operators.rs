//! `operators::parse` and `parse_reason`: an operator number is two ASCII or
//! full-width digits, 00 to 99; a void reason is one of the configured codes.
//! Input: two lines, the operator number and the reason. (Who may transact is the
//! session's role, checked by the calls themselves: tests/operators.rs.)
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use voidguard::config::DEFAULT_REASONS;
use voidguard::error::Field;
use voidguard::operators;

fn two_digits(input: &str) -> Option<String> {
    common::folded(input, 4).filter(|t| t.len() == 2 && common::all_ascii_digits(t))
}

fuzz_target!(|data: &[u8]| {
    let text = common::keyed(data);
    let [operator_no, reason] = common::fields::<2>(&text);
    let parsed = operators::parse(Field::OperatorNo, operator_no);
    assert_eq!(
        parsed.as_ref().ok(),
        two_digits(operator_no).as_ref(),
        "{operator_no:?}"
    );
    if let Err(e) = &parsed {
        assert_eq!(common::refusal(e).0, Field::OperatorNo);
    }
    let allowed: Vec<String> = DEFAULT_REASONS.iter().map(|r| (*r).to_owned()).collect();
    match operators::parse_reason(reason, &allowed) {
        Ok(r) => {
            assert!(allowed.contains(&r));
            assert_eq!(Some(r), common::folded(reason, 64));
        }
        Err(e) => {
            assert_eq!(common::refusal(&e).0, Field::VoidReason);
            assert!(common::folded(reason, 64).is_none_or(|r| !allowed.contains(&r)));
        }
    }
});
