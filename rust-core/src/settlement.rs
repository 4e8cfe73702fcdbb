//! Settlement (结算): closes the open batch with its totals, marks its rows settled
//! and opens the next batch number. It is a host leg: the totals go to the acquirer
//! first, and the local batch closes only when the host approves, in the transaction
//! that records the approval. Settled sales can only be refunded.

use rusqlite::{params, Connection, Transaction};
use serde_json::json;

use crate::audit::rows::Table;
use crate::audit::{self, Act};
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::host::{HostRequest, LegDetail, LegKind};
use crate::host_leg::{self, legs::NewLeg, legs::Stored};
use crate::journal::{self, numbering};
use crate::money::{Fen, CNY};
use crate::profile;

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SettlementReport {
    pub batch_no: String,
    pub next_batch_no: String,
    pub sale_count: u32,
    /// All sales of the batch, voided ones included.
    pub sale_total: Fen,
    pub void_count: u32,
    pub void_total: Fen,
    /// Refunds keyed in the batch, of sales of earlier batches or days.
    pub refund_count: u32,
    pub refund_total: Fen,
    /// Sales less voids less refunds: what the acquirer pays out for the batch.
    pub net_total: Fen,
    pub settled_at_ms: i64,
}

fn net(totals: &journal::BatchTotals) -> Fen {
    totals.net()
}

/// The settlement's host leg with the open batch's totals, ready to persist. It waits for every
/// other leg (`host_leg::check_clear`), so no sale or void can change the totals
/// while it is open. The batch's transactions are offered to the link for the call
/// (`host::upload`), for the batch upload a host that does not balance asks for.
pub fn begin(
    tx: &Transaction<'_>,
    ctx: &Ctx<'_>,
    operator_no: &str,
    in_flight: &dyn Fn(i64) -> bool,
) -> Result<NewLeg> {
    let profile = profile::require(tx)?;
    host_leg::check_clear(tx, LegKind::Settlement, in_flight)?;
    let batch = numbering::current_batch(tx)?;
    let totals = journal::batch_totals(tx, batch)?;
    crate::host::upload::offer(journal::batch_items(tx, &batch.to_string())?);
    let request = HostRequest {
        processing_code: LegKind::Settlement.processing_code().into(),
        amount: net(&totals),
        currency: CNY,
        batch_no: batch.to_string(),
        business_date: ctx.today.iso(),
        merchant_no: profile.merchant_no,
        terminal_id: profile.terminal_id,
        operator_no: operator_no.to_owned(),
        detail: LegDetail::Settlement { totals },
    };
    Ok(NewLeg {
        request,
        original_id: None,
        authoriser_no: None,
        reason: None,
        pan_hash: None,
    })
}

/// Closes the batch the host approved the settlement of. Returns the settlement's
/// row id.
pub fn apply(tx: &Transaction<'_>, ctx: &Ctx<'_>, leg: &Stored) -> Result<i64> {
    let req = &leg.public.request;
    let LegDetail::Settlement { totals: sent } = &req.detail else {
        return Err(Error::Corrupt(
            "a settlement applied from another kind of leg",
        ));
    };
    let batch = numbering::current_batch(tx)?;
    let totals = journal::batch_totals(tx, batch)?;
    // Nothing moves money while a settlement is open, so the batch is the one sent
    // with the totals sent; anything else means the file was changed meanwhile.
    if batch.to_string() != req.batch_no || &totals != sent {
        return Err(Error::Corrupt(
            "the batch changed while its settlement was open",
        ));
    }
    close(
        tx,
        ctx,
        &totals,
        &req.business_date,
        &leg.public.operator_no,
    )
}

/// Closes the open batch with its `totals`: rows settled, the next batch number, the
/// settlement row and its audit entry. Returns the settlement's row id.
pub(crate) fn close(
    tx: &Transaction<'_>,
    ctx: &Ctx<'_>,
    totals: &journal::BatchTotals,
    business_date: &str,
    operator_no: &str,
) -> Result<i64> {
    let batch = numbering::current_batch(tx)?;
    journal::settle_batch(tx, ctx, batch)?;
    let next = numbering::advance_batch(tx, ctx)?;
    crate::store::exec(
        tx,
        "INSERT INTO settlements (batch_no, settled_at_ms, business_date, operator_no, sale_count,
             sale_total_fen, void_count, void_total_fen, refund_count, refund_total_fen)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            batch.get(),
            ctx.now_ms,
            business_date,
            operator_no,
            totals.sale_count,
            totals.sale_total.0,
            totals.void_count,
            totals.void_total.0,
            totals.refund_count,
            totals.refund_total.0
        ],
    )?;
    let id = tx.last_insert_rowid();
    ctx.cover(tx, Table::Settlements, id)?;
    audit::append(
        tx,
        &ctx.keys.audit,
        ctx.now_ms,
        Act::BatchSettled,
        Some(operator_no),
        json!({
            "batch_no": batch.to_string(),
            "next_batch_no": next.to_string(),
            "sale_count": totals.sale_count,
            "sale_total_fen": totals.sale_total.0,
            "void_count": totals.void_count,
            "void_total_fen": totals.void_total.0,
            "refund_count": totals.refund_count,
            "refund_total_fen": totals.refund_total.0,
        }),
    )?;
    Ok(id)
}

/// The report of a settlement row.
pub fn report(conn: &Connection, id: i64) -> Result<SettlementReport> {
    let row = crate::store::row(
        conn,
        "SELECT batch_no, settled_at_ms, sale_count, sale_total_fen, void_count, void_total_fen,
             coalesce(refund_count, 0), coalesce(refund_total_fen, 0)
         FROM settlements WHERE rowid = ?1",
        [id],
        |r| {
            Ok((
                r.get::<_, u32>(0)?,
                r.get::<_, i64>(1)?,
                journal::BatchTotals {
                    sale_count: r.get(2)?,
                    sale_total: Fen(r.get(3)?),
                    void_count: r.get(4)?,
                    void_total: Fen(r.get(5)?),
                    refund_count: r.get(6)?,
                    refund_total: Fen(r.get(7)?),
                },
            ))
        },
    )?;
    let (batch, settled_at_ms, totals) = row;
    let batch = numbering::BatchNo::new(batch).ok_or(Error::Corrupt("settlement batch"))?;
    Ok(SettlementReport {
        batch_no: batch.to_string(),
        next_batch_no: batch.next().to_string(),
        sale_count: totals.sale_count,
        sale_total: totals.sale_total,
        void_count: totals.void_count,
        void_total: totals.void_total,
        refund_count: totals.refund_count,
        refund_total: totals.refund_total,
        net_total: net(&totals),
        settled_at_ms,
    })
}
