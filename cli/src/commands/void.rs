//! `void` (消费撤销), as the article's screen runs it: the operator signs in, then the
//! voucher number, date and amount are checked against the journal, the original is
//! shown, a reason is chosen, the merchant confirms, and the void password — the
//! supervisor's, who authorises every void — is entered without echo. Whatever is
//! given as flags is not asked; with all three of voucher, date and amount given the
//! flow asks nothing but the two passwords (from stdin or a file in scripts).
//!
//! Secrets come one per line from `--password-stdin` or `--password-file`: the
//! signing-in operator's password first, the void password last (asked again when
//! the supervisor 00 is the one signed in: it authorises this void, not the session).
//! The answers of the interactive flow come between them on stdin, as on the
//! terminal's screens. With every answer given as flags both passwords are read and
//! checked before anyone signs in, so a malformed one writes nothing.

use voidguard::{LegKind, Terminal, VoidLookup, VoidOutcome, VoidPreview, VoidRequest};

use super::{outln, reasons, sign_in, Ctx};
use crate::args::VoidArgs;
use crate::error::{Answer, CliError};
use crate::format::{self, money};
use crate::messages::{key, Lang};
use crate::secrets::{Secret, Secrets};

pub fn run(ctx: &mut Ctx, args: &VoidArgs) -> Result<(), CliError> {
    let lang = ctx.lang;
    let interactive = args.voucher.is_none() || args.date.is_none() || args.amount.is_none();
    let (outcome, change_due) = sign_in::authorised_act(
        ctx,
        &args.operator,
        &args.password,
        interactive,
        LegKind::Void,
        |t, ctx, secrets, void_password| {
            let outcome = keyed(t, ctx, args, secrets, void_password)?;
            Ok((outcome, t.vault_status()?.change_due))
        },
    )?;
    let original = &outcome.original;
    match &outcome.void_transaction {
        Some(v) => outln(&lang.fill(
            key::CLI_VOID_DONE,
            &[
                &v.voucher_no,
                &original.voucher_no,
                &money(v.amount),
                &v.operator_no,
                &authoriser(v),
            ],
        ))?,
        None => outln(&lang.fill(key::CLI_VOID_STATE, &[&lang.leg_state(outcome.state)]))?,
    }
    remind_change_due(change_due, lang);
    Ok(())
}

/// Who authorised a void, as its row records it.
fn authoriser(v: &voidguard::Transaction) -> &str {
    v.authoriser_no.as_deref().unwrap_or("-")
}

/// The void as the signed-in operator keys it: what is not given as flags is asked,
/// the original is shown, and the void password (read now unless it was already)
/// authorises it.
fn keyed(
    terminal: &Terminal,
    ctx: &mut Ctx,
    args: &VoidArgs,
    secrets: &mut Secrets,
    void_password: Option<Secret>,
) -> Result<VoidOutcome, CliError> {
    let lang = ctx.lang;
    let interactive = void_password.is_none();
    let voucher_no = match &args.voucher {
        Some(v) => v.clone(),
        None => ctx
            .input
            .ask(lang.text(key::CLI_PROMPT_VOID_VOUCHER), Answer::Voucher)?,
    };
    let date = match &args.date {
        Some(d) => d.clone(),
        None => {
            let today = terminal.status()?.business_date;
            let prompt = lang.fill(key::CLI_PROMPT_SALE_DATE, &[&today]);
            let answer = ctx.input.ask(&prompt, Answer::Date)?;
            if answer.is_empty() {
                today
            } else {
                answer
            }
        }
    };
    let amount = match &args.amount {
        Some(a) => a.clone(),
        None => ctx
            .input
            .ask(lang.text(key::CLI_PROMPT_SALE_AMOUNT), Answer::Amount)?,
    };
    let lookup = VoidLookup {
        voucher_no,
        date,
        amount,
    };
    let preview = terminal.void_preview(lookup.clone())?;
    outln(&describe(lang, &preview))?;

    let reason = reasons::reason(ctx, reasons::Of::Void, args.reason.as_ref(), interactive)?;
    let password = sign_in::confirm_and_authorise(
        ctx,
        lang.text(key::CLI_PROMPT_CONFIRM_VOID),
        interactive && !args.yes,
        secrets,
        void_password,
    )?;
    Ok(terminal.void_transaction(VoidRequest {
        voucher_no: lookup.voucher_no,
        date: lookup.date,
        amount: lookup.amount,
        password: String::clone(&password),
        reason,
    })?)
}

fn describe(lang: Lang, p: &VoidPreview) -> String {
    let t = &p.original;
    let (when, amount) = (format::local_time(t.created_at_ms), money(t.amount));
    let left = money(p.void_amount_left_today);
    lang.fill(
        key::CLI_VOID_PREVIEW,
        &[
            &t.voucher_no,
            &when,
            &amount,
            &t.masked_pan,
            &t.operator_no,
            &p.void_count_left_today,
            &left,
        ],
    )
}

/// Passwords past their age still work, but the merchant is told (DESIGN §2).
fn remind_change_due(change_due: bool, lang: Lang) {
    if change_due {
        eprintln!("{}", lang.text(key::CLI_PASSWORD_CHANGE_DUE_NOTE));
    }
}
