//! Paging through the journal, newest first, with keyset cursors so a page costs the
//! same at row ten and at row a million.

use rusqlite::types::Value;
use rusqlite::Connection;

use super::numbering::{BatchNo, VoucherNo};
use super::{from_row, Transaction, TransactionKind, SELECT};
use crate::dates::BusinessDate;
use crate::error::{invalid, Field, Problem, Result};
use crate::operators;

pub const MAX_PAGE: u32 = 500;

/// Filters for [`page`]; every filter is optional. Text fields take what the merchant
/// keys, so they are parsed like everywhere else.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct JournalQuery {
    #[uniffi(default = None)]
    pub batch_no: Option<String>,
    #[uniffi(default = None)]
    pub business_date: Option<String>,
    #[uniffi(default = None)]
    pub kind: Option<TransactionKind>,
    #[uniffi(default = None)]
    pub operator_no: Option<String>,
    #[uniffi(default = None)]
    pub voucher_no: Option<String>,
    /// The `next_cursor` of the previous page; `None` for the newest page.
    #[uniffi(default = None)]
    pub cursor: Option<i64>,
    #[uniffi(default = 50)]
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct JournalPage {
    pub items: Vec<Transaction>,
    /// Pass as `cursor` to read the next, older page; `None` at the end.
    pub next_cursor: Option<i64>,
}

pub fn page(conn: &Connection, q: &JournalQuery, today: BusinessDate) -> Result<JournalPage> {
    if q.limit == 0 || q.limit > MAX_PAGE {
        return Err(invalid(Field::PageSize, Problem::NotAllowed));
    }
    let mut sql = format!("{SELECT} WHERE 1 = 1");
    let mut args: Vec<Value> = Vec::new();
    if let Some(batch) = &q.batch_no {
        let batch = BatchNo::parse(batch)?;
        sql.push_str(" AND j.batch_no = ?");
        args.push(Value::Integer(i64::from(batch.get())));
    }
    if let Some(date) = &q.business_date {
        let date = crate::dates::parse_date(date, today)?;
        sql.push_str(" AND j.business_date = ?");
        args.push(Value::Text(date.iso()));
    }
    if let Some(kind) = q.kind {
        sql.push_str(" AND j.kind = ?");
        args.push(Value::Text(kind.as_str().into()));
    }
    if let Some(op) = &q.operator_no {
        let op = operators::parse(Field::OperatorNo, op)?;
        sql.push_str(" AND j.operator_no = ?");
        args.push(Value::Text(op));
    }
    if let Some(voucher) = &q.voucher_no {
        let voucher = VoucherNo::parse(voucher)?;
        sql.push_str(" AND j.voucher_no = ?");
        args.push(Value::Integer(i64::from(voucher.get())));
        if q.batch_no.is_none() {
            // Probed batch by batch through the (batch, voucher) index.
            sql.push_str(" AND j.batch_no IN ");
            sql.push_str(super::EVERY_BATCH);
        }
    }
    if let Some(cursor) = q.cursor {
        sql.push_str(" AND j.id < ?");
        args.push(Value::Integer(cursor));
    }
    sql.push_str(" ORDER BY j.id DESC LIMIT ?");
    // One extra row tells whether another page exists.
    args.push(Value::Integer(i64::from(q.limit) + 1));
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut items = stmt
        .query_map(rusqlite::params_from_iter(args), from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let next_cursor = if items.len() > q.limit as usize {
        items.truncate(q.limit as usize);
        items.last().map(|t| t.id)
    } else {
        None
    };
    Ok(JournalPage { items, next_cursor })
}

/// Voids and refunds per operator: the classic signal of cashiers voiding (or
/// refunding) cash sales after the customer has left.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OperatorVoids {
    pub operator_no: String,
    pub void_count: u32,
    pub void_total: crate::money::Fen,
    pub refund_count: u32,
    pub refund_total: crate::money::Fen,
}

pub fn voids_by_operator(
    conn: &Connection,
    batch: super::numbering::BatchNo,
) -> Result<Vec<OperatorVoids>> {
    let mut stmt = conn.prepare_cached(
        "SELECT operator_no, sum(kind = 'void'), sum(CASE WHEN kind = 'void' THEN amount_fen ELSE 0 END),
                sum(kind = 'refund'), sum(CASE WHEN kind = 'refund' THEN amount_fen ELSE 0 END)
         FROM journal
         WHERE (kind = 'void' OR kind = 'refund') AND batch_no = ?1 GROUP BY operator_no
         ORDER BY count(*) DESC, operator_no",
    )?;
    let rows = stmt.query_map([batch.get()], |r| {
        Ok(OperatorVoids {
            operator_no: r.get(0)?,
            void_count: r.get(1)?,
            void_total: crate::money::Fen(r.get(2)?),
            refund_count: r.get(3)?,
            refund_total: crate::money::Fen(r.get(4)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
