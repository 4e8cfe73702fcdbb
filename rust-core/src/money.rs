//! Money: integer fen (minor units of CNY), never a float.

use crate::error::{invalid, Field, Problem, Result};
use crate::text;

/// ISO 4217 numeric code of the renminbi.
pub const CNY: u16 = 156;

/// An amount in fen. 100 fen = 1 yuan.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

uniffi::custom_newtype!(Fen, i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    /// `12.34` style, as printed on a slip.
    pub fn to_decimal_string(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl std::fmt::Display for Fen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_decimal_string())
    }
}

/// Parses amount text as keyed on a terminal: `12.34`, `12`, `0.5`, full-width digits.
/// Refuses negative, zero, more than two decimals, over `cap`, garbage and overflow.
pub fn parse_amount(input: &str, cap: Fen) -> Result<Fen> {
    let text = text::required(Field::Amount, input, 32)?;
    if text.starts_with('-') {
        return Err(invalid(Field::Amount, Problem::Negative));
    }
    let (whole, frac) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text.as_str(), None),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || whole.is_empty() {
        return Err(invalid(Field::Amount, Problem::Malformed));
    }
    let frac = match frac {
        None => "",
        Some(f) if f.is_empty() || !all_digits(f) => {
            return Err(invalid(Field::Amount, Problem::Malformed))
        }
        Some(f) if f.len() > 2 => return Err(invalid(Field::Amount, Problem::TooManyDecimals)),
        Some(f) => f,
    };
    let overflow = || invalid(Field::Amount, Problem::Overflow);
    let mut fen: i64 = 0;
    for b in whole.bytes() {
        fen = fen
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(b - b'0')))
            .ok_or_else(overflow)?;
    }
    fen = fen.checked_mul(100).ok_or_else(overflow)?;
    let mut frac_fen: i64 = 0;
    for (i, b) in frac.bytes().enumerate() {
        frac_fen += i64::from(b - b'0') * if i == 0 { 10 } else { 1 };
    }
    let fen = fen.checked_add(frac_fen).ok_or_else(overflow)?;
    if fen == 0 {
        return Err(invalid(Field::Amount, Problem::Zero));
    }
    if fen > cap.0 {
        return Err(invalid(Field::Amount, Problem::OverCap));
    }
    Ok(Fen(fen))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Error, VoidGuardError};
    use proptest::prelude::*;

    const CAP: Fen = Fen(10_000_000_000);

    fn problem(input: &str) -> Problem {
        match parse_amount(input, CAP) {
            Err(Error::Refused(VoidGuardError::InvalidInput { problem, .. })) => problem,
            other => panic!("{input:?}: expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn keyed_amounts_parse_to_fen() {
        assert_eq!(parse_amount("12.34", CAP).unwrap(), Fen(1234));
        assert_eq!(parse_amount("12", CAP).unwrap(), Fen(1200));
        assert_eq!(parse_amount("0.5", CAP).unwrap(), Fen(50));
        assert_eq!(parse_amount("０.０１", CAP).unwrap(), Fen(1));
        assert_eq!(parse_amount("１２．３４", CAP).unwrap(), Fen(1234));
        assert_eq!(parse_amount(" 007.10 ", CAP).unwrap(), Fen(710));
    }

    #[test]
    fn bad_amounts_are_typed_refusals() {
        assert_eq!(problem("-1"), Problem::Negative);
        assert_eq!(problem("0"), Problem::Zero);
        assert_eq!(problem("0.00"), Problem::Zero);
        assert_eq!(problem("1.234"), Problem::TooManyDecimals);
        assert_eq!(problem("1e3"), Problem::Malformed);
        assert_eq!(problem("1,000"), Problem::Malformed);
        assert_eq!(problem("12."), Problem::Malformed);
        assert_eq!(problem(".5"), Problem::Malformed);
        assert_eq!(problem("abc"), Problem::Malformed);
        assert_eq!(problem(""), Problem::Empty);
        assert_eq!(problem("99999999999999999999"), Problem::Overflow);
        assert_eq!(problem("100000000.01"), Problem::OverCap);
        assert_eq!(problem("٣"), Problem::Malformed);
    }

    proptest! {
        #[test]
        fn formatting_then_parsing_round_trips(fen in 1i64..=CAP.0) {
            let text = Fen(fen).to_decimal_string();
            prop_assert_eq!(parse_amount(&text, CAP).unwrap(), Fen(fen));
        }

        #[test]
        fn full_width_text_parses_like_ascii(fen in 1i64..=CAP.0) {
            let ascii = Fen(fen).to_decimal_string();
            let wide: String = ascii.chars().map(|c| char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap()).collect();
            prop_assert_eq!(parse_amount(&wide, CAP).unwrap(), Fen(fen));
        }

        #[test]
        fn parsing_never_panics(s in "\\PC{0,40}") {
            let _ = parse_amount(&s, CAP);
        }
    }
}
