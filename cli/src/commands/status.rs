//! `status` and `reconcile`: the terminal's state with the online transactions (sales,
//! voids, settlement) still open, and settling those whose host answer was lost.

use serde_json::json;
use voidguard::{ReconcileReport, Terminal, TerminalStatus};

use super::{out, out_json, outln, Ctx};
use crate::args::JsonFlag;
use crate::error::CliError;
use crate::format;
use crate::messages::Lang;
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
        (Some(m), Some(t)) => match lang {
            Lang::En => format!("yes: merchant {m}, terminal {t}"),
            Lang::Zh => format!("是：商户号 {m}，终端号 {t}"),
        },
        _ => lang.yes_no(false).to_owned(),
    };
    let password = match (v.password_set, v.expires_at_ms) {
        (false, _) => lang.pick("not set", "未设置").to_owned(),
        (true, None) => lang.pick("set", "已设置").to_owned(),
        (true, Some(at)) => {
            let due = if v.change_due {
                lang.pick(" (change due)", "（已到期，请修改）")
            } else {
                ""
            };
            match lang {
                Lang::En => format!("set, expires {}{due}", format::local_time(at)),
                Lang::Zh => format!("已设置，{} 到期{due}", format::local_time(at)),
            }
        }
    };
    let locked = match (v.locked_until_lifted, v.locked_until_ms) {
        (true, _) => lang
            .pick("until the back office lifts it", "须后台审批解除")
            .to_owned(),
        (false, Some(until)) => match lang {
            Lang::En => format!("until {}", format::local_time(until)),
            Lang::Zh => format!("锁定至 {}", format::local_time(until)),
        },
        (false, None) => lang.yes_no(false).to_owned(),
    };
    let failures = match lang {
        Lang::En => format!(
            "{} ({} left before a lockout)",
            v.consecutive_failures, v.attempts_left
        ),
        Lang::Zh => format!(
            "{}（锁定前还可尝试 {} 次）",
            v.consecutive_failures, v.attempts_left
        ),
    };
    let batch = match lang {
        Lang::En => format!("{} (next voucher {})", s.batch_no, s.next_voucher_no),
        Lang::Zh => format!("{}（下一凭证号 {}）", s.batch_no, s.next_voucher_no),
    };
    vec![
        (lang.pick("Database", "数据库"), db),
        (lang.pick("Activated", "已激活"), activated),
        (
            lang.pick("Business date", "交易日期"),
            s.business_date.clone(),
        ),
        (lang.pick("Batch", "批次号"), batch),
        (
            lang.pick("Void permission", "撤销权限"),
            lang.yes_no(s.void_permitted).to_owned(),
        ),
        (
            lang.pick("Refund permission", "退货权限"),
            lang.yes_no(s.refund_permitted).to_owned(),
        ),
        (lang.pick("Void password", "撤销密码"), password),
        (lang.pick("Wrong passwords", "密码错误次数"), failures),
        (lang.pick("Voiding locked", "撤销锁定"), locked),
        (
            lang.pick("Online transactions open", "待主机处理的联机交易"),
            s.pending_host_work.to_string(),
        ),
        (
            lang.pick("Schema version", "数据库版本"),
            s.schema_version.to_string(),
        ),
    ]
}

fn report_line(lang: Lang, r: &ReconcileReport) -> String {
    match lang {
        Lang::En => format!(
            "Reconciled: {} reversed, {} confirmed, {} still pending, {} need manual handling",
            r.reversed, r.confirmed, r.still_pending, r.needs_manual_handling
        ),
        Lang::Zh => format!(
            "冲正处理：已冲正 {} 笔，已确认 {} 笔，仍待处理 {} 笔，需人工处理 {} 笔",
            r.reversed, r.confirmed, r.still_pending, r.needs_manual_handling
        ),
    }
}

pub fn reconcile(ctx: &Ctx) -> Result<(), CliError> {
    let terminal = session::open_existing(&ctx.global)?;
    let report = terminal.reconcile()?;
    if report == ReconcileReport::default() {
        return outln(
            ctx.lang
                .pick("Nothing to reconcile.", "没有需要冲正的联机交易。"),
        );
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
