//! What may be done with the void password and what each act leaves behind: set once
//! on a fresh terminal, changed with the current one, checked against the lockout, a
//! wrong one counted and audited. The facade calls these inside its transaction.

use rusqlite::Transaction as SqlTx;
use serde_json::json;

use super::lockout::{self, Lockout};
use crate::audit::{self, Act};
use crate::context::Ctx;
use crate::error::{Result, VoidGuardError};
use crate::{operators, profile};

/// The first void password of an activated terminal; refused once one is set.
pub fn set_first(tx: &SqlTx<'_>, ctx: &Ctx<'_>, password: &str) -> Result<()> {
    profile::require(tx)?;
    if super::is_set(tx, &ctx.keys.vault)? {
        return Err(VoidGuardError::PasswordAlreadySet.into());
    }
    super::store(tx, ctx, password)?;
    audit::append(
        tx,
        &ctx.keys.audit,
        ctx.now_ms,
        Act::PasswordSet,
        Some(operators::SUPERVISOR),
        json!({}),
    )?;
    Ok(())
}

/// A new password for the current one, which is checked as at a void (a wrong one
/// counts towards the lockout); the same password again is refused. A change clears
/// the count. The inner `Result` is the verdict, committed either way.
pub fn change(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    old: &str,
    new: &str,
) -> Result<std::result::Result<(), VoidGuardError>> {
    profile::require(tx)?;
    if !super::is_set(tx, &ctx.keys.vault)? {
        return Err(VoidGuardError::PasswordNotSet.into());
    }
    let lock = lockout::load(tx, &ctx.keys.lockout)?;
    lock.check(ctx.now_ms)?;
    if !super::verify(tx, &ctx.keys.vault, old)? {
        return Ok(Err(failed(tx, ctx, &lock, operators::SUPERVISOR)?));
    }
    if old == new {
        return Err(VoidGuardError::PasswordReused.into());
    }
    super::store(tx, ctx, new)?;
    lockout::store(tx, ctx.keys, ctx.now_ms, &Lockout::default())?;
    audit::append(
        tx,
        &ctx.keys.audit,
        ctx.now_ms,
        Act::PasswordChanged,
        Some(operators::SUPERVISOR),
        json!({}),
    )?;
    Ok(Ok(()))
}

/// The void password (the supervisor's) checked against its lockout: a lock refuses
/// before the password is looked at, a wrong one is counted and audited, a right one
/// clears the count. The inner `Result` is the verdict, committed either way.
pub fn check(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    password: &str,
) -> Result<std::result::Result<(), VoidGuardError>> {
    let lock = lockout::load(tx, &ctx.keys.lockout)?;
    lock.check(ctx.now_ms)?;
    if !super::verify(tx, &ctx.keys.vault, password)? {
        return Ok(Err(failed(tx, ctx, &lock, operators::SUPERVISOR)?));
    }
    if lock != Lockout::default() {
        lockout::store(tx, ctx.keys, ctx.now_ms, &Lockout::default())?;
    }
    Ok(Ok(()))
}

/// Counts a wrong password, audits it, and says what to tell the merchant.
fn failed(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    lock: &Lockout,
    operator_no: &str,
) -> Result<VoidGuardError> {
    let (next, refusal) = lock.after_failure(ctx.now_ms);
    lockout::store(tx, ctx.keys, ctx.now_ms, &next)?;
    audit::append(
        tx,
        &ctx.keys.audit,
        ctx.now_ms,
        Act::PasswordFailed,
        Some(operator_no),
        json!({ "consecutive_failures": next.failures }),
    )?;
    if next.is_locked(ctx.now_ms) {
        audit::append(
            tx,
            &ctx.keys.audit,
            ctx.now_ms,
            Act::LockoutStarted,
            Some(operator_no),
            json!({ "locked_until_ms": next.locked_until_ms, "until_lifted": next.needs_lift }),
        )?;
    }
    log::info!("void password refused ({} consecutive)", next.failures);
    Ok(refusal)
}
