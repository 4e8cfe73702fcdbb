//! Row coverage: every row that grants, limits or records money is bound to the audit
//! chain. Each insert or change of such a row appends an entry carrying a digest of the
//! row's new content, in the same transaction, and the row keeps that entry's sequence
//! number in `audit_seq`. Someone who can write the file but lacks the terminal's key
//! cannot make an entry, so an edited, deleted, forged or replayed row is told apart
//! from one the terminal wrote:
//!
//! - edited: the row's digest differs from its latest entry's;
//! - forged: no entry records the row;
//! - deleted: the latest entry for a row finds no row;
//! - replayed (an older copy written back): the row's `audit_seq` is older than the
//!   chain's latest entry for it.
//!
//! [`verify`](super::verify) walks the whole chain for that. Opening the terminal and
//! every money-moving call check the few rows a void depends on ([`Table::is_critical`])
//! without the walk: the head carries the list of their latest entries, under its MAC.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::{AuditProblem, RowRef};
use crate::crypto::{self, FramedHash, SecretKey};
use crate::error::{Error, Result};

/// The covered tables, in the order verification reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Profile,
    Vault,
    Lockout,
    VoidLimits,
    Counters,
    ApprovalGuard,
    Operators,
    Requests,
    HostLegs,
    Journal,
    Settlements,
    /// Appended, not inserted: a table's code is its place in this list.
    RefundLifts,
}

/// Generates the per-table SQL as literals, so statements can be cached.
macro_rules! tables {
    ($($variant:ident => $name:literal, $critical:literal;)*) => {
        impl Table {
            pub const ALL: &'static [Table] = &[$(Table::$variant),*];

            pub fn name(self) -> &'static str {
                match self { $(Table::$variant => $name),* }
            }

            /// A void depends on it: checked at open and before every money-moving call.
            pub fn is_critical(self) -> bool {
                match self { $(Table::$variant => $critical),* }
            }

            fn kind(self) -> &'static str {
                match self { $(Table::$variant => concat!("row.", $name)),* }
            }

            fn select_one(self) -> &'static str {
                match self { $(Table::$variant => concat!("SELECT rowid, * FROM ", $name, " WHERE rowid = ?1")),* }
            }

            fn select_all(self) -> &'static str {
                match self { $(Table::$variant => concat!("SELECT rowid, * FROM ", $name, " ORDER BY rowid")),* }
            }

            fn set_seq(self) -> &'static str {
                match self { $(Table::$variant => concat!("UPDATE ", $name, " SET audit_seq = ?1 WHERE rowid = ?2")),* }
            }

            pub fn from_name(name: &[u8]) -> Option<Table> {
                match name { $(n if n == $name.as_bytes() => Some(Table::$variant),)* _ => None }
            }

        }
    };
}

tables! {
    Profile => "profile", true;
    Vault => "vault", true;
    Lockout => "lockout", true;
    VoidLimits => "void_limits", true;
    Counters => "counters", true;
    ApprovalGuard => "approval_guard", true;
    Operators => "operators", true;
    Requests => "requests", false;
    HostLegs => "host_legs", false;
    Journal => "journal", false;
    Settlements => "settlements", false;
    RefundLifts => "refund_lifts", true;
}

/// Tables of earlier schema versions whose rows moved elsewhere: their old entries
/// stay in the chain (and are authenticated with it) but name no row to check. Each
/// upgrade that retires one checks its rows against their entries before moving them
/// ([`check_retired`]), and covers them anew where they land.
/// Each with the kind its entries carry.
const RETIRED: &[(&str, &str)] = &[("pending_voids", "row.pending_voids")];

pub fn is_retired(name: &[u8]) -> bool {
    RETIRED.iter().any(|(r, _)| r.as_bytes() == name)
}

fn exists(conn: &Connection, name: &str) -> Result<bool> {
    Ok(crate::store::row(
        conn,
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1)",
        [name],
        |r| r.get(0),
    )?)
}

impl Table {
    /// Its index in [`Table::ALL`], which is declaration order.
    fn code(self) -> u8 {
        self as u8
    }
}

/// What verification found wrong, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowFinding {
    pub table: Table,
    pub row_id: i64,
    /// The entry involved, when there is one.
    pub seq: Option<u64>,
    pub problem: AuditProblem,
}

impl RowFinding {
    /// What a money-moving call answers when it meets this row.
    pub fn refusal(&self) -> crate::error::VoidGuardError {
        crate::error::VoidGuardError::TamperedRow {
            table: self.table.name().to_owned(),
            row_id: self.row_id,
            problem: self.problem,
        }
    }

    fn new(table: Table, row_id: i64, seq: Option<u64>, problem: AuditProblem) -> Self {
        Self {
            table,
            row_id,
            seq,
            problem,
        }
    }
}

/// The digest of one row as `SELECT rowid, *` returns it: every column but the row id
/// and `audit_seq`, by name. NULL columns are left out, so a later schema version may
/// add a nullable column without changing the digest of any existing row.
fn digest_row(table: Table, row_id: i64, r: &Row<'_>) -> rusqlite::Result<[u8; 32]> {
    digest_named(table.name(), row_id, r)
}

fn digest_named(name: &str, row_id: i64, r: &Row<'_>) -> rusqlite::Result<[u8; 32]> {
    let stmt = r.as_ref();
    let mut h = FramedHash::new(b"voidguard row v1");
    h.field(name.as_bytes()).field(&row_id.to_be_bytes());
    for i in 1..stmt.column_count() {
        let name = stmt.column_name(i)?;
        if name == "audit_seq" {
            continue;
        }
        use rusqlite::types::ValueRef;
        let number;
        let (tag, bytes): (&[u8], &[u8]) = match r.get_ref(i)? {
            ValueRef::Null => continue,
            ValueRef::Integer(v) => {
                number = v.to_be_bytes();
                (b"i", &number)
            }
            ValueRef::Real(v) => {
                number = v.to_be_bytes();
                (b"r", &number)
            }
            ValueRef::Text(t) => (b"t", t),
            ValueRef::Blob(b) => (b"b", b),
        };
        h.field(name.as_bytes()).field(tag).field(bytes);
    }
    Ok(h.finish())
}

fn audit_seq_of(r: &Row<'_>) -> rusqlite::Result<Option<u64>> {
    let i = r.as_ref().column_index("audit_seq")?;
    Ok(r.get::<_, Option<i64>>(i)?
        .and_then(|v| u64::try_from(v).ok()))
}

/// The row's digest and recorded entry, or `None` when there is no such row.
fn current(
    conn: &Connection,
    table: Table,
    row_id: i64,
) -> Result<Option<([u8; 32], Option<u64>)>> {
    Ok(crate::store::row(conn, table.select_one(), [row_id], |r| {
        Ok((digest_row(table, row_id, r)?, audit_seq_of(r)?))
    })
    .optional()?)
}

/// Records the row's new content in the chain and binds the row to that entry. Called
/// after every insert or change of a covered row, in the same transaction; inside a
/// write-behind scope the row is covered once, as it stands at the end of it.
pub fn cover(
    tx: &Transaction<'_>,
    key: &SecretKey,
    at_ms: i64,
    table: Table,
    row_id: i64,
) -> Result<()> {
    if !super::pending::defer_cover(tx, table, row_id, at_ms) {
        cover_now(tx, key, at_ms, table, row_id)?;
    }
    Ok(())
}

pub(super) fn cover_now(
    tx: &Transaction<'_>,
    key: &SecretKey,
    at_ms: i64,
    table: Table,
    row_id: i64,
) -> Result<u64> {
    let (digest, _) =
        current(tx, table, row_id)?.ok_or(Error::Corrupt("a covered row vanished"))?;
    let seq = super::push(
        tx,
        key,
        at_ms,
        table.kind(),
        None,
        "{}",
        Some(RowRef {
            table: table.name().as_bytes(),
            row_id,
            digest: &digest,
        }),
    )?;
    crate::store::exec(tx, table.set_seq(), params![super::seq_sql(seq), row_id])?;
    if table.is_critical() {
        super::update_state(tx, key, |state| match (table, decode_state(state)) {
            // Every row of the other critical tables is listed: this one's entry is
            // the only change, with no need to read them all again.
            (Table::VoidLimits, _) | (_, None) => Ok(encode_state(&critical_rows(tx)?)),
            (_, Some(mut listed)) => {
                listed.insert((table, row_id), seq);
                let rows: Vec<_> = listed
                    .into_iter()
                    .map(|((t, id), s)| (t, id, Some(s)))
                    .collect();
                Ok(encode_state(&rows))
            }
        })?;
    }
    Ok(seq)
}

/// Covers every row of every covered table the schema has at the time — a table a
/// later version retired included, under its own name: only when the schema first
/// gains coverage, with the key in hand (never for rows found later without an entry).
pub(crate) fn cover_everything(tx: &Transaction<'_>, key: &SecretKey, at_ms: i64) -> Result<u64> {
    let mut count = 0;
    for table in Table::ALL {
        if !exists(tx, table.name())? {
            continue;
        }
        for id in row_ids(tx, table.name())? {
            cover(tx, key, at_ms, *table, id)?;
            count += 1;
        }
    }
    for (name, kind) in RETIRED {
        if !exists(tx, name)? {
            continue;
        }
        for row_id in row_ids(tx, name)? {
            let digest = crate::store::row(
                tx,
                &format!("SELECT rowid, * FROM {name} WHERE rowid = ?1"),
                [row_id],
                |r| digest_named(name, row_id, r),
            )?;
            let seq = super::push(
                tx,
                key,
                at_ms,
                kind,
                None,
                "{}",
                Some(RowRef {
                    table: name.as_bytes(),
                    row_id,
                    digest: &digest,
                }),
            )?;
            crate::store::exec(
                tx,
                &format!("UPDATE {name} SET audit_seq = ?1 WHERE rowid = ?2"),
                params![super::seq_sql(seq), row_id],
            )?;
            count += 1;
        }
    }
    Ok(count)
}

fn row_ids(conn: &Connection, name: &str) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare(&format!("SELECT rowid FROM {name} ORDER BY rowid"))?;
    let ids = stmt.query_map([], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// The rows a void depends on, with the entry each records: every row of the critical
/// tables but the daily limits, of which only the latest day counts.
fn critical_rows(conn: &Connection) -> Result<Vec<(Table, i64, Option<u64>)>> {
    let mut out = Vec::new();
    for table in Table::ALL.iter().copied().filter(|t| t.is_critical()) {
        // Upgrades cover rows with the schema of their time, before later tables exist.
        if table == Table::RefundLifts && !exists(conn, table.name())? {
            continue;
        }
        let sql = match table {
            Table::VoidLimits => {
                "SELECT rowid, audit_seq FROM void_limits ORDER BY business_date DESC LIMIT 1"
            }
            _ => table.select_all(),
        };
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map([], |r| Ok((table, r.get(0)?, audit_seq_of(r)?)))?;
        for row in rows {
            out.push(row?);
        }
    }
    Ok(out)
}

/// The head's list of critical rows: 17 bytes each (table, row id, entry).
fn encode_state(rows: &[(Table, i64, Option<u64>)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows.len() * 17);
    for (table, id, seq) in rows {
        out.push(table.code());
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(&seq.map_or(-1, super::seq_sql).to_be_bytes());
    }
    out
}

fn decode_state(bytes: &[u8]) -> Option<BTreeMap<(Table, i64), u64>> {
    if !bytes.len().is_multiple_of(17) {
        return None;
    }
    let mut out = BTreeMap::new();
    for chunk in bytes.chunks_exact(17) {
        let table = *Table::ALL.get(usize::from(chunk[0]))?;
        let id = i64::from_be_bytes(chunk[1..9].try_into().ok()?);
        let seq = u64::try_from(i64::from_be_bytes(chunk[9..17].try_into().ok()?)).ok()?;
        out.insert((table, id), seq);
    }
    Some(out)
}

/// Whether the row matches the authentic entry at `seq` (which must record it).
fn matches_entry(
    conn: &Connection,
    key: &SecretKey,
    table: Table,
    row_id: i64,
    seq: u64,
    digest: &[u8],
) -> Result<bool> {
    let Some(entry) = super::authentic_entry(conn, key, seq)? else {
        return Ok(false);
    };
    Ok(entry.row_table.as_deref() == Some(table.name())
        && entry.row_id == Some(row_id)
        && entry
            .row_digest
            .is_some_and(|d| crypto::constant_time_eq(&d, digest)))
}

/// Checks one row against the entry it names (edits and forgeries; a replay of an
/// older copy needs the chain walk or, for critical rows, the head's list).
pub fn check_row(
    conn: &Connection,
    key: &SecretKey,
    table: Table,
    row_id: i64,
) -> Result<Option<RowFinding>> {
    let Some((digest, seq)) = current(conn, table, row_id)? else {
        return Ok(Some(RowFinding::new(
            table,
            row_id,
            None,
            AuditProblem::RowDeleted,
        )));
    };
    let Some(seq) = seq else {
        return Ok(Some(RowFinding::new(
            table,
            row_id,
            None,
            AuditProblem::RowUnrecorded,
        )));
    };
    if matches_entry(conn, key, table, row_id, seq, &digest)? {
        Ok(None)
    } else {
        Ok(Some(RowFinding::new(
            table,
            row_id,
            Some(seq),
            AuditProblem::RowAltered,
        )))
    }
}

/// The check at open and before each money-moving call: the head is authentic, and
/// every critical row is exactly the one its latest entry recorded.
pub fn check_critical(conn: &Connection, key: &SecretKey) -> Result<Option<RowFinding>> {
    let rows = critical_rows(conn)?;
    let Some((head, authentic)) = super::head(conn, key)? else {
        // Only a database that never had keys has no head, and then no rows are covered.
        return Ok(rows
            .first()
            .map(|(t, id, seq)| RowFinding::new(*t, *id, *seq, AuditProblem::RowUnrecorded)));
    };
    let expected = if authentic {
        decode_state(&head.state)
    } else {
        None
    };
    let Some(mut expected) = expected else {
        let (t, id, _) = rows.first().copied().unwrap_or((Table::Profile, 1, None));
        return Ok(Some(RowFinding::new(
            t,
            id,
            Some(head.seq),
            AuditProblem::HeadAltered,
        )));
    };
    // Rows the head lists first, so a deleted latest row is reported as such.
    for (&(table, row_id), &seq) in &expected {
        let Some((digest, found)) = current(conn, table, row_id)? else {
            return Ok(Some(RowFinding::new(
                table,
                row_id,
                Some(seq),
                AuditProblem::RowDeleted,
            )));
        };
        match found {
            Some(found) if found == seq => {
                if !matches_entry(conn, key, table, row_id, seq, &digest)? {
                    return Ok(Some(RowFinding::new(
                        table,
                        row_id,
                        Some(seq),
                        AuditProblem::RowAltered,
                    )));
                }
            }
            Some(found) if found < seq => {
                return Ok(Some(RowFinding::new(
                    table,
                    row_id,
                    Some(found),
                    AuditProblem::RowReplayed,
                )))
            }
            other => {
                return Ok(Some(RowFinding::new(
                    table,
                    row_id,
                    other,
                    AuditProblem::RowAltered,
                )))
            }
        }
    }
    for (table, row_id, seq) in rows {
        if expected.remove(&(table, row_id)).is_none() {
            return Ok(Some(RowFinding::new(
                table,
                row_id,
                seq,
                AuditProblem::RowUnrecorded,
            )));
        }
    }
    Ok(None)
}

/// The latest entry for each row, gathered while the chain is walked. A B-tree, not a
/// hash map: std's hash seeds read randomness through `getrandom`, which Android
/// only has from API 28 (a weak reference the arm64 check refuses).
#[derive(Default)]
pub struct Latest(BTreeMap<(Table, i64), (u64, [u8; 32])>);

impl Latest {
    pub fn record(&mut self, table: Table, row_id: i64, seq: u64, digest: &[u8]) {
        let mut d = [0u8; 32];
        // A digest of another length can match no row: all zeros stands for it.
        if digest.len() == 32 {
            d.copy_from_slice(digest);
        }
        self.0.insert((table, row_id), (seq, d));
    }
}

/// Checks every row of a table about to be retired against the latest entry the chain
/// holds for it, before an upgrade moves the rows: an edited, forged, replayed or
/// deleted row is refused instead of being covered anew where it lands. The entries
/// themselves are authenticated by every later walk of the chain, which keeps them.
pub(crate) fn check_retired(
    conn: &Connection,
    name: &'static str,
) -> Result<Option<(i64, AuditProblem)>> {
    let mut latest: BTreeMap<i64, (u64, Vec<u8>)> = BTreeMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT row_id, seq, row_digest FROM audit WHERE row_table = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([name], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })?;
        for row in rows {
            let (id, seq, digest) = row?;
            latest.insert(id, (u64::try_from(seq).unwrap_or(0), digest));
        }
    }
    let mut stmt = conn.prepare(&format!("SELECT rowid, * FROM {name} ORDER BY rowid"))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let row_id: i64 = r.get(0)?;
        let found = audit_seq_of(r)?;
        let digest = digest_named(name, row_id, r)?;
        let problem = match latest.remove(&row_id) {
            None => AuditProblem::RowUnrecorded,
            Some((seq, recorded)) => match found {
                Some(f) if f == seq && crypto::constant_time_eq(&recorded, &digest) => continue,
                Some(f) if f < seq => AuditProblem::RowReplayed,
                _ => AuditProblem::RowAltered,
            },
        };
        return Ok(Some((row_id, problem)));
    }
    Ok(latest
        .into_keys()
        .next()
        .map(|id| (id, AuditProblem::RowDeleted)))
}

/// Checks every row of every covered table against the chain's latest entry for it,
/// then reports entries whose row is gone. Returns the rows checked and the first
/// problem.
pub fn check_all(conn: &Connection, latest: Latest) -> Result<(u64, Option<RowFinding>)> {
    let mut latest = latest.0;
    let mut checked = 0u64;
    for &table in Table::ALL {
        let mut stmt = conn.prepare(table.select_all())?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let row_id: i64 = r.get(0)?;
            let found = audit_seq_of(r)?;
            let digest = digest_row(table, row_id, r)?;
            checked += 1;
            let Some((seq, recorded)) = latest.remove(&(table, row_id)) else {
                return Ok((
                    checked,
                    Some(RowFinding::new(
                        table,
                        row_id,
                        found,
                        AuditProblem::RowUnrecorded,
                    )),
                ));
            };
            let problem = match found {
                Some(f) if f == seq && crypto::constant_time_eq(&recorded, &digest) => continue,
                Some(f) if f < seq => AuditProblem::RowReplayed,
                _ => AuditProblem::RowAltered,
            };
            return Ok((
                checked,
                Some(RowFinding::new(table, row_id, Some(seq), problem)),
            ));
        }
    }
    // The B-tree yields rows in table order, then by row id: the first is reported.
    let gone = latest.into_iter().next();
    Ok((
        checked,
        gone.map(|((t, id), (seq, _))| RowFinding::new(t, id, Some(seq), AuditProblem::RowDeleted)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_state_list_round_trips() {
        let rows = vec![
            (Table::Profile, 1, Some(7)),
            (Table::VoidLimits, 12, Some(900)),
            (Table::ApprovalGuard, 1, Some(u64::from(u32::MAX) + 5)),
        ];
        let decoded = decode_state(&encode_state(&rows)).unwrap();
        assert_eq!(decoded.len(), 3);
        assert_eq!(decoded[&(Table::VoidLimits, 12)], 900);
        // A row without an entry cannot be listed as having one.
        assert_eq!(
            decode_state(&encode_state(&[(Table::Vault, 1, None)])),
            None
        );
    }

    #[test]
    fn every_table_has_its_name_back() {
        for table in Table::ALL {
            assert_eq!(Table::from_name(table.name().as_bytes()), Some(*table));
            assert_eq!(Table::ALL[usize::from(table.code())], *table);
        }
        assert_eq!(Table::from_name(b"audit"), None);
    }

    proptest! {
        #[test]
        fn a_garbage_state_list_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            if let Some(map) = decode_state(&bytes) {
                prop_assert!(map.len() <= bytes.len() / 17);
            }
        }
    }
}
