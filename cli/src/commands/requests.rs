//! `request permission|refund-permission|reset|lift|list` and `redeem`: applying to the acquirer's back
//! office (申请) and redeeming its approval code. The approval code, and a reset's new
//! password after it, come from a no-echo prompt, stdin or a file.

use serde_json::json;
use voidguard::{Application, RequestKind, RequestTicket};

use super::{out, out_json, outln, Ctx};
use crate::args::{ApplicationArgs, JsonFlag, RedeemArgs, RequestAction};
use crate::error::{Answer, CliError, Usage};
use crate::format;
use crate::messages::key;
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
    outln(&lang.fill(key::CLI_REQUEST_OPENED, &[&what, code, masked, &until]))
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
        return outln(lang.text(key::CLI_REQUESTS_EMPTY));
    }
    let header = [
        key::CLI_COL_REQUEST_CODE,
        key::CLI_COL_KIND,
        key::CLI_COL_STATUS,
        key::CLI_COL_OPENED,
        key::CLI_COL_VALID_UNTIL,
        key::CLI_COL_IDENTITY,
    ]
    .map(|t| lang.text(t));
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
        lang.text(key::CLI_PROMPT_APPROVAL_CODE),
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
        RequestKind::VoidPermission if !vault.password_set => {
            key::CLI_REDEEMED_PERMISSION_SET_PASSWORD
        }
        RequestKind::VoidPermission => key::CLI_REDEEMED_PERMISSION,
        RequestKind::RefundPermission => key::CLI_REDEEMED_REFUND_PERMISSION,
        RequestKind::PasswordReset => key::CLI_REDEEMED_RESET,
        RequestKind::LiftRestriction => key::CLI_REDEEMED_LIFT,
    };
    outln(lang.text(text))
}
