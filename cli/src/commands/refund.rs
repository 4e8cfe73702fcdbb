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
use crate::messages::Lang;
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
                .unwrap_or_else(|| lang.pick("not verified locally", "未在本机核实").into());
            let rrn = r.original_rrn.as_deref().unwrap_or("-");
            outln(&match lang {
                Lang::En => format!(
                    "Refund successful (退货成功): refund voucher {} · {} · original RRN {rrn} \
                     (voucher {original})\nKeyed by operator {}, authorised by operator {}\n\
                     Print the slip with: voidguard receipt {}",
                    r.voucher_no,
                    money(r.amount),
                    r.operator_no,
                    r.authoriser_no.as_deref().unwrap_or("-"),
                    r.voucher_no
                ),
                Lang::Zh => format!(
                    "退货成功：退货凭证号 {}，{}，原参考号 {rrn}（原凭证号 {original}）\n\
                     操作员 {} 录入，操作员 {} 授权\n打印签购单：voidguard receipt {}",
                    r.voucher_no,
                    money(r.amount),
                    r.operator_no,
                    r.authoriser_no.as_deref().unwrap_or("-"),
                    r.voucher_no
                ),
            })
        }
        None => outln(&format!(
            "{}: {}",
            lang.pick("Refund state", "退货状态"),
            lang.leg_state(outcome.state)
        )),
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
            lang.pick(
                "Reference number (参考号, 12 characters) or voucher number (6 digits): ",
                "原参考号（12 位）或原凭证号（6 位）：",
            ),
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
            lang.pick(
                "Date of the sale (MMDD or YYYYMMDD): ",
                "原交易日期（MMDD 或 YYYYMMDD）：",
            ),
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
            let prompt = match lang {
                Lang::En => format!("Amount to refund [{}]: ", preview.balance),
                Lang::Zh => format!("退货金额 [{}]：", preview.balance),
            };
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
        lang.pick("Refund this amount? [y/N]: ", "确认退货？[y/N]："),
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
    match (lang, voucher) {
        (Lang::En, Some(v)) => format!(
            "Original sale: RRN {rrn} · {date} · {amount} · voucher/batch {v}\n\
             Refundable: {balance} ({} refund(s) so far, {} today left)",
            p.refunds.len(),
            p.refund_count_left_today
        ),
        (Lang::En, None) => format!(
            "Original sale (NOT VERIFIED LOCALLY): RRN {rrn} · {date} · {amount}\n\
             Refundable: {balance}"
        ),
        (Lang::Zh, Some(v)) => format!(
            "原交易：参考号 {rrn} · {date} · {amount} · 凭证号/批次号 {v}\n\
             可退金额：{balance}（已退 {} 笔，今日还可退 {} 笔）",
            p.refunds.len(),
            p.refund_count_left_today
        ),
        (Lang::Zh, None) => {
            format!("原交易（未在本机核实）：参考号 {rrn} · {date} · {amount}\n可退金额：{balance}")
        }
    }
}
