//! What a void password may be: six digits that are not trivially guessed.

use zeroize::Zeroizing;

use crate::error::{invalid, Field, Problem, Result, VoidGuardError};
use crate::text;

/// Reads a keyed password: exactly six digits (full-width accepted). The text is
/// wiped when the result is dropped; no error mentions it.
pub fn parse(input: &str) -> Result<Zeroizing<String>> {
    let text = Zeroizing::new(text::normalise(input));
    if text.is_empty() {
        return Err(invalid(Field::Password, Problem::Empty));
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(Field::Password, Problem::NotDigits));
    }
    if text.len() != 6 {
        return Err(invalid(Field::Password, Problem::WrongLength));
    }
    Ok(text)
}

/// A password that may be set: parsed, and refused when trivial.
pub fn parse_new(input: &str) -> Result<Zeroizing<String>> {
    let password = parse(input)?;
    if is_trivial(password.as_bytes()) {
        return Err(VoidGuardError::TrivialPassword.into());
    }
    Ok(password)
}

/// All one digit (000000, 888888), a run up or down (123456, 987654, wrapping 789012),
/// or a short pattern repeated (121212, 123123). 123456, the factory default on most
/// terminals, is a run.
pub fn is_trivial(digits: &[u8]) -> bool {
    let d: Vec<i16> = digits
        .iter()
        .map(|b| i16::from(*b) - i16::from(b'0'))
        .collect();
    let step_is = |step: i16| {
        d.windows(2)
            .all(|w| (w[1] - w[0]).rem_euclid(10) == step.rem_euclid(10))
    };
    let period = |p: usize| d.iter().enumerate().all(|(i, x)| *x == d[i % p]);
    step_is(0) || step_is(1) || step_is(-1) || period(2) || period(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trivial_passwords_are_recognised() {
        for p in [
            "123456", "000000", "888888", "654321", "789012", "121212", "123123", "098765",
        ] {
            assert!(is_trivial(p.as_bytes()), "{p}");
        }
        for p in ["274816", "135792", "918273", "502413"] {
            assert!(!is_trivial(p.as_bytes()), "{p}");
        }
    }

    #[test]
    fn trivial_password_is_refused_when_set() {
        assert!(matches!(
            parse_new("123456"),
            Err(crate::error::Error::Refused(
                VoidGuardError::TrivialPassword
            ))
        ));
        assert_eq!(parse_new("２７４８１６").unwrap().as_str(), "274816");
    }

    #[test]
    fn malformed_passwords_are_typed_and_silent() {
        for (input, problem) in [
            ("", Problem::Empty),
            ("12345", Problem::WrongLength),
            ("12a456", Problem::NotDigits),
        ] {
            match parse(input) {
                Err(crate::error::Error::Refused(VoidGuardError::InvalidInput {
                    field,
                    problem: p,
                })) => {
                    assert_eq!(field, Field::Password);
                    assert_eq!(p, problem);
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
