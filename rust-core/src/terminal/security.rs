//! The void password and the back-office requests that grant, reset and lift.

use super::records::VaultStatus;
use super::setup::vault_status;
use super::Terminal;
use crate::approvals::{self, Application, RequestKind, RequestTicket};
use crate::error::{Result, VoidGuardError};
use crate::profile;
use crate::vault::{self, policy};

#[uniffi::export]
impl Terminal {
    pub fn vault_status(&self) -> Result<VaultStatus, VoidGuardError> {
        self.read(vault_status)
    }

    /// Sets the first void password of a fresh terminal.
    pub fn set_void_password(&self, new_password: String) -> Result<VaultStatus, VoidGuardError> {
        let mut new_password = new_password;
        let parsed = policy::parse_new(&new_password);
        zeroize::Zeroize::zeroize(&mut new_password);
        let password = parsed?;
        self.write(|tx, ctx| {
            vault::password::set_first(tx, ctx, &password)?;
            vault_status(tx, ctx)
        })
    }

    /// Changes the password; the current one must be given and wrong ones count
    /// towards the lockout like a wrong password at a void.
    pub fn change_void_password(
        &self,
        old_password: String,
        new_password: String,
    ) -> Result<VaultStatus, VoidGuardError> {
        let (mut old_text, mut new_text) = (old_password, new_password);
        let parsed = (|| {
            Ok::<_, crate::error::Error>((policy::parse(&old_text)?, policy::parse_new(&new_text)?))
        })();
        zeroize::Zeroize::zeroize(&mut old_text);
        zeroize::Zeroize::zeroize(&mut new_text);
        let (old, new) = parsed?;
        self.write_verdict(
            |tx, ctx| match vault::password::change(tx, ctx, &old, &new)? {
                Ok(()) => Ok(Ok(vault_status(tx, ctx)?)),
                Err(refusal) => Ok(Err(refusal)),
            },
        )
    }

    /// Opens a back-office request and returns the code to quote to the acquirer.
    pub fn apply_for(
        &self,
        kind: RequestKind,
        application: Application,
    ) -> Result<RequestTicket, VoidGuardError> {
        self.write(|tx, ctx| approvals::effects::apply(tx, ctx, kind, &application))
    }

    /// One request by the code shown to the merchant.
    pub fn request(&self, request_code: String) -> Result<Option<RequestTicket>, VoidGuardError> {
        let request_code = approvals::parse_request_code(&request_code)?;
        self.read(|conn, ctx| approvals::find(conn, &request_code, ctx.now_ms))
    }

    /// The kind of a request that can still be redeemed, so that a client knows before
    /// it asks for the approval code whether a new password goes with it; a used,
    /// closed, expired or unknown request is refused as `redeem_approval` refuses it.
    pub fn redeemable_kind(&self, request_code: String) -> Result<RequestKind, VoidGuardError> {
        let request_code = approvals::parse_request_code(&request_code)?;
        self.read(|conn, ctx| {
            profile::require(conn)?;
            approvals::redeemable_kind(conn, &request_code, ctx.now_ms)
        })
    }

    /// The newest requests and their standing.
    pub fn requests(&self) -> Result<Vec<RequestTicket>, VoidGuardError> {
        self.read(|conn, ctx| approvals::list(conn, ctx.now_ms))
    }

    /// Redeems the back office's approval code. A reset needs `new_password`, which
    /// becomes the void password at once.
    pub fn redeem_approval(
        &self,
        request_code: String,
        approval_code: String,
        new_password: Option<String>,
    ) -> Result<VaultStatus, VoidGuardError> {
        let mut approval_text = approval_code;
        let mut new_text = new_password;
        let parsed = (|| {
            Ok::<_, crate::error::Error>((
                approvals::parse_request_code(&request_code)?,
                approvals::parse_approval_code(&approval_text)?,
                new_text.as_deref().map(policy::parse_new).transpose()?,
            ))
        })();
        zeroize::Zeroize::zeroize(&mut approval_text);
        if let Some(text) = new_text.as_mut() {
            zeroize::Zeroize::zeroize(text);
        }
        let (request_code, approval_code, new_password) = parsed?;
        self.write_verdict(|tx, ctx| {
            match approvals::effects::redeem(tx, ctx, &request_code, &approval_code, new_password)?
            {
                Ok(()) => Ok(Ok(vault_status(tx, ctx)?)),
                Err(refusal) => Ok(Err(refusal)),
            }
        })
    }
}
