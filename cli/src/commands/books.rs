//! The day's books: a sale, the slip of a voucher, closing the batch.

use serde_json::json;
use voidguard::{LegKind, SaleRequest, Terminal};

use super::{out, out_json, outln, sign_in, Ctx};
use crate::args::{ReceiptArgs, SaleArgs, SettleArgs};
use crate::error::{Answer, CliError, Usage};
use crate::format::{self, money};
use crate::messages::{key, Lang};
use crate::secrets::Secrets;
use crate::session;

/// A sale through the host, keyed by the operator who signs in for it: journaled with
/// the RRN and auth code the host issues, only once it approves. The
/// operator's password is read first, then the card number, each asked without echo
/// or read from stdin or a file (from one stdin, in that order); both are checked
/// before anyone signs in. A card number given as an argument is refused before
/// anything is opened.
pub fn sale(ctx: &mut Ctx, args: &SaleArgs) -> Result<(), CliError> {
    if args.card_on_argv.is_some() {
        return Err(Usage::CardOnCommandLine.into());
    }
    let lang = ctx.lang;
    let operator_no = sign_in::operator_no(&args.operator)?;
    let terminal = session::open_existing(&ctx.global)?;
    let mut passwords = Secrets::new(&args.password, &ctx.input)?;
    let mut cards = Secrets::new(&args.card, &ctx.input)?;
    let password = sign_in::read_password(&mut passwords, &mut ctx.input, lang, &operator_no)?;
    let card = cards.next(
        &mut ctx.input,
        lang.text(key::CLI_PROMPT_CARD),
        Answer::Card,
    )?;
    voidguard::journal::card::mask_pan(&card)?;
    let t = sign_in::signed_in(&terminal, &operator_no, &password, |t| {
        t.record_sale(SaleRequest {
            amount: args.amount.clone(),
            card_number: String::clone(&card),
            card_scheme: args.scheme.clone(),
        })
    })
    .map_err(|e| e.of_leg(LegKind::Sale))?;
    drop((password, card));
    if args.json.json {
        return out_json(&format::transaction_json(&t));
    }
    let amount = money(t.amount);
    outln(&ctx.lang.fill(
        key::CLI_SALE_APPROVED,
        &[
            &t.voucher_no,
            &t.batch_no,
            &amount,
            &t.masked_pan,
            &t.rrn,
            &t.auth_code,
        ],
    ))
}

pub fn receipt(ctx: &Ctx, args: &ReceiptArgs) -> Result<(), CliError> {
    let terminal = session::open_existing(&ctx.global)?;
    let slip = terminal.receipt(args.voucher.clone(), ctx.lang.locale())?;
    out(&slip.text)
}

/// Closes the open batch as the operator who signs in for it (the supervisor by
/// default, with the void password): the totals go to the host first, and the batch
/// closes only when the host approves.
pub fn settle(ctx: &mut Ctx, args: &SettleArgs) -> Result<(), CliError> {
    let lang = ctx.lang;
    let operator_no = sign_in::operator_no(&args.operator)?;
    let terminal = session::open_existing(&ctx.global)?;
    let mut secrets = Secrets::new(&args.password, &ctx.input)?;
    let password = sign_in::read_password(&mut secrets, &mut ctx.input, lang, &operator_no)?;
    let r = sign_in::signed_in(&terminal, &operator_no, &password, Terminal::settle)
        .map_err(|e| e.of_leg(LegKind::Settlement))?;
    drop(password);
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
    outln(&settlement_line(lang, &r))
}

pub fn settlement_line(lang: Lang, r: &voidguard::SettlementReport) -> String {
    let (sales, voids, net) = (money(r.sale_total), money(r.void_total), money(r.net_total));
    let refunds = match r.refund_count {
        0 => String::new(),
        n => lang.fill(key::CLI_SETTLED_REFUNDS, &[&n, &money(r.refund_total)]),
    };
    lang.fill(
        key::CLI_SETTLED,
        &[
            &r.batch_no,
            &r.sale_count,
            &sales,
            &r.void_count,
            &voids,
            &refunds,
            &net,
            &r.next_batch_no,
        ],
    )
}
