//! `resolve` (人工处理): the way out of a void whose answer was lost and whose
//! reversals kept failing. Without an id it lists such voids; with one it records
//! what the acquirer says happened — approved with its RRN and auth code, or never
//! happened — signed in as `--operator` and authorised by the void password, with a
//! note that goes into the audit trail. Secrets, one per line from `--password-stdin`
//! or `--password-file`: the operator's password, then the void password.

use serde_json::json;
use voidguard::{PendingState, PendingVoid, Resolution, Terminal};

use super::{out_json, outln, sign_in, Ctx};
use crate::args::ResolveArgs;
use crate::error::{CliError, Usage};
use crate::format::money;
use crate::messages::Lang;
use crate::secrets::Secrets;
use crate::session;

pub fn run(ctx: &mut Ctx, args: &ResolveArgs) -> Result<(), CliError> {
    let Some(pending_id) = args.pending_id else {
        return list(ctx, args);
    };
    let resolution = match (&args.rrn, &args.auth_code, args.never_happened) {
        (Some(rrn), Some(auth_code), false) => Resolution::Approved {
            rrn: rrn.clone(),
            auth_code: auth_code.clone(),
        },
        (None, None, true) => Resolution::NeverHappened,
        _ => return Err(Usage::ResolutionIncomplete.into()),
    };
    let note = args.note.clone().ok_or(Usage::ResolutionIncomplete)?;
    let lang = ctx.lang;
    let operator_no = sign_in::operator_no(&args.operator)?;
    let terminal = session::open_existing(&ctx.global)?;
    let mut secrets = Secrets::new(&args.password, &ctx.input)?;
    let password = sign_in::read_password(&mut secrets, &mut ctx.input, lang, &operator_no)?;
    let void_password = sign_in::read_void_password(&mut secrets, &mut ctx.input, lang)?;
    let outcome = sign_in::signed_in(&terminal, &operator_no, &password, |t: &Terminal| {
        t.resolve_void(pending_id, resolution, String::clone(&void_password), note)
    })?;
    drop((password, void_password));
    if args.json.json {
        return out_json(&json!({
            "pending_id": outcome.pending_id,
            "state": lang.pending_state(outcome.state),
            "original_voucher_no": outcome.original.voucher_no,
            "void_voucher_no": outcome.void_transaction.as_ref().map(|v| v.voucher_no.clone()),
        }));
    }
    let original = &outcome.original.voucher_no;
    outln(&match (&outcome.void_transaction, lang) {
        (Some(v), Lang::En) => format!(
            "Resolved: void voucher {} cancels voucher {original}; voids and settlement go on",
            v.voucher_no
        ),
        (Some(v), Lang::Zh) => format!(
            "已处理：撤销凭证号 {} 撤销了原凭证号 {original}；可继续撤销与结算",
            v.voucher_no
        ),
        (None, Lang::En) => format!(
            "Resolved: the void never happened; voucher {original} stands and can be voided again"
        ),
        (None, Lang::Zh) => {
            format!("已处理：该撤销未发生，原凭证号 {original} 仍有效，可重新撤销")
        }
    })
}

/// The voids waiting for manual handling, with what the acquirer will ask about.
fn list(ctx: &Ctx, args: &ResolveArgs) -> Result<(), CliError> {
    let lang = ctx.lang;
    let terminal = session::open_existing(&ctx.global)?;
    let manual: Vec<PendingVoid> = terminal
        .pending_host_work()?
        .into_iter()
        .filter(|p| p.state == PendingState::NeedsManualHandling)
        .collect();
    if args.json.json {
        let rows: Vec<_> = manual
            .iter()
            .map(|p| {
                json!({
                    "pending_id": p.pending_id,
                    "original_voucher_no": p.original_voucher_no,
                    "original_rrn": p.request.original_rrn,
                    "void_voucher_no": p.void_voucher_no,
                    "batch_no": p.request.batch_no,
                    "amount": p.amount.to_decimal_string(),
                    "attempts": p.attempts,
                })
            })
            .collect();
        return out_json(&json!(rows));
    }
    if manual.is_empty() {
        return outln(lang.pick("No void needs manual handling.", "没有需要人工处理的撤销。"));
    }
    for p in &manual {
        outln(&match lang {
            Lang::En => format!(
                "{}: void of voucher {} (RRN {}), {}, void voucher {} batch {}, {} reversal attempts failed",
                p.pending_id,
                p.original_voucher_no,
                p.request.original_rrn,
                money(p.amount),
                p.void_voucher_no,
                p.request.batch_no,
                p.attempts
            ),
            Lang::Zh => format!(
                "{}：撤销原凭证号 {}（参考号 {}），{}，撤销凭证号 {}，批次号 {}，冲正失败 {} 次",
                p.pending_id,
                p.original_voucher_no,
                p.request.original_rrn,
                money(p.amount),
                p.void_voucher_no,
                p.request.batch_no,
                p.attempts
            ),
        })?;
    }
    outln(lang.pick(
        "Ask the acquirer what happened to each, then: voidguard resolve ID \
         (--rrn R --auth-code A | --never-happened) --note \"who said so\"",
        "向收单机构核实每笔结果后运行：voidguard resolve 编号 \
         （--rrn 参考号 --auth-code 授权码 | --never-happened）--note \"答复人\"",
    ))
}
