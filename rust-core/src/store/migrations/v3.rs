//! Schema version 3: one table of host legs for every online act (sale, void,
//! settlement; room for refund and sign-on) replaces `pending_voids`. The pending
//! voids move over with their ids; their requests are rewritten in the new shape and
//! dated by the business day they were begun on. The day's void totals move into the
//! counters row, and the index on the voucher number alone goes. Frozen once released.

use rusqlite::{params, Transaction};
use serde::Deserialize;

use crate::audit::rows::{self, Table};
use crate::dates::BusinessDate;
use crate::error::{Result, VoidGuardError};
use crate::host::{HostRequest, LegDetail, LegKind, OriginalSale};
use crate::keys::Keys;
use crate::money::Fen;

pub const DDL: &[&str] = &["
CREATE TABLE host_legs (
    id              INTEGER PRIMARY KEY,
    -- ORs, not IN lists: SQLite tests an IN list of more than two constants through a
    -- temporary table built on every insert and update.
    kind            TEXT    NOT NULL CHECK (kind = 'sale' OR kind = 'void' OR kind = 'settlement'
                                            OR kind = 'refund' OR kind = 'sign_on'),
    request         TEXT    NOT NULL,
    -- The sale a void (or refund) points at.
    original_id     INTEGER REFERENCES journal (id),
    operator_no     TEXT    NOT NULL,
    authoriser_no   TEXT,
    reason          TEXT,
    state           TEXT    NOT NULL CHECK (state = 'awaiting_answer' OR state = 'awaiting_reversal'
                                            OR state = 'manual' OR state = 'approved'
                                            OR state = 'declined' OR state = 'reversed'),
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- The F39 code a reversal is sent with (98, 96, A0, 06).
    reversal_reason TEXT,
    -- The day it was keyed on: what it is dated and charged to.
    business_date   TEXT    NOT NULL,
    created_at_ms   INTEGER NOT NULL,
    -- Set exactly when the leg is resolved, so the open ones are those without it.
    resolved_at_ms  INTEGER CHECK ((resolved_at_ms IS NULL) = (state = 'awaiting_answer'
                                   OR state = 'awaiting_reversal' OR state = 'manual')),
    response_code   TEXT,
    -- What the approval produced: the journal row, or a settlement's row.
    result_id       INTEGER,
    audit_seq       INTEGER
) STRICT;
CREATE INDEX host_legs_open ON host_legs (original_id) WHERE resolved_at_ms IS NULL;

INSERT INTO host_legs (id, kind, request, original_id, operator_no, authoriser_no, reason, state,
        attempts, business_date, created_at_ms, resolved_at_ms, response_code, result_id, audit_seq)
    SELECT id, 'void', request, original_id, operator_no, authoriser_no, reason, state,
        attempts, '', created_at_ms, resolved_at_ms, response_code, void_id, audit_seq
    FROM pending_voids;
DROP TABLE pending_voids;

-- The day's void count and amount ride in the counters row every void writes anyway
-- (for its voucher number), one page instead of two; void_limits keeps earlier days.
ALTER TABLE counters ADD COLUMN void_day TEXT;
ALTER TABLE counters ADD COLUMN void_count INTEGER;
ALTER TABLE counters ADD COLUMN void_amount_fen INTEGER;

-- Every sale and void wrote this index; a search by voucher alone probes the
-- (batch, voucher) index once per batch instead (journal::by_voucher).
DROP INDEX journal_voucher_any_batch;
"];

/// A void request as version 2 stored it.
#[derive(Deserialize)]
struct V2Request {
    processing_code: String,
    amount: Fen,
    currency: u16,
    voucher_no: String,
    batch_no: String,
    original_voucher_no: String,
    original_rrn: String,
    original_auth_code: String,
    original_business_date: String,
    merchant_no: String,
    terminal_id: String,
}

/// Before the DDL: every pending void must be as the chain recorded it, or the move
/// would bless an edit.
pub fn check(tx: &Transaction<'_>, keys: Option<&Keys>) -> Result<()> {
    if keys.is_none() {
        return Ok(());
    }
    match rows::check_retired(tx, "pending_voids")? {
        None => Ok(()),
        Some((row_id, problem)) => Err(VoidGuardError::TamperedRow {
            table: "pending_voids".into(),
            row_id,
            problem,
        }
        .into()),
    }
}

/// After the DDL: the moved requests in the new shape, their business dates, and
/// each moved row covered where it now lives.
pub fn upgrade(
    tx: &Transaction<'_>,
    keys: Option<&Keys>,
    now_ms: i64,
    utc_offset_minutes: i32,
) -> Result<u64> {
    let moved: Vec<(i64, String, String, i64)> = {
        let mut stmt =
            tx.prepare("SELECT id, request, operator_no, created_at_ms FROM host_legs")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (id, old, operator_no, created_at_ms) in &moved {
        let old: V2Request = serde_json::from_str(old)
            .map_err(|_| crate::error::Error::Corrupt("pending void request"))?;
        let business_date = BusinessDate::from_instant(*created_at_ms, utc_offset_minutes).iso();
        let request = HostRequest {
            processing_code: old.processing_code,
            amount: old.amount,
            currency: old.currency,
            batch_no: old.batch_no.clone(),
            business_date: business_date.clone(),
            merchant_no: old.merchant_no,
            terminal_id: old.terminal_id,
            operator_no: operator_no.clone(),
            detail: LegDetail::Void {
                voucher_no: old.voucher_no,
                original: OriginalSale {
                    voucher_no: old.original_voucher_no,
                    batch_no: old.batch_no,
                    rrn: old.original_rrn,
                    auth_code: old.original_auth_code,
                    business_date: old.original_business_date,
                },
            },
        };
        debug_assert_eq!(request.kind(), LegKind::Void);
        crate::store::exec(
            tx,
            "UPDATE host_legs SET request = ?2, business_date = ?3 WHERE id = ?1",
            params![id, serde_json::to_string(&request)?, business_date],
        )?;
        if let Some(keys) = keys {
            rows::cover(tx, &keys.audit, now_ms, Table::HostLegs, *id)?;
        }
    }
    Ok(moved.len() as u64)
}
