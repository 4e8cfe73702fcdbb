//! What the terminal checks about its own file before it trusts it: at open, before
//! every write, and when the data key is first made. The rules (DESIGN §2, integrity):
//! a new key only for an empty database; the rows a void depends on exactly as their
//! latest audit entries recorded them; the chain not behind the high-water mark kept
//! outside the file. A failed check refuses every write with a typed error; reads,
//! export and verification stay open so the evidence can be taken off the terminal.

use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::{Connection, Transaction};

use crate::audit::{self, mark, rows};
use crate::error::{Result, VoidGuardError};
use crate::keys::{self, Keys};
use crate::platform::{KeyWrapper, RollbackMark};
use crate::store;

/// Tables that hold data only an activated terminal writes. A database without a key
/// must have none of it: a new key would otherwise bless rows someone planted.
const DATA_TABLES: &[&str] = &[
    "SELECT EXISTS (SELECT 1 FROM profile)",
    "SELECT EXISTS (SELECT 1 FROM vault)",
    "SELECT EXISTS (SELECT 1 FROM journal)",
    "SELECT EXISTS (SELECT 1 FROM requests)",
    "SELECT EXISTS (SELECT 1 FROM host_legs)",
    "SELECT EXISTS (SELECT 1 FROM void_limits)",
    "SELECT EXISTS (SELECT 1 FROM settlements)",
    "SELECT EXISTS (SELECT 1 FROM operators)",
    "SELECT EXISTS (SELECT 1 FROM audit)",
];

fn holds_data(conn: &Connection) -> Result<bool> {
    for sql in DATA_TABLES {
        if store::row(conn, sql, [], |r| r.get::<_, bool>(0))? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Makes the data key of a database that has none, and binds its initial rows (the
/// counters, the lockout and the approval guard, set back to their first values) to
/// the chain.
pub fn first_keys(conn: &mut Connection, wrapper: &dyn KeyWrapper, now_ms: i64) -> Result<Keys> {
    if holds_data(conn)? {
        return Err(VoidGuardError::Tampered {
            what: "the key record is missing".into(),
        }
        .into());
    }
    let tx = store::write(conn)?;
    let keys = keys::create(&tx, wrapper, now_ms)?;
    tx.execute_batch(
        "UPDATE counters SET next_voucher_no = 1, batch_no = 1;
         UPDATE approval_guard SET window_start_ms = 0, wrong_codes = 0, trips = 0,
             blocked_until_ms = NULL, opened_day = '', opened_count = 0;",
    )?;
    // The lockout row carries its MAC from the start, so a row without one can only
    // be an edit (see `lockout::load`); `store` also binds it to the chain.
    crate::vault::lockout::store(
        &tx,
        &keys,
        now_ms,
        &crate::vault::lockout::Lockout::default(),
    )?;
    rows::cover_everything(&tx, &keys.audit, now_ms)?;
    tx.commit()?;
    Ok(keys)
}

/// Activation only on an empty terminal: no password record, no journal row, and no
/// audit entry but those a fresh database writes for itself.
pub fn check_empty_for_activation(conn: &Connection) -> Result<()> {
    let acts: i64 = store::row(
        conn,
        "SELECT count(*) FROM audit WHERE row_table IS NULL AND kind != 'schema.upgraded'",
        [],
        |r| r.get(0),
    )?;
    let vault: bool = store::row(conn, DATA_TABLES[1], [], |r| r.get(0))?;
    let journal: bool = store::row(conn, DATA_TABLES[2], [], |r| r.get(0))?;
    if acts > 0 || vault || journal {
        return Err(VoidGuardError::TerminalNotEmpty.into());
    }
    Ok(())
}

/// What the checks at open found.
pub struct AtOpen {
    /// The refusal every write will get.
    pub problem: Option<VoidGuardError>,
    /// A mark was written for a database that does not insist on one yet; the next
    /// write transaction records that it does (opening itself writes nothing).
    pub bind_mark: bool,
}

impl AtOpen {
    fn found(problem: VoidGuardError) -> Self {
        Self {
            problem: Some(problem),
            bind_mark: false,
        }
    }

    fn clean(bind_mark: bool) -> Self {
        Self {
            problem: None,
            bind_mark,
        }
    }
}

/// The checks at open. They write nothing to the database.
pub fn at_open(
    conn: &Connection,
    keys: &Keys,
    mark_store: Option<&dyn RollbackMark>,
) -> Result<AtOpen> {
    if let Some(finding) = rows::check_critical(conn, &keys.audit)? {
        log::warn!(
            "row {} of {} fails its audit record: {:?}",
            finding.row_id,
            finding.table.name(),
            finding.problem
        );
        return Ok(AtOpen::found(finding.refusal()));
    }
    // Caught above too when the head lists the profile; this holds without the head.
    let profile = crate::profile::load(conn)?;
    let vault: bool = store::row(conn, DATA_TABLES[1], [], |r| r.get(0))?;
    let journal: bool = store::row(conn, DATA_TABLES[2], [], |r| r.get(0))?;
    if profile.is_none() && (vault || journal) {
        log::warn!("a vault or journal without a profile: the profile was deleted");
        return Ok(AtOpen::found(VoidGuardError::Tampered {
            what: "the terminal's profile is missing".into(),
        }));
    }
    let Some(store) = mark_store else {
        log::info!(
            "no high-water mark outside the file: a restored copy is for the host to notice"
        );
        return Ok(AtOpen::clean(false));
    };
    let Some((head, _)) = audit::head(conn, &keys.audit)? else {
        return Ok(AtOpen::clean(false));
    };
    match mark::check(conn, &keys.audit, store, &head)? {
        mark::Verdict::Current => Ok(AtOpen::clean(!head.marked)),
        mark::Verdict::Unbound => {
            // The mark first, the flag in the next write: a crash in between leaves
            // a mark for a database that does not insist on one, never the reverse.
            store
                .write_mark(mark::encode(&keys.audit, head.seq, &head.mac))
                .map_err(|e| VoidGuardError::KeyUnavailable {
                    reason: e.to_string(),
                })?;
            Ok(AtOpen::clean(true))
        }
        mark::Verdict::Missing => {
            log::warn!("the high-water mark is missing or damaged");
            Ok(AtOpen::found(VoidGuardError::MarkMissing))
        }
        mark::Verdict::RolledBack { mark_seq } => {
            log::warn!("the database is behind its high-water mark");
            Ok(AtOpen::found(VoidGuardError::RolledBack {
                mark_seq,
                found_seq: head.seq,
            }))
        }
    }
}

/// Records in the head, inside a write transaction, that the mark must be there.
pub fn bind_mark(tx: &Transaction<'_>, keys: &Keys) -> Result<()> {
    audit::set_marked(tx, &keys.audit)
}

/// The check before every write transaction's work.
pub fn before_write(tx: &Transaction<'_>, keys: &Keys) -> Result<Option<VoidGuardError>> {
    Ok(rows::check_critical(tx, &keys.audit)?.map(|f| f.refusal()))
}

/// Writes the committed head to the mark when it moved since the last write.
/// The committed audit head as the acquirer is told it: `seq:` and the first eight
/// bytes of the last entry's MAC in hex; `None` without an authentic head.
pub fn head_text(conn: &Connection, keys: &Keys) -> Result<Option<String>> {
    Ok(match audit::head(conn, &keys.audit)? {
        Some((head, true)) => Some(format!(
            "{}:{}",
            head.seq,
            crate::crypto::to_hex(head.mac.get(..8).unwrap_or(&head.mac))
        )),
        _ => None,
    })
}

pub fn write_mark(
    conn: &Connection,
    keys: &Keys,
    store: &dyn RollbackMark,
    marked_seq: &AtomicU64,
) -> Result<()> {
    let Some((head, true)) = audit::head(conn, &keys.audit)? else {
        return Ok(());
    };
    if !head.marked || marked_seq.load(Ordering::SeqCst) == head.seq {
        return Ok(());
    }
    store
        .write_mark(mark::encode(&keys.audit, head.seq, &head.mac))
        .map_err(|e| VoidGuardError::KeyUnavailable {
            reason: e.to_string(),
        })?;
    marked_seq.store(head.seq, Ordering::SeqCst);
    Ok(())
}
