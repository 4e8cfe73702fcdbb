//! Pending voids: the host request is persisted before anything leaves the terminal,
//! and the row records how the host leg ended. A void whose answer was lost is
//! reversed or confirmed before any other void or settlement.

use rusqlite::types::Type;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::error::{Error, Result};
use crate::host::HostRequest;
use crate::money::Fen;

pub const SCHEMA: &str = "
CREATE TABLE pending_voids (
    id             INTEGER PRIMARY KEY,
    original_id    INTEGER NOT NULL REFERENCES journal (id),
    request        TEXT    NOT NULL,
    operator_no    TEXT    NOT NULL,
    authoriser_no  TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    state          TEXT    NOT NULL CHECK (state IN ('awaiting_answer', 'awaiting_reversal', 'manual',
                                                      'approved', 'declined', 'reversed')),
    session        TEXT    NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    created_at_ms  INTEGER NOT NULL,
    resolved_at_ms INTEGER,
    response_code  TEXT,
    void_id        INTEGER REFERENCES journal (id)
) STRICT;
CREATE UNIQUE INDEX pending_voids_one_open_per_sale ON pending_voids (original_id)
    WHERE state IN ('awaiting_answer', 'awaiting_reversal', 'manual');
CREATE INDEX pending_voids_unresolved ON pending_voids (state)
    WHERE state IN ('awaiting_answer', 'awaiting_reversal', 'manual');
";

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PendingState {
    /// Sent (or about to be); the answer is not recorded yet.
    AwaitingAnswer,
    /// The answer was lost; a reversal is due.
    AwaitingReversal,
    /// Reversals kept failing: the merchant must settle it with the acquirer.
    NeedsManualHandling,
    Approved,
    Declined,
    Reversed,
}

impl PendingState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AwaitingAnswer => "awaiting_answer",
            Self::AwaitingReversal => "awaiting_reversal",
            Self::NeedsManualHandling => "manual",
            Self::Approved => "approved",
            Self::Declined => "declined",
            Self::Reversed => "reversed",
        }
    }

    fn from_db(s: &str) -> Self {
        match s {
            "awaiting_reversal" => Self::AwaitingReversal,
            "manual" => Self::NeedsManualHandling,
            "approved" => Self::Approved,
            "declined" => Self::Declined,
            "reversed" => Self::Reversed,
            _ => Self::AwaitingAnswer,
        }
    }

    pub fn is_resolved(self) -> bool {
        matches!(self, Self::Approved | Self::Declined | Self::Reversed)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PendingVoid {
    pub pending_id: i64,
    pub state: PendingState,
    pub request: HostRequest,
    pub amount: Fen,
    pub original_voucher_no: String,
    pub void_voucher_no: String,
    pub operator_no: String,
    pub authoriser_no: String,
    pub reason: String,
    pub attempts: u32,
    pub created_at_ms: i64,
    pub response_code: Option<String>,
}

/// The row plus what only the core needs.
#[derive(Debug, Clone)]
pub struct Stored {
    pub public: PendingVoid,
    pub original_id: i64,
    pub session: String,
    pub void_id: Option<i64>,
}

const SELECT: &str = "SELECT id, original_id, request, operator_no, authoriser_no, reason, state,
    session, attempts, created_at_ms, response_code, void_id FROM pending_voids";

const REQUEST_COLUMN: usize = 2;

fn from_row(r: &Row<'_>) -> rusqlite::Result<Stored> {
    let request: HostRequest =
        serde_json::from_str(r.get_ref(REQUEST_COLUMN)?.as_str()?).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(REQUEST_COLUMN, Type::Text, Box::new(e))
        })?;
    Ok(Stored {
        public: PendingVoid {
            pending_id: r.get(0)?,
            state: PendingState::from_db(r.get_ref(6)?.as_str()?),
            amount: request.amount,
            original_voucher_no: request.original_voucher_no.clone(),
            void_voucher_no: request.voucher_no.clone(),
            request,
            operator_no: r.get(3)?,
            authoriser_no: r.get(4)?,
            reason: r.get(5)?,
            attempts: r.get(8)?,
            created_at_ms: r.get(9)?,
            response_code: r.get(10)?,
        },
        original_id: r.get(1)?,
        session: r.get(7)?,
        void_id: r.get(11)?,
    })
}

/// A stored request that no longer decodes was edited outside VoidGuard.
fn decoded(e: rusqlite::Error) -> Error {
    match e {
        rusqlite::Error::FromSqlConversionFailure(REQUEST_COLUMN, ..) => {
            Error::Corrupt("pending void request")
        }
        other => other.into(),
    }
}

pub struct NewPending<'a> {
    pub original_id: i64,
    pub request: &'a HostRequest,
    pub operator_no: &'a str,
    pub authoriser_no: &'a str,
    pub reason: &'a str,
    pub session: &'a str,
    pub now_ms: i64,
}

pub fn insert(tx: &Transaction<'_>, p: &NewPending<'_>) -> Result<Stored> {
    crate::store::exec(tx,
        "INSERT INTO pending_voids (original_id, request, operator_no, authoriser_no, reason, state,
             session, created_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, 'awaiting_answer', ?6, ?7)",
        params![
            p.original_id,
            serde_json::to_string(p.request)?,
            p.operator_no,
            p.authoriser_no,
            p.reason,
            p.session,
            p.now_ms
        ],
    )?;
    get(tx, tx.last_insert_rowid())?.ok_or(Error::Corrupt("inserted pending void vanished"))
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<Stored>> {
    crate::store::row(conn, &format!("{SELECT} WHERE id = ?1"), [id], from_row)
        .optional()
        .map_err(decoded)
}

/// Unresolved voids, oldest first.
pub fn unresolved(conn: &Connection) -> Result<Vec<Stored>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE state IN ('awaiting_answer', 'awaiting_reversal', 'manual') ORDER BY id"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(decoded)
}

pub fn unresolved_count(conn: &Connection) -> Result<u32> {
    Ok(crate::store::row(conn,
        "SELECT count(*) FROM pending_voids WHERE state IN ('awaiting_answer', 'awaiting_reversal', 'manual')",
        [],
        |r| r.get(0),
    )?)
}

pub fn unresolved_for(conn: &Connection, original_id: i64) -> Result<bool> {
    Ok(crate::store::row(
        conn,
        "SELECT EXISTS (SELECT 1 FROM pending_voids WHERE original_id = ?1
             AND state IN ('awaiting_answer', 'awaiting_reversal', 'manual'))",
        [original_id],
        |r| r.get(0),
    )?)
}

pub fn resolve(
    tx: &Transaction<'_>,
    id: i64,
    state: PendingState,
    response_code: Option<&str>,
    void_id: Option<i64>,
    now_ms: i64,
) -> Result<()> {
    crate::store::exec(
        tx,
        "UPDATE pending_voids SET state = ?2, response_code = ?3, void_id = ?4, resolved_at_ms = ?5
         WHERE id = ?1",
        params![id, state.as_str(), response_code, void_id, now_ms],
    )?;
    Ok(())
}

/// Marks an unanswered void for reversal, counting a failed attempt when asked.
pub fn await_reversal(
    tx: &Transaction<'_>,
    id: i64,
    failed_attempt: bool,
    max_attempts: u32,
) -> Result<PendingState> {
    crate::store::exec(
        tx,
        "UPDATE pending_voids SET attempts = attempts + ?2,
             state = CASE WHEN attempts + ?2 >= ?3 THEN 'manual' ELSE 'awaiting_reversal' END
         WHERE id = ?1",
        params![id, i64::from(failed_attempt), max_attempts],
    )?;
    let state: String = crate::store::row(
        tx,
        "SELECT state FROM pending_voids WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?;
    Ok(PendingState::from_db(&state))
}
