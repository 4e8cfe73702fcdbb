//! What each redeemed approval does, and when a lift may be asked for at all: the
//! rules behind the back-office requests (DESIGN §1, "Lifting other restrictions").

use rusqlite::Transaction;
use serde_json::json;

use super::RequestKind;
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
