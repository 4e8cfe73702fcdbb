//! `dates::parse_date` against a fuzzed today, and `BusinessDate::from_instant`.
//! Input: an optional first line with today (`YYYY-MM-DD`), then the keyed date.
//! A parsed date is a real calendar date that round-trips through `iso()`; a slip's
//! `MMDD` is never after today and at most a year before it. `from_iso` reads only
//! what `iso()` writes.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use voidguard::dates::{parse_date, BusinessDate};
use voidguard::error::Field;

const DEFAULT_TODAY: BusinessDate = BusinessDate {
    year: 2026,
    month: 11,
    day: 29,
};

fn check_instant(data: &[u8]) {
    let mut raw = [0u8; 8];
    let n = data.len().min(8);
    raw[..n].copy_from_slice(&data[..n]);
    let ms = i64::from_le_bytes(raw);
    let offset = (i32::from(raw[0] as i8) * 7).clamp(-840, 840); // configs allow ±14 h
    let date = BusinessDate::from_instant(ms, offset);
    if (1..=9999).contains(&date.year) {
        assert_eq!(
            BusinessDate::new(date.year, date.month, date.day),
            Some(date),
            "{ms} ms at {offset} min"
        );
        assert_eq!(BusinessDate::from_iso(&date.iso()), Some(date));
    }
}

fuzz_target!(|data: &[u8]| {
    check_instant(data);
    let text = common::keyed(data);
    let (today, keyed) = match text.split_once('\n') {
        Some((first, rest)) => match BusinessDate::from_iso(first) {
            Some(today) => (today, rest),
            None => (DEFAULT_TODAY, &*text),
        },
        None => (DEFAULT_TODAY, &*text),
    };
    assert_eq!(BusinessDate::from_iso(&today.iso()), Some(today));
    // `from_iso` reads what `iso()` wrote, and nothing else.
    for line in text.split('\n').take(2) {
        if let Some(date) = BusinessDate::from_iso(line) {
            assert_eq!(date.iso(), line, "{line:?} was read as {date:?}");
        }
    }
    match parse_date(keyed, today) {
        Ok(date) => {
            assert_eq!(
                BusinessDate::new(date.year, date.month, date.day),
                Some(date),
                "{keyed:?} gave an impossible {date:?}"
            );
            let iso = date.iso();
            assert_eq!(BusinessDate::from_iso(&iso), Some(date), "{iso}");
            assert_eq!(parse_date(&iso, today).unwrap(), date, "{iso}");
            assert_eq!(parse_date(&iso.replace('-', ""), today).unwrap(), date);
            assert_eq!(date.mmdd(), iso[5..].replace('-', ""));
            let folded = common::folded(keyed, 16).expect("a parsed date was keyed text");
            let digits: String = folded.chars().filter(char::is_ascii_digit).collect();
            if digits.len() == 4 {
                assert!(date <= today, "{keyed:?} on {today:?} gave {date:?}");
                assert!(date.year == today.year || date.year == today.year - 1);
                assert_eq!(date.mmdd(), digits);
            } else {
                assert_eq!(digits, iso.replace('-', ""), "{keyed:?}");
            }
        }
        Err(e) => assert_eq!(common::refusal(&e).0, Field::Date),
    }
});
