//! Activation and the terminal's overall status.

use serde_json::json;

use super::records::{TerminalStatus, VaultStatus};
use super::Terminal;
use crate::audit::{self, Act};
use crate::context::Ctx;
use crate::error::{Result, VoidGuardError};
use crate::host_leg;
use crate::journal::numbering;
use crate::profile::Permission;
use crate::vault::{self, lockout};
use crate::{integrity, operators, profile, store};

#[uniffi::export]
impl Terminal {
    pub fn status(&self) -> Result<TerminalStatus, VoidGuardError> {
        self.read(|conn, ctx| {
            let profile = profile::load(conn)?;
            Ok(TerminalStatus {
                activated: profile.is_some(),
                merchant_no: profile.as_ref().map(|p| p.merchant_no.clone()),
                terminal_id: profile.as_ref().map(|p| p.terminal_id.clone()),
                batch_no: numbering::current_batch(conn)?.to_string(),
                next_voucher_no: numbering::peek_voucher(conn)?.to_string(),
                business_date: ctx.today.iso(),
                utc_offset_minutes: ctx.config.utc_offset_minutes,
                void_permitted: profile
                    .as_ref()
                    .is_some_and(|p| p.permits(Permission::Void)),
                refund_permitted: profile
                    .as_ref()
                    .is_some_and(|p| p.permits(Permission::Refund)),
                vault: vault_status(conn, ctx)?,
                pending_host_work: u32::try_from(host_leg::unresolved(conn)?.len())
                    .unwrap_or(u32::MAX),
                schema_version: store::CURRENT_VERSION,
            })
        })
    }

    /// Activation: the merchant number (15 digits), terminal id (8 characters) and the
    /// terminal secret (hex) the acquirer provisions, which keys approval codes.
    pub fn activate(
        &self,
        merchant_no: String,
        terminal_id: String,
        terminal_secret: String,
    ) -> Result<TerminalStatus, VoidGuardError> {
        let mut secret_text = terminal_secret;
        let parsed = (|| {
            Ok::<_, crate::error::Error>((
                profile::parse_merchant_no(&merchant_no)?,
                profile::parse_terminal_id(&terminal_id)?,
                profile::parse_terminal_secret(&secret_text)?,
            ))
        })();
        zeroize::Zeroize::zeroize(&mut secret_text);
        let (merchant_no, terminal_id, secret) = parsed?;
        self.write(|tx, ctx| {
            if profile::load(tx)?.is_some() {
                return Err(VoidGuardError::AlreadyActivated.into());
            }
            integrity::check_empty_for_activation(tx)?;
            profile::activate(tx, ctx, &merchant_no, &terminal_id, &secret)?;
            vault::init(tx, ctx)?;
            audit::append(
                tx,
                &ctx.keys.audit,
                ctx.now_ms,
                Act::TerminalActivated,
                Some(operators::SYSTEM_ADMIN),
                json!({ "merchant_no": merchant_no, "terminal_id": terminal_id }),
            )?;
            Ok(())
        })?;
        self.status()
    }
}

pub(super) fn vault_status(conn: &rusqlite::Connection, ctx: &Ctx<'_>) -> Result<VaultStatus> {
    let state = vault::state(conn, &ctx.keys.vault)?;
    let lock = lockout::load(conn, &ctx.keys.lockout)?;
    let expires_at_ms = state
        .set_at_ms
        .and_then(|set| vault::expires_at(set, ctx.config.password_max_age_days));
    Ok(VaultStatus {
        password_set: state.set_at_ms.is_some(),
        set_at_ms: state.set_at_ms,
        expires_at_ms,
        change_due: expires_at_ms.is_some_and(|at| ctx.now_ms >= at),
        consecutive_failures: lock.failures,
        attempts_left: lock.attempts_left(ctx.now_ms),
        locked_until_ms: lock.timed_until(ctx.now_ms),
        locked_until_lifted: lock.needs_lift,
    })
}
