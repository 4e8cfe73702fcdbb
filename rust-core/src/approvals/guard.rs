//! The terminal-wide guard against guessing approval codes. Five wrong codes close a
//! request, but a script could open the next one at once; so wrong codes are also
//! counted across requests, and the number of requests opened per business day is
//! capped. The counters live in one row covered by the audit chain (a void depends on
//! it: `audit::rows` checks it at open), so deleting or replaying the row is caught.
//!
//! The arithmetic, for the strongest case, a RESET code (it sets a new password):
//! - An approval code is a 31-bit HMAC value reduced modulo 10^8, so one guess hits
//!   with probability at most 22 / 2^31 ≈ 1.03 × 10^-8 (some residues occur 22 times
//!   in 2^31, the rest 21).
//! - A 1% chance needs n guesses with 1 − (1 − p)^n ≥ 0.01: n ≥ 9.76 × 10^5.
//! - At most [`WRONG_PER_WINDOW`] wrong codes are taken per 24-hour window: the
//!   tenth blocks every request and redemption for 24 hours, doubling
//!   with each further block up to [`MAX_BLOCK_MS`] (32 days); only a correct code
//!   resets it. Even ignoring the doubling, that is at most 10 guesses a day:
//!   9.76 × 10^5 / 10 = 97,600 days ≈ 267 years. With the doubling, a block of 32 days
//!   follows every 10 guesses after the sixth block: ≈ 8,500 years. Both exceed the
//!   10 years asked for by far.
//! - Per business day at most [`REQUESTS_PER_DAY`] requests may be opened (5 codes
//!   each), which bounds the guesses even without the window: 50 a day, 53 years.

use rusqlite::{params, Connection, Transaction};
use serde_json::json;

use crate::audit::rows::Table;
use crate::audit::{self, Act};
use crate::context::Ctx;
use crate::error::{Result, VoidGuardError};

pub const WRONG_PER_WINDOW: u32 = 10;
pub const WINDOW_MS: i64 = 24 * 3_600_000;
pub const FIRST_BLOCK_MS: i64 = 24 * 3_600_000;
pub const MAX_BLOCK_MS: i64 = 32 * 24 * 3_600_000;
pub const REQUESTS_PER_DAY: u32 = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Guard {
    window_start_ms: i64,
    wrong_codes: u32,
    trips: u32,
    blocked_until_ms: Option<i64>,
    opened_day: String,
    opened_count: u32,
}

fn load(conn: &Connection) -> Result<Guard> {
    Ok(crate::store::row(
        conn,
        "SELECT window_start_ms, wrong_codes, trips, blocked_until_ms, opened_day, opened_count
         FROM approval_guard WHERE id = 1",
        [],
        |r| {
            Ok(Guard {
                window_start_ms: r.get(0)?,
                wrong_codes: r.get(1)?,
                trips: r.get(2)?,
                blocked_until_ms: r.get(3)?,
                opened_day: r.get(4)?,
                opened_count: r.get(5)?,
            })
        },
    )?)
}

fn store(tx: &Transaction<'_>, ctx: &Ctx<'_>, g: &Guard) -> Result<()> {
    crate::store::exec(
        tx,
        "UPDATE approval_guard SET window_start_ms = ?1, wrong_codes = ?2, trips = ?3,
             blocked_until_ms = ?4, opened_day = ?5, opened_count = ?6 WHERE id = 1",
        params![
            g.window_start_ms,
            g.wrong_codes,
            g.trips,
            g.blocked_until_ms,
            g.opened_day,
            g.opened_count
        ],
    )?;
    ctx.cover(tx, Table::ApprovalGuard, 1)?;
    Ok(())
}

fn blocked(g: &Guard, now_ms: i64) -> Result<()> {
    match g.blocked_until_ms {
        Some(until_ms) if until_ms > now_ms => {
            Err(VoidGuardError::ApprovalsBlocked { until_ms }.into())
        }
        _ => Ok(()),
    }
}

/// Refuses a new request while blocked or when today's allowance is used up.
pub fn check_open(conn: &Connection, ctx: &Ctx<'_>) -> Result<()> {
    let g = load(conn)?;
    blocked(&g, ctx.now_ms)?;
    if g.opened_day == ctx.today.iso() && g.opened_count >= REQUESTS_PER_DAY {
        return Err(VoidGuardError::RequestLimitReached {
            limit: REQUESTS_PER_DAY,
        }
        .into());
    }
    Ok(())
}

/// Counts a request opened today.
pub fn opened(tx: &Transaction<'_>, ctx: &Ctx<'_>) -> Result<()> {
    let mut g = load(tx)?;
    let today = ctx.today.iso();
    if g.opened_day != today {
        g.opened_day = today;
        g.opened_count = 0;
    }
    g.opened_count += 1;
    store(tx, ctx, &g)
}

/// Refuses a redemption while blocked.
pub fn check_redeem(conn: &Connection, ctx: &Ctx<'_>) -> Result<()> {
    blocked(&load(conn)?, ctx.now_ms)
}

/// Counts a wrong code; returns the refusal to show when it starts a block.
pub fn wrong_code(tx: &Transaction<'_>, ctx: &Ctx<'_>) -> Result<Option<VoidGuardError>> {
    let mut g = load(tx)?;
    if ctx.now_ms.saturating_sub(g.window_start_ms) >= WINDOW_MS || g.wrong_codes == 0 {
        g.window_start_ms = ctx.now_ms;
        g.wrong_codes = 0;
    }
    g.wrong_codes += 1;
    let mut refusal = None;
    if g.wrong_codes >= WRONG_PER_WINDOW {
        let block = FIRST_BLOCK_MS
            .saturating_mul(1i64 << g.trips.min(10))
            .min(MAX_BLOCK_MS);
        let until_ms = ctx.now_ms.saturating_add(block);
        g.trips = g.trips.saturating_add(1);
        g.blocked_until_ms = Some(until_ms);
        g.wrong_codes = 0;
        g.window_start_ms = ctx.now_ms;
        audit::append(
            tx,
            &ctx.keys.audit,
            ctx.now_ms,
            Act::ApprovalsBlocked,
            None,
            json!({ "blocked_until_ms": until_ms, "block": g.trips }),
        )?;
        log::warn!("approval codes blocked after {WRONG_PER_WINDOW} wrong codes");
        refusal = Some(VoidGuardError::ApprovalsBlocked { until_ms });
    }
    store(tx, ctx, &g)?;
    Ok(refusal)
}

/// A correct code ends the suspicion.
pub fn redeemed(tx: &Transaction<'_>, ctx: &Ctx<'_>) -> Result<()> {
    let mut g = load(tx)?;
    if g.wrong_codes == 0 && g.trips == 0 && g.blocked_until_ms.is_none() {
        return Ok(());
    }
    g.wrong_codes = 0;
    g.trips = 0;
    g.blocked_until_ms = None;
    store(tx, ctx, &g)
}
