//! Keys and MAC of the CUPS POS dialect, on 3DES (two-key EDE, `des` crate).
//!
//! - **Check value** (KCV): the first 4 bytes of 8 zero bytes encrypted under the key.
//! - **Working keys** (sign-on answer, F62): PIN key, MAC key and optionally a track
//!   key, each 16 bytes encrypted (ECB, two blocks) under the terminal master key and
//!   followed by the 4-byte check value of the clear key: 40 bytes, or 60 with the
//!   track key.
//! - **MAC** (F64), the CUPS "ECB" algorithm of the POS terminal specification: the
//!   MAC block (MTI through the last field before F64) is zero-padded to 8-byte
//!   blocks, the blocks are XORed together, the 8-byte result is written as 16
//!   upper-case hex characters; the first 8 are encrypted under the MAC key, XORed
//!   with the last 8, encrypted again; the first 8 hex characters of that (as ASCII)
//!   are the MAC. Single-DES terminals run the same steps with DES; we use 3DES with
//!   a double-length MAC key throughout. (X9.19 chains CBC over every block instead;
//!   CUPS terminals use this XOR-then-encrypt variant.)
//!
//! SM4 (the national-algorithm variant) is not implemented.

use des::cipher::{Array, BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use des::TdesEde2;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::{IsoError, Result};

/// A double-length 3DES key. Never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct Key([u8; 16]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(..)")
    }
}

impl Key {
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let arr: [u8; 16] = bytes.try_into().map_err(|_| IsoError::BadKey {
            what: "a key is 16 bytes",
        })?;
        Ok(Self(arr))
    }

    /// From 32 hex characters (a key file's content).
    pub fn from_hex(text: &str) -> Result<Self> {
        let text = text.trim();
        let bad = IsoError::BadKey {
            what: "a key is 32 hex characters",
        };
        if text.len() != 32 || !text.is_ascii() {
            return Err(bad);
        }
        let mut out = [0u8; 16];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| bad.clone())?;
        }
        let key = Self(out);
        out.zeroize();
        Ok(key)
    }

    pub fn expose(&self) -> &[u8; 16] {
        &self.0
    }

    fn cipher(&self) -> TdesEde2 {
        TdesEde2::new(&Array::from(self.0))
    }

    pub fn encrypt_block(&self, block: [u8; 8]) -> [u8; 8] {
        let mut b = Array::from(block);
        self.cipher().encrypt_block(&mut b);
        b.into()
    }

    pub fn decrypt_block(&self, block: [u8; 8]) -> [u8; 8] {
        let mut b = Array::from(block);
        self.cipher().decrypt_block(&mut b);
        b.into()
    }

    /// The 4-byte check value.
    pub fn check_value(&self) -> [u8; 4] {
        let e = self.encrypt_block([0; 8]);
        [e[0], e[1], e[2], e[3]]
    }

    /// `other` encrypted under this key (ECB, two blocks).
    pub fn wrap(&self, other: &Key) -> [u8; 16] {
        let mut out = [0u8; 16];
        for (i, half) in other.0.chunks_exact(8).enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(half);
            out[8 * i..8 * i + 8].copy_from_slice(&self.encrypt_block(b));
            b.zeroize();
        }
        out
    }

    pub fn unwrap_key(&self, wrapped: &[u8]) -> Result<Key> {
        if wrapped.len() != 16 {
            return Err(IsoError::BadKey {
                what: "a wrapped key is 16 bytes",
            });
        }
        let mut out = [0u8; 16];
        for (i, half) in wrapped.chunks_exact(8).enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(half);
            out[8 * i..8 * i + 8].copy_from_slice(&self.decrypt_block(b));
        }
        let key = Key(out);
        out.zeroize();
        Ok(key)
    }
}

/// The working keys of a signed-on terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingKeys {
    pub pin: Key,
    pub mac: Key,
    pub track: Option<Key>,
}

impl WorkingKeys {
    /// F62 of the sign-on answer, as the host builds it.
    pub fn to_f62(&self, master: &Key) -> Vec<u8> {
        let mut out = Vec::with_capacity(60);
        for k in [Some(&self.pin), Some(&self.mac), self.track.as_ref()]
            .into_iter()
            .flatten()
        {
            out.extend_from_slice(&master.wrap(k));
            out.extend_from_slice(&k.check_value());
        }
        out
    }

    /// Reads F62 of a sign-on answer, checking each key's check value.
    pub fn from_f62(master: &Key, f62: &[u8]) -> Result<Self> {
        if f62.len() != 40 && f62.len() != 60 {
            return Err(IsoError::BadLength {
                bit: 62,
                len: f62.len(),
            });
        }
        let mut keys = Vec::with_capacity(3);
        for part in f62.chunks_exact(20) {
            let key = master.unwrap_key(&part[..16])?;
            if !bool::from(key.check_value().ct_eq(&part[16..20])) {
                return Err(IsoError::BadKeyCheck);
            }
            keys.push(key);
        }
        let mut keys = keys.into_iter();
        match (keys.next(), keys.next(), keys.next()) {
            (Some(pin), Some(mac), track) => Ok(Self { pin, mac, track }),
            _ => Err(IsoError::BadLength {
                bit: 62,
                len: f62.len(),
            }),
        }
    }
}

fn hex_upper(block: &[u8; 8]) -> [u8; 16] {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = [0u8; 16];
    for (i, b) in block.iter().enumerate() {
        out[2 * i] = HEX[usize::from(b >> 4)];
        out[2 * i + 1] = HEX[usize::from(b & 0xF)];
    }
    out
}

/// The CUPS ECB MAC of `data` (see the module docs).
pub fn cups_mac(key: &Key, data: &[u8]) -> [u8; 8] {
    let mut acc = [0u8; 8];
    for chunk in data.chunks(8) {
        for (a, b) in acc.iter_mut().zip(chunk) {
            *a ^= b;
        }
    }
    let hex = hex_upper(&acc);
    let mut front = [0u8; 8];
    front.copy_from_slice(&hex[..8]);
    let mut mid = key.encrypt_block(front);
    for (m, b) in mid.iter_mut().zip(&hex[8..]) {
        *m ^= b;
    }
    let last = hex_upper(&key.encrypt_block(mid));
    let mut mac = [0u8; 8];
    mac.copy_from_slice(&last[..8]);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(hex: &str) -> Key {
        Key::from_hex(hex).unwrap()
    }

    #[test]
    fn tdes_with_equal_halves_is_single_des() {
        // FIPS 81 / NBS test vector: DES key 0123456789ABCDEF,
        // "Now is t" (4E6F772069732074) → 3FA40E8A984D4815.
        let k = key("0123456789ABCDEF0123456789ABCDEF");
        let c = k.encrypt_block(*b"Now is t");
        assert_eq!(c, [0x3F, 0xA4, 0x0E, 0x8A, 0x98, 0x4D, 0x48, 0x15]);
        assert_eq!(k.decrypt_block(c), *b"Now is t");
    }

    #[test]
    fn check_value_of_a_known_key() {
        // The KCV of the DES key 0123456789ABCDEF (zeros encrypted: D5D44FF720683D0D).
        let k = key("0123456789ABCDEF0123456789ABCDEF");
        assert_eq!(k.check_value(), [0xD5, 0xD4, 0x4F, 0xF7]);
    }

    #[test]
    fn working_keys_round_trip_and_a_bad_check_value_is_refused() {
        let master = key("00112233445566778899AABBCCDDEEFF");
        let keys = WorkingKeys {
            pin: key("1111111111111111222222222222222F"),
            mac: key("3333333333333333444444444444444F"),
            track: Some(key("5555555555555555666666666666666F")),
        };
        let mut f62 = keys.to_f62(&master);
        assert_eq!(f62.len(), 60);
        assert_eq!(WorkingKeys::from_f62(&master, &f62).unwrap(), keys);
        assert_eq!(
            WorkingKeys::from_f62(&master, &f62[..40]).unwrap().track,
            None
        );
        f62[36] ^= 1; // the MAC key's check value
        assert_eq!(
            WorkingKeys::from_f62(&master, &f62),
            Err(IsoError::BadKeyCheck)
        );
        let other = key("FFEEDDCCBBAA99887766554433221100");
        assert_eq!(
            WorkingKeys::from_f62(&other, &keys.to_f62(&master)),
            Err(IsoError::BadKeyCheck)
        );
    }

    #[test]
    fn cups_mac_follows_the_xor_then_encrypt_steps() {
        let k = key("0123456789ABCDEFFEDCBA9876543210");
        let data = b"\x02\x00\x30\x20\x04\x80\x00\xC0\x80\x10ABC";
        // Written out step by step, independently of `cups_mac`.
        let mut acc = [0u8; 8];
        let mut padded = data.to_vec();
        padded.resize(16, 0);
        for i in 0..8 {
            acc[i] = padded[i] ^ padded[8 + i];
        }
        let hex: String = acc.iter().map(|b| format!("{b:02X}")).collect();
        let hex = hex.as_bytes();
        let e1 = k.encrypt_block(hex[..8].try_into().unwrap());
        let mut x = [0u8; 8];
        for i in 0..8 {
            x[i] = e1[i] ^ hex[8 + i];
        }
        let e2 = k.encrypt_block(x);
        let expect: String = e2.iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(cups_mac(&k, data), expect.as_bytes()[..8]);
        // Any change of the data changes the MAC.
        assert_ne!(cups_mac(&k, b"\x02\x00"), cups_mac(&k, b"\x02\x01"));
    }

    #[test]
    fn keys_never_print() {
        let k = key("0123456789ABCDEFFEDCBA9876543210");
        assert_eq!(format!("{k:?}"), "Key(..)");
    }
}
