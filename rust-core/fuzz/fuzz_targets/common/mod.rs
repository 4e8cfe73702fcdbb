//! Helpers the targets share: reading the fuzzer's bytes as keyed text and naming the
//! refusal a parser answered with.
#![allow(dead_code)]

use std::borrow::Cow;

use voidguard::error::{Error, Field, Problem, VoidGuardError};

/// The bytes as text a merchant could have keyed; invalid UTF-8 becomes U+FFFD, which
/// is just one more character no parser may accept as a digit.
pub fn keyed(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// Splits keyed text into `N` fields at newlines; missing fields are empty. A newline
/// is a control character, which every field refuses, so none is lost by this.
pub fn fields<const N: usize>(text: &str) -> [&str; N] {
    let mut out = [""; N];
    let mut parts = text.splitn(N, '\n');
    for slot in &mut out {
        *slot = parts.next().unwrap_or("");
    }
    out
}

/// The field and problem of an input refusal; any other error is a bug in a parser.
pub fn refusal(e: &Error) -> (Field, Problem) {
    match e {
        Error::Refused(VoidGuardError::InvalidInput { field, problem }) => (*field, *problem),
        other => panic!("a parser answered with something other than a refusal: {other:?}"),
    }
}

/// What `text::required` lets through, written out independently: at most `max`
/// characters after trimming ASCII and ideographic spaces and folding full-width
/// forms, not empty, no control characters.
pub fn folded(input: &str, max: usize) -> Option<String> {
    if input.len() > max * 4 {
        return None;
    }
    let trimmed = input.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{3000}');
    let text: String = trimmed
        .chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap(),
            0x3002 => '.',
            _ => c,
        })
        .collect();
    let ok = !text.is_empty() && text.chars().count() <= max && !text.chars().any(char::is_control);
    ok.then_some(text)
}

pub fn all_ascii_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}
