//! What the host keeps of a card: a keyed digest of its number, never the number.
//! PCI DSS 3.5.1.1 allows a keyed cryptographic hash where the PAN must not be
//! stored. HMAC-SHA256 under a key derived from the terminal master key for this
//! alone, so the ledger file without the master key cannot be searched by trying the
//! numbers of a BIN; a restarted host on the same key derives the same key again.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use voidguard_iso8583::crypto::Key;
use zeroize::Zeroizing;

/// The key of the digests, wiped on drop.
pub(crate) struct PanKey(Zeroizing<[u8; 32]>);

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes a key of any length: this cannot fail; an impossible value otherwise.
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(key) else {
        return [0; 32];
    };
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

impl PanKey {
    pub(crate) fn derive(master: &Key) -> Self {
        Self(Zeroizing::new(hmac(
            master.expose(),
            &[b"voidguard-host pan digest v1"],
        )))
    }

    /// The digest of a card number's digits.
    pub(crate) fn digest(&self, pan: &str) -> [u8; 32] {
        hmac(&self.0[..], &[b"pan", pan.trim().as_bytes()])
    }
}

/// Constant-time: a digest compared is a secret's.
pub(crate) fn same(a: &[u8; 32], b: &[u8; 32]) -> bool {
    bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_depend_on_the_number_and_the_master_key() {
        let a = PanKey::derive(&Key::from_bytes(&[0x11; 16]).unwrap());
        let b = PanKey::derive(&Key::from_bytes(&[0x22; 16]).unwrap());
        let pan = "6222021234567890123";
        assert!(same(&a.digest(pan), &a.digest(pan)));
        assert!(!same(&a.digest(pan), &a.digest("6222021234567890124")));
        assert!(!same(&a.digest(pan), &b.digest(pan)));
        assert!(!a.digest(pan).windows(4).any(|w| w == b"6222"));
    }
}
