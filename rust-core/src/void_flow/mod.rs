//! The void flow (消费撤销), in two phases. `begin` checks everything local, verifies
//! the void password and persists a pending void holding the exact host request;
//! `complete` records the host's answer and, if approved, writes the void row, marks
//! the sale voided, counts the daily limit and audits — all in one transaction.
//! A void whose answer was lost is reversed or confirmed by `record_reversal`.

pub mod checks;
pub mod limits;
pub mod manual;
pub mod pending;

use rusqlite::{Connection, Transaction as SqlTx};
use serde_json::json;

use crate::audit::{self, Act};
use crate::context::Ctx;
use crate::dates::BusinessDate;
use crate::error::{invalid, Error, Field, Problem, Result, VoidGuardError};
use crate::host::{HostError, HostReply, HostRequest, ReversalReply, PROCESSING_CODE_VOID};
use crate::journal::{self, numbering, NewEntry, Transaction, TransactionKind};
use crate::money::{Fen, CNY};
use crate::vault::{self, lockout, policy};
use crate::{operators, text};
use pending::{PendingState, PendingVoid, Stored, Unanswered};

/// What the merchant keys to find the sale: voucher number, date and amount.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VoidLookup {
    pub voucher_no: String,
    pub date: String,
    pub amount: String,
}

/// A void as keyed: the lookup, the void password that authorises it, and why. The
/// keying operator is the signed-in one; the authoriser is the supervisor (00), whose
/// password the void password is.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct VoidRequest {
    pub voucher_no: String,
    pub date: String,
    pub amount: String,
    pub password: String,
    pub reason: String,
}

impl std::fmt::Debug for VoidRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VoidRequest")
            .field("voucher_no", &self.voucher_no)
            .field("reason", &self.reason)
            .field("password", &"<hidden>")
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VoidPreview {
    pub original: Transaction,
    pub void_count_left_today: u32,
    pub void_amount_left_today: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VoidOutcome {
    pub pending_id: i64,
    pub state: PendingState,
    pub original: Transaction,
    /// The void row, when the host approved it.
    pub void_transaction: Option<Transaction>,
    pub response_code: Option<String>,
}

/// Checks everything but the password, for the confirmation screen.
pub fn preview(conn: &Connection, ctx: &Ctx<'_>, lookup: &VoidLookup) -> Result<VoidPreview> {
    let parsed = checks::parse_lookup(lookup, ctx)?;
    checks::terminal_ready(conn, ctx)?;
    lockout::load(conn, &ctx.keys.lockout)?.check(ctx.now_ms)?;
    let original = checks::locate(conn, &parsed, ctx)?;
    checks::no_host_work(conn)?;
    let used = limits::used(conn, ctx.today)?;
    limits::check(
        used,
        original.amount,
        ctx.config.daily_void_count_limit,
        ctx.config.daily_void_amount_limit,
    )?;
    Ok(VoidPreview {
        void_count_left_today: ctx.config.daily_void_count_limit.saturating_sub(used.count),
        void_amount_left_today: Fen(ctx
            .config
            .daily_void_amount_limit
            .0
            .saturating_sub(used.amount.0)),
        original,
    })
}

/// Phase one, keyed by `operator_no` (the session's). The outer `Result` is for
/// failures; the inner one is the verdict, which is committed either way (a wrong
/// password must count even though it is refused).
pub fn begin(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    req: &VoidRequest,
    operator_no: &str,
) -> Result<std::result::Result<Stored, VoidGuardError>> {
    let lookup = VoidLookup {
        voucher_no: req.voucher_no.clone(),
        date: req.date.clone(),
        amount: req.amount.clone(),
    };
    let parsed = checks::parse_lookup(&lookup, ctx)?;
    let password = policy::parse(&req.password)?;
    let reason = operators::parse_reason(&req.reason, &ctx.config.void_reasons)?;
    // The void password is the supervisor's: whoever keys, 00 authorises.
    let authoriser_no = operators::SUPERVISOR;

    let profile = checks::terminal_ready(tx, ctx)?;
    let lock = lockout::load(tx, &ctx.keys.lockout)?;
    lock.check(ctx.now_ms)?;
    let original = checks::locate(tx, &parsed, ctx)?;
    checks::no_host_work(tx)?;
    limits::check(
        limits::used(tx, ctx.today)?,
        original.amount,
        ctx.config.daily_void_count_limit,
        ctx.config.daily_void_amount_limit,
    )?;

    if let Err(refusal) = verify_void_password(tx, ctx, &password)? {
        return Ok(Err(refusal));
    }

    let void_voucher = numbering::take_voucher(tx, ctx)?;
    let request = HostRequest {
        processing_code: PROCESSING_CODE_VOID.into(),
        amount: original.amount,
        currency: CNY,
        voucher_no: void_voucher.to_string(),
        batch_no: original.batch_no.clone(),
        original_voucher_no: original.voucher_no.clone(),
        original_rrn: original.rrn.clone(),
        original_auth_code: original.auth_code.clone(),
        original_business_date: original.business_date.clone(),
        merchant_no: profile.merchant_no,
        terminal_id: profile.terminal_id,
    };
    let stored = pending::insert(
        tx,
        ctx,
        &pending::NewPending {
            original_id: original.id,
            request: &request,
            operator_no,
            authoriser_no,
            reason: &reason,
            session: ctx.session,
            now_ms: ctx.now_ms,
        },
    )?;
    audit::append(
        tx,
        &ctx.keys.audit,
        ctx.now_ms,
        Act::VoidBegun,
        Some(operator_no),
        json!({
            "pending_id": stored.public.pending_id,
            "original_voucher_no": original.voucher_no,
            "void_voucher_no": request.voucher_no,
            "batch_no": request.batch_no,
            "amount_fen": original.amount.0,
            "authoriser_no": authoriser_no,
            "reason": reason,
        }),
    )?;
    Ok(Ok(stored))
}

/// The void password (the supervisor's) checked against its lockout: a lock refuses
/// before the password is looked at, a wrong one is counted and audited, a right one
/// clears the count. The inner `Result` is the verdict, committed either way.
pub fn verify_void_password(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    password: &str,
) -> Result<std::result::Result<(), VoidGuardError>> {
    let lock = lockout::load(tx, &ctx.keys.lockout)?;
    lock.check(ctx.now_ms)?;
    if !vault::verify(tx, &ctx.keys.vault, password)? {
        return Ok(Err(password_failed(tx, ctx, &lock, operators::SUPERVISOR)?));
    }
    if lock != lockout::Lockout::default() {
        lockout::store(tx, ctx.keys, ctx.now_ms, &lockout::Lockout::default())?;
    }
    Ok(Ok(()))
}

/// Counts a wrong password, audits it, and says what to tell the merchant.
pub fn password_failed(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    lock: &lockout::Lockout,
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

fn check_reply(reply: &HostReply) -> Result<()> {
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
        HostReply::Approved { rrn, auth_code } => {
            alnum(Field::Rrn, rrn, 12, 12)?;
            alnum(Field::AuthCode, auth_code, 6, 6)
        }
        HostReply::Declined { response_code } => alnum(Field::ResponseCode, response_code, 2, 3),
        HostReply::NoAnswer => Ok(()),
    }
}

fn outcome(conn: &Connection, stored: &Stored) -> Result<VoidOutcome> {
    let original = journal::by_id(conn, stored.original_id)?
        .ok_or(Error::Corrupt("pending void without its sale"))?;
    let void_transaction = match stored.void_id {
        Some(id) => journal::by_id(conn, id)?,
        None => None,
    };
    Ok(VoidOutcome {
        pending_id: stored.public.pending_id,
        state: stored.public.state,
        original,
        void_transaction,
        response_code: stored.public.response_code.clone(),
    })
}

fn load(conn: &Connection, pending_id: i64) -> Result<Stored> {
    pending::get(conn, pending_id)?.ok_or_else(|| VoidGuardError::UnknownPendingVoid.into())
}

/// Phase two: records the host's answer. Answering a void that is already resolved
/// changes nothing and returns the recorded outcome, so a retry never voids twice.
/// A malformed answer (an RRN, auth code or response code out of shape) is no answer:
/// whatever the host meant, the void may or may not have happened, so it goes to
/// reversal like a lost one, and the audit entry says the answer was malformed.
pub fn complete(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    pending_id: i64,
    reply: &HostReply,
) -> Result<VoidOutcome> {
    let malformed = check_reply(reply).is_err();
    if malformed {
        log::warn!("pending void {pending_id} got a malformed answer; treated as none");
    }
    let reply = if malformed {
        &HostReply::NoAnswer
    } else {
        reply
    };
    let stored = load(tx, pending_id)?;
    if stored.public.state.is_resolved() {
        log::info!("pending void {pending_id} already resolved; answer ignored");
        return outcome(tx, &stored);
    }
    // Once the answer was given up for lost a reversal may already be at the host:
    // an approval now would void the sale here while the host reverses it (UnionPay
    // terminal practice: a reversal on record is sent, whatever answer arrives late).
    let late = stored.public.state != PendingState::AwaitingAnswer;
    if late && !matches!(reply, HostReply::NoAnswer) {
        return Err(VoidGuardError::AnswerTooLate {
            state: stored.public.state,
        }
        .into());
    }
    match reply {
        HostReply::Approved { rrn, auth_code } => apply_void(tx, ctx, &stored, rrn, auth_code)?,
        HostReply::Declined { response_code } => {
            pending::resolve(
                tx,
                ctx,
                pending_id,
                PendingState::Declined,
                Some(response_code),
                None,
            )?;
            audit_pending(
                tx,
                ctx,
                &stored,
                Act::VoidDeclined,
                json!({ "response_code": response_code }),
            )?;
        }
        HostReply::NoAnswer => {
            if stored.public.state == PendingState::AwaitingAnswer {
                pending::await_reversal(tx, ctx, pending_id, Unanswered::AnswerLost)?;
                let detail = if malformed {
                    json!({ "malformed": true })
                } else {
                    json!({})
                };
                audit_pending(tx, ctx, &stored, Act::VoidUnanswered, detail)?;
            }
        }
    }
    outcome(tx, &load(tx, pending_id)?)
}

/// Records the result of a reversal attempt.
pub fn record_reversal(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    pending_id: i64,
    result: &std::result::Result<ReversalReply, HostError>,
) -> Result<PendingState> {
    let stored = load(tx, pending_id)?;
    if stored.public.state.is_resolved() {
        return Ok(stored.public.state);
    }
    // An approval with a malformed RRN or auth code closes nothing: it counts as a
    // failed attempt, like no answer.
    let malformed = matches!(result, Ok(ReversalReply::VoidApproved { rrn, auth_code })
        if check_reply(&HostReply::Approved { rrn: rrn.clone(), auth_code: auth_code.clone() }).is_err());
    let failed = Err(HostError::Protocol {
        reason: "malformed RRN or auth code".into(),
    });
    let result = if malformed { &failed } else { result };
    match result {
        Ok(ReversalReply::Reversed) => {
            pending::resolve(tx, ctx, pending_id, PendingState::Reversed, None, None)?;
            audit_pending(tx, ctx, &stored, Act::VoidReversed, json!({}))?;
        }
        Ok(ReversalReply::VoidApproved { rrn, auth_code }) => {
            apply_void(tx, ctx, &stored, rrn, auth_code)?;
        }
        Err(e) => {
            log::warn!("reversal of pending void {pending_id} failed: {e}");
            let begun_on = BusinessDate::from_instant(
                stored.public.created_at_ms,
                ctx.config.utc_offset_minutes,
            );
            let why = if begun_on == ctx.today {
                Unanswered::ReversalFailed
            } else {
                Unanswered::StaleReversalFailed
            };
            let state = pending::await_reversal(tx, ctx, pending_id, why)?;
            if state == PendingState::NeedsManualHandling && stored.public.state != state {
                audit_pending(tx, ctx, &stored, Act::VoidNeedsManualHandling, json!({}))?;
            }
        }
    }
    Ok(load(tx, pending_id)?.public.state)
}

fn apply_void(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    stored: &Stored,
    rrn: &str,
    auth_code: &str,
) -> Result<()> {
    let original = journal::by_id(tx, stored.original_id)?
        .ok_or(Error::Corrupt("pending void without its sale"))?;
    if !journal::mark_voided(tx, ctx, original.id)? {
        return Err(Error::Corrupt(
            "the sale changed while its void was pending",
        ));
    }
    let req = &stored.public.request;
    // Dated and charged to the day the void was begun — keyed, checked against that
    // day's limits — not the day its answer arrived: a void keyed at 23:59 and
    // answered at 00:00 belongs to the first day's books.
    let begun_on =
        BusinessDate::from_instant(stored.public.created_at_ms, ctx.config.utc_offset_minutes);
    let entry = NewEntry {
        kind: TransactionKind::Void,
        voucher_no: numbering::SixDigits::parse(Field::VoucherNo, &req.voucher_no)?,
        batch_no: numbering::SixDigits::parse(Field::BatchNo, &req.batch_no)?,
        rrn: rrn.to_owned(),
        auth_code: auth_code.to_owned(),
        amount: req.amount,
        masked_pan: original.masked_pan.clone(),
        card_scheme: original.card_scheme.clone(),
        operator_no: stored.public.operator_no.clone(),
        authoriser_no: Some(stored.public.authoriser_no.clone()),
        void_reason: Some(stored.public.reason.clone()),
        business_date: begun_on,
        created_at_ms: ctx.now_ms,
        original_id: Some(original.id),
    };
    let void = journal::insert(tx, ctx, &entry)?;
    limits::add(tx, ctx, begun_on, req.amount)?;
    pending::resolve(
        tx,
        ctx,
        stored.public.pending_id,
        PendingState::Approved,
        None,
        Some(void.id),
    )?;
    audit_pending(
        tx,
        ctx,
        stored,
        Act::VoidApproved,
        json!({ "void_id": void.id }),
    )?;
    Ok(())
}

fn audit_pending(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    stored: &Stored,
    act: Act,
    extra: serde_json::Value,
) -> Result<()> {
    audit_pending_by(tx, ctx, stored, act, extra, &stored.public.operator_no)
}

/// An entry about a pending void made by `operator_no` (the keying operator's, unless
/// someone else acts on it, as a manual resolution does).
fn audit_pending_by(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    stored: &Stored,
    act: Act,
    extra: serde_json::Value,
    operator_no: &str,
) -> Result<()> {
    let mut detail = json!({
        "pending_id": stored.public.pending_id,
        "original_voucher_no": stored.public.original_voucher_no,
        "void_voucher_no": stored.public.void_voucher_no,
        "amount_fen": stored.public.amount.0,
    });
    if let (Some(d), serde_json::Value::Object(extra)) = (detail.as_object_mut(), extra) {
        d.extend(extra);
    }
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

/// Unresolved voids reconciliation may reverse: not those handed to the merchant, who
/// may be settling them with the acquirer by phone (they are closed by a manual
/// resolution). The caller leaves out those a call of its own is working on.
pub fn reconcilable(conn: &Connection) -> Result<Vec<PendingVoid>> {
    Ok(pending::unresolved(conn)?
        .into_iter()
        .filter(|p| p.public.state != PendingState::NeedsManualHandling)
        .map(|p| p.public)
        .collect())
}

pub fn unresolved(conn: &Connection) -> Result<Vec<PendingVoid>> {
    Ok(pending::unresolved(conn)?
        .into_iter()
        .map(|p| p.public)
        .collect())
}
