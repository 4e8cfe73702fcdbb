//! The day's books: a sale, the slip of a voucher, closing the batch.

use serde_json::json;
use voidguard::SaleRequest;

use super::{out, out_json, outln, Ctx};
use crate::args::{ReceiptArgs, SaleArgs, SettleArgs};
use crate::error::{Answer, CliError, Usage};
use crate::format::{self, money};
use crate::messages::Lang;
use crate::secrets::Secrets;
use crate::session;

/// A sale the card leg approved. The card number is asked without echo or read from
/// stdin or a file; given as an argument it is refused before anything is opened.
pub fn sale(ctx: &mut Ctx, args: &SaleArgs) -> Result<(), CliError> {
    if args.card_on_argv.is_some() {
        return Err(Usage::CardOnCommandLine.into());
    }
    let lang = ctx.lang;
    let terminal = session::open_existing(&ctx.global)?;
    let mut secrets = Secrets::new(&args.card, &ctx.input)?;
    let card = secrets.next(
        &mut ctx.input,
        lang.pick("Card number: ", "卡号："),
        Answer::Card,
    )?;
    let t = terminal.record_sale(SaleRequest {
        amount: args.amount.clone(),
        card_number: String::clone(&card),
        card_scheme: args.scheme.clone(),
        operator_no: args.operator.clone(),
        rrn: args.rrn.clone(),
        auth_code: args.auth_code.clone(),
    })?;
    drop(card);
    if args.json.json {
        return out_json(&format::transaction_json(&t));
    }
    let amount = money(t.amount);
    outln(&match ctx.lang {
        Lang::En => format!(
            "Sale approved: voucher {} · batch {} · {amount} · card {} · RRN {} · auth code {}",
            t.voucher_no, t.batch_no, t.masked_pan, t.rrn, t.auth_code
        ),
        Lang::Zh => format!(
            "消费成功：凭证号 {} · 批次号 {} · {amount} · 卡号 {} · 参考号 {} · 授权码 {}",
            t.voucher_no, t.batch_no, t.masked_pan, t.rrn, t.auth_code
        ),
    })
}

pub fn receipt(ctx: &Ctx, args: &ReceiptArgs) -> Result<(), CliError> {
    let terminal = session::open_existing(&ctx.global)?;
    let slip = terminal.receipt(args.voucher.clone(), ctx.lang.locale())?;
    out(&slip.text)
}

pub fn settle(ctx: &Ctx, args: &SettleArgs) -> Result<(), CliError> {
    let terminal = session::open_existing(&ctx.global)?;
    let r = terminal.settle(args.operator.clone())?;
    if args.json.json {
        return out_json(&json!({
            "batch_no": r.batch_no,
            "next_batch_no": r.next_batch_no,
            "sale_count": r.sale_count,
            "sale_total": r.sale_total.to_decimal_string(),
            "void_count": r.void_count,
            "void_total": r.void_total.to_decimal_string(),
            "net_total": r.net_total.to_decimal_string(),
            "settled_at_ms": r.settled_at_ms,
        }));
    }
    outln(&settlement_line(ctx.lang, &r))
}

pub fn settlement_line(lang: Lang, r: &voidguard::SettlementReport) -> String {
    let (sales, voids, net) = (money(r.sale_total), money(r.void_total), money(r.net_total));
    match lang {
        Lang::En => format!(
            "Batch {} settled: {} sale(s) {sales}, {} void(s) {voids}, net {net}; next batch {}",
            r.batch_no, r.sale_count, r.void_count, r.next_batch_no
        ),
        Lang::Zh => format!(
            "批次 {} 已结算：消费 {} 笔 {sales}，撤销 {} 笔 {voids}，净额 {net}；下一批次 {}",
            r.batch_no, r.sale_count, r.void_count, r.next_batch_no
        ),
    }
}
