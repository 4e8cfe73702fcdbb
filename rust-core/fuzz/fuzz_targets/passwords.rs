//! `vault::policy::parse` and `parse_new`: a password is six ASCII or full-width
//! digits; one that may be set is also not trivial. `is_trivial` takes any bytes.
//! `operators::accounts::parse_password` and `parse_new_password`: eight digits for
//! the administrator, four to eight for a cashier, six for the supervisor.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use voidguard::error::{Error, Field, VoidGuardError};
use voidguard::operators::accounts::{parse_new_password, parse_password, Role};
use voidguard::vault::policy::{is_trivial, parse, parse_new};

/// The operators' rule, written out independently.
fn check_operator_passwords(input: &str) {
    for (role, lengths) in [
        (Role::Administrator, 8..=8),
        (Role::Cashier, 4..=8),
        (Role::Supervisor, 6..=6),
    ] {
        let expected = common::folded(input, usize::MAX / 8)
            .filter(|t| lengths.contains(&t.len()) && common::all_ascii_digits(t));
        match parse_password(role, input) {
            Ok(p) => assert_eq!(Some(p.as_str()), expected.as_deref(), "{role:?} {input:?}"),
            Err(e) => {
                assert!(expected.is_none(), "{role:?} refused {input:?}");
                assert_eq!(common::refusal(&e).0, Field::Password);
            }
        }
        if let Ok(p) = parse_new_password(role, input) {
            assert!(!trivial(p.as_bytes()), "{role:?} took trivial {p:?}");
        }
    }
}

/// Trivial written out independently: one digit repeated, a run up or down by one
/// (wrapping 9 → 0), or a pattern of two or three repeated.
fn trivial(d: &[u8]) -> bool {
    let run = |step: u8| {
        d.windows(2)
            .all(|w| (w[0] - b'0' + step) % 10 == w[1] - b'0')
    };
    let period = |p: usize| d.iter().zip(d.iter().skip(p)).all(|(a, b)| a == b);
    run(0) || run(1) || run(9) || period(2) || period(3)
}

fuzz_target!(|data: &[u8]| {
    let _ = is_trivial(data);
    let input = common::keyed(data);
    check_operator_passwords(&input);
    let expected = common::folded(&input, usize::MAX / 8)
        .filter(|t| t.len() == 6 && common::all_ascii_digits(t));
    match parse(&input) {
        Ok(password) => {
            assert_eq!(Some(password.as_str()), expected.as_deref());
            assert_eq!(
                is_trivial(password.as_bytes()),
                trivial(password.as_bytes())
            );
            match parse_new(&input) {
                Ok(new) => {
                    assert_eq!(new, password);
                    assert!(!trivial(new.as_bytes()), "{} may be set", new.as_str());
                }
                Err(Error::Refused(VoidGuardError::TrivialPassword)) => {
                    assert!(trivial(password.as_bytes()));
                }
                Err(other) => panic!("a parsed password refused as {other:?}"),
            }
        }
        Err(e) => {
            assert_eq!(expected, None, "{input:?} was refused");
            assert_eq!(common::refusal(&e).0, Field::Password);
            // The refusal is the same when setting one; no message carries the text.
            let new = parse_new(&input).unwrap_err();
            assert_eq!(common::refusal(&new), common::refusal(&e));
            if let Some(digits) = common::folded(&input, 64).filter(|t| common::all_ascii_digits(t))
            {
                assert!(!format!("{e} {e:?} {new} {new:?}").contains(&digits));
            }
        }
    }
});
