//! The exactly-once engine every online act runs through (DESIGN §2, "every online
//! act is a host leg"): the act's own module checks everything local and builds the
//! exact request; [`begin`] persists it before anything leaves the terminal; the
//! host's answer is recorded by [`complete`] in one transaction with everything the
//! approval changes; a leg whose answer was lost is reversed (冲正) by
//! [`record_reversal`] before any other online act, or handed to the supervisor
//! (`manual`). What an approval does is the kind's: [`apply`] dispatches to it.

pub mod legs;
pub mod manual;

use rusqlite::{Connection, Transaction as SqlTx};
use serde_json::json;

use crate::audit::{self, Act, LegEvent};
use crate::context::Ctx;
use crate::error::{invalid, Error, Field, Problem, Result, VoidGuardError};
use crate::host::{HostError, HostReply, LegDetail, LegKind, ReversalReason, ReversalReply};
use crate::journal::numbering::{BatchNo, VoucherNo};
use crate::journal::{NewEntry, TransactionKind};
use crate::{refund, settlement, text, void_flow};
use legs::{LegState, NewLeg, Stored, Unanswered};

pub use legs::HostLeg;

/// Which unresolved legs a new act of `kind` must wait for. A leg in flight is one a
/// call of this process sent and is awaiting the answer of; `in_flight` says which.
///
/// - A reversal due (awaiting it, or left awaiting an answer by a crash) goes before
///   every online act (UnionPay terminal practice: 冲正 first).
/// - A leg in manual handling holds voids and settlement (the books cannot agree
///   until it is resolved) but not sales: the shop keeps selling.
/// - A settlement waits for every leg, in flight ones too, and every act waits for an
///   open settlement: a leg of the batch being closed would miss its totals.
pub fn check_clear(
    conn: &Connection,
    kind: LegKind,
    in_flight: &dyn Fn(i64) -> bool,
) -> Result<()> {
    let blocking = legs::unresolved(conn)?
        .iter()
        .filter(|leg| blocks(kind, leg, in_flight(leg.public.leg_id)))
        .count();
    match u32::try_from(blocking).unwrap_or(u32::MAX) {
        0 => Ok(()),
        count => Err(VoidGuardError::PendingHostWork { count }.into()),
    }
}

fn blocks(kind: LegKind, leg: &Stored, in_flight: bool) -> bool {
    if kind == LegKind::Settlement || leg.public.kind == LegKind::Settlement {
        return true;
    }
    match leg.public.state {
        LegState::AwaitingAnswer if in_flight => false,
        LegState::NeedsManualHandling => kind != LegKind::Sale,
        _ => true,
    }
}

/// Persists a new leg with its exact request and audits its start.
pub fn begin(tx: &SqlTx<'_>, ctx: &Ctx<'_>, new: &NewLeg) -> Result<Stored> {
    let stored = legs::insert(tx, ctx, new)?;
    audit_leg(tx, ctx, &stored, LegEvent::Begun, begun_facts(&stored))?;
    Ok(stored)
}

/// What the start of a leg is audited with, beyond what every entry of it says.
fn begun_facts(leg: &Stored) -> serde_json::Value {
    let mut facts = json!({ "batch_no": leg.public.request.batch_no });
    if let (Some(d), Some(authoriser), Some(reason)) = (
        facts.as_object_mut(),
        &leg.public.authoriser_no,
        &leg.public.reason,
    ) {
        d.insert("authoriser_no".into(), json!(authoriser));
        d.insert("reason".into(), json!(reason));
    }
    facts
}

/// Ends a leg that has no row yet with an answer that came in the commit that began
/// it (the built-in simulator's): an approval or a decline well-formed. One audit
/// entry says what the start and the end would have. Returns false, changing
/// nothing, for an answer that does not end it — none, or malformed — after which the
/// caller persists the leg and records that answer as for any other.
pub fn close_unsaved(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    leg: &mut Stored,
    reply: &HostReply,
) -> Result<bool> {
    if leg.saved || check_reply(leg.public.kind, reply).is_err() {
        return Ok(false);
    }
    let mut facts = begun_facts(leg);
    let event = match reply {
        HostReply::Approved { rrn, auth_code } => {
            let result_id = effect(tx, ctx, leg, rrn, auth_code)?;
            leg.public.state = LegState::Approved;
            leg.result_id = Some(result_id);
            merge(&mut facts, json!({ "result_id": result_id }));
            LegEvent::Approved
        }
        HostReply::Declined { response_code } => {
            leg.public.state = LegState::Declined;
            leg.public.response_code = Some(response_code.clone());
            merge(&mut facts, json!({ "response_code": response_code }));
            LegEvent::Declined
        }
        HostReply::NoAnswer => return Ok(false),
    };
    audit_leg(tx, ctx, leg, event, facts)?;
    Ok(true)
}

fn merge(into: &mut serde_json::Value, more: serde_json::Value) {
    if let (Some(d), serde_json::Value::Object(more)) = (into.as_object_mut(), more) {
        d.extend(more);
    }
}

/// An answer out of shape: an RRN or auth code that is not 12 or 6 letters and
/// digits, a response code not 2 or 3. A settlement's approval may carry neither
/// number.
pub fn check_reply(kind: LegKind, reply: &HostReply) -> Result<()> {
    let alnum = |field: Field, s: &str, min: usize, max: usize| -> Result<()> {
        let t = text::required(field, s, max)?;
        if !t.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(invalid(field, Problem::Malformed));
        }
        if t.len() < min || t.len() != s.len() {
            return Err(invalid(field, Problem::WrongLength));
        }
        Ok(())
    };
    match reply {
        HostReply::Approved { rrn, auth_code }
            if kind == LegKind::Settlement && rrn.is_empty() && auth_code.is_empty() =>
        {
            Ok(())
        }
        HostReply::Approved { rrn, auth_code } => {
            alnum(Field::Rrn, rrn, 12, 12)?;
            alnum(Field::AuthCode, auth_code, 6, 6)
        }
        HostReply::Declined { response_code } => alnum(Field::ResponseCode, response_code, 2, 3),
        HostReply::NoAnswer => Ok(()),
    }
}

pub fn load(conn: &Connection, leg_id: i64) -> Result<Stored> {
    legs::get(conn, leg_id)?.ok_or_else(|| VoidGuardError::UnknownHostLeg.into())
}

/// Records the host's answer. Answering a leg that is already resolved changes
/// nothing and returns it as recorded, so a retry never acts twice. A malformed
/// answer is no answer: whatever the host meant, the act may or may not have
/// happened, so it goes to reversal like a lost one (reason 06), and the audit entry
/// says the answer was malformed. `lost` is why an answer is missing.
pub fn complete(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    leg_id: i64,
    reply: &HostReply,
    lost: ReversalReason,
) -> Result<Stored> {
    let stored = load(tx, leg_id)?;
    let malformed = check_reply(stored.public.kind, reply).is_err();
    let (reply, lost) = if malformed {
        log::warn!("host leg {leg_id} got a malformed answer; treated as none");
        (&HostReply::NoAnswer, ReversalReason::Other)
    } else {
        (reply, lost)
    };
    if stored.public.state.is_resolved() {
        log::info!("host leg {leg_id} already resolved; answer ignored");
        return Ok(stored);
    }
    // Once the answer was given up for lost a reversal may already be at the host:
    // an approval now would act here while the host reverses it (UnionPay terminal
    // practice: a reversal on record is sent, whatever answer arrives late).
    let late = stored.public.state != LegState::AwaitingAnswer;
    if late && !matches!(reply, HostReply::NoAnswer) {
        return Err(VoidGuardError::AnswerTooLate {
            state: stored.public.state,
        }
        .into());
    }
    match reply {
        HostReply::Approved { rrn, auth_code } => apply(tx, ctx, &stored, rrn, auth_code)?,
        HostReply::Declined { response_code } => {
            legs::resolve(
                tx,
                ctx,
                leg_id,
                LegState::Declined,
                Some(response_code),
                None,
            )?;
            audit_leg(
                tx,
                ctx,
                &stored,
                LegEvent::Declined,
                json!({ "response_code": response_code }),
            )?;
        }
        HostReply::NoAnswer if late => {}
        HostReply::NoAnswer => {
            legs::await_reversal(tx, ctx, leg_id, Unanswered::AnswerLost(lost))?;
            let detail = json!({ "malformed": malformed, "reversal_reason": lost.code() });
            audit_leg(tx, ctx, &stored, LegEvent::Unanswered, detail)?;
        }
    }
    load(tx, leg_id)
}

/// Records the result of a reversal attempt. Any answer closes the leg; none counts
/// an attempt, and a leg begun on an earlier business day goes to manual handling.
pub fn record_reversal(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    leg_id: i64,
    result: &std::result::Result<ReversalReply, HostError>,
) -> Result<LegState> {
    let stored = load(tx, leg_id)?;
    if stored.public.state.is_resolved() {
        return Ok(stored.public.state);
    }
    // An approval with a malformed RRN or auth code closes nothing: it counts as a
    // failed attempt, like no answer.
    let malformed = match result {
        Ok(ReversalReply::Approved { rrn, auth_code }) => check_reply(
            stored.public.kind,
            &HostReply::Approved {
                rrn: rrn.clone(),
                auth_code: auth_code.clone(),
            },
        )
        .is_err(),
        _ => false,
    };
    let failed = Err(HostError::Protocol {
        reason: "malformed RRN or auth code".into(),
    });
    let result = if malformed { &failed } else { result };
    match result {
        Ok(ReversalReply::Reversed) => {
            legs::resolve(tx, ctx, leg_id, LegState::Reversed, None, None)?;
            audit_leg(tx, ctx, &stored, LegEvent::Reversed, json!({}))?;
        }
        Ok(ReversalReply::Approved { rrn, auth_code }) => {
            apply(tx, ctx, &stored, rrn, auth_code)?;
        }
        Err(e) => {
            log::warn!("reversal of host leg {leg_id} failed: {e}");
            let why = if stored.begun_on()? == ctx.today {
                Unanswered::ReversalFailed
            } else {
                Unanswered::StaleReversalFailed
            };
            let state = legs::await_reversal(tx, ctx, leg_id, why)?;
            if state == LegState::NeedsManualHandling && stored.public.state != state {
                audit_leg(tx, ctx, &stored, LegEvent::NeedsManualHandling, json!({}))?;
            }
        }
    }
    Ok(load(tx, leg_id)?.public.state)
}

/// What an approval does, by kind: returns the record it made.
fn effect(tx: &SqlTx<'_>, ctx: &Ctx<'_>, leg: &Stored, rrn: &str, auth_code: &str) -> Result<i64> {
    match &leg.public.request.detail {
        LegDetail::Sale { .. } => crate::sales::apply(tx, ctx, leg, rrn, auth_code),
        LegDetail::Void { .. } => void_flow::apply_void(tx, ctx, leg, rrn, auth_code),
        LegDetail::Settlement { .. } => settlement::apply(tx, ctx, leg),
        LegDetail::Refund { .. } => refund::apply(tx, ctx, leg, rrn, auth_code),
    }
}

/// An approval of a leg with its row, in the transaction that records it.
fn apply(tx: &SqlTx<'_>, ctx: &Ctx<'_>, leg: &Stored, rrn: &str, auth_code: &str) -> Result<()> {
    let result_id = effect(tx, ctx, leg, rrn, auth_code)?;
    legs::resolve(
        tx,
        ctx,
        leg.public.leg_id,
        LegState::Approved,
        None,
        Some(result_id),
    )?;
    audit_leg(
        tx,
        ctx,
        leg,
        LegEvent::Approved,
        json!({ "result_id": result_id }),
    )
}

fn audit_leg(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    leg: &Stored,
    event: LegEvent,
    extra: serde_json::Value,
) -> Result<()> {
    audit_leg_by(tx, ctx, leg, event, extra, &leg.public.operator_no)
}

/// An entry about a leg made by `operator_no` (the keying operator's, unless someone
/// else acts on it, as a manual resolution does).
fn audit_leg_by(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    leg: &Stored,
    event: LegEvent,
    extra: serde_json::Value,
    operator_no: &str,
) -> Result<()> {
    let p = &leg.public;
    let mut detail = json!({ "amount_fen": p.amount.0 });
    if let Some(d) = detail.as_object_mut() {
        if leg.saved {
            d.insert("leg_id".into(), json!(p.leg_id));
        }
        if let Some(voucher) = &p.voucher_no {
            d.insert("voucher_no".into(), json!(voucher));
        }
        if let Some(original) = &p.original_voucher_no {
            d.insert("original_voucher_no".into(), json!(original));
        }
        if let serde_json::Value::Object(extra) = extra {
            d.extend(extra);
        }
    }
    audit::append(
        tx,
        &ctx.keys.audit,
        ctx.now_ms,
        Act::Leg(p.kind, event),
        Some(operator_no),
        detail,
    )?;
    Ok(())
}

/// Unresolved legs reconciliation may reverse: not those handed to the supervisor,
/// who may be settling them with the acquirer by phone (they are closed by a manual
/// resolution). The caller leaves out those a call of its own is working on.
pub fn reconcilable(conn: &Connection) -> Result<Vec<HostLeg>> {
    Ok(legs::unresolved(conn)?
        .into_iter()
        .filter(|p| p.public.state != LegState::NeedsManualHandling)
        .map(|p| p.public)
        .collect())
}

pub fn unresolved(conn: &Connection) -> Result<Vec<HostLeg>> {
    Ok(legs::unresolved(conn)?
        .into_iter()
        .map(|p| p.public)
        .collect())
}

/// The reason a reversal of this leg is sent with: the one recorded when its answer
/// was lost, or — for a leg a crash or a failed write left awaiting its answer — a
/// terminal fault.
pub fn reversal_reason(leg: &HostLeg) -> ReversalReason {
    leg.reversal_reason.unwrap_or(ReversalReason::TerminalFault)
}

/// The journal row an approved sale or void leg makes, as far as the leg says: its
/// voucher and batch, the host's numbers, who keyed it and why, dated by the day it
/// was begun (a leg keyed at 23:59 and answered at 00:00 belongs to the first day's
/// books). The kind's module fills in the card.
pub fn journal_entry(
    leg: &Stored,
    kind: TransactionKind,
    voucher_no: &str,
    (rrn, auth_code): (&str, &str),
    now_ms: i64,
) -> Result<NewEntry> {
    let req = &leg.public.request;
    Ok(NewEntry {
        kind,
        voucher_no: VoucherNo::parse(voucher_no)?,
        batch_no: BatchNo::parse(&req.batch_no)?,
        rrn: rrn.to_owned(),
        auth_code: auth_code.to_owned(),
        amount: req.amount,
        masked_pan: String::new(),
        card_scheme: String::new(),
        operator_no: leg.public.operator_no.clone(),
        authoriser_no: leg.public.authoriser_no.clone(),
        void_reason: leg.public.reason.clone(),
        business_date: leg.begun_on()?,
        created_at_ms: now_ms,
        original_id: leg.original_id,
        original: None,
        pan_hash: None,
    })
}

/// The record an approved leg produced is the caller's to read back.
pub fn result_of(leg: &Stored) -> Result<i64> {
    leg.result_id
        .ok_or(Error::Corrupt("an approved host leg without its result"))
}
