//! `request permission|refund-permission|reset|lift|list` and `redeem`: applying to the acquirer's back
//! office (申请) and redeeming its approval code. The approval code, and a reset's new
//! password after it, come from a no-echo prompt, stdin or a file.

use serde_json::json;
use voidguard::{Application, RequestKind, RequestTicket};

use super::{out, out_json, outln, Ctx};
use crate::args::{ApplicationArgs, JsonFlag, RedeemArgs, RequestAction};
use crate::error::{Answer, CliError, Usage};
use crate::format;
use crate::messages::Lang;
use crate::secrets::Secrets;
use crate::session;

pub fn apply(ctx: &Ctx, action: &RequestAction) -> Result<(), CliError> {
    let (kind, app) = match action {
        RequestAction::Permission(app) => (RequestKind::VoidPermission, app),
        RequestAction::RefundPermission(app) => (RequestKind::RefundPermission, app),
        RequestAction::Reset(app) => (RequestKind::PasswordReset, app),
        RequestAction::Lift(app) => (RequestKind::LiftRestriction, app),
        RequestAction::List(json) => return list(ctx, json),
    };
    let terminal = session::open_existing(&ctx.global)?;
    let ticket = terminal.apply_for(kind, application(app))?;
    let lang = ctx.lang;
    let (code, what) = (&ticket.request_code, lang.request_kind(kind));
    let (masked, until) = (
        &ticket.id_number_masked,
        format::local_time(ticket.expires_at_ms),
    );
    outln(&match lang {
        Lang::En => format!(
            "Request opened: {what}\n\
             Request code: {code} (quote it to the acquirer's back office)\n\
             Identity kept as: {masked}\n\
             Valid until: {until}\n\
             When approved: voidguard redeem {code} (it asks for the approval code)"
        ),
        Lang::Zh => format!(
            "申请已提交：{what}\n\
             申请编号：{code}（请告知收单机构后台）\n\
             证件号码保存为：{masked}\n\
             有效期至：{until}\n\
             审批通过后：voidguard redeem {code}（按提示输入审批码）"
        ),
    })
}

fn application(a: &ApplicationArgs) -> Application {
    Application {
        reason: a.reason.clone(),
        id_type: a.id_type.clone(),
        id_number: a.id_number.clone(),
        licence_no: a.licence_no.clone(),
        contact: a.contact.clone(),
    }
}

fn list(ctx: &Ctx, args: &JsonFlag) -> Result<(), CliError> {
    let terminal = session::open_existing(&ctx.global)?;
    let tickets = terminal.requests()?;
    let lang = ctx.lang;
    if args.json {
        let items: Vec<_> = tickets.iter().map(ticket_json).collect();
        return out_json(&json!(items));
    }
    if tickets.is_empty() {
        return outln(lang.pick("No requests.", "没有申请。"));
    }
    let header = match lang {
        Lang::En => [
            "REQUEST CODE",
            "KIND",
            "STATUS",
            "OPENED",
            "VALID UNTIL",
            "IDENTITY",
        ],
        Lang::Zh => [
            "申请编号",
            "类型",
            "状态",
            "提交时间",
            "有效期至",
            "证件号码",
        ],
    };
    let rows: Vec<Vec<String>> = tickets
        .iter()
        .map(|t| {
            vec![
                t.request_code.clone(),
                lang.request_kind(t.kind).to_owned(),
                lang.request_status(t.status).to_owned(),
                format::local_time(t.created_at_ms),
                format::local_time(t.expires_at_ms),
                t.id_number_masked.clone(),
            ]
        })
        .collect();
    out(&format::table(&header, &rows))
}

fn ticket_json(t: &RequestTicket) -> serde_json::Value {
    json!({
        "request_code": t.request_code,
        "kind": format!("{:?}", t.kind),
        "status": format!("{:?}", t.status),
        "created_at_ms": t.created_at_ms,
        "expires_at_ms": t.expires_at_ms,
        "id_number_masked": t.id_number_masked,
    })
}

pub fn redeem(ctx: &mut Ctx, args: &RedeemArgs) -> Result<(), CliError> {
    if args.approval_on_argv.is_some() {
        return Err(Usage::ApprovalCodeOnCommandLine.into());
    }
    let lang = ctx.lang;
    let terminal = session::open_existing(&ctx.global)?;
    // The core refuses a used, closed, expired or unknown request before anything is
    // read, and tells whether a new password goes with the approval code.
    let kind = terminal.redeemable_kind(args.request_code.clone())?;
    let needs_password = kind == RequestKind::PasswordReset;
    if !needs_password && Secrets::flagged(&args.password) {
        return Err(Usage::PasswordNotNeeded.into());
    }
    // Both sources are settled before anything is read, so a missing one is named
    // first; from one stream the approval code is the first line, the new password
    // the second.
    let mut approvals = Secrets::new(&args.approval, &ctx.input)?;
    let mut passwords = if needs_password {
        Some(Secrets::new(&args.password, &ctx.input)?)
    } else {
        None
    };
    let approval = approvals.next(
        &mut ctx.input,
        lang.pick("Approval code: ", "审批码："),
        Answer::ApprovalCode,
    )?;
    let new_password = match &mut passwords {
        Some(secrets) => Some(secrets.new_password(&mut ctx.input, lang)?),
        None => None,
    };
    let vault = terminal.redeem_approval(
        args.request_code.clone(),
        String::clone(&approval),
        new_password.as_deref().cloned(),
    )?;
    drop((approval, new_password));
    let text = match kind {
        RequestKind::VoidPermission if !vault.password_set => lang.pick(
            "Approved: void permission granted. Next: set the void password with `voidguard password set`.",
            "审批通过：已开通撤销权限。下一步：用 voidguard password set 设置撤销密码。",
        ),
        RequestKind::VoidPermission => {
            lang.pick("Approved: void permission granted.", "审批通过：已开通撤销权限。")
        }
        RequestKind::RefundPermission => lang.pick(
            "Approved: refund permission granted; refunds are authorised with the void password.",
            "审批通过：已开通退货权限；退货用撤销密码授权。",
        ),
        RequestKind::PasswordReset => lang.pick(
            "Approved: the void password is reset to the new one and the lockout is cleared. Keep it safe.",
            "审批通过：撤销密码已重置为新密码，锁定已清除。请妥善保管。",
        ),
        RequestKind::LiftRestriction => lang.pick(
            "Approved: the restriction is lifted; voids and refunds may resume.",
            "审批通过：限制已解除，可以继续撤销和退货。",
        ),
    };
    outln(text)
}
