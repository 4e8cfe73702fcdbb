//! Settlement (结算): closes the open batch with its totals, marks its rows settled
//! and opens the next batch number. Settled sales can only be refunded.

use rusqlite::{params, Transaction};
use serde_json::json;

use crate::audit::rows::Table;
use crate::audit::{self, Act};
use crate::context::Ctx;
use crate::error::Result;
use crate::journal::{self, numbering};
use crate::money::Fen;

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SettlementReport {
    pub batch_no: String,
    pub next_batch_no: String,
    pub sale_count: u32,
    /// All sales of the batch, voided ones included.
    pub sale_total: Fen,
    pub void_count: u32,
    pub void_total: Fen,
    /// Sales less voids: what the acquirer pays out for the batch.
    pub net_total: Fen,
    pub settled_at_ms: i64,
}

pub fn settle(tx: &Transaction<'_>, ctx: &Ctx<'_>, operator_no: &str) -> Result<SettlementReport> {
    let batch = numbering::current_batch(tx)?;
    let totals = journal::batch_totals(tx, batch)?;
    journal::settle_batch(tx, ctx, batch)?;
    let next = numbering::advance_batch(tx, ctx)?;
    crate::store::exec(
        tx,
        "INSERT INTO settlements (batch_no, settled_at_ms, business_date, operator_no, sale_count,
             sale_total_fen, void_count, void_total_fen)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            batch.get(),
            ctx.now_ms,
            ctx.today.iso(),
            operator_no,
            totals.sale_count,
            totals.sale_total.0,
            totals.void_count,
            totals.void_total.0
        ],
    )?;
    ctx.cover(tx, Table::Settlements, tx.last_insert_rowid())?;
    let report = SettlementReport {
        batch_no: batch.to_string(),
        next_batch_no: next.to_string(),
        sale_count: totals.sale_count,
        sale_total: totals.sale_total,
        void_count: totals.void_count,
        void_total: totals.void_total,
        net_total: Fen(totals.sale_total.0.saturating_sub(totals.void_total.0)),
        settled_at_ms: ctx.now_ms,
    };
    audit::append(
        tx,
        &ctx.keys.audit,
        ctx.now_ms,
        Act::BatchSettled,
        Some(operator_no),
        json!({
            "batch_no": report.batch_no,
            "sale_count": report.sale_count,
            "sale_total_fen": report.sale_total.0,
            "void_count": report.void_count,
            "void_total_fen": report.void_total.0,
        }),
    )?;
    Ok(report)
}
