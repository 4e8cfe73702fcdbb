//! Manual handling (人工处理): a void whose reversals kept failing is closed with what
//! the acquirer says happened to it — approved, with its RRN and auth code, or never
//! happened at the host — authorised by the supervisor's void password and audited
//! with a note. Without it such a void would block every later void and settlement.

use rusqlite::Transaction as SqlTx;
use serde_json::json;

use super::pending::{self, PendingState};
use super::{
    apply_void, audit_pending_by, check_reply, load, outcome, verify_void_password, VoidOutcome,
};
use crate::audit::Act;
use crate::context::Ctx;
use crate::error::{Field, Result, VoidGuardError};
use crate::host::HostReply;
use crate::text;
use crate::vault;

/// What the acquirer said happened to a void the terminal could not settle itself.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Resolution {
    /// The host approved the void: the sale is voided with the host's numbers.
    Approved { rrn: String, auth_code: String },
    /// The host never approved it, or reversed it: the sale stands.
    NeverHappened,
}

/// The longest note kept with a resolution, in characters.
const NOTE_MAX: usize = 200;

/// Closes a void in manual handling. The outer `Result` is for failures; the inner
/// one is the verdict, committed either way (a wrong password counts).
pub fn resolve(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    pending_id: i64,
    resolution: &Resolution,
    password: &str,
    note: &str,
    operator_no: &str,
) -> Result<std::result::Result<VoidOutcome, VoidGuardError>> {
    let password = vault::policy::parse(password)?;
    let note = text::required(Field::ResolutionNote, note, NOTE_MAX)?;
    if let Resolution::Approved { rrn, auth_code } = resolution {
        check_reply(&HostReply::Approved {
            rrn: rrn.clone(),
            auth_code: auth_code.clone(),
        })?;
    }
    let stored = load(tx, pending_id)?;
    if stored.public.state != PendingState::NeedsManualHandling {
        return Err(VoidGuardError::NotInManualHandling {
            state: stored.public.state,
        }
        .into());
    }
    if let Err(refusal) = verify_void_password(tx, ctx, &password)? {
        return Ok(Err(refusal));
    }
    let said = match resolution {
        Resolution::Approved { rrn, auth_code } => {
            apply_void(tx, ctx, &stored, rrn, auth_code)?;
            "approved"
        }
        Resolution::NeverHappened => {
            pending::resolve(tx, ctx, pending_id, PendingState::Reversed, None, None)?;
            "never_happened"
        }
    };
    audit_pending_by(
        tx,
        ctx,
        &stored,
        Act::VoidResolvedManually,
        json!({ "resolution": said, "note": note, "keyed_by": stored.public.operator_no }),
        operator_no,
    )?;
    Ok(Ok(outcome(tx, &load(tx, pending_id)?)?))
}
