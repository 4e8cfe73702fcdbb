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
/// Left blank, it is read off the card number's BIN (`scheme_of`), so that a caller
/// without a scheme never prints a Visa card as UnionPay.
pub fn parse_scheme(input: &str, masked_pan: &str) -> Result<String> {
    if input.trim().is_empty() {
        return Ok(scheme_of(masked_pan).to_owned());
    }
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

/// The scheme a BIN belongs to, by the issuer identification ranges the schemes
/// publish (ISO/IEC 7812 IINs): UnionPay 62 and 81; Visa 4; Mastercard 51–55 and
/// 2221–2720; American Express 34 and 37; JCB 3528–3589; Discover 6011, 644–649 and
/// 65; Diners Club 300–305, 36, 38 and 39. Anything else is named by what it is not.
pub fn scheme_of(pan: &str) -> &'static str {
    let digits: String = pan
        .chars()
        .take_while(char::is_ascii_digit)
        .take(4)
        .collect();
    let Ok(iin) = digits.parse::<u32>() else {
        return "Other";
    };
    if digits.len() < 4 {
        return "Other";
    }
    match (iin / 1000, iin / 100, iin / 10, iin) {
        (_, 62 | 81, _, _) => "UnionPay",
        (4, _, _, _) => "Visa",
        (_, 51..=55, _, _) | (_, _, _, 2221..=2720) => "Mastercard",
        (_, 34 | 37, _, _) => "American Express",
        (_, _, _, 3528..=3589) => "JCB",
        (_, 65, _, _) | (_, _, 644..=649, _) | (_, _, _, 6011) => "Discover",
        (_, 36 | 38 | 39, _, _) | (_, _, 300..=305, _) => "Diners Club",
        _ => "Other",
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
    fn a_blank_scheme_is_read_off_the_bin() {
        for (pan, scheme) in [
            ("622202******0123", "UnionPay"),
            ("8171999927660000", "UnionPay"),
            ("411111******1111", "Visa"),
            ("5500000000000004", "Mastercard"),
            ("2221000000000009", "Mastercard"),
            ("2721000000000004", "Other"),
            ("378282******0005", "American Express"),
            ("3530111333300000", "JCB"),
            ("6011111111111117", "Discover"),
            ("6500000000000002", "Discover"),
            ("30569309025904", "Diners Club"),
            ("9999999999999999", "Other"),
        ] {
            assert_eq!(parse_scheme(" ", pan).unwrap(), scheme, "{pan}");
        }
        // A scheme the acquirer named is kept as named.
        assert_eq!(
            parse_scheme("UnionPay", "411111******1111").unwrap(),
            "UnionPay"
        );
        assert!(parse_scheme("Visa;DROP", "411111******1111").is_err());
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
