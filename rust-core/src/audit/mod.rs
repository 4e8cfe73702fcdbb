//! The audit trail: every security-relevant act appends an entry in the same
//! transaction as the act. Entries form an HMAC-SHA256 chain under a key derived from
//! the data key, and a MAC'd head records the last entry, so editing, deleting,
//! reordering or cutting the tail is detected by [`verify`] at the first bad entry.
//!
//! Since schema version 2 the chain also covers the rows that grant, limit or record
//! money ([`rows`]): each change of such a row appends an entry with the row's digest,
//! and [`verify`] checks every covered row against its latest entry.

pub mod mark;
pub(crate) mod pending;
pub mod rows;

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use rows::{RowFinding, Table};

use crate::crypto::{self, MacKey, SecretKey};
use crate::error::{invalid, Error, Field, Problem, Result};
use crate::host::LegKind;

pub const MAX_PAGE: u32 = 500;

/// The acts that are audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    TerminalActivated,
    RequestOpened,
    RequestCodeRejected,
    RequestRedeemed,
    PermissionGranted,
    RefundPermissionGranted,
    PasswordSet,
    PasswordChanged,
    PasswordReset,
    PasswordFailed,
    LockoutStarted,
    RestrictionLifted,
    /// A step of an online act (`host_leg`).
    Leg(LegKind, LegEvent),
    BatchSettled,
    SchemaUpgraded,
    SignedIn,
    SignInFailed,
    SignedOut,
    OperatorAdded,
    OperatorRemoved,
    OperatorPasswordChanged,
    ApprovalsBlocked,
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
            Self::RefundPermissionGranted => "refund_permission.granted",
            Self::PasswordSet => "password.set",
            Self::PasswordChanged => "password.changed",
            Self::PasswordReset => "password.reset",
            Self::PasswordFailed => "password.failed",
            Self::LockoutStarted => "lockout.started",
            Self::RestrictionLifted => "restriction.lifted",
            Self::Leg(kind, event) => leg_act(kind, event),
            Self::BatchSettled => "batch.settled",
            Self::SchemaUpgraded => "schema.upgraded",
            Self::SignedIn => "operator.signed_in",
            Self::SignInFailed => "operator.sign_in_failed",
            Self::SignedOut => "operator.signed_out",
            Self::OperatorAdded => "operator.added",
            Self::OperatorRemoved => "operator.removed",
            Self::OperatorPasswordChanged => "operator.password_changed",
            Self::ApprovalsBlocked => "approvals.blocked",
            #[cfg(feature = "bench")]
            Self::BenchmarkFill => "bench.fill",
        }
    }
}

/// The steps of a host leg that are audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegEvent {
    Begun,
    Approved,
    Declined,
    Unanswered,
    Reversed,
    NeedsManualHandling,
    ResolvedManually,
}

/// `<kind>.<event>`, spelled out so every name is a literal the screens can look up.
fn leg_act(kind: LegKind, event: LegEvent) -> &'static str {
    use LegEvent as E;
    use LegKind as K;
    match (kind, event) {
        (K::Sale, E::Begun) => "sale.begun",
        (K::Sale, E::Approved) => "sale.approved",
        (K::Sale, E::Declined) => "sale.declined",
        (K::Sale, E::Unanswered) => "sale.unanswered",
        (K::Sale, E::Reversed) => "sale.reversed",
        (K::Sale, E::NeedsManualHandling) => "sale.manual",
        (K::Sale, E::ResolvedManually) => "sale.resolved_manually",
        (K::Void, E::Begun) => "void.begun",
        (K::Void, E::Approved) => "void.approved",
        (K::Void, E::Declined) => "void.declined",
        (K::Void, E::Unanswered) => "void.unanswered",
        (K::Void, E::Reversed) => "void.reversed",
        (K::Void, E::NeedsManualHandling) => "void.manual",
        (K::Void, E::ResolvedManually) => "void.resolved_manually",
        (K::Settlement, E::Begun) => "settlement.begun",
        (K::Settlement, E::Approved) => "settlement.approved",
        (K::Settlement, E::Declined) => "settlement.declined",
        (K::Settlement, E::Unanswered) => "settlement.unanswered",
        (K::Settlement, E::Reversed) => "settlement.reversed",
        (K::Settlement, E::NeedsManualHandling) => "settlement.manual",
        (K::Settlement, E::ResolvedManually) => "settlement.resolved_manually",
        (K::Refund, E::Begun) => "refund.begun",
        (K::Refund, E::Approved) => "refund.approved",
        (K::Refund, E::Declined) => "refund.declined",
        (K::Refund, E::Unanswered) => "refund.unanswered",
        (K::Refund, E::Reversed) => "refund.reversed",
        (K::Refund, E::NeedsManualHandling) => "refund.manual",
        (K::Refund, E::ResolvedManually) => "refund.resolved_manually",
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
    /// A covered row differs from what its latest entry recorded.
    RowAltered,
    /// A covered row that no entry records: inserted outside the terminal.
    RowUnrecorded,
    /// An entry records a row that is no longer there.
    RowDeleted,
    /// A covered row carries an older entry than the chain's latest for it: an older
    /// copy of the row was written back.
    RowReplayed,
    /// The database is behind the high-water mark kept outside it: an older copy of
    /// the whole file was restored.
    RolledBack,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuditReport {
    pub ok: bool,
    pub entries_checked: u64,
    pub first_bad_seq: Option<u64>,
    pub problem: Option<AuditProblem>,
    /// Covered rows checked against their latest entries.
    #[uniffi(default = 0)]
    pub rows_checked: u64,
    /// For a row problem: the table and row id.
    #[uniffi(default = None)]
    pub table: Option<String>,
    #[uniffi(default = None)]
    pub row_id: Option<i64>,
}

impl AuditReport {
    fn bad(checked: u64, seq: u64, problem: AuditProblem) -> Self {
        Self {
            ok: false,
            entries_checked: checked,
            first_bad_seq: Some(seq),
            problem: Some(problem),
            rows_checked: 0,
            table: None,
            row_id: None,
        }
    }

    pub(crate) fn row(checked: u64, rows_checked: u64, finding: RowFinding) -> Self {
        Self {
            ok: false,
            entries_checked: checked,
            first_bad_seq: finding.seq,
            problem: Some(finding.problem),
            rows_checked,
            table: Some(finding.table.name().to_owned()),
            row_id: Some(finding.row_id),
        }
    }
}

/// Sequence numbers start at 1; SQLite stores them as signed integers.
fn seq_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<u64> {
    let v: i64 = r.get(i)?;
    u64::try_from(v).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(i, v))
}

pub(crate) fn seq_sql(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

/// The row an entry records: table, row id and the digest of its content.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowRef<'a> {
    pub table: &'a [u8],
    pub row_id: i64,
    pub digest: &'a [u8],
}

/// The fields one entry's MAC covers, chained to the previous entry's MAC. Entries
/// without a row keep the first version's framing, so entries written before the
/// upgrade still verify; adding or removing a row reference changes the framing.
struct Link<'a> {
    prev: &'a [u8],
    seq: u64,
    at_ms: i64,
    kind: &'a [u8],
    operator_no: &'a [u8],
    detail: &'a [u8],
    row: Option<RowRef<'a>>,
}

impl Link<'_> {
    fn mac(&self, key: &MacKey) -> [u8; 32] {
        let seq = self.seq.to_be_bytes();
        let at = self.at_ms.to_be_bytes();
        match self.row {
            None => key.framed(&[
                b"audit v1",
                self.prev,
                &seq,
                &at,
                self.kind,
                self.operator_no,
                self.detail,
            ]),
            Some(row) => key.framed(&[
                b"audit v2",
                self.prev,
                &seq,
                &at,
                self.kind,
                self.operator_no,
                self.detail,
                row.table,
                &row.row_id.to_be_bytes(),
                row.digest,
            ]),
        }
    }
}

fn mac_key(key: &SecretKey) -> Result<MacKey> {
    MacKey::new(key).ok_or(Error::Crypto)
}

/// The last entry, as the head records it, and the digest of the state a void
/// depends on ([`rows::state_digest`]). `marked` says a high-water mark outside the
/// file has been bound to this database, so a missing one is noticed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Head {
    pub seq: u64,
    pub mac: Vec<u8>,
    pub state: Vec<u8>,
    pub marked: bool,
}

fn head_mac(key: &SecretKey, head: &Head) -> [u8; 32] {
    key.mac(&[&crypto::framed(&[
        b"audit head v2",
        &head.seq.to_be_bytes(),
        &head.mac,
        &head.state,
        &[u8::from(head.marked)],
    ])])
}

/// The head as stored, with whether its MAC verifies; inside a write-behind scope,
/// the head this transaction has advanced to (its own, so authentic).
pub(crate) fn head(conn: &Connection, key: &SecretKey) -> Result<Option<(Head, bool)>> {
    if let Some(held) = pending::head(conn) {
        return Ok(Some((held, true)));
    }
    Ok(stored_head(conn)?.map(|(head, stored)| {
        let ok = crypto::constant_time_eq(&stored, &head_mac(key, &head));
        (head, ok)
    }))
}

/// The head row and its stored MAC, unchecked.
fn stored_head(conn: &Connection) -> Result<Option<(Head, Vec<u8>)>> {
    Ok(crate::store::row(
        conn,
        "SELECT seq, mac, coalesce(state_digest, x''), marked, head_mac FROM audit_head WHERE id = 1",
        [],
        |r| {
            Ok((
                Head {
                    seq: seq_at(r, 0)?,
                    mac: r.get(1)?,
                    state: r.get(2)?,
                    marked: r.get::<_, i64>(3)? != 0,
                },
                r.get(4)?,
            ))
        },
    )
    .optional()?)
}

fn write_head(tx: &Transaction<'_>, key: &SecretKey, head: &Head) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO audit_head (id, seq, mac, head_mac, state_digest, marked) VALUES (1, ?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, mac = excluded.mac,
             head_mac = excluded.head_mac, state_digest = excluded.state_digest, marked = excluded.marked",
    )?
    .execute(params![
        seq_sql(head.seq),
        head.mac,
        head_mac(key, head).to_vec(),
        head.state,
        head.marked
    ])?;
    Ok(())
}

/// The head as the writer trusts it: its own last write, held in memory inside a
/// write-behind scope (the stored head's MAC is checked where it matters, at open,
/// before a write another connection may have touched, and in `verify`).
fn current_head(tx: &Transaction<'_>) -> Result<Head> {
    if let Some(held) = pending::head(tx) {
        return Ok(held);
    }
    Ok(stored_head(tx)?.map(|(h, _)| h).unwrap_or(Head {
        seq: 0,
        mac: vec![0u8; 32],
        state: Vec::new(),
        marked: false,
    }))
}

/// Records `head` as the chain's new head: at the end of the transaction inside a
/// write-behind scope, at once outside one.
fn advance_head(tx: &Transaction<'_>, key: &SecretKey, head: &Head) -> Result<()> {
    if pending::keep_head(tx, head) {
        return Ok(());
    }
    write_head(tx, key, head)
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
    push(
        tx,
        key,
        at_ms,
        act.as_str(),
        operator_no,
        &detail.to_string(),
        None,
    )
}

fn push(
    tx: &Transaction<'_>,
    key: &SecretKey,
    at_ms: i64,
    kind: &str,
    operator_no: Option<&str>,
    detail: &str,
    row: Option<RowRef<'_>>,
) -> Result<u64> {
    let mut head = current_head(tx)?;
    let seq = head.seq + 1;
    let mac = Link {
        prev: &head.mac,
        seq,
        at_ms,
        kind: kind.as_bytes(),
        operator_no: operator_no.unwrap_or("").as_bytes(),
        detail: detail.as_bytes(),
        row,
    }
    .mac(&mac_key(key)?);
    tx.prepare_cached(
        "INSERT INTO audit (seq, at_ms, kind, operator_no, detail, mac, row_table, row_id, row_digest)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        seq_sql(seq),
        at_ms,
        kind,
        operator_no,
        detail,
        mac.to_vec(),
        row.map(|r| String::from_utf8_lossy(r.table).into_owned()),
        row.map(|r| r.row_id),
        row.map(|r| r.digest.to_vec()),
    ])?;
    head.seq = seq;
    head.mac = mac.to_vec();
    advance_head(tx, key, &head)?;
    Ok(seq)
}

/// The head as a host is told it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuditHead {
    pub seq: u64,
    /// The last entry's MAC, hex.
    pub mac: String,
}

pub fn public_head(conn: &Connection, key: &SecretKey) -> Result<AuditHead> {
    Ok(match head(conn, key)? {
        Some((h, true)) => AuditHead {
            seq: h.seq,
            mac: crypto::to_hex(&h.mac),
        },
        Some((_, false)) => return Err(Error::Corrupt("the audit head does not authenticate")),
        None => AuditHead {
            seq: 0,
            mac: crypto::to_hex(&[0u8; 32]),
        },
    })
}

/// Changes the head's state digest (after a change of a row a void depends on) with
/// `update`, which gets the state as it stands.
pub(crate) fn update_state(
    tx: &Transaction<'_>,
    key: &SecretKey,
    update: impl FnOnce(&[u8]) -> Result<Vec<u8>>,
) -> Result<()> {
    let mut head = current_head(tx)?;
    head.state = update(&head.state)?;
    advance_head(tx, key, &head)
}

/// Records that a high-water mark outside the file now follows this database.
pub(crate) fn set_marked(tx: &Transaction<'_>, key: &SecretKey) -> Result<()> {
    let mut head = current_head(tx)?;
    head.marked = true;
    advance_head(tx, key, &head)
}

/// One stored entry with what its MAC covers.
pub(crate) struct Stored {
    pub mac: Vec<u8>,
    pub row_table: Option<String>,
    pub row_id: Option<i64>,
    pub row_digest: Option<Vec<u8>>,
}

/// The entry at `seq` if its MAC verifies against the entry before it; `None` when
/// it is missing or does not verify.
pub(crate) fn authentic_entry(
    conn: &Connection,
    key: &SecretKey,
    seq: u64,
) -> Result<Option<Stored>> {
    let prev: Vec<u8> = if seq <= 1 {
        vec![0u8; 32]
    } else {
        match crate::store::row(
            conn,
            "SELECT mac FROM audit WHERE seq = ?1",
            [seq_sql(seq - 1)],
            |r| r.get(0),
        )
        .optional()?
        {
            Some(mac) => mac,
            None => return Ok(None),
        }
    };
    let mut stmt = conn.prepare_cached(
        "SELECT at_ms, kind, operator_no, detail, mac, row_table, row_id, row_digest FROM audit WHERE seq = ?1",
    )?;
    let mut rows = stmt.query([seq_sql(seq)])?;
    let Some(r) = rows.next()? else {
        return Ok(None);
    };
    let text = |i: usize| -> rusqlite::Result<&[u8]> {
        Ok(r.get_ref(i)?.as_bytes_or_null()?.unwrap_or_default())
    };
    let row_table: Option<String> = r.get(5)?;
    let row_id: Option<i64> = r.get(6)?;
    let row_digest: Option<Vec<u8>> = r.get(7)?;
    let row = match (&row_table, row_id, &row_digest) {
        (Some(t), Some(id), Some(d)) => Some(RowRef {
            table: t.as_bytes(),
            row_id: id,
            digest: d,
        }),
        _ => None,
    };
    let expected = Link {
        prev: &prev,
        seq,
        at_ms: r.get(0)?,
        kind: text(1)?,
        operator_no: text(2)?,
        detail: text(3)?,
        row,
    }
    .mac(&mac_key(key)?);
    let mac = text(4)?.to_vec();
    if !crypto::constant_time_eq(&mac, &expected) {
        return Ok(None);
    }
    Ok(Some(Stored {
        mac,
        row_table,
        row_id,
        row_digest,
    }))
}

/// Newest first, `limit` acts older than `before_seq`. The entries that record a
/// covered row are evidence for `verify`, not acts a person reads, and are left out.
pub fn page(conn: &Connection, before_seq: Option<u64>, limit: u32) -> Result<Vec<AuditEntry>> {
    if limit == 0 || limit > MAX_PAGE {
        return Err(invalid(Field::PageSize, Problem::NotAllowed));
    }
    let before = before_seq.map_or(i64::MAX, |s| i64::try_from(s).unwrap_or(i64::MAX));
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at_ms, kind, operator_no, detail FROM audit
         WHERE seq < ?1 AND row_table IS NULL ORDER BY seq DESC LIMIT ?2",
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

/// Walks the whole chain and names the first entry that does not verify, then checks
/// every covered row against the latest entry that records it.
pub fn verify(conn: &Connection, key: &SecretKey) -> Result<AuditReport> {
    let key_for_entries = mac_key(key)?;
    let mut latest = rows::Latest::default();
    let mut stmt = conn.prepare(
        "SELECT seq, at_ms, kind, operator_no, detail, mac, row_table, row_id, row_digest
         FROM audit ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev_mac = [0u8; 32];
    let mut checked = 0u64;
    // Borrowed column values: a million entries verify without a million allocations.
    while let Some(r) = rows.next()? {
        let seq = seq_at(r, 0)?;
        let expected_seq = checked + 1;
        if seq != expected_seq {
            return Ok(AuditReport::bad(
                checked,
                expected_seq,
                AuditProblem::Missing,
            ));
        }
        let text = |i: usize| -> rusqlite::Result<&[u8]> {
            Ok(r.get_ref(i)?.as_bytes_or_null()?.unwrap_or_default())
        };
        let table = r
            .get_ref(6)?
            .as_bytes_or_null()
            .map_err(rusqlite::Error::from)?;
        let row = match (table, r.get::<_, Option<i64>>(7)?) {
            (Some(table), Some(row_id)) => Some(RowRef {
                table,
                row_id,
                digest: text(8)?,
            }),
            _ => None,
        };
        let link = Link {
            prev: &prev_mac,
            seq,
            at_ms: r.get(1)?,
            kind: text(2)?,
            operator_no: text(3)?,
            detail: text(4)?,
            row,
        };
        let expected = link.mac(&key_for_entries);
        if !crypto::constant_time_eq(text(5)?, &expected) {
            return Ok(AuditReport::bad(checked, seq, AuditProblem::Altered));
        }
        if let Some(row) = row.filter(|r| !rows::is_retired(r.table)) {
            // An authentic entry naming a table this code does not know cannot be
            // written by it: fail closed.
            let table = Table::from_name(row.table)
                .ok_or(Error::Corrupt("an entry names an unknown table"))?;
            latest.record(table, row.row_id, seq, row.digest);
        }
        prev_mac = expected;
        checked += 1;
    }
    match head(conn, key)? {
        None if checked == 0 => {}
        None => {
            return Ok(AuditReport::bad(
                checked,
                checked + 1,
                AuditProblem::HeadAltered,
            ))
        }
        Some((head, authentic)) => {
            if !authentic {
                return Ok(AuditReport::bad(
                    checked,
                    checked + 1,
                    AuditProblem::HeadAltered,
                ));
            }
            if head.seq > checked {
                return Ok(AuditReport::bad(
                    checked,
                    checked + 1,
                    AuditProblem::TailCut,
                ));
            }
            if head.seq < checked || !crypto::constant_time_eq(&head.mac, &prev_mac) {
                return Ok(AuditReport::bad(
                    checked,
                    head.seq + 1,
                    AuditProblem::HeadAltered,
                ));
            }
        }
    }
    let (rows_checked, finding) = rows::check_all(conn, latest)?;
    if let Some(finding) = finding {
        return Ok(AuditReport::row(checked, rows_checked, finding));
    }
    Ok(AuditReport {
        ok: true,
        entries_checked: checked,
        first_bad_seq: None,
        problem: None,
        rows_checked,
        table: None,
        row_id: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chain(n: u64) -> (rusqlite::Connection, SecretKey) {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::store::create_for_test(&mut conn);
        let key = SecretKey::random().unwrap();
        let tx = conn.transaction().unwrap();
        // An attacker with the file drops the triggers that refuse edits first.
        tx.execute_batch(
            "DROP TRIGGER audit_entries_are_never_changed; DROP TRIGGER audit_entries_are_never_deleted;",
        )
        .unwrap();
        for i in 0..n {
            append(
                &tx,
                &key,
                i as i64,
                Act::Leg(LegKind::Void, LegEvent::Begun),
                Some("01"),
                json!({ "i": i }),
            )
            .unwrap();
        }
        rows::cover_everything(&tx, &key, 0).unwrap();
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
        assert_eq!(report.entries_checked, 23);
        assert_eq!(report.rows_checked, 3);
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
