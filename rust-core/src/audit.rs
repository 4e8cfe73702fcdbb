//! The audit trail: every security-relevant act appends an entry in the same
//! transaction as the act. Entries form an HMAC-SHA256 chain under a key derived from
//! the data key, and a MAC'd head records the last entry, so editing, deleting,
//! reordering or cutting the tail is detected by [`verify`] at the first bad entry.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::crypto::{self, MacKey, SecretKey};
use crate::error::{invalid, Error, Field, Problem, Result};

pub const SCHEMA: &str = "
CREATE TABLE audit (
    seq         INTEGER PRIMARY KEY,
    at_ms       INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    operator_no TEXT,
    detail      TEXT    NOT NULL,
    mac         BLOB    NOT NULL
) STRICT;
CREATE TABLE audit_head (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    seq      INTEGER NOT NULL,
    mac      BLOB    NOT NULL,
    head_mac BLOB    NOT NULL
) STRICT;
";

pub const MAX_PAGE: u32 = 500;

/// The acts that are audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    TerminalActivated,
    RequestOpened,
    RequestCodeRejected,
    RequestRedeemed,
    PermissionGranted,
    PasswordSet,
    PasswordChanged,
    PasswordReset,
    PasswordFailed,
    LockoutStarted,
    RestrictionLifted,
    VoidBegun,
    VoidApproved,
    VoidDeclined,
    VoidUnanswered,
    VoidReversed,
    VoidNeedsManualHandling,
    BatchSettled,
    #[cfg(feature = "bench")]
    BenchmarkFill,
}

impl Act {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TerminalActivated => "terminal.activated",
            Self::RequestOpened => "request.opened",
            Self::RequestCodeRejected => "request.code_rejected",
            Self::RequestRedeemed => "request.redeemed",
            Self::PermissionGranted => "permission.granted",
            Self::PasswordSet => "password.set",
            Self::PasswordChanged => "password.changed",
            Self::PasswordReset => "password.reset",
            Self::PasswordFailed => "password.failed",
            Self::LockoutStarted => "lockout.started",
            Self::RestrictionLifted => "restriction.lifted",
            Self::VoidBegun => "void.begun",
            Self::VoidApproved => "void.approved",
            Self::VoidDeclined => "void.declined",
            Self::VoidUnanswered => "void.unanswered",
            Self::VoidReversed => "void.reversed",
            Self::VoidNeedsManualHandling => "void.manual",
            Self::BatchSettled => "batch.settled",
            #[cfg(feature = "bench")]
            Self::BenchmarkFill => "bench.fill",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuditEntry {
    pub seq: u64,
    pub at_ms: i64,
    pub kind: String,
    pub operator_no: Option<String>,
    /// JSON with the act's non-secret facts.
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AuditProblem {
    /// The entry's content or MAC was changed, or entries were swapped.
    Altered,
    /// An entry in the chain is missing.
    Missing,
    /// Entries at the end were removed.
    TailCut,
    /// The record of the last entry was changed.
    HeadAltered,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuditReport {
    pub ok: bool,
    pub entries_checked: u64,
    pub first_bad_seq: Option<u64>,
    pub problem: Option<AuditProblem>,
}

/// Sequence numbers start at 1; SQLite stores them as signed integers.
fn seq_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<u64> {
    let v: i64 = r.get(i)?;
    u64::try_from(v).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(i, v))
}

fn seq_sql(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

/// The fields one entry's MAC covers, chained to the previous entry's MAC.
struct Link<'a> {
    prev: &'a [u8],
    seq: u64,
    at_ms: i64,
    kind: &'a [u8],
    operator_no: &'a [u8],
    detail: &'a [u8],
}

impl Link<'_> {
    fn mac(&self, key: &MacKey) -> [u8; 32] {
        key.framed(&[
            b"audit v1",
            self.prev,
            &self.seq.to_be_bytes(),
            &self.at_ms.to_be_bytes(),
            self.kind,
            self.operator_no,
            self.detail,
        ])
    }
}

fn mac_key(key: &SecretKey) -> Result<MacKey> {
    MacKey::new(key).ok_or(Error::Crypto)
}

fn head_mac(key: &SecretKey, seq: u64, mac: &[u8]) -> [u8; 32] {
    key.mac(&[&crypto::framed(&[
        b"audit head v1",
        &seq.to_be_bytes(),
        mac,
    ])])
}

/// Appends one entry to the chain, inside the caller's transaction.
pub fn append(
    tx: &Transaction<'_>,
    key: &SecretKey,
    at_ms: i64,
    act: Act,
    operator_no: Option<&str>,
    detail: serde_json::Value,
) -> Result<u64> {
    let head: Option<(u64, Vec<u8>)> = crate::store::row(
        tx,
        "SELECT seq, mac FROM audit_head WHERE id = 1",
        [],
        |r| Ok((seq_at(r, 0)?, r.get(1)?)),
    )
    .optional()?;
    let (prev_seq, prev_mac) = head.unwrap_or((0, vec![0u8; 32]));
    let entry = AuditEntry {
        seq: prev_seq + 1,
        at_ms,
        kind: act.as_str().to_owned(),
        operator_no: operator_no.map(str::to_owned),
        detail: detail.to_string(),
    };
    let mac = Link {
        prev: &prev_mac,
        seq: entry.seq,
        at_ms: entry.at_ms,
        kind: entry.kind.as_bytes(),
        operator_no: entry.operator_no.as_deref().unwrap_or("").as_bytes(),
        detail: entry.detail.as_bytes(),
    }
    .mac(&mac_key(key)?);
    tx.prepare_cached(
        "INSERT INTO audit (seq, at_ms, kind, operator_no, detail, mac) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![seq_sql(entry.seq), entry.at_ms, entry.kind, entry.operator_no, entry.detail, mac.to_vec()])?;
    tx.prepare_cached(
        "INSERT INTO audit_head (id, seq, mac, head_mac) VALUES (1, ?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, mac = excluded.mac, head_mac = excluded.head_mac",
    )?
    .execute(params![seq_sql(entry.seq), mac.to_vec(), head_mac(key, entry.seq, &mac).to_vec()])?;
    Ok(entry.seq)
}

/// Newest first, `limit` entries older than `before_seq`.
pub fn page(conn: &Connection, before_seq: Option<u64>, limit: u32) -> Result<Vec<AuditEntry>> {
    if limit == 0 || limit > MAX_PAGE {
        return Err(invalid(Field::PageSize, Problem::NotAllowed));
    }
    let before = before_seq.map_or(i64::MAX, |s| i64::try_from(s).unwrap_or(i64::MAX));
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at_ms, kind, operator_no, detail FROM audit WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![before, limit], |r| {
        Ok(AuditEntry {
            seq: seq_at(r, 0)?,
            at_ms: r.get(1)?,
            kind: r.get(2)?,
            operator_no: r.get(3)?,
            detail: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Walks the whole chain and names the first entry that does not verify.
pub fn verify(conn: &Connection, key: &SecretKey) -> Result<AuditReport> {
    let bad = |checked, seq, problem| AuditReport {
        ok: false,
        entries_checked: checked,
        first_bad_seq: Some(seq),
        problem: Some(problem),
    };
    let key_for_entries = mac_key(key)?;
    let mut stmt =
        conn.prepare("SELECT seq, at_ms, kind, operator_no, detail, mac FROM audit ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut prev_mac = [0u8; 32];
    let mut checked = 0u64;
    // Borrowed column values: a million entries verify without a million allocations.
    while let Some(r) = rows.next()? {
        let seq = seq_at(r, 0)?;
        let expected_seq = checked + 1;
        if seq != expected_seq {
            return Ok(bad(checked, expected_seq, AuditProblem::Missing));
        }
        let text = |i: usize| -> rusqlite::Result<&[u8]> {
            Ok(r.get_ref(i)?.as_bytes_or_null()?.unwrap_or_default())
        };
        let link = Link {
            prev: &prev_mac,
            seq,
            at_ms: r.get(1)?,
            kind: text(2)?,
            operator_no: text(3)?,
            detail: text(4)?,
        };
        let expected = link.mac(&key_for_entries);
        let stored = text(5)?;
        if !crypto::constant_time_eq(stored, &expected) {
            return Ok(bad(checked, seq, AuditProblem::Altered));
        }
        prev_mac = expected;
        checked += 1;
    }
    let head: Option<(u64, Vec<u8>, Vec<u8>)> = crate::store::row(
        conn,
        "SELECT seq, mac, head_mac FROM audit_head WHERE id = 1",
        [],
        |r| Ok((seq_at(r, 0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()?;
    match head {
        None if checked == 0 => {}
        None => return Ok(bad(checked, checked + 1, AuditProblem::HeadAltered)),
        Some((seq, mac, hmac)) => {
            if !crypto::constant_time_eq(&hmac, &head_mac(key, seq, &mac)) {
                return Ok(bad(checked, checked + 1, AuditProblem::HeadAltered));
            }
            if seq > checked {
                return Ok(bad(checked, checked + 1, AuditProblem::TailCut));
            }
            if seq < checked || !crypto::constant_time_eq(&mac, &prev_mac) {
                return Ok(bad(checked, seq + 1, AuditProblem::HeadAltered));
            }
        }
    }
    Ok(AuditReport {
        ok: true,
        entries_checked: checked,
        first_bad_seq: None,
        problem: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chain(n: u64) -> (rusqlite::Connection, SecretKey) {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        let key = SecretKey::random().unwrap();
        let tx = conn.transaction().unwrap();
        for i in 0..n {
            append(
                &tx,
                &key,
                i as i64,
                Act::VoidBegun,
                Some("01"),
                json!({ "i": i }),
            )
            .unwrap();
        }
        tx.commit().unwrap();
        (conn, key)
    }

    fn first_bad(
        conn: &rusqlite::Connection,
        key: &SecretKey,
    ) -> (Option<u64>, Option<AuditProblem>) {
        let r = verify(conn, key).unwrap();
        (r.first_bad_seq, r.problem)
    }

    #[test]
    fn intact_chain_verifies() {
        let (conn, key) = chain(20);
        let report = verify(&conn, &key).unwrap();
        assert!(report.ok);
        assert_eq!(report.entries_checked, 20);
    }

    #[test]
    fn edit_is_found_at_its_seq() {
        let (conn, key) = chain(20);
        conn.execute("UPDATE audit SET detail = '{\"i\":99}' WHERE seq = 7", [])
            .unwrap();
        assert_eq!(
            first_bad(&conn, &key),
            (Some(7), Some(AuditProblem::Altered))
        );
    }

    #[test]
    fn deletion_in_the_middle_is_found() {
        let (conn, key) = chain(20);
        conn.execute("DELETE FROM audit WHERE seq = 12", [])
            .unwrap();
        assert_eq!(
            first_bad(&conn, &key),
            (Some(12), Some(AuditProblem::Missing))
        );
    }

    #[test]
    fn cut_tail_is_found() {
        let (conn, key) = chain(20);
        conn.execute("DELETE FROM audit WHERE seq > 15", [])
            .unwrap();
        assert_eq!(
            first_bad(&conn, &key),
            (Some(16), Some(AuditProblem::TailCut))
        );
    }

    #[test]
    fn another_key_cannot_verify() {
        let (conn, _) = chain(3);
        assert_eq!(
            first_bad(&conn, &SecretKey::random().unwrap()),
            (Some(1), Some(AuditProblem::Altered))
        );
    }
}
