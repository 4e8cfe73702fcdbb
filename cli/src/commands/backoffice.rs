//! `backoffice approve`: plays the acquirer's side of an approval with the core's
//! `backoffice::approval_code`, so a desktop user can walk the whole flow. It needs no
//! database, only the terminal secret the acquirer provisioned. Its output is the one
//! place the tool shows an approval code, because handing it over is its whole job.

use voidguard::backoffice::{self, Action};
use zeroize::Zeroizing;

use super::{outln, Ctx};
use crate::args::{ApprovalAction, BackofficeAction};
use crate::error::{CliError, Usage};
use crate::messages::key;
use crate::secrets;

pub fn run(ctx: &Ctx, action: &BackofficeAction) -> Result<(), CliError> {
    let BackofficeAction::Approve {
        request_code,
        action,
        secret_file,
        code_only,
    } = action;
    let text = secrets::secret_file(secret_file)?;
    let secret = voidguard::crypto::from_hex(&text)
        .map(Zeroizing::new)
        .filter(|s| (16..=64).contains(&s.len()))
        .ok_or(Usage::BadSecret)?;
    let request_code = request_code.trim();
    if request_code.len() != 10 || !request_code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Usage::BadRequestCode.into());
    }
    let action = match action {
        ApprovalAction::Permit => Action::Permit,
        ApprovalAction::PermitRefund => Action::PermitRefund,
        ApprovalAction::Reset => Action::Reset,
        ApprovalAction::Lift => Action::Lift,
    };
    let code = Zeroizing::new(backoffice::approval_code(&secret, action, request_code));
    if *code_only {
        return outln(&code);
    }
    let verb = action.as_str();
    outln(&ctx.lang.fill(
        key::CLI_BACK_OFFICE_APPROVED,
        &[&request_code, &verb, &code.as_str()],
    ))
}
