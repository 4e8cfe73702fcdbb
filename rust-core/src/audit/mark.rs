//! The high-water mark: the audit head's sequence number and MAC, kept outside the
//! database file through [`RollbackMark`] and sealed with a key derived from the audit
//! key. A database whose chain is behind the mark, or no longer holds the entry the
//! mark names, is an older copy of the file: refused as rolled back.
//!
//! Out of reach locally: someone who restores an older copy of the database *and* of
//! the mark together. The acquirer catches that from the audit head every online
//! request carries (the host never sees the head go backwards).

use rusqlite::Connection;

use super::Head;
use crate::crypto::{self, SecretKey};
use crate::error::Result;
use crate::platform::RollbackMark;

const MAGIC: &[u8] = b"VGMK1";
const LEN: usize = MAGIC.len() + 8 + 32 + 32;

fn tag(key: &SecretKey, seq: u64, mac: &[u8]) -> [u8; 32] {
    key.derive("voidguard mark v1")
        .mac(&[&crypto::framed(&[MAGIC, &seq.to_be_bytes(), mac])])
}

pub(crate) fn encode(key: &SecretKey, seq: u64, mac: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(LEN);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(mac);
    out.extend_from_slice(&tag(key, seq, mac));
    out
}

fn decode(key: &SecretKey, bytes: &[u8]) -> Option<(u64, Vec<u8>)> {
    if bytes.len() != LEN || !bytes.starts_with(MAGIC) {
        return None;
    }
    let rest = &bytes[MAGIC.len()..];
    let seq = u64::from_be_bytes(rest[..8].try_into().ok()?);
    let mac = rest[8..40].to_vec();
    crypto::constant_time_eq(&rest[40..], &tag(key, seq, &mac)).then_some((seq, mac))
}

/// What the mark says of the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// No mark yet, and none was ever bound to this database.
    Unbound,
    /// The database is at or ahead of the mark, on the same chain.
    Current,
    /// The mark is missing although one was bound, or does not authenticate.
    Missing,
    /// The database is behind the mark, or on another chain.
    RolledBack { mark_seq: u64 },
}

pub(crate) fn check(
    conn: &Connection,
    key: &SecretKey,
    store: &dyn RollbackMark,
    head: &Head,
) -> Result<Verdict> {
    let stored = match store.read_mark() {
        Ok(stored) => stored,
        Err(e) => {
            log::warn!("the rollback mark cannot be read: {e}");
            return Ok(Verdict::Missing);
        }
    };
    let Some(bytes) = stored else {
        return Ok(if head.marked {
            Verdict::Missing
        } else {
            Verdict::Unbound
        });
    };
    let Some((mark_seq, mark_mac)) = decode(key, &bytes) else {
        return Ok(Verdict::Missing);
    };
    if head.seq < mark_seq {
        return Ok(Verdict::RolledBack { mark_seq });
    }
    // The entry the mark names must still be there, and every entry after it must
    // chain to it (a crash may leave the file ahead of the mark, never behind).
    if mark_seq > 0 {
        match super::authentic_entry(conn, key, mark_seq)? {
            Some(entry) if crypto::constant_time_eq(&entry.mac, &mark_mac) => {}
            _ => return Ok(Verdict::RolledBack { mark_seq }),
        }
    }
    for seq in mark_seq + 1..=head.seq {
        match super::authentic_entry(conn, key, seq)? {
            Some(entry) if seq < head.seq || crypto::constant_time_eq(&entry.mac, &head.mac) => {}
            _ => return Ok(Verdict::RolledBack { mark_seq }),
        }
    }
    Ok(Verdict::Current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_mark_decodes_only_under_its_key() {
        let key = SecretKey::random().unwrap();
        let mark = encode(&key, 42, &[7u8; 32]);
        assert_eq!(decode(&key, &mark), Some((42, vec![7u8; 32])));
        assert_eq!(decode(&SecretKey::random().unwrap(), &mark), None);
        let mut flipped = mark.clone();
        flipped[8] ^= 1;
        assert_eq!(decode(&key, &flipped), None);
        assert_eq!(decode(&key, &mark[..LEN - 1]), None);
    }

    proptest! {
        #[test]
        fn garbage_never_decodes_and_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let key = SecretKey::random().unwrap();
            prop_assert_eq!(decode(&key, &bytes), None);
        }
    }
}
