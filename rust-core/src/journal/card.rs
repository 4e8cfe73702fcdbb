//! Card data as the journal may hold it. PCI DSS 3.4.1: at most the first six and
//! last four digits of a PAN are kept; the full number, track data and PIN never are.

use crate::error::{invalid, Field, Problem, Result};
use crate::text;

/// Masks a keyed or reported card number. A full PAN (12–19 digits) is masked here and
/// the digits in between are never stored; an already masked one (`622202******1234`)
/// is checked to reveal no more than BIN + last four.
pub fn mask_pan(input: &str) -> Result<String> {
    let text = text::required(Field::CardNumber, input, 19)?;
    let len = text.chars().count();
    if !(12..=19).contains(&len) {
        return Err(invalid(Field::CardNumber, Problem::WrongLength));
    }
    let chars: Vec<char> = text.chars().collect();
    if chars.iter().all(char::is_ascii_digit) {
        let mut masked = String::with_capacity(len);
        masked.extend(&chars[..6]);
        masked.extend(std::iter::repeat_n('*', len - 10));
        masked.extend(&chars[len - 4..]);
        return Ok(masked);
    }
    let head_digits = chars[..6].iter().all(char::is_ascii_digit);
    let tail_digits = chars[len - 4..].iter().all(char::is_ascii_digit);
    let middle_masked = chars[6..len - 4].iter().all(|c| *c == '*');
    if head_digits && tail_digits && middle_masked {
        Ok(chars.into_iter().collect())
    } else {
        Err(invalid(Field::CardNumber, Problem::Malformed))
    }
}

/// The card scheme as named by the acquirer: letters, digits and spaces, 1–20 chars.
pub fn parse_scheme(input: &str) -> Result<String> {
    let text = text::required(Field::CardScheme, input, 20)?;
    if text
        .chars()
        .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
    {
        Ok(text)
    } else {
        Err(invalid(Field::CardScheme, Problem::Malformed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_pan_keeps_only_bin_and_last_four() {
        let masked = mask_pan("6222021234567890123").unwrap();
        assert_eq!(masked, "622202*********0123");
        assert!(!masked.contains("1234567890"));
        assert_eq!(mask_pan("4111111111111111").unwrap(), "411111******1111");
    }

    #[test]
    fn masked_pan_is_accepted_if_it_reveals_no_more() {
        assert_eq!(mask_pan("622202******1234").unwrap(), "622202******1234");
        assert!(mask_pan("6222021*****1234").is_err());
        assert!(mask_pan("62220******1234").is_err());
    }

    #[test]
    fn wrong_lengths_and_letters_are_refused() {
        assert!(mask_pan("12345678901").is_err());
        assert!(mask_pan("12345678901234567890").is_err());
        assert!(mask_pan("4111-1111-1111-1111").is_err());
        assert!(mask_pan("").is_err());
    }
}
