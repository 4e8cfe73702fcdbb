//! Manual handling (人工处理): a leg whose reversals kept failing is closed with what
//! the acquirer says happened to it — approved, with its RRN and auth code, or never
//! happened at the host — authorised by the supervisor's void password and audited
//! with a note. Without it such a leg would hold every later void and settlement.

use rusqlite::Transaction as SqlTx;
use serde_json::json;

use super::legs::{self, LegState, Stored};
use super::{apply, audit_leg_by, check_reply, load};
use crate::audit::LegEvent;
use crate::context::Ctx;
use crate::error::{Field, Result, VoidGuardError};
use crate::host::HostReply;
use crate::text;
use crate::vault;
use crate::vault::password;

/// What the acquirer said happened to a leg the terminal could not settle itself.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Resolution {
    /// The host approved it: it takes effect with the host's numbers (a settlement's
    /// may be empty).
    Approved { rrn: String, auth_code: String },
    /// The host never approved it, or reversed it: nothing changes here.
    NeverHappened,
}

/// The longest note kept with a resolution, in characters.
const NOTE_MAX: usize = 200;

/// Closes a leg in manual handling. The outer `Result` is for failures; the inner one
/// is the verdict, committed either way (a wrong password counts).
pub fn resolve(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    leg_id: i64,
    resolution: &Resolution,
    password: &str,
    note: &str,
    operator_no: &str,
) -> Result<std::result::Result<Stored, VoidGuardError>> {
    let password = vault::policy::parse(password)?;
    let note = text::required(Field::ResolutionNote, note, NOTE_MAX)?;
    let stored = load(tx, leg_id)?;
    if let Resolution::Approved { rrn, auth_code } = resolution {
        check_reply(
            stored.public.kind,
            &HostReply::Approved {
                rrn: rrn.clone(),
                auth_code: auth_code.clone(),
            },
        )?;
    }
    if stored.public.state != LegState::NeedsManualHandling {
        return Err(VoidGuardError::NotInManualHandling {
            state: stored.public.state,
        }
        .into());
    }
    if let Err(refusal) = password::check(tx, ctx, &password)? {
        return Ok(Err(refusal));
    }
    let said = match resolution {
        Resolution::Approved { rrn, auth_code } => {
            apply(tx, ctx, &stored, rrn, auth_code)?;
            "approved"
        }
        Resolution::NeverHappened => {
            legs::resolve(tx, ctx, leg_id, LegState::Reversed, None, None)?;
            "never_happened"
        }
    };
    audit_leg_by(
        tx,
        ctx,
        &stored,
        LegEvent::ResolvedManually,
        json!({ "resolution": said, "note": note, "keyed_by": stored.public.operator_no }),
        operator_no,
    )?;
    Ok(Ok(load(tx, leg_id)?))
}
