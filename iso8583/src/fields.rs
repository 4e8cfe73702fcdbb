//! The one table of the fields a CUPS POS terminal uses, and how each is written.
//!
//! Choices (checked against public UnionPay-spec terminal code; see the README):
//! - numeric (`n`) fields are packed BCD, two digits a byte; an odd count is padded
//!   with a 0 nibble, on the left for right-aligned fields (F23), on the right for
//!   left-aligned ones (F2, F22, F32, F48, F60, F61);
//! - track data (`z`, F35) is BCD with `=` written as nibble D, left-aligned, padded
//!   with F;
//! - `an`/`ans` fields are ASCII (printable only), `b` fields raw bytes;
//! - LLVAR lengths are one BCD byte, LLLVAR two (first nibble 0); for `n` and `z`
//!   fields they count digits, for the others bytes.

use crate::error::{IsoError, Place, Result};

/// How a field's content is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// BCD digits, pad nibble on the left.
    NumRight,
    /// BCD digits, pad nibble on the right.
    NumLeft,
    /// Track data: digits and `=` (nibble D), left-aligned, pad F.
    Track,
    /// Printable ASCII.
    Text,
    /// Raw bytes.
    Binary,
}

/// How a field's length is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    Fixed(usize),
    /// One BCD byte, up to the maximum.
    Ll(usize),
    /// Two BCD bytes, up to the maximum.
    Lll(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub bit: u8,
    pub content: Content,
    pub length: Length,
    pub name: &'static str,
}

const fn f(bit: u8, content: Content, length: Length, name: &'static str) -> FieldSpec {
    FieldSpec {
        bit,
        content,
        length,
        name,
    }
}

use Content::*;
use Length::*;

/// The fields used, in bit order. A bit not here is refused (`UnknownBit`).
pub const FIELDS: &[FieldSpec] = &[
    f(2, NumLeft, Ll(19), "primary account number"),
    f(3, NumRight, Fixed(6), "processing code"),
    f(4, NumRight, Fixed(12), "amount, transaction"),
    f(
        11,
        NumRight,
        Fixed(6),
        "system trace audit number (voucher no)",
    ),
    f(12, NumRight, Fixed(6), "local time hhmmss"),
    f(13, NumRight, Fixed(4), "local date MMDD"),
    f(14, NumRight, Fixed(4), "expiry YYMM"),
    f(22, NumLeft, Fixed(3), "POS entry mode"),
    f(23, NumRight, Fixed(3), "card sequence number"),
    f(25, NumRight, Fixed(2), "POS condition code"),
    f(26, NumRight, Fixed(2), "PIN capture code"),
    f(32, NumLeft, Ll(11), "acquiring institution id"),
    f(35, Track, Ll(37), "track 2"),
    f(37, Text, Fixed(12), "retrieval reference number"),
    f(38, Text, Fixed(6), "authorisation code"),
    f(39, Text, Fixed(2), "response code"),
    f(41, Text, Fixed(8), "terminal id"),
    f(42, Text, Fixed(15), "merchant no"),
    f(44, Text, Ll(25), "additional response data"),
    f(48, NumLeft, Lll(322), "additional data (settlement totals)"),
    f(49, Text, Fixed(3), "currency code"),
    f(52, Binary, Fixed(8), "PIN block"),
    f(53, NumRight, Fixed(16), "security control information"),
    f(59, Text, Lll(999), "private: terminal audit head"),
    f(60, NumLeft, Lll(17), "private: type, batch, network code"),
    f(
        61,
        NumLeft,
        Lll(29),
        "private: original batch, voucher, date",
    ),
    f(
        62,
        Binary,
        Lll(512),
        "private: working keys / terminal data",
    ),
    f(63, Text, Lll(163), "private: operator / card scheme"),
    f(64, Binary, Fixed(8), "MAC"),
];

pub fn spec(bit: u8) -> Result<&'static FieldSpec> {
    FIELDS
        .iter()
        .find(|s| s.bit == bit)
        .ok_or(IsoError::UnknownBit { bit })
}

impl FieldSpec {
    fn counts_digits(&self) -> bool {
        matches!(self.content, NumRight | NumLeft | Track)
    }

    /// The count the length prefix (or fixed length) is about: digits or bytes.
    fn count(&self, value: &[u8]) -> usize {
        value.len()
    }

    /// Checks a value (ASCII digits for numeric fields, `=` too for track data,
    /// printable ASCII for text, anything for binary) and its length.
    pub fn check(&self, value: &[u8]) -> Result<()> {
        let bit = self.bit;
        let ok = match self.content {
            NumRight | NumLeft => value.iter().all(u8::is_ascii_digit),
            Track => value.iter().all(|&b| b.is_ascii_digit() || b == b'='),
            Text => value.iter().all(|&b| (0x20..0x7f).contains(&b)),
            Binary => true,
        };
        if !ok {
            return Err(IsoError::BadValue { bit });
        }
        let len = self.count(value);
        let fits = match self.length {
            Fixed(n) => len == n,
            Ll(max) | Lll(max) => len <= max,
        };
        if fits {
            Ok(())
        } else {
            Err(IsoError::BadLength { bit, len })
        }
    }

    /// Appends the field (length prefix and content) to `out`.
    pub fn pack(&self, value: &[u8], out: &mut Vec<u8>) -> Result<()> {
        self.check(value)?;
        let len = self.count(value);
        match self.length {
            Fixed(_) => {}
            Ll(_) => out.extend(bcd_number(len, 1)),
            Lll(_) => out.extend(bcd_number(len, 2)),
        }
        match self.content {
            Text | Binary => out.extend_from_slice(value),
            NumRight => pack_nibbles(value, true, 0, out),
            NumLeft => pack_nibbles(value, false, 0, out),
            Track => pack_nibbles(value, false, 0xF, out),
        }
        Ok(())
    }

    /// Reads the field at `*pos`, advancing it.
    pub fn unpack(&self, frame: &[u8], pos: &mut usize) -> Result<Vec<u8>> {
        let bit = self.bit;
        let len = match self.length {
            Fixed(n) => n,
            Ll(max) | Lll(max) => {
                let width = if matches!(self.length, Ll(_)) { 1 } else { 2 };
                let raw = take(frame, pos, width)?;
                let len = read_bcd_number(raw).ok_or(IsoError::BadBcd {
                    place: Place::LengthOf(bit),
                })?;
                if len > max {
                    return Err(IsoError::BadLength { bit, len });
                }
                len
            }
        };
        let bytes = if self.counts_digits() {
            len.div_ceil(2)
        } else {
            len
        };
        let raw = take(frame, pos, bytes)?;
        let place = Place::Field(bit);
        let value = match self.content {
            Text | Binary => raw.to_vec(),
            NumRight => unpack_nibbles(raw, len, true, 0, place)?,
            NumLeft => unpack_nibbles(raw, len, false, 0, place)?,
            Track => unpack_nibbles(raw, len, false, 0xF, place)?,
        };
        self.check(&value)?;
        Ok(value)
    }
}

pub(crate) fn take<'a>(frame: &'a [u8], pos: &mut usize, n: usize) -> Result<&'a [u8]> {
    let end = pos.checked_add(n).ok_or(IsoError::Short {
        offset: *pos,
        needed: n,
    })?;
    match frame.get(*pos..end) {
        Some(s) => {
            *pos = end;
            Ok(s)
        }
        None => Err(IsoError::Short {
            offset: *pos,
            needed: end - frame.len(),
        }),
    }
}

fn digit_nibble(c: u8) -> u8 {
    if c == b'=' {
        0xD
    } else {
        c - b'0'
    }
}

/// Packs ASCII digits (and `=`) into nibbles; an odd count gets `pad` on the left
/// (`right_aligned`) or on the right.
fn pack_nibbles(value: &[u8], right_aligned: bool, pad: u8, out: &mut Vec<u8>) {
    let mut nibbles: Vec<u8> = Vec::with_capacity(value.len() + 1);
    let odd = value.len() % 2 == 1;
    if odd && right_aligned {
        nibbles.push(pad);
    }
    nibbles.extend(value.iter().map(|&c| digit_nibble(c)));
    if odd && !right_aligned {
        nibbles.push(pad);
    }
    out.extend(nibbles.chunks(2).map(|p| (p[0] << 4) | p[1]));
    // The digits may be a card number or track 2.
    zeroize::Zeroize::zeroize(&mut nibbles);
}

/// The inverse of `pack_nibbles`, refusing a pad nibble other than `pad` and any
/// nibble that is not a digit (or D in track data, which `pad` F marks).
fn unpack_nibbles(
    raw: &[u8],
    digits: usize,
    right_aligned: bool,
    pad: u8,
    place: Place,
) -> Result<Vec<u8>> {
    let bad = IsoError::BadBcd { place };
    let mut nibbles = raw.iter().flat_map(|b| [b >> 4, b & 0xF]);
    let mut out = Vec::with_capacity(digits);
    let odd = digits % 2 == 1;
    if odd && right_aligned && nibbles.next() != Some(pad) {
        return Err(bad);
    }
    for _ in 0..digits {
        let n = nibbles.next().ok_or(bad.clone())?;
        let c = match n {
            0..=9 => b'0' + n,
            0xD if pad == 0xF => b'=',
            _ => return Err(bad),
        };
        out.push(c);
    }
    if odd && !right_aligned && nibbles.next() != Some(pad) {
        return Err(bad);
    }
    Ok(out)
}

/// A length or count as `width` bytes of BCD.
pub(crate) fn bcd_number(n: usize, width: usize) -> Vec<u8> {
    let text = format!("{n:0w$}", w = width * 2);
    let mut out = Vec::with_capacity(width);
    pack_nibbles(text.as_bytes(), true, 0, &mut out);
    out
}

pub(crate) fn read_bcd_number(raw: &[u8]) -> Option<usize> {
    raw.iter()
        .flat_map(|b| [b >> 4, b & 0xF])
        .try_fold(0usize, |acc, n| (n <= 9).then(|| acc * 10 + usize::from(n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packed(bit: u8, value: &str) -> Vec<u8> {
        let mut out = Vec::new();
        spec(bit).unwrap().pack(value.as_bytes(), &mut out).unwrap();
        out
    }

    #[test]
    fn table_is_in_bit_order_without_duplicates() {
        assert!(FIELDS.windows(2).all(|w| w[0].bit < w[1].bit));
    }

    #[test]
    fn pan_is_left_aligned_with_digit_count() {
        // 19 digits: length 0x19, then 10 bytes, last nibble padding 0.
        let out = packed(2, "6222021234567890123");
        assert_eq!(out[0], 0x19);
        assert_eq!(
            &out[1..],
            &[0x62, 0x22, 0x02, 0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x30]
        );
    }

    #[test]
    fn track2_separator_is_nibble_d_and_pad_is_f() {
        let out = packed(35, "6222=2512");
        assert_eq!(out, vec![0x09, 0x62, 0x22, 0xD2, 0x51, 0x2F]);
    }

    #[test]
    fn odd_fixed_fields_follow_their_alignment() {
        assert_eq!(packed(22, "021"), vec![0x02, 0x10]);
        assert_eq!(packed(23, "001"), vec![0x00, 0x01]);
    }

    #[test]
    fn lllvar_numeric_counts_digits() {
        // F60 "22000001000" = 11 digits: 00 11, then 6 bytes left-aligned.
        let out = packed(60, "22000001000");
        assert_eq!(out, vec![0x00, 0x11, 0x22, 0x00, 0x00, 0x01, 0x00, 0x00]);
    }

    #[test]
    fn text_lengths_count_bytes() {
        assert_eq!(packed(63, "01 "), vec![0x00, 0x03, b'0', b'1', b' ']);
    }

    #[test]
    fn bad_pad_nibble_is_bad_bcd() {
        let s = spec(23).unwrap();
        let mut pos = 0;
        assert_eq!(
            s.unpack(&[0x10, 0x01], &mut pos),
            Err(IsoError::BadBcd {
                place: Place::Field(23)
            })
        );
    }

    #[test]
    fn over_long_length_prefix_is_bad_length() {
        let s = spec(2).unwrap();
        let mut pos = 0;
        assert_eq!(
            s.unpack(&[0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], &mut pos),
            Err(IsoError::BadLength { bit: 2, len: 20 })
        );
    }

    #[test]
    fn wrong_fixed_length_and_bad_chars_are_refused_on_pack() {
        let mut out = Vec::new();
        let s = spec(3).unwrap();
        assert_eq!(
            s.pack(b"12345", &mut out),
            Err(IsoError::BadLength { bit: 3, len: 5 })
        );
        assert_eq!(
            s.pack(b"12345A", &mut out),
            Err(IsoError::BadValue { bit: 3 })
        );
        assert!(out.is_empty());
    }
}
