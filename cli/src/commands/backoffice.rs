//! `backoffice approve`: plays the acquirer's side of an approval with the core's
//! `backoffice::approval_code`, so a desktop user can walk the whole flow. It needs no
//! database, only the terminal secret the acquirer provisioned. Its output is the one
//! place the tool shows an approval code, because handing it over is its whole job.

use voidguard::backoffice::{self, Action};
use zeroize::Zeroizing;

use super::{outln, Ctx};
use crate::args::{ApprovalAction, BackofficeAction};
use crate::error::{CliError, Usage};
use crate::messages::Lang;
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
    outln(&match ctx.lang {
        Lang::En => format!(
            "ACQUIRER BACK OFFICE (simulated; not part of the terminal)\n\
             Request {request_code} reviewed and approved for {verb}\n\
             Approval code to give the merchant: {}",
            code.as_str()
        ),
        Lang::Zh => format!(
            "收单机构后台（模拟，不属于终端）\n\
             申请 {request_code} 已审核通过：{verb}\n\
             交给商户的审批码：{}",
            code.as_str()
        ),
    })
}
