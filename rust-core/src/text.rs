//! Normalisation of what the merchant keys in. Chinese input methods often produce
//! full-width digits and punctuation (`１２．３４`); those are folded to ASCII here so
//! every parser sees one alphabet. Other scripts' digits stay as they are and are
//! refused by the parsers.

use crate::error::{invalid, Field, Problem, Result};

/// Trims ASCII and ideographic spaces and folds full-width ASCII (U+FF01..U+FF5E).
pub fn normalise(input: &str) -> String {
    input
        .trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{3000}')
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
            '\u{3002}' => '.', // ideographic full stop, as typed for a decimal point
            other => other,
        })
        .collect()
}

/// Normalises and refuses empty or oversized text.
pub fn required(field: Field, input: &str, max_chars: usize) -> Result<String> {
    if input.len() > max_chars.saturating_mul(4) {
        return Err(invalid(field, Problem::TooLong));
    }
    let text = normalise(input);
    if text.is_empty() {
        return Err(invalid(field, Problem::Empty));
    }
    if text.chars().count() > max_chars {
        return Err(invalid(field, Problem::TooLong));
    }
    if text.chars().any(char::is_control) {
        return Err(invalid(field, Problem::Malformed));
    }
    Ok(text)
}

/// A field of exactly `len` ASCII digits (after normalisation).
pub fn fixed_digits(field: Field, input: &str, len: usize) -> Result<String> {
    let text = required(field, input, len.max(1) * 2)?;
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(field, Problem::NotDigits));
    }
    if text.len() != len {
        return Err(invalid(field, Problem::WrongLength));
    }
    Ok(text)
}

/// Upper-case ASCII letters and digits of exactly `len` characters.
pub fn fixed_alnum(field: Field, input: &str, len: usize) -> Result<String> {
    let text = required(field, input, len * 2)?.to_ascii_uppercase();
    if !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(invalid(field, Problem::Malformed));
    }
    if text.len() != len {
        return Err(invalid(field, Problem::WrongLength));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Error, VoidGuardError};

    fn problem(r: Result<String>) -> Problem {
        match r {
            Err(Error::Refused(VoidGuardError::InvalidInput { problem, .. })) => problem,
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    #[test]
    fn full_width_digits_and_point_fold_to_ascii() {
        assert_eq!(normalise("　１２．３４ "), "12.34");
        assert_eq!(normalise("１２。５"), "12.5");
    }

    #[test]
    fn arabic_indic_digits_are_not_digits() {
        assert_eq!(
            problem(fixed_digits(Field::VoucherNo, "١٢٣٤٥٦", 6)),
            Problem::NotDigits
        );
    }

    #[test]
    fn fixed_digits_checks_alphabet_then_length() {
        assert_eq!(
            fixed_digits(Field::VoucherNo, "０００１２３", 6).unwrap(),
            "000123"
        );
        assert_eq!(
            problem(fixed_digits(Field::VoucherNo, "12345", 6)),
            Problem::WrongLength
        );
        assert_eq!(
            problem(fixed_digits(Field::VoucherNo, "12a456", 6)),
            Problem::NotDigits
        );
        assert_eq!(
            problem(fixed_digits(Field::VoucherNo, "   ", 6)),
            Problem::Empty
        );
        assert_eq!(
            problem(fixed_digits(Field::VoucherNo, "1\u{0}2345", 6)),
            Problem::Malformed
        );
    }

    #[test]
    fn oversized_text_is_refused_before_normalising() {
        let big = "1".repeat(1 << 20);
        assert_eq!(
            problem(required(Field::Contact, &big, 64)),
            Problem::TooLong
        );
    }

    #[test]
    fn control_characters_are_malformed() {
        assert_eq!(
            problem(required(Field::Contact, "a\u{0}b", 64)),
            Problem::Malformed
        );
    }
}
