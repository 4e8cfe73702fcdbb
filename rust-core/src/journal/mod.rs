//! The transaction journal: every sale, void and refund the terminal made. Rows are
//! never deleted (a trigger refuses it); a row's status moves approved → voided or
//! settled.

pub mod card;
pub mod numbering;
pub mod query;

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction as SqlTx};

use crate::audit::rows::Table;
use crate::context::Ctx;
use crate::dates::BusinessDate;
use crate::error::{Error, Result};
use crate::money::{Fen, CNY};
use crate::store::codes::stored_code;
use numbering::{BatchNo, VoucherNo};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum TransactionKind {
    Sale,
    Void,
    /// A refund (退货): money back on a sale of an earlier batch or day. Final: it
    /// cannot be voided.
    Refund,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum TransactionStatus {
    Approved,
    Voided,
    Reversed,
    Settled,
}

stored_code!(TransactionKind { Sale => "sale", Void => "void", Refund => "refund" });
stored_code!(TransactionStatus {
    Approved => "approved",
    Voided => "voided",
    Reversed => "reversed",
    Settled => "settled",
});

/// One journal row as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Transaction {
    pub id: i64,
    pub kind: TransactionKind,
    pub voucher_no: String,
    pub batch_no: String,
    pub rrn: String,
    pub auth_code: String,
    pub amount: Fen,
    /// ISO 4217 numeric, 156 for CNY.
    pub currency: u16,
    pub masked_pan: String,
    pub card_scheme: String,
    pub operator_no: String,
    pub authoriser_no: Option<String>,
    pub void_reason: Option<String>,
    pub business_date: String,
    pub created_at_ms: i64,
    pub status: TransactionStatus,
    /// For a void: the voucher number of the sale it cancelled; for a refund of a
    /// sale in this journal, that sale's.
    pub original_voucher_no: Option<String>,
    /// For a refund: the sale's RRN (原参考号), business date (原交易日期) and amount,
    /// as found in this journal or, for an original not verified locally, as keyed.
    pub original_rrn: Option<String>,
    pub original_business_date: Option<String>,
    pub original_amount: Option<Fen>,
}

/// The sale a refund row points at by its host numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundOf {
    pub rrn: String,
    pub business_date: String,
    pub amount: Fen,
}

/// What a new row holds; numbering, dates and status are filled in by the journal.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub kind: TransactionKind,
    pub voucher_no: VoucherNo,
    pub batch_no: BatchNo,
    pub rrn: String,
    pub auth_code: String,
    pub amount: Fen,
    pub masked_pan: String,
    pub card_scheme: String,
    pub operator_no: String,
    pub authoriser_no: Option<String>,
    pub void_reason: Option<String>,
    pub business_date: BusinessDate,
    pub created_at_ms: i64,
    pub original_id: Option<i64>,
    /// For a refund: its original's RRN, date and amount.
    pub original: Option<RefundOf>,
    /// For a sale whose full card number was read or keyed: its keyed hash.
    pub pan_hash: Option<[u8; 32]>,
}

/// The row query with a tail, as one literal so statements can be cached.
/// Every batch number: each closed one (its settlement row) and the open one.
macro_rules! every_batch {
    () => {
        "(SELECT batch_no FROM settlements UNION ALL SELECT batch_no FROM counters)"
    };
}

macro_rules! select {
    ($tail:literal) => {
        concat!(
            "SELECT j.id, j.kind, j.voucher_no, j.batch_no, j.rrn, j.auth_code, j.amount_fen, j.currency,
                    j.masked_pan, j.card_scheme, j.operator_no, j.authoriser_no, j.void_reason,
                    j.business_date, j.created_at_ms, j.status, j.original_voucher_no,
                    j.original_rrn, j.original_business_date, j.original_amount_fen
             FROM journal j ",
            $tail
        )
    };
}

pub(crate) const SELECT: &str = select!("");

pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<Transaction> {
    let kind = TransactionKind::from_db(r.get_ref(1)?.as_str()?)?;
    let status = TransactionStatus::from_db(r.get_ref(15)?.as_str()?)?;
    let six = |n: i64| format!("{n:06}");
    Ok(Transaction {
        id: r.get(0)?,
        kind,
        voucher_no: six(r.get(2)?),
        batch_no: six(r.get(3)?),
        rrn: r.get(4)?,
        auth_code: r.get(5)?,
        amount: Fen(r.get(6)?),
        currency: r.get(7)?,
        masked_pan: r.get(8)?,
        card_scheme: r.get(9)?,
        operator_no: r.get(10)?,
        authoriser_no: r.get(11)?,
        void_reason: r.get(12)?,
        business_date: r.get(13)?,
        created_at_ms: r.get(14)?,
        status,
        original_voucher_no: r.get::<_, Option<i64>>(16)?.map(six),
        original_rrn: r.get(17)?,
        original_business_date: r.get(18)?,
        original_amount: r.get::<_, Option<i64>>(19)?.map(Fen),
    })
}

pub fn insert(tx: &SqlTx<'_>, ctx: &Ctx<'_>, e: &NewEntry) -> Result<Transaction> {
    tx.prepare_cached(
        "INSERT INTO journal (kind, voucher_no, batch_no, rrn, auth_code, amount_fen, currency,
             masked_pan, card_scheme, operator_no, authoriser_no, void_reason, business_date,
             created_at_ms, status, original_id, original_voucher_no, original_rrn,
             original_business_date, original_amount_fen, pan_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 'approved', ?15,
                 (SELECT voucher_no FROM journal WHERE id = ?15), ?16, ?17, ?18, ?19)",
    )?
    .execute(params![
        e.kind.as_str(),
        e.voucher_no.get(),
        e.batch_no.get(),
        e.rrn,
        e.auth_code,
        e.amount.0,
        CNY,
        e.masked_pan,
        e.card_scheme,
        e.operator_no,
        e.authoriser_no,
        e.void_reason,
        e.business_date.iso(),
        e.created_at_ms,
        e.original_id,
        e.original.as_ref().map(|o| o.rrn.as_str()),
        e.original.as_ref().map(|o| o.business_date.as_str()),
        e.original.as_ref().map(|o| o.amount.0),
        e.pan_hash.as_ref().map(|h| &h[..]),
    ])?;
    let id = tx.last_insert_rowid();
    ctx.cover(tx, Table::Journal, id)?;
    by_id(tx, id)?.ok_or(Error::Corrupt("inserted row vanished"))
}

/// The keyed hash of a sale's card number, where one was stored (schema 6 on, and a
/// full number read or keyed).
pub fn pan_hash_of(conn: &Connection, id: i64) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .prepare_cached("SELECT pan_hash FROM journal WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .flatten())
}

pub fn by_id(conn: &Connection, id: i64) -> Result<Option<Transaction>> {
    Ok(conn
        .prepare_cached(select!("WHERE j.id = ?1"))?
        .query_row([id], from_row)
        .optional()?)
}

/// The row with this voucher number: in the open batch if there is one, otherwise the
/// most recent earlier one (so a settled sale is recognised and pointed to a refund).
pub fn by_voucher(
    conn: &Connection,
    voucher: VoucherNo,
    open_batch: BatchNo,
) -> Result<Option<Transaction>> {
    let current = conn
        .prepare_cached(select!("WHERE j.batch_no = ?1 AND j.voucher_no = ?2"))?
        .query_row(params![open_batch.get(), voucher.get()], from_row)
        .optional()?;
    if current.is_some() {
        return Ok(current);
    }
    Ok(conn
        .prepare_cached(&format!("{EARLIER_BATCHES} ORDER BY j.id DESC LIMIT 1"))?
        .query_row(params![voucher.get()], from_row)
        .optional()?)
}

/// The row with this voucher number in `batch`.
pub fn by_voucher_in(
    conn: &Connection,
    voucher: VoucherNo,
    batch: BatchNo,
) -> Result<Option<Transaction>> {
    Ok(conn
        .prepare_cached(select!("WHERE j.batch_no = ?1 AND j.voucher_no = ?2"))?
        .query_row(params![batch.get(), voucher.get()], from_row)
        .optional()?)
}

/// Approved refunds of sale `original_id`, oldest first.
pub fn refunds_of(conn: &Connection, original_id: i64) -> Result<Vec<Transaction>> {
    let mut stmt = conn.prepare_cached(select!(
        "INDEXED BY journal_refunds_of WHERE j.kind = 'refund' AND j.original_id = ?1
         ORDER BY j.id"
    ))?;
    let rows = stmt.query_map([original_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Approved refunds of a sale not in this journal, by its RRN and date, oldest first.
pub fn unverified_refunds_of(
    conn: &Connection,
    rrn: &str,
    business_date: &str,
) -> Result<Vec<Transaction>> {
    let mut stmt = conn.prepare_cached(select!(
        "INDEXED BY journal_refunds_by_rrn WHERE j.kind = 'refund' AND j.original_rrn = ?1
         AND j.original_business_date = ?2 AND j.original_id IS NULL ORDER BY j.id"
    ))?;
    let rows = stmt.query_map(params![rrn, business_date], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The latest sale with reference number `rrn` dated `business_date`: what a refund
/// keyed by RRN and date names.
pub fn sale_by_rrn(
    conn: &Connection,
    rrn: &str,
    business_date: &str,
) -> Result<Option<Transaction>> {
    Ok(conn
        .prepare_cached(select!(
            "WHERE j.kind = 'sale' AND j.rrn = ?1 AND j.business_date = ?2
             ORDER BY j.id DESC LIMIT 1"
        ))?
        .query_row(params![rrn, business_date], from_row)
        .optional()?)
}

/// The sum of sale `original_id`'s refunds not reversed.
pub fn refunded_of(conn: &Connection, original_id: i64) -> Result<Fen> {
    let sum: i64 = crate::store::row(
        conn,
        "SELECT coalesce(sum(amount_fen), 0) FROM journal INDEXED BY journal_refunds_of
         WHERE kind = 'refund' AND original_id = ?1 AND status != 'reversed'",
        [original_id],
        |r| r.get(0),
    )?;
    Ok(Fen(sum))
}

/// Of a sale not in this journal, by its RRN and date: the smallest original amount its
/// refunds were keyed with (`None`: no refund yet) and the sum of those not reversed.
pub fn unverified_refunded_of(
    conn: &Connection,
    rrn: &str,
    business_date: &str,
) -> Result<(Option<Fen>, Fen)> {
    let (keyed, sum): (Option<i64>, i64) = crate::store::row(
        conn,
        "SELECT min(original_amount_fen),
                coalesce(sum(CASE WHEN status != 'reversed' THEN amount_fen END), 0)
         FROM journal INDEXED BY journal_refunds_by_rrn
         WHERE kind = 'refund' AND original_rrn = ?1 AND original_business_date = ?2
           AND original_id IS NULL",
        params![rrn, business_date],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((keyed.map(Fen), Fen(sum)))
}

/// The count and sum of refunds not reversed dated `day`.
pub fn refunds_on(conn: &Connection, day: BusinessDate) -> Result<(u32, Fen)> {
    let (count, sum): (u32, i64) = crate::store::row(
        conn,
        "SELECT count(*), coalesce(sum(amount_fen), 0) FROM journal
         INDEXED BY journal_refunds_by_day
         WHERE kind = 'refund' AND business_date = ?1 AND status != 'reversed'",
        [day.iso()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((count, Fen(sum)))
}

/// Rows of a voucher number in any batch: every closed batch has its settlement row
/// and the open one is the counters', so the journal is probed once per batch through
/// `journal_voucher` (batch, voucher): no index on the voucher alone, which every sale
/// and void would write. (The open batch is read from the file, not from the caller's
/// cached number, which may lag a settlement another thread just committed.)
const EARLIER_BATCHES: &str = concat!(
    select!("WHERE j.voucher_no = ?1 AND j.batch_no IN "),
    every_batch!()
);

/// The batch numbers a voucher-only search probes: every closed one and the open one.
pub const EVERY_BATCH: &str = every_batch!();

/// The void that cancelled sale `original_id`, if any.
pub fn void_of(conn: &Connection, original_id: i64) -> Result<Option<Transaction>> {
    Ok(conn
        .prepare_cached(select!("WHERE j.original_id = ?1 AND j.kind = 'void'"))?
        .query_row([original_id], from_row)
        .optional()?)
}

/// Marks an approved sale voided; false if it was not approved any more.
pub fn mark_voided(tx: &SqlTx<'_>, ctx: &Ctx<'_>, id: i64) -> Result<bool> {
    let changed = tx
        .prepare_cached("UPDATE journal SET status = 'voided' WHERE id = ?1 AND kind = 'sale' AND status = 'approved'")?
        .execute([id])?;
    if changed == 1 {
        ctx.cover(tx, Table::Journal, id)?;
    }
    Ok(changed == 1)
}

/// Totals of one batch, by kind, counting what settlement counts.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, uniffi::Record,
)]
pub struct BatchTotals {
    pub sale_count: u32,
    pub sale_total: Fen,
    pub void_count: u32,
    pub void_total: Fen,
    /// Refunds keyed in the batch (of sales of earlier batches or days). Absent
    /// from settlement requests stored before refunds existed.
    #[serde(default)]
    pub refund_count: u32,
    #[serde(default)]
    pub refund_total: Fen,
}

impl BatchTotals {
    /// Sales less voids less refunds: what the acquirer pays out for the batch.
    pub fn net(&self) -> Fen {
        Fen(self
            .sale_total
            .0
            .saturating_sub(self.void_total.0)
            .saturating_sub(self.refund_total.0))
    }
}

pub fn batch_totals(conn: &Connection, batch: BatchNo) -> Result<BatchTotals> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, count(*), coalesce(sum(amount_fen), 0) FROM journal
         WHERE batch_no = ?1 AND status != 'reversed' GROUP BY kind",
    )?;
    let mut totals = BatchTotals::default();
    let rows = stmt.query_map([batch.get()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, u32>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    for row in rows {
        let (kind, count, sum) = row?;
        if kind == "void" {
            totals.void_count = count;
            totals.void_total = Fen(sum);
        } else if kind == "refund" {
            totals.refund_count = count;
            totals.refund_total = Fen(sum);
        } else {
            totals.sale_count = count;
            totals.sale_total = Fen(sum);
        }
    }
    Ok(totals)
}

/// One transaction of a batch as a batch upload (批上送) sends it: card-free.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BatchItem {
    /// `sale`, `void` or `refund`, as the journal keeps it.
    pub kind: String,
    /// Six digits, as F11 carried it.
    pub voucher_no: String,
    pub amount: Fen,
}

/// The batch's transactions the totals count (not reversed; voided sales among the
/// sales), in voucher order: what a batch upload sends.
pub(crate) fn batch_items(conn: &Connection, batch_no: &str) -> Result<Vec<BatchItem>> {
    let batch = BatchNo::parse(batch_no)?;
    let mut stmt = conn.prepare_cached(
        "SELECT kind, voucher_no, amount_fen FROM journal
         WHERE batch_no = ?1 AND status != 'reversed' ORDER BY voucher_no",
    )?;
    let rows = stmt.query_map([batch.get()], |r| {
        Ok(BatchItem {
            kind: r.get(0)?,
            voucher_no: format!("{:06}", r.get::<_, u32>(1)?),
            amount: Fen(r.get(2)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Closes a batch: approved rows become settled; voided sales keep their status.
pub fn settle_batch(tx: &SqlTx<'_>, ctx: &Ctx<'_>, batch: BatchNo) -> Result<usize> {
    ctx.update_covered(
        tx,
        Table::Journal,
        "UPDATE journal SET status = 'settled' WHERE batch_no = ?1 AND status = 'approved'
         RETURNING id",
        [batch.get()],
    )
}

pub fn parse_voucher(input: &str) -> Result<VoucherNo> {
    VoucherNo::parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Finding a voucher in any batch probes the (batch, voucher) index, never walks
    /// the journal.
    #[test]
    fn a_voucher_in_earlier_batches_is_found_through_the_index() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::create_for_test(&mut conn);
        let mut explain = conn
            .prepare(&format!(
                "EXPLAIN QUERY PLAN {EARLIER_BATCHES} ORDER BY j.id DESC LIMIT 1"
            ))
            .unwrap();
        let plan: Vec<String> = explain
            .query_map([1], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let journal: Vec<&String> = plan
            .iter()
            .filter(|d| d.contains(" j ") || d.ends_with(" j"))
            .collect();
        assert!(!journal.is_empty(), "{plan:?}");
        assert!(
            journal.iter().all(|d| d.contains("journal_voucher")),
            "the journal is walked: {plan:?}"
        );
    }
}
