//! `refund` (退货): money back on a sale of an earlier batch or day. The operator
//! signs in, the original is found by its RRN (参考号) and original date or by its
//! voucher (and batch), shown with what is left to refund, the amount and a reason
//! are chosen, the merchant confirms, and the void password — the supervisor's, who
//! authorises every refund — is entered without echo. With the original and the
//! amount given as flags the flow asks nothing but the two passwords (from stdin or
//! a file in scripts), as `void` does.

use voidguard::{LegKind, RefundLookup, RefundOutcome, RefundPreview, RefundRequest, Terminal};

use super::{outln, reasons, sign_in, Ctx};
use crate::args::RefundArgs;
use crate::error::{Answer, CliError};
use crate::format::money;
use crate::messages::{key, Lang};
use crate::secrets::{Secret, Secrets};

pub fn run(ctx: &mut Ctx, args: &RefundArgs) -> Result<(), CliError> {
    let lang = ctx.lang;
    let named = args.voucher.is_some() || (args.rrn.is_some() && args.date.is_some());
    let interactive = !named || args.amount.is_none();
    let outcome = sign_in::authorised_act(
        ctx,
        &args.operator,
        &args.password,
        interactive,
        LegKind::Refund,
        |t, ctx, secrets, void_password| keyed(t, ctx, args, secrets, void_password),
    )?;
    match &outcome.refund {
        Some(r) => {
            let original = r
                .original_voucher_no
                .clone()
                .unwrap_or_else(|| lang.text(key::CLI_REFUND_NOT_VERIFIED).into());
            let rrn = r.original_rrn.as_deref().unwrap_or("-");
            outln(&lang.fill(
                key::CLI_REFUND_DONE,
                &[
                    &r.voucher_no,
                    &money(r.amount),
                    &rrn,
                    &original,
                    &r.operator_no,
                    &r.authoriser_no.as_deref().unwrap_or("-"),
                ],
            ))
        }
        None => outln(&lang.fill(key::CLI_REFUND_STATE, &[&lang.leg_state(outcome.state)])),
    }
}

fn ask(ctx: &mut Ctx, prompt: &str, answer: Answer) -> Result<String, CliError> {
    ctx.input.ask(prompt, answer)
}

/// How the original is named: the flags, or asked (an RRN, or a voucher number).
fn lookup(ctx: &mut Ctx, args: &RefundArgs) -> Result<RefundLookup, CliError> {
    let lang = ctx.lang;
    let mut l = RefundLookup {
        voucher_no: args.voucher.clone(),
        batch_no: args.batch.clone(),
        rrn: args.rrn.clone(),
        date: args.date.clone(),
        original_amount: args.original_amount.clone(),
    };
    if l.voucher_no.is_none() && l.rrn.is_none() {
        let answer = ask(
            ctx,
            lang.text(key::CLI_PROMPT_REFUND_ORIGINAL),
            Answer::Voucher,
        )?;
        if answer.chars().count() <= 6 {
            l.voucher_no = Some(answer);
        } else {
            l.rrn = Some(answer);
        }
    }
    if l.rrn.is_some() && l.date.is_none() {
        l.date = Some(ask(
            ctx,
            lang.text(key::CLI_PROMPT_REFUND_DATE),
            Answer::Date,
        )?);
    }
    Ok(l)
}

fn keyed(
    terminal: &Terminal,
    ctx: &mut Ctx,
    args: &RefundArgs,
    secrets: &mut Secrets,
    void_password: Option<Secret>,
) -> Result<RefundOutcome, CliError> {
    let lang = ctx.lang;
    let interactive = void_password.is_none();
    let lookup = lookup(ctx, args)?;
    let preview = terminal.refund_preview(lookup.clone())?;
    outln(&describe(lang, &preview))?;
    let amount = match &args.amount {
        Some(a) => a.clone(),
        None => {
            let prompt = lang.fill(key::CLI_PROMPT_REFUND_AMOUNT, &[&preview.balance]);
            let answer = ask(ctx, &prompt, Answer::Amount)?;
            if answer.is_empty() {
                preview.balance.to_decimal_string()
            } else {
                answer
            }
        }
    };
    let reason = reasons::reason(ctx, reasons::Of::Refund, args.reason.as_ref(), interactive)?;
    let password = sign_in::confirm_and_authorise(
        ctx,
        lang.text(key::CLI_PROMPT_CONFIRM_REFUND),
        interactive && !args.yes,
        secrets,
        void_password,
    )?;
    Ok(terminal.refund(RefundRequest {
        lookup,
        amount,
        password: String::clone(&password),
        reason,
    })?)
}

fn describe(lang: Lang, p: &RefundPreview) -> String {
    let (amount, balance) = (money(p.original_amount), money(p.balance));
    let (rrn, date) = (&p.original_rrn, &p.original_business_date);
    let voucher = p
        .original
        .as_ref()
        .map(|t| format!("{} / {}", t.voucher_no, t.batch_no));
    match voucher {
        Some(v) => lang.fill(
            key::CLI_REFUND_PREVIEW,
            &[
                rrn,
                date,
                &amount,
                &v,
                &balance,
                &p.refunds.len(),
                &p.refund_count_left_today,
            ],
        ),
        None => lang.fill(
            key::CLI_REFUND_PREVIEW_NOT_VERIFIED,
            &[rrn, date, &amount, &balance],
        ),
    }
}
