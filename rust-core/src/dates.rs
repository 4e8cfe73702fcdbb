//! Business dates. The terminal's local date comes from the UTC instant and the
//! configured UTC offset (China keeps one zone, UTC+8, and no daylight saving), so no
//! time-zone database is needed on the device.

use crate::error::{invalid, Field, Problem, Result};
use crate::text;

/// A calendar date, stored and shown as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BusinessDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

const MS_PER_DAY: i64 = 86_400_000;

impl BusinessDate {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Self> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Self { year, month, day })
    }

    /// The local date of a UTC instant at a fixed offset.
    pub fn from_instant(utc_ms: i64, offset_minutes: i32) -> Self {
        let local = utc_ms.saturating_add(i64::from(offset_minutes) * 60_000);
        civil_from_days(local.div_euclid(MS_PER_DAY))
    }

    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `MMDD`, as printed on Chinese slips.
    pub fn mmdd(&self) -> String {
        format!("{:02}{:02}", self.month, self.day)
    }

    /// Reads a date stored by this crate.
    pub fn from_iso(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        // `parse` would also take a sign: "2026-+1-29" is not a date this crate wrote.
        if !b
            .iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        {
            return None;
        }
        let year = s.get(0..4)?.parse().ok()?;
        let month = s.get(5..7)?.parse().ok()?;
        let day = s.get(8..10)?.parse().ok()?;
        Self::new(year, month, day)
    }
}

/// `YYYY-MM-DD` or `YYYY/MM/DD`, separators where they belong.
fn is_dashed(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10 && matches!(b[4], b'-' | b'/') && b[7] == b[4]
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> BusinessDate {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    BusinessDate { year, month, day }
}

/// Parses a date as keyed: `YYYY-MM-DD`, `YYYYMMDD`, or `MMDD` (the slip's form,
/// taken in the year that puts it on or before `today`).
pub fn parse_date(input: &str, today: BusinessDate) -> Result<BusinessDate> {
    let text = text::required(Field::Date, input, 16)?;
    let digits: String = text.chars().filter(|c| *c != '-' && *c != '/').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(Field::Date, Problem::NotDigits));
    }
    let separators = text.len() - digits.len();
    let num = |s: &str| {
        s.parse::<u32>()
            .map_err(|_| invalid(Field::Date, Problem::Malformed))
    };
    let date = match (digits.len(), separators) {
        (8, 0) | (8, 2) if separators == 0 || is_dashed(&text) => {
            let year = num(&digits[0..4])? as i32;
            BusinessDate::new(year, num(&digits[4..6])?, num(&digits[6..8])?)
        }
        (4, 0) => {
            let (month, day) = (num(&digits[0..2])?, num(&digits[2..4])?);
            match BusinessDate::new(today.year, month, day) {
                Some(d) if d <= today => Some(d),
                Some(_) | None => BusinessDate::new(today.year - 1, month, day),
            }
        }
        _ => return Err(invalid(Field::Date, Problem::WrongLength)),
    };
    date.ok_or_else(|| invalid(Field::Date, Problem::NoSuchDate))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> BusinessDate {
        BusinessDate::new(y, m, day).unwrap()
    }

    #[test]
    fn instants_map_to_local_dates() {
        // 2026-11-28T16:30:00Z is 00:30 on the 29th in Beijing.
        let ms = 1_795_883_400_000;
        assert_eq!(BusinessDate::from_instant(ms, 0), d(2026, 11, 28));
        assert_eq!(BusinessDate::from_instant(ms, 480), d(2026, 11, 29));
        assert_eq!(BusinessDate::from_instant(0, 0), d(1970, 1, 1));
        assert_eq!(BusinessDate::from_instant(-1, 0), d(1969, 12, 31));
    }

    #[test]
    fn keyed_forms_parse() {
        let today = d(2026, 11, 29);
        assert_eq!(parse_date("2026-11-29", today).unwrap(), today);
        assert_eq!(parse_date("20261129", today).unwrap(), today);
        assert_eq!(parse_date("1129", today).unwrap(), today);
        assert_eq!(parse_date("１１２９", today).unwrap(), today);
        assert_eq!(parse_date("1231", today).unwrap(), d(2025, 12, 31));
    }

    #[test]
    fn impossible_dates_are_refused() {
        let today = d(2026, 11, 29);
        for bad in ["2026-02-29", "20261301", "0230", "2026-11-31", "00000101"] {
            assert!(parse_date(bad, today).is_err(), "{bad}");
        }
        assert!(parse_date("2024-02-29", today).is_ok());
        assert!(parse_date("11/29/2026", today).is_err());
        assert!(parse_date("2026-1-129", today).is_err());
    }

    #[test]
    fn iso_round_trips() {
        let date = d(2026, 3, 7);
        assert_eq!(BusinessDate::from_iso(&date.iso()), Some(date));
        assert_eq!(BusinessDate::from_iso("2026-02-30"), None);
        assert_eq!(BusinessDate::from_iso("2026-+1-29"), None);
    }
}
