//! `status` and `reconcile`: the terminal's state with the online transactions (sales,
//! voids, settlement) still open, and settling those whose host answer was lost.

use serde_json::json;
use voidguard::{ReconcileReport, Terminal, TerminalStatus};

use super::{out, out_json, outln, Ctx};
use crate::args::JsonFlag;
use crate::error::CliError;
use crate::format;
use crate::messages::{key, Lang};
use crate::session;

pub fn show(ctx: &Ctx, args: &JsonFlag) -> Result<(), CliError> {
    let paths = session::paths(&ctx.global)?;
    let terminal = session::open_existing(&ctx.global)?;
    let s = terminal.status()?;
    let legs = terminal.pending_host_work()?;
    if args.json {
        let v = &s.vault;
        return out_json(&json!({
            "db": paths.db.display().to_string(),
            "key_file": paths.key.display().to_string(),
            "activated": s.activated,
            "merchant_no": s.merchant_no,
            "terminal_id": s.terminal_id,
            "batch_no": s.batch_no,
            "next_voucher_no": s.next_voucher_no,
            "business_date": s.business_date,
            "void_permitted": s.void_permitted,
            "refund_permitted": s.refund_permitted,
            "password_set": v.password_set,
            "password_expires_at_ms": v.expires_at_ms,
            "password_change_due": v.change_due,
            "consecutive_failures": v.consecutive_failures,
            "attempts_left": v.attempts_left,
            "locked_until_ms": v.locked_until_ms,
            "locked_until_lifted": v.locked_until_lifted,
            "pending_host_work": s.pending_host_work,
            "host_legs": legs.iter().map(format::leg_json).collect::<Vec<_>>(),
            "schema_version": s.schema_version,
        }));
    }
    let db = paths.db.display().to_string();
    out(&format::pairs(&lines(ctx.lang, &s, db)))?;
    for leg in &legs {
        outln(&format!("  {}", format::leg_line(ctx.lang, leg)))?;
    }
    Ok(())
}

fn lines(lang: Lang, s: &TerminalStatus, db: String) -> Vec<(&'static str, String)> {
    let v = &s.vault;
    let activated = match (&s.merchant_no, &s.terminal_id) {
        (Some(m), Some(t)) => lang.fill(key::CLI_STATUS_ACTIVATED_AS, &[m, t]),
        _ => lang.yes_no(false).to_owned(),
    };
    let password = match (v.password_set, v.expires_at_ms) {
        (false, _) => lang.text(key::CLI_PASSWORD_NOT_SET).to_owned(),
        (true, None) => lang.text(key::CLI_PASSWORD_IS_SET).to_owned(),
        (true, Some(at)) => {
            let due = if v.change_due {
                lang.text(key::CLI_PASSWORD_CHANGE_DUE)
            } else {
                ""
            };
            lang.fill(key::CLI_PASSWORD_EXPIRES, &[&format::local_time(at), &due])
        }
    };
    let locked = match (v.locked_until_lifted, v.locked_until_ms) {
        (true, _) => lang.text(key::CLI_LOCKED_UNTIL_LIFTED).to_owned(),
        (false, Some(until)) => lang.fill(key::CLI_LOCKED_UNTIL, &[&format::local_time(until)]),
        (false, None) => lang.yes_no(false).to_owned(),
    };
    let failures = lang.fill(
        key::CLI_STATUS_FAILURES,
        &[&v.consecutive_failures, &v.attempts_left],
    );
    let batch = lang.fill(key::CLI_STATUS_BATCH, &[&s.batch_no, &s.next_voucher_no]);
    let l = |t| lang.text(t);
    vec![
        (l(key::CLI_LABEL_DATABASE), db),
        (l(key::CLI_LABEL_ACTIVATED), activated),
        (l(key::CLI_LABEL_BUSINESS_DATE), s.business_date.clone()),
        (l(key::CLI_LABEL_BATCH_NO), batch),
        (
            l(key::CLI_LABEL_VOID_PERMISSION),
            lang.yes_no(s.void_permitted).to_owned(),
        ),
        (
            l(key::CLI_LABEL_REFUND_PERMISSION),
            lang.yes_no(s.refund_permitted).to_owned(),
        ),
        (l(key::CLI_LABEL_VOID_PASSWORD), password),
        (l(key::CLI_LABEL_WRONG_PASSWORDS), failures),
        (l(key::CLI_LABEL_VOIDING_LOCKED), locked),
        (
            l(key::CLI_LABEL_ONLINE_OPEN),
            s.pending_host_work.to_string(),
        ),
        (
            l(key::CLI_LABEL_SCHEMA_VERSION),
            s.schema_version.to_string(),
        ),
    ]
}

fn report_line(lang: Lang, r: &ReconcileReport) -> String {
    lang.fill(
        key::CLI_RECONCILED,
        &[
            &r.reversed,
            &r.confirmed,
            &r.still_pending,
            &r.needs_manual_handling,
        ],
    )
}

pub fn reconcile(ctx: &Ctx) -> Result<(), CliError> {
    let terminal = session::open_existing(&ctx.global)?;
    let report = terminal.reconcile()?;
    if report == ReconcileReport::default() {
        return outln(ctx.lang.text(key::CLI_NOTHING_TO_RECONCILE));
    }
    outln(&report_line(ctx.lang, &report))
}

/// What an earlier run left unanswered is settled before a new void, as the app does
/// at start; the merchant is told on stderr when anything happened.
pub fn reconcile_quietly(terminal: &Terminal, lang: Lang) -> Result<(), CliError> {
    let report = terminal.reconcile()?;
    if report != ReconcileReport::default() {
        eprintln!("{}", report_line(lang, &report));
    }
    Ok(())
}
