//! The daily refund limits (count and amount per business date, configurable by the
//! acquirer) and lifting them by a back-office approval.
//!
//! What a day has used is counted from the journal (approved refunds dated that day)
//! and the open refund legs begun that day, less what a lift set aside: a redeemed
//! lift keeps, in `refund_lifts`, the approved refunds counted at that moment, and the
//! day's allowance starts afresh from there. Refunds still open at the lift count
//! against the new allowance when they are approved: a lift never lets the day pass
//! its limits by more than one allowance.

use rusqlite::{params, Connection, Transaction};

use crate::audit::rows::Table;
use crate::context::Ctx;
use crate::dates::BusinessDate;
use crate::error::{Result, VoidGuardError};
use crate::host::LegKind;
use crate::host_leg::legs;
use crate::journal;
use crate::money::Fen;

/// The day's refunds so far, as the limits count them.
pub use crate::void_flow::limits::Used;

/// What a lift of `day` set aside.
fn lifted(conn: &Connection, day: BusinessDate) -> Result<Used> {
    Used::of_day(
        conn,
        "SELECT count, amount_fen FROM refund_lifts WHERE business_date = ?1",
        day,
    )
}

pub fn used_on(conn: &Connection, day: BusinessDate) -> Result<Used> {
    let (count, amount) = journal::refunds_on(conn, day)?;
    let open: Vec<legs::Stored> = legs::unresolved(conn)?
        .into_iter()
        .filter(|l| l.public.kind == LegKind::Refund && l.public.business_date == day.iso())
        .collect();
    let set_aside = lifted(conn, day)?;
    Ok(Used {
        count: count
            .saturating_sub(set_aside.count)
            .saturating_add(u32::try_from(open.len()).unwrap_or(u32::MAX)),
        amount: Fen(amount
            .0
            .saturating_sub(set_aside.amount.0)
            .max(0)
            .saturating_add(open.iter().map(|l| l.public.amount.0).sum())),
    })
}

/// Refuses a refund of `amount` that would pass either limit.
pub fn check(used: Used, amount: Fen, ctx: &Ctx<'_>) -> Result<()> {
    let c = ctx.config;
    if used.count >= c.daily_refund_count_limit {
        return Err(VoidGuardError::DailyRefundCountLimitReached {
            limit: c.daily_refund_count_limit,
        }
        .into());
    }
    let after = used.amount.checked_add(amount).unwrap_or(Fen(i64::MAX));
    if after > c.daily_refund_amount_limit {
        return Err(VoidGuardError::DailyRefundAmountLimitReached {
            limit: c.daily_refund_amount_limit,
            used: used.amount,
        }
        .into());
    }
    Ok(())
}

/// A redeemed lift: the approved refunds of `day` so far are set aside. The row is
/// covered by the audit chain (a critical table): raising its figures to refund past
/// the limits is found at the next open or money-moving call.
pub fn lift(tx: &Transaction<'_>, ctx: &Ctx<'_>, day: BusinessDate) -> Result<()> {
    let (count, amount) = journal::refunds_on(tx, day)?;
    let row_id: i64 = crate::store::row(
        tx,
        "INSERT INTO refund_lifts (business_date, count, amount_fen) VALUES (?1, ?2, ?3)
         ON CONFLICT (business_date) DO UPDATE SET count = ?2, amount_fen = ?3
         RETURNING rowid",
        params![day.iso(), count, amount.0],
        |r| r.get(0),
    )?;
    ctx.cover(tx, Table::RefundLifts, row_id)
}
