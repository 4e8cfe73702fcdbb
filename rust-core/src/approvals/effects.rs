//! What each redeemed approval does, and when a lift may be asked for at all: the
//! rules behind the back-office requests (DESIGN §1, "Lifting other restrictions").

use rusqlite::Transaction;
use serde_json::json;

use super::{Application, RequestKind, RequestTicket};
use crate::audit::{self, Act};
use crate::context::Ctx;
use crate::error::{Result, VoidGuardError};
use crate::operators::{self, accounts};
use crate::profile::{self, Permission};
use crate::refund;
use crate::vault::{self, lockout};
use crate::void_flow::limits;
use zeroize::Zeroizing;

/// A lift is asked for only when something stands in the way: the password or the
/// administrator locked out, or a void or refund today (a daily amount limit refuses
/// before it is reached exactly, so any use can be the one in the way).
pub fn check_may_open(tx: &Transaction<'_>, ctx: &Ctx<'_>, kind: RequestKind) -> Result<()> {
    if kind != RequestKind::LiftRestriction {
        return Ok(());
    }
    let locked = lockout::load(tx, &ctx.keys.lockout)?.is_locked(ctx.now_ms)
        || accounts::is_locked(tx, operators::SYSTEM_ADMIN, ctx.now_ms)?;
    let used_today =
        limits::used(tx, ctx.today)?.count > 0 || refund::limits::used_on(tx, ctx.today)?.count > 0;
    if locked || used_today {
        Ok(())
    } else {
        Err(VoidGuardError::NothingToLift.into())
    }
}

/// Carries out a redeemed approval of `kind`, each effect with its audit entry. A
/// reset's new password is checked by the caller.
pub fn take_effect(
    tx: &Transaction<'_>,
    ctx: &Ctx<'_>,
    kind: RequestKind,
    new_password: Option<&Zeroizing<String>>,
) -> Result<()> {
    let entry = |act: Act, operator: Option<&str>, detail: serde_json::Value| {
        audit::append(tx, &ctx.keys.audit, ctx.now_ms, act, operator, detail).map(drop)
    };
    match kind {
        RequestKind::VoidPermission => {
            profile::grant(tx, ctx, Permission::Void)?;
            entry(Act::PermissionGranted, None, json!({}))
        }
        RequestKind::RefundPermission => {
            profile::grant(tx, ctx, Permission::Refund)?;
            entry(Act::RefundPermissionGranted, None, json!({}))
        }
        RequestKind::PasswordReset => {
            if let Some(new) = new_password {
                vault::store(tx, ctx, new)?;
            }
            lockout::store(tx, ctx.keys, ctx.now_ms, &lockout::Lockout::default())?;
            entry(Act::PasswordReset, Some(operators::SUPERVISOR), json!({}))
        }
        RequestKind::LiftRestriction => {
            lockout::store(tx, ctx.keys, ctx.now_ms, &lockout::Lockout::default())?;
            limits::reset(tx, ctx, ctx.today)?;
            refund::limits::lift(tx, ctx, ctx.today)?;
            // The administrator, locked out of managing operators, is opened too.
            accounts::unlock(tx, ctx, operators::SYSTEM_ADMIN)?;
            entry(
                Act::RestrictionLifted,
                None,
                json!({ "business_date": ctx.today.iso() }),
            )
        }
    }
}

/// Opens a request of `kind` when one may be asked for, with its audit entry.
pub fn apply(
    tx: &Transaction<'_>,
    ctx: &Ctx<'_>,
    kind: RequestKind,
    application: &Application,
) -> Result<RequestTicket> {
    profile::require(tx)?;
    check_may_open(tx, ctx, kind)?;
    let ticket = super::open(tx, ctx, kind, application)?;
    audit::append(
        tx,
        &ctx.keys.audit,
        ctx.now_ms,
        Act::RequestOpened,
        None,
        json!({ "request_code": ticket.request_code, "kind": format!("{kind:?}") }),
    )?;
    Ok(ticket)
}

/// Redeems the back office's code for an open request and carries the approval out.
/// A wrong code is a verdict (`Ok(Err(..))`): its audit entry and the guard's count
/// are kept although the redemption is refused.
pub fn redeem(
    tx: &Transaction<'_>,
    ctx: &Ctx<'_>,
    request_code: &str,
    approval_code: &Zeroizing<String>,
    new_password: Option<Zeroizing<String>>,
) -> Result<std::result::Result<(), VoidGuardError>> {
    profile::require(tx)?;
    let kind = super::redeemable_kind(tx, request_code, ctx.now_ms)?;
    if kind == RequestKind::PasswordReset && new_password.is_none() {
        return Err(VoidGuardError::NewPasswordRequired.into());
    }
    let secret = profile::terminal_secret(tx, &ctx.keys.secrets)?;
    let ticket = match super::redeem(tx, ctx, &secret, request_code, approval_code)? {
        Ok(ticket) => ticket,
        Err(refusal) => {
            audit::append(
                tx,
                &ctx.keys.audit,
                ctx.now_ms,
                Act::RequestCodeRejected,
                None,
                json!({ "request_code": request_code }),
            )?;
            return Ok(Err(refusal));
        }
    };
    // Only once the code is right: before, this would tell anyone whether a guess is
    // the current password, outside the lockout. Refusing here rolls the redemption
    // back, so the code stays usable.
    if let (RequestKind::PasswordReset, Some(new)) = (kind, new_password.as_ref()) {
        if vault::is_set(tx, &ctx.keys.vault)? && vault::verify(tx, &ctx.keys.vault, new)? {
            return Err(VoidGuardError::PasswordReused.into());
        }
    }
    audit::append(
        tx,
        &ctx.keys.audit,
        ctx.now_ms,
        Act::RequestRedeemed,
        None,
        json!({ "request_code": ticket.request_code, "kind": format!("{kind:?}") }),
    )?;
    take_effect(tx, ctx, kind, new_password.as_ref())?;
    Ok(Ok(()))
}
