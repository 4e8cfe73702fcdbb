//! `audit` and `audit verify`: the HMAC-chained trail of security-relevant acts.

use serde_json::json;
use voidguard::AuditReport;

use super::{out, out_json, outln, Ctx};
use crate::args::{AuditAction, AuditArgs};
use crate::error::CliError;
use crate::format;
use crate::messages::{key, Lang};
use crate::session;

pub fn run(ctx: &Ctx, args: &AuditArgs) -> Result<(), CliError> {
    let terminal = session::open_existing(&ctx.global)?;
    if let Some(AuditAction::Verify(json)) = &args.action {
        let report = terminal.verify_audit()?;
        if json.json {
            out_json(&json!({
                "ok": report.ok,
                "entries_checked": report.entries_checked,
                "first_bad_seq": report.first_bad_seq,
                "problem": report.problem.map(|p| format!("{p:?}")),
            }))?;
        } else if report.ok {
            outln(&verified(ctx.lang, &report))?;
        }
        return if report.ok {
            Ok(())
        } else {
            Err(CliError::AuditBroken(report))
        };
    }
    let entries = terminal.audit(args.before, args.limit)?;
    if args.json.json {
        let items: Vec<_> = entries
            .iter()
            .map(|e| {
                json!({
                    "seq": e.seq,
                    "at_ms": e.at_ms,
                    "kind": e.kind,
                    "operator_no": e.operator_no,
                    "detail": serde_json::from_str::<serde_json::Value>(&e.detail)
                        .unwrap_or_else(|_| json!(e.detail)),
                })
            })
            .collect();
        return out_json(&json!(items));
    }
    let lang = ctx.lang;
    if entries.is_empty() {
        return outln(lang.text(key::CLI_AUDIT_EMPTY));
    }
    let header = [
        key::CLI_COL_SEQ,
        key::CLI_COL_TIME,
        key::CLI_COL_ACT,
        key::CLI_COL_OPERATOR,
        key::CLI_COL_DETAIL,
    ]
    .map(|t| lang.text(t));
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                format::local_time(e.at_ms),
                audit_kind(lang, &e.kind),
                e.operator_no.clone().unwrap_or_default(),
                e.detail.clone(),
            ]
        })
        .collect();
    out(&format::table(&header, &rows))
}

/// English lists the kind's code, as the export and the JSON do; Chinese says it in the
/// app's words.
fn audit_kind(lang: Lang, kind: &str) -> String {
    match lang {
        Lang::En => kind.to_owned(),
        Lang::Zh => lang.audit_kind(kind),
    }
}

pub fn verified(lang: Lang, report: &AuditReport) -> String {
    lang.fill(
        key::CLI_AUDIT_VERIFIED,
        &[&report.entries_checked, &report.rows_checked],
    )
}
