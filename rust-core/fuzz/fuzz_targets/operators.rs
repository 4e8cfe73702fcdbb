//! `operators::parse`, `parse_transacting`, `check_authoriser` and `parse_reason`.
//! Input: three lines, the operator who keys, the one who authorises, the reason.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use voidguard::config::DEFAULT_REASONS;
use voidguard::error::{Error, Field, Problem, VoidGuardError};
use voidguard::operators::{self, SUPERVISOR, SYSTEM_ADMIN};

fn two_digits(input: &str) -> Option<String> {
    common::folded(input, 4).filter(|t| t.len() == 2 && common::all_ascii_digits(t))
}

fn check_operator(input: &str, field: Field) -> Option<String> {
    let parsed = operators::parse(field, input);
    assert_eq!(
        parsed.as_ref().ok(),
        two_digits(input).as_ref(),
        "{input:?}"
    );
    if let Err(e) = &parsed {
        assert_eq!(common::refusal(e).0, field);
    }
    match operators::parse_transacting(field, input) {
        Ok(op) => {
            assert_ne!(op, SYSTEM_ADMIN);
            assert_eq!(Some(&op), parsed.as_ref().ok());
        }
        Err(e) => {
            let (f, problem) = common::refusal(&e);
            assert_eq!(f, field);
            if problem == Problem::NotAllowed {
                assert_eq!(parsed.as_deref().ok(), Some(SYSTEM_ADMIN));
            } else {
                assert!(parsed.is_err(), "{input:?} parsed but may not transact");
            }
        }
    }
    parsed.ok()
}

fuzz_target!(|data: &[u8]| {
    let text = common::keyed(data);
    let [keyed_by, authorised_by, reason] = common::fields::<3>(&text);
    let keyed_by = check_operator(keyed_by, Field::OperatorNo);
    let authorised_by = check_operator(authorised_by, Field::AuthoriserNo);
    if let (Some(k), Some(a)) = (keyed_by, authorised_by) {
        match operators::check_authoriser(&k, &a) {
            Ok(()) => assert!(k != a || k == SUPERVISOR, "{k} authorised their own void"),
            Err(Error::Refused(VoidGuardError::SelfAuthorisation { operator_no })) => {
                assert_eq!(k, a);
                assert_ne!(k, SUPERVISOR);
                assert_eq!(operator_no, k);
            }
            Err(other) => panic!("{other:?}"),
        }
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
