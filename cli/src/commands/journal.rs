//! `journal`: one page of the journal, newest first, as a table or JSON.

use serde_json::json;
use voidguard::{JournalQuery, Transaction, TransactionKind};

use super::{out, out_json, outln, Ctx};
use crate::args::{JournalArgs, JournalFilter, Kind};
use crate::error::CliError;
use crate::format;
use crate::messages::{key, Lang};
use crate::session;

pub fn query(filter: &JournalFilter, cursor: Option<i64>, limit: u32) -> JournalQuery {
    JournalQuery {
        batch_no: filter.batch.clone(),
        business_date: filter.date.clone(),
        kind: filter.kind.map(|k| match k {
            Kind::Sale => TransactionKind::Sale,
            Kind::Void => TransactionKind::Void,
            Kind::Refund => TransactionKind::Refund,
        }),
        operator_no: filter.operator.clone(),
        voucher_no: filter.voucher.clone(),
        cursor,
        limit,
    }
}

pub fn run(ctx: &Ctx, args: &JournalArgs) -> Result<(), CliError> {
    let terminal = session::open_existing(&ctx.global)?;
    let page = terminal.journal(query(&args.filter, args.cursor, args.limit))?;
    if args.json.json {
        let items: Vec<_> = page.items.iter().map(format::transaction_json).collect();
        return out_json(&json!({ "items": items, "next_cursor": page.next_cursor }));
    }
    let lang = ctx.lang;
    if page.items.is_empty() {
        return outln(lang.text(key::CLI_JOURNAL_EMPTY));
    }
    out(&table(lang, &page.items))?;
    if let Some(cursor) = page.next_cursor {
        outln(&lang.fill(key::CLI_JOURNAL_MORE, &[&cursor]))?;
    }
    Ok(())
}

fn table(lang: Lang, items: &[Transaction]) -> String {
    let header = [
        key::CLI_COL_VOUCHER,
        key::CLI_COL_BATCH,
        key::CLI_COL_KIND,
        key::CLI_COL_STATUS,
        key::CLI_COL_TIME,
        key::CLI_COL_AMOUNT,
        key::CLI_COL_CARD,
        key::CLI_COL_OP,
        key::CLI_COL_ORIGINAL,
    ]
    .map(|t| lang.text(t));
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|t| {
            vec![
                t.voucher_no.clone(),
                t.batch_no.clone(),
                lang.kind(t.kind).to_owned(),
                lang.status(t.status).to_owned(),
                format::local_time(t.created_at_ms),
                t.amount.to_decimal_string(),
                t.masked_pan.clone(),
                t.operator_no.clone(),
                t.original_voucher_no.clone().unwrap_or_default(),
            ]
        })
        .collect();
    format::table(&header, &rows)
}
