//! A whole frame: 2-byte length, 5-byte TPDU, 6-byte application header, MTI (2 BCD
//! bytes), the 64-bit primary bitmap and the fields in bit order.

use std::collections::BTreeMap;

use crate::error::{IsoError, Place, Result};
use crate::fields::{read_bcd_number, spec, take};

/// TPDU: ID 60, destination and source addresses (the acquirer's NII and ours).
pub const DEFAULT_TPDU: [u8; 5] = [0x60, 0x00, 0x03, 0x00, 0x00];
/// Application header: application type 60, version 31 (CUPS POS 2.x), terminal
/// status and processing request 0, then 3 reserved bytes.
pub const DEFAULT_HEADER: [u8; 6] = [0x60, 0x31, 0x00, 0x31, 0x00, 0x00];

/// Bytes before the MTI inside the frame: length, TPDU, header.
pub const PREFIX: usize = 2 + 5 + 6;
/// The bit of the MAC.
pub const MAC_BIT: u8 = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub tpdu: [u8; 5],
    pub header: [u8; 6],
    /// Four ASCII digits, e.g. `0200`.
    pub mti: String,
    /// Field contents by bit: ASCII digits for numeric fields, text for `an`,
    /// raw bytes for binary. Ordered, so packing is deterministic.
    pub fields: BTreeMap<u8, Vec<u8>>,
}

/// A request's fields may hold the card (F2, F35, F52): wiped when the message goes.
impl Drop for Message {
    fn drop(&mut self) {
        for value in self.fields.values_mut() {
            zeroize::Zeroize::zeroize(value);
        }
    }
}

impl Message {
    pub fn new(mti: &str) -> Self {
        Self {
            tpdu: DEFAULT_TPDU,
            header: DEFAULT_HEADER,
            mti: mti.to_owned(),
            fields: BTreeMap::new(),
        }
    }

    pub fn set(&mut self, bit: u8, value: impl Into<Vec<u8>>) -> &mut Self {
        self.fields.insert(bit, value.into());
        self
    }

    pub fn get(&self, bit: u8) -> Option<&[u8]> {
        self.fields.get(&bit).map(Vec::as_slice)
    }

    /// A text or numeric field as a string (every such field is ASCII once checked).
    pub fn text(&self, bit: u8) -> Option<&str> {
        self.get(bit).and_then(|v| std::str::from_utf8(v).ok())
    }

    /// A field that must be there.
    pub fn need(&self, bit: u8) -> Result<&str> {
        self.text(bit).ok_or(IsoError::Missing { bit })
    }

    /// The frame, length prefix included.
    pub fn pack(&self) -> Result<Vec<u8>> {
        if self.mti.len() != 4 || !self.mti.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IsoError::BadMti {
                mti: self.mti.chars().take(8).collect(),
            });
        }
        let mut out = vec![0, 0];
        out.extend_from_slice(&self.tpdu);
        out.extend_from_slice(&self.header);
        let m = self.mti.as_bytes();
        out.push(((m[0] - b'0') << 4) | (m[1] - b'0'));
        out.push(((m[2] - b'0') << 4) | (m[3] - b'0'));
        let mut bitmap = 0u64;
        for &bit in self.fields.keys() {
            spec(bit)?;
            bitmap |= 1u64 << (64 - u32::from(bit));
        }
        out.extend_from_slice(&bitmap.to_be_bytes());
        for (&bit, value) in &self.fields {
            spec(bit)?.pack(value, &mut out)?;
        }
        let body = out.len() - 2;
        let len = u16::try_from(body).map_err(|_| IsoError::Long { extra: body })?;
        out[..2].copy_from_slice(&len.to_be_bytes());
        Ok(out)
    }

    /// Reads exactly one frame, length prefix included.
    pub fn unpack(frame: &[u8]) -> Result<Self> {
        let mut pos = 0;
        let len = take(frame, &mut pos, 2)?;
        let body = usize::from(u16::from_be_bytes([len[0], len[1]]));
        let end = 2 + body;
        if frame.len() < end {
            return Err(IsoError::Short {
                offset: frame.len(),
                needed: end - frame.len(),
            });
        }
        if frame.len() > end {
            return Err(IsoError::Long {
                extra: frame.len() - end,
            });
        }
        let mut tpdu = [0u8; 5];
        tpdu.copy_from_slice(take(frame, &mut pos, 5)?);
        let mut header = [0u8; 6];
        header.copy_from_slice(take(frame, &mut pos, 6)?);
        let raw_mti = take(frame, &mut pos, 2)?;
        read_bcd_number(raw_mti).ok_or(IsoError::BadBcd { place: Place::Mti })?;
        let mti = format!("{:02x}{:02x}", raw_mti[0], raw_mti[1]);
        let raw_bitmap = take(frame, &mut pos, 8)?;
        let mut b = [0u8; 8];
        b.copy_from_slice(raw_bitmap);
        let bitmap = u64::from_be_bytes(b);
        let mut fields = BTreeMap::new();
        for bit in 1..=64u8 {
            if bitmap & (1u64 << (64 - u32::from(bit))) == 0 {
                continue;
            }
            // Bit 1 (a secondary bitmap) is not used by CUPS POS messages.
            let value = spec(bit)?.unpack(frame, &mut pos)?;
            fields.insert(bit, value);
        }
        if pos != end {
            return Err(IsoError::Long { extra: end - pos });
        }
        Ok(Self {
            tpdu,
            header,
            mti,
            fields,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Message {
        let mut m = Message::new("0200");
        m.set(3, "000000")
            .set(4, "000000001234")
            .set(11, "000042")
            .set(25, "00")
            .set(41, "10000001")
            .set(42, "898000000000001")
            .set(49, "156")
            .set(60, "22000001");
        m
    }

    #[test]
    fn round_trip_and_layout() {
        let m = sample();
        let frame = m.pack().unwrap();
        assert_eq!(
            usize::from(u16::from_be_bytes([frame[0], frame[1]])),
            frame.len() - 2
        );
        assert_eq!(&frame[2..7], &DEFAULT_TPDU);
        assert_eq!(&frame[7..13], &DEFAULT_HEADER);
        assert_eq!(&frame[13..15], &[0x02, 0x00]);
        // Bits 3, 4, 11, 25, 41, 42, 49, 60.
        assert_eq!(
            &frame[15..23],
            &[0x30, 0x20, 0x00, 0x80, 0x00, 0xC0, 0x80, 0x10]
        );
        assert_eq!(Message::unpack(&frame).unwrap(), m);
    }

    #[test]
    fn truncated_frame_is_short() {
        let frame = sample().pack().unwrap();
        assert!(matches!(
            Message::unpack(&frame[..frame.len() - 1]),
            Err(IsoError::Short { .. })
        ));
    }

    #[test]
    fn trailing_bytes_are_long() {
        let mut frame = sample().pack().unwrap();
        frame.push(0);
        assert_eq!(Message::unpack(&frame), Err(IsoError::Long { extra: 1 }));
        // Declared longer than the fields: the extra is inside the frame.
        let len = u16::from_be_bytes([frame[0], frame[1]]) + 1;
        frame[..2].copy_from_slice(&len.to_be_bytes());
        assert_eq!(Message::unpack(&frame), Err(IsoError::Long { extra: 1 }));
    }

    #[test]
    fn unknown_bit_is_refused_both_ways() {
        let mut m = sample();
        m.set(5, "000000000001");
        assert_eq!(m.pack(), Err(IsoError::UnknownBit { bit: 5 }));
        let mut frame = sample().pack().unwrap();
        frame[15] |= 0x80; // bit 1: a secondary bitmap
        assert_eq!(
            Message::unpack(&frame),
            Err(IsoError::UnknownBit { bit: 1 })
        );
    }

    #[test]
    fn bad_bcd_mti_is_refused() {
        let mut frame = sample().pack().unwrap();
        frame[13] = 0x0A;
        assert_eq!(
            Message::unpack(&frame),
            Err(IsoError::BadBcd { place: Place::Mti })
        );
    }
}

impl Message {
    /// Packs with F64 set to the CUPS MAC of the frame under `key`.
    pub fn pack_with_mac(&mut self, key: &crate::crypto::Key) -> Result<Vec<u8>> {
        self.set(MAC_BIT, vec![0u8; 8]);
        let mut frame = self.pack()?;
        let end = frame.len() - 8;
        let mac = crate::crypto::cups_mac(key, &frame[PREFIX..end]);
        frame[end..].copy_from_slice(&mac);
        self.set(MAC_BIT, mac.to_vec());
        Ok(frame)
    }

    /// Unpacks a frame whose F64 must verify under `key` (constant-time compare).
    pub fn unpack_verified(frame: &[u8], key: &crate::crypto::Key) -> Result<Self> {
        use subtle::ConstantTimeEq;
        let m = Self::unpack(frame)?;
        let mac = m.get(MAC_BIT).ok_or(IsoError::Missing { bit: MAC_BIT })?;
        let end = frame.len() - 8;
        let want = crate::crypto::cups_mac(key, &frame[PREFIX..end]);
        if bool::from(want.ct_eq(mac)) {
            Ok(m)
        } else {
            Err(IsoError::BadMac)
        }
    }
}

#[cfg(test)]
mod mac_tests {
    use super::*;
    use crate::crypto::{Algorithm, Key};

    #[test]
    fn mac_verifies_and_any_flipped_bit_is_bad_mac() {
        let key = Key::from_hex("0123456789ABCDEFFEDCBA9876543210").unwrap();
        let mut m = Message::new("0200");
        m.set(3, "000000").set(11, "000001").set(41, "10000001");
        let frame = m.pack_with_mac(&key).unwrap();
        assert_eq!(Message::unpack_verified(&frame, &key).unwrap(), m);
        for i in PREFIX..frame.len() {
            let mut bad = frame.clone();
            bad[i] ^= 0x01;
            // Either the frame no longer parses or its MAC fails; never accepted.
            assert!(Message::unpack_verified(&bad, &key).is_err(), "byte {i}");
        }
        let mut bad = frame.clone();
        let last = bad.len() - 1;
        bad[last] ^= 0x01;
        assert_eq!(Message::unpack_verified(&bad, &key), Err(IsoError::BadMac));
        let other = Key::from_hex("00112233445566778899AABBCCDDEEFF").unwrap();
        assert_eq!(
            Message::unpack_verified(&frame, &other),
            Err(IsoError::BadMac)
        );
        assert_eq!(
            Message::unpack_verified(&m.clone().tap_remove_mac().pack().unwrap(), &key),
            Err(IsoError::Missing { bit: 64 })
        );
    }

    #[test]
    fn an_sm4_mac_verifies_and_a_flipped_bit_is_bad_mac() {
        let key = Key::from_hex_as(Algorithm::Sm4, "0123456789ABCDEFFEDCBA9876543210").unwrap();
        let mut m = Message::new("0200");
        m.set(3, "000000").set(11, "000001").set(41, "10000001");
        let frame = m.pack_with_mac(&key).unwrap();
        assert_eq!(Message::unpack_verified(&frame, &key).unwrap(), m);
        let mut bad = frame.clone();
        let last = bad.len() - 1;
        bad[last] ^= 0x01;
        assert_eq!(Message::unpack_verified(&bad, &key), Err(IsoError::BadMac));
    }

    proptest::proptest! {
        /// A frame MAC'd under one algorithm is BadMac under the other, whatever the
        /// key bytes (the same 16 for both) and the content. (The MAC is 32 bits: a
        /// chance collision is 1 in 2^32 per case.)
        #[test]
        fn a_frame_macd_under_one_algorithm_is_bad_under_the_other(
            bytes in proptest::array::uniform16(proptest::prelude::any::<u8>()),
            stan in 0u32..1_000_000,
            tid in "[0-9]{8}",
            sm4_first in proptest::prelude::any::<bool>(),
        ) {
            let (a, b) = if sm4_first {
                (Algorithm::Sm4, Algorithm::Tdes)
            } else {
                (Algorithm::Tdes, Algorithm::Sm4)
            };
            let signer = Key::new(a, &bytes).unwrap();
            let other = Key::new(b, &bytes).unwrap();
            let mut m = Message::new("0200");
            m.set(3, "000000").set(11, format!("{stan:06}")).set(41, tid);
            let frame = m.pack_with_mac(&signer).unwrap();
            proptest::prop_assert!(Message::unpack_verified(&frame, &signer).is_ok());
            proptest::prop_assert_eq!(
                Message::unpack_verified(&frame, &other),
                Err(IsoError::BadMac)
            );
        }
    }

    impl Message {
        fn tap_remove_mac(mut self) -> Self {
            self.fields.remove(&MAC_BIT);
            self
        }
    }
}
