//! The void flow (消费撤销). `begin` checks everything local, verifies the void
//! password and starts a host leg holding the exact request; when the host approves,
//! `apply_void` writes the void row, marks the sale voided and charges the day's
//! limits, in the transaction the engine (`host_leg`) records the answer in.

pub mod checks;
pub mod limits;

use rusqlite::{Connection, Transaction as SqlTx};

use crate::card_reader::PanHash;
use crate::context::Ctx;
use crate::error::{Error, Result, VoidGuardError};
use crate::host::{HostRequest, LegDetail, LegKind, OriginalSale};
use crate::host_leg::{self, legs::LegState, legs::NewLeg, legs::Stored};
use crate::journal::{self, numbering, NewEntry, Transaction, TransactionKind};
use crate::money::{Fen, CNY};
use crate::operators;
use crate::profile::Permission;
use crate::vault::{self, lockout, policy};

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
    /// The void's host leg; `None` when it ended in the commit that began it (the
    /// built-in simulator), leaving no row.
    pub leg_id: Option<i64>,
    pub state: LegState,
    pub original: Transaction,
    /// The void row, when the host approved it.
    pub void_transaction: Option<Transaction>,
    pub response_code: Option<String>,
}

/// Checks everything but the password, for the confirmation screen.
pub fn preview(
    conn: &Connection,
    ctx: &Ctx<'_>,
    lookup: &VoidLookup,
    in_flight: &dyn Fn(i64) -> bool,
) -> Result<VoidPreview> {
    let parsed = checks::parse_lookup(lookup, ctx)?;
    crate::profile::ready_for(conn, ctx, Permission::Void)?;
    lockout::load(conn, &ctx.keys.lockout)?.check(ctx.now_ms)?;
    let original = checks::locate(conn, &parsed, ctx)?;
    host_leg::check_clear(conn, LegKind::Void, in_flight)?;
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

/// Phase one, keyed by `operator_no` (the session's): every local check, the card
/// read (when the configuration requires it) against the sale's, and the void
/// password, then the exact request of the host leg (`host_leg::begin`). The outer
/// `Result` is for failures; the inner one is the verdict, which is committed either
/// way (a wrong password must count even though it is refused).
pub(crate) fn begin(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    req: &VoidRequest,
    operator_no: &str,
    card: Option<&PanHash>,
    in_flight: &dyn Fn(i64) -> bool,
) -> Result<std::result::Result<NewLeg, VoidGuardError>> {
    let lookup = VoidLookup {
        voucher_no: req.voucher_no.clone(),
        date: req.date.clone(),
        amount: req.amount.clone(),
    };
    let parsed = checks::parse_lookup(&lookup, ctx)?;
    let password = policy::parse(&req.password)?;
    let reason = operators::parse_reason(&req.reason, &ctx.config.void_reasons)?;

    let profile = crate::profile::ready_for(tx, ctx, Permission::Void)?;
    let lock = lockout::load(tx, &ctx.keys.lockout)?;
    lock.check(ctx.now_ms)?;
    let original = checks::locate(tx, &parsed, ctx)?;
    host_leg::check_clear(tx, LegKind::Void, in_flight)?;
    limits::check(
        limits::used(tx, ctx.today)?,
        original.amount,
        ctx.config.daily_void_count_limit,
        ctx.config.daily_void_amount_limit,
    )?;
    // Before the password: a card that is not the sale's is refused with nothing
    // written, so it costs the supervisor no attempt.
    if let Some(card) = card {
        checks::same_card(tx, &original, card)?;
    }

    if let Err(refusal) = vault::password::check(tx, ctx, &password)? {
        return Ok(Err(refusal));
    }

    let request = HostRequest {
        processing_code: LegKind::Void.processing_code().into(),
        amount: original.amount,
        currency: CNY,
        batch_no: original.batch_no.clone(),
        business_date: ctx.today.iso(),
        merchant_no: profile.merchant_no,
        terminal_id: profile.terminal_id,
        operator_no: operator_no.to_owned(),
        detail: LegDetail::Void {
            voucher_no: numbering::take_voucher(tx, ctx)?.to_string(),
            original: OriginalSale {
                voucher_no: original.voucher_no.clone(),
                batch_no: original.batch_no.clone(),
                rrn: original.rrn.clone(),
                auth_code: original.auth_code.clone(),
                business_date: original.business_date.clone(),
            },
        },
    };
    Ok(Ok(NewLeg {
        request,
        original_id: Some(original.id),
        // The void password is the supervisor's: whoever keys, 00 authorises.
        authoriser_no: Some(operators::SUPERVISOR),
        reason: Some(reason),
        pan_hash: None,
    }))
}

/// The void as the screens show it once the host leg ended (or is still open).
pub fn outcome(conn: &Connection, stored: &Stored) -> Result<VoidOutcome> {
    let original_id = stored
        .original_id
        .ok_or(Error::Corrupt("a void leg without its sale"))?;
    let original =
        journal::by_id(conn, original_id)?.ok_or(Error::Corrupt("a void leg without its sale"))?;
    let void_transaction = match stored.result_id {
        Some(id) => journal::by_id(conn, id)?,
        None => None,
    };
    Ok(VoidOutcome {
        leg_id: stored.saved.then_some(stored.public.leg_id),
        state: stored.public.state,
        original,
        void_transaction,
        response_code: stored.public.response_code.clone(),
    })
}

/// What an approved void changes: the void row, the sale marked voided, the day's
/// limits charged. Returns the void row's id.
pub fn apply_void(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    leg: &Stored,
    rrn: &str,
    auth_code: &str,
) -> Result<i64> {
    let LegDetail::Void { voucher_no, .. } = &leg.public.request.detail else {
        return Err(Error::Corrupt("a void applied from another kind of leg"));
    };
    let original_id = leg
        .original_id
        .ok_or(Error::Corrupt("a void leg without its sale"))?;
    let original =
        journal::by_id(tx, original_id)?.ok_or(Error::Corrupt("a void leg without its sale"))?;
    if !journal::mark_voided(tx, ctx, original.id)? {
        return Err(Error::Corrupt(
            "the sale changed while its void was pending",
        ));
    }
    // Charged to the day the void was begun — keyed, checked against that day's
    // limits — not the day its answer arrived.
    let begun_on = leg.begun_on()?;
    let entry = NewEntry {
        masked_pan: original.masked_pan.clone(),
        card_scheme: original.card_scheme.clone(),
        ..host_leg::journal_entry(
            leg,
            TransactionKind::Void,
            voucher_no,
            (rrn, auth_code),
            ctx.now_ms,
        )?
    };
    let void = journal::insert(tx, ctx, &entry)?;
    limits::add(tx, ctx, begun_on, leg.public.amount)?;
    Ok(void.id)
}
