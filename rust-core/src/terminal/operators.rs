//! Operators and sessions: the administrator's password, signing in and out, and
//! the administrator's management of cashier accounts. A session belongs to this
//! `Terminal` (one per database) and ends with it.

use serde_json::json;

use super::Terminal;
use crate::audit::{self, Act};
use crate::error::{Field, Result, VoidGuardError};
use crate::operators::accounts::{self, Operator, Role};
use crate::operators::{self, role_of, SUPERVISOR, SYSTEM_ADMIN};
use crate::profile;
use crate::vault::{self, lockout, policy};

/// Who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Session {
    pub operator_no: String,
    pub role: Role,
    pub signed_in_at_ms: i64,
}

#[uniffi::export]
impl Terminal {
    /// Sets the administrator's (99) 8-digit password, once, on an activated
    /// terminal; afterwards only the administrator changes it.
    pub fn set_admin_password(&self, new_password: String) -> Result<(), VoidGuardError> {
        let mut text = new_password;
        let parsed = accounts::parse_new_password(Role::Administrator, &text);
        zeroize::Zeroize::zeroize(&mut text);
        let password = parsed?;
        self.write(|tx, ctx| {
            profile::require(tx)?;
            if accounts::exists(tx, SYSTEM_ADMIN)? {
                return Err(VoidGuardError::AdminPasswordAlreadySet.into());
            }
            accounts::add(tx, ctx, SYSTEM_ADMIN, Role::Administrator, &password)?;
            audit_act(
                tx,
                ctx,
                Act::OperatorAdded,
                SYSTEM_ADMIN,
                json!({ "operator_no": SYSTEM_ADMIN }),
            )?;
            Ok(())
        })
    }

    /// Signs an operator in: 00 with the void password, 99 and the cashiers with
    /// their own. A wrong password counts toward that operator's lockout.
    pub fn sign_in(
        &self,
        operator_no: String,
        password: String,
    ) -> Result<Session, VoidGuardError> {
        let mut text = password;
        let parsed = operators::parse(Field::OperatorNo, &operator_no).and_then(|no| {
            let role = role_of(&no);
            let password = match role {
                Role::Supervisor => policy::parse(&text)?,
                other => accounts::parse_password(other, &text)?,
            };
            Ok((no, role, password))
        });
        zeroize::Zeroize::zeroize(&mut text);
        let (operator_no, role, password) = parsed?;
        if let Some(current) = self.session() {
            return Err(VoidGuardError::AlreadySignedIn {
                operator_no: current.operator_no,
            });
        }
        let session = self.write_verdict(|tx, ctx| {
            profile::require(tx)?;
            let verdict = match role {
                Role::Supervisor => {
                    if !vault::is_set(tx, &ctx.keys.vault)? {
                        return Err(VoidGuardError::PasswordNotSet.into());
                    }
                    crate::vault::password::check(tx, ctx, &password)?.map(|()| Role::Supervisor)
                }
                _ => accounts::verify(tx, ctx, &operator_no, &password)?,
            };
            let act = if verdict.is_ok() {
                Act::SignedIn
            } else {
                Act::SignInFailed
            };
            audit_act(tx, ctx, act, &operator_no, json!({}))?;
            Ok(verdict.map(|role| Session {
                operator_no: operator_no.clone(),
                role,
                signed_in_at_ms: ctx.now_ms,
            }))
        })?;
        *self.signed_in() = Some(session.clone());
        Ok(session)
    }

    /// Ends the session; signing out when nobody is signed in is refused.
    pub fn sign_out(&self) -> Result<(), VoidGuardError> {
        let session = self.session().ok_or(VoidGuardError::NotSignedIn)?;
        self.write(|tx, ctx| {
            audit_act(tx, ctx, Act::SignedOut, &session.operator_no, json!({}))?;
            Ok(())
        })?;
        *self.signed_in() = None;
        Ok(())
    }

    /// The operator signed in, if any.
    pub fn session(&self) -> Option<Session> {
        self.signed_in().clone()
    }

    /// Every operator: the supervisor, the administrator and the cashiers, removed
    /// ones included (reports keep naming them).
    pub fn operators(&self) -> Result<Vec<Operator>, VoidGuardError> {
        self.read(|conn, ctx| {
            let vault = vault::state(conn, &ctx.keys.vault)?;
            let lock = lockout::load(conn, &ctx.keys.lockout)?;
            let mut all = vec![Operator {
                operator_no: SUPERVISOR.to_owned(),
                role: Role::Supervisor,
                active: vault.set_at_ms.is_some(),
                created_at_ms: vault.set_at_ms,
                consecutive_failures: lock.failures,
                locked_until_ms: lock.locked_until_ms.filter(|u| *u > ctx.now_ms),
                needs_reset: lock.needs_lift,
            }];
            all.extend(accounts::list(conn, ctx.now_ms)?);
            Ok(all)
        })
    }

    /// The administrator adds a cashier (01–98) with a first password.
    pub fn add_operator(
        &self,
        operator_no: String,
        password: String,
    ) -> Result<Operator, VoidGuardError> {
        let (operator_no, password, admin) = self.admin_on_cashier(operator_no, password)?;
        self.write(|tx, ctx| {
            accounts::add(tx, ctx, &operator_no, Role::Cashier, &password)?;
            audit_act(
                tx,
                ctx,
                Act::OperatorAdded,
                &admin,
                json!({ "operator_no": operator_no }),
            )?;
            Ok(())
        })?;
        self.operator(&operator_no)
    }

    /// The administrator removes a cashier. The supervisor and the administrator
    /// cannot be removed: without them nobody could authorise or manage.
    pub fn remove_operator(&self, operator_no: String) -> Result<(), VoidGuardError> {
        let operator_no = operators::parse(Field::OperatorNo, &operator_no)?;
        let admin = self.require_admin()?;
        if role_of(&operator_no) != Role::Cashier {
            return Err(VoidGuardError::CannotRemove { operator_no });
        }
        self.write(|tx, ctx| {
            accounts::remove(tx, ctx, &operator_no)?;
            audit_act(
                tx,
                ctx,
                Act::OperatorRemoved,
                &admin,
                json!({ "operator_no": operator_no }),
            )?;
            Ok(())
        })
    }

    /// The administrator gives a cashier a new password, which also opens a lock.
    pub fn reset_operator_password(
        &self,
        operator_no: String,
        new_password: String,
    ) -> Result<(), VoidGuardError> {
        let (operator_no, password, admin) = self.admin_on_cashier(operator_no, new_password)?;
        self.write(|tx, ctx| {
            accounts::set_password(tx, ctx, &operator_no, &password)?;
            audit_act(
                tx,
                ctx,
                Act::OperatorPasswordChanged,
                &admin,
                json!({ "operator_no": operator_no, "reset": true }),
            )?;
            Ok(())
        })
    }

    /// The signed-in cashier or administrator changes their own password; a wrong
    /// current one counts toward their lockout. (The supervisor changes the void
    /// password with `change_void_password`.)
    pub fn change_operator_password(
        &self,
        old_password: String,
        new_password: String,
    ) -> Result<(), VoidGuardError> {
        let session = self.session().ok_or(VoidGuardError::NotSignedIn)?;
        if session.role == Role::Supervisor {
            return Err(VoidGuardError::NotPermitted {
                operator_no: session.operator_no,
            });
        }
        let (mut old_text, mut new_text) = (old_password, new_password);
        let parsed = accounts::parse_password(session.role, &old_text)
            .and_then(|old| Ok((old, accounts::parse_new_password(session.role, &new_text)?)));
        zeroize::Zeroize::zeroize(&mut old_text);
        zeroize::Zeroize::zeroize(&mut new_text);
        let (old, new) = parsed?;
        if old == new {
            return Err(VoidGuardError::PasswordReused);
        }
        let changed = self.write_verdict(|tx, ctx| {
            if let Err(refusal) = accounts::verify(tx, ctx, &session.operator_no, &old)? {
                // Locked by wrong current passwords: whoever stands at the terminal has
                // not shown they are the operator signed in, so the session ends too.
                if matches!(refusal, VoidGuardError::OperatorLocked { .. }) {
                    audit_act(
                        tx,
                        ctx,
                        Act::SignedOut,
                        &session.operator_no,
                        json!({ "because": "locked" }),
                    )?;
                }
                return Ok(Err(refusal));
            }
            accounts::set_password(tx, ctx, &session.operator_no, &new)?;
            audit_act(
                tx,
                ctx,
                Act::OperatorPasswordChanged,
                &session.operator_no,
                json!({ "operator_no": session.operator_no }),
            )?;
            Ok(Ok(()))
        });
        if matches!(changed, Err(VoidGuardError::OperatorLocked { .. })) {
            *self.signed_in() = None;
        }
        changed
    }
}

impl Terminal {
    fn signed_in(&self) -> std::sync::MutexGuard<'_, Option<Session>> {
        self.signed_in
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Who keys a sale, a void or a settlement: the signed-in cashier or supervisor.
    /// The administrator manages the terminal but never transacts. A terminal that
    /// found tampering says so first, signed in or not: nothing can be keyed on it.
    pub(super) fn transacting_operator(&self) -> Result<String, VoidGuardError> {
        if let Some(refusal) = self.integrity_problem() {
            return Err(refusal);
        }
        match self.session() {
            Some(s) if s.role == Role::Administrator => Err(VoidGuardError::NotPermitted {
                operator_no: s.operator_no,
            }),
            Some(s) => Ok(s.operator_no),
            None => Err(VoidGuardError::NotSignedIn),
        }
    }

    /// The administrator's number, when the administrator is signed in.
    fn require_admin(&self) -> Result<String, VoidGuardError> {
        match self.session() {
            Some(s) if s.role == Role::Administrator => Ok(s.operator_no),
            Some(s) => Err(VoidGuardError::NotPermitted {
                operator_no: s.operator_no,
            }),
            None => Err(VoidGuardError::NotSignedIn),
        }
    }

    /// For the administrator's acts on a cashier: the parsed number and new password,
    /// and the administrator's number; anyone else, or another role's number, is refused.
    fn admin_on_cashier(
        &self,
        operator_no: String,
        password: String,
    ) -> Result<(String, zeroize::Zeroizing<String>, String), VoidGuardError> {
        let mut text = password;
        let parsed = operators::parse(Field::OperatorNo, &operator_no)
            .and_then(|no| Ok((no, accounts::parse_new_password(Role::Cashier, &text)?)));
        zeroize::Zeroize::zeroize(&mut text);
        let (operator_no, password) = parsed?;
        let admin = self.require_admin()?;
        if role_of(&operator_no) != Role::Cashier {
            return Err(VoidGuardError::NotPermitted { operator_no });
        }
        Ok((operator_no, password, admin))
    }

    fn operator(&self, operator_no: &str) -> Result<Operator, VoidGuardError> {
        self.operators()?
            .into_iter()
            .find(|o| o.operator_no == operator_no)
            .ok_or_else(|| VoidGuardError::UnknownOperator {
                operator_no: operator_no.to_owned(),
            })
    }
}

/// An operator act's audit entry, by `operator_no`, in the act's transaction.
fn audit_act(
    tx: &rusqlite::Transaction<'_>,
    ctx: &crate::context::Ctx<'_>,
    act: Act,
    operator_no: &str,
    detail: serde_json::Value,
) -> Result<()> {
    audit::append(
        tx,
        &ctx.keys.audit,
        ctx.now_ms,
        act,
        Some(operator_no),
        detail,
    )?;
    Ok(())
}
