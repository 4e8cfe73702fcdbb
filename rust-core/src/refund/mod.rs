//! Refunds (退货): money back on a sale of an earlier batch or day, partially and
//! more than once, never more than was paid (DESIGN §2, "Refund"). `begin` checks
//! everything local (`checks`), verifies the supervisor's void password and starts a
//! host leg with the exact request; when the host approves, `apply` journals the
//! refund pointing at its original, in the transaction the engine (`host_leg`)
//! records the answer in. A refund is final: it cannot be voided or refunded.

pub mod checks;
pub mod limits;

use rusqlite::{Connection, Transaction as SqlTx};

use crate::card_reader::PanHash;
use crate::context::Ctx;
use crate::error::{Error, Result, VoidGuardError};
use crate::host::{HostRequest, LegDetail, LegKind};
use crate::host_leg::{self, legs::LegState, legs::NewLeg, legs::Stored};
use crate::journal::{self, numbering, NewEntry, RefundOf, Transaction, TransactionKind};
use crate::money::{Fen, CNY};
use crate::operators;
use crate::profile::Permission;
use crate::vault::{lockout, policy};
use crate::void_flow;
use checks::Original;

/// How the merchant names the sale to refund: its voucher number (and batch) in this
/// journal, or its RRN (参考号) and original date (MMDD or full). The original amount
/// is keyed only for a sale that may not be in this journal.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct RefundLookup {
    #[uniffi(default = None)]
    pub voucher_no: Option<String>,
    #[uniffi(default = None)]
    pub batch_no: Option<String>,
    #[uniffi(default = None)]
    pub rrn: Option<String>,
    #[uniffi(default = None)]
    pub date: Option<String>,
    #[uniffi(default = None)]
    pub original_amount: Option<String>,
}

/// A refund as keyed: the original, the amount to return, the void password (the
/// supervisor's) that authorises it, and why. The keying operator is the signed-in
/// one.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct RefundRequest {
    pub lookup: RefundLookup,
    pub amount: String,
    pub password: String,
    pub reason: String,
}

impl std::fmt::Debug for RefundRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefundRequest")
            .field("lookup", &self.lookup)
            .field("amount", &self.amount)
            .field("reason", &self.reason)
            .field("password", &"<hidden>")
            .finish()
    }
}

/// The original as the confirmation screen shows it, with what is left to refund.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RefundPreview {
    /// The sale in this journal; `None` for one not verified locally.
    pub original: Option<Transaction>,
    /// False: "original not verified locally" (原交易未在本机核实).
    pub verified: bool,
    pub original_rrn: String,
    pub original_business_date: String,
    pub original_amount: Fen,
    pub refunded: Fen,
    pub pending: Fen,
    /// Original − approved refunds − pending refunds.
    pub balance: Fen,
    /// Earlier refunds of it, oldest first.
    pub refunds: Vec<Transaction>,
    pub refund_count_left_today: u32,
    pub refund_amount_left_today: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RefundOutcome {
    /// The refund's host leg; `None` when it ended in the commit that began it.
    pub leg_id: Option<i64>,
    pub state: LegState,
    pub original: Option<Transaction>,
    /// The refund row, when the host approved it.
    pub refund: Option<Transaction>,
    pub response_code: Option<String>,
}

/// Checks everything but the amount and password, for the confirmation screen.
pub fn preview(
    conn: &Connection,
    ctx: &Ctx<'_>,
    lookup: &RefundLookup,
    in_flight: &dyn Fn(i64) -> bool,
) -> Result<RefundPreview> {
    let key = checks::parse_lookup(lookup, ctx)?;
    crate::profile::ready_for(conn, ctx, Permission::Refund)?;
    lockout::load(conn, &ctx.keys.lockout)?.check(ctx.now_ms)?;
    let original = checks::locate(conn, &key, ctx)?;
    host_leg::check_clear(conn, LegKind::Refund, in_flight)?;
    let refunded = checks::refunded(conn, &original)?;
    let used = limits::used_on(conn, ctx.today)?;
    let c = ctx.config;
    Ok(RefundPreview {
        verified: original.verified(),
        original_rrn: original.rrn.clone(),
        original_business_date: original.business_date.clone(),
        original_amount: original.amount,
        refunded: refunded.approved,
        pending: refunded.pending,
        balance: checks::balance(&original, refunded),
        refunds: refunds_of(conn, &original)?,
        refund_count_left_today: c.daily_refund_count_limit.saturating_sub(used.count),
        refund_amount_left_today: Fen(c.daily_refund_amount_limit.0.saturating_sub(used.amount.0)),
        original: original.local,
    })
}

/// Approved refunds of an original, oldest first.
pub fn refunds_of(conn: &Connection, original: &Original) -> Result<Vec<Transaction>> {
    match &original.local {
        Some(sale) => journal::refunds_of(conn, sale.id),
        None => journal::unverified_refunds_of(conn, &original.rrn, &original.business_date),
    }
}

/// Phase one, keyed by `operator_no` (the session's): every local check, the card
/// read (when the configuration requires it) against the sale's, and the void
/// password, then the exact request of the host leg. The inner `Result` is the
/// verdict, committed either way (a wrong password counts though it is refused).
pub(crate) fn begin(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    req: &RefundRequest,
    operator_no: &str,
    card: Option<&PanHash>,
    in_flight: &dyn Fn(i64) -> bool,
) -> Result<std::result::Result<NewLeg, VoidGuardError>> {
    let key = checks::parse_lookup(&req.lookup, ctx)?;
    let amount = checks::parse_amount(&req.amount, ctx)?;
    let password = policy::parse(&req.password)?;
    let reason = checks::parse_reason(&req.reason, &ctx.config.refund_reasons)?;

    let profile = crate::profile::ready_for(tx, ctx, Permission::Refund)?;
    lockout::load(tx, &ctx.keys.lockout)?.check(ctx.now_ms)?;
    let original = checks::locate(tx, &key, ctx)?;
    host_leg::check_clear(tx, LegKind::Refund, in_flight)?;
    // Checked in the write that stores the leg: two refunds cannot both pass on
    // the same balance (one connection, one writer).
    let balance = checks::balance(&original, checks::refunded(tx, &original)?);
    if amount > balance {
        return Err(VoidGuardError::RefundOverBalance { balance }.into());
    }
    limits::check(limits::used_on(tx, ctx.today)?, amount, ctx)?;
    // A card read for an original in this journal must be the sale's, checked before
    // the password so a wrong card costs no attempt. One not verified locally has no
    // hash here: the card was read (the cardholder is there) but the acquirer, which
    // knows the sale, is the one to compare it.
    if let (Some(card), Some(sale)) = (card, original.local.as_ref()) {
        void_flow::checks::same_card(tx, sale, card)?;
    }

    if let Err(refusal) = crate::vault::password::check(tx, ctx, &password)? {
        return Ok(Err(refusal));
    }

    let local = original.local.as_ref();
    let request = HostRequest {
        processing_code: LegKind::Refund.processing_code().into(),
        amount,
        currency: CNY,
        batch_no: numbering::current_batch(tx)?.to_string(),
        business_date: ctx.today.iso(),
        merchant_no: profile.merchant_no,
        terminal_id: profile.terminal_id,
        operator_no: operator_no.to_owned(),
        detail: LegDetail::Refund {
            voucher_no: numbering::take_voucher(tx, ctx)?.to_string(),
            original_rrn: original.rrn.clone(),
            original_business_date: original.business_date.clone(),
            original_amount: original.amount,
            original_voucher_no: local.map(|t| t.voucher_no.clone()),
            original_batch_no: local.map(|t| t.batch_no.clone()),
            original_auth_code: local.map(|t| t.auth_code.clone()),
            verified: original.verified(),
        },
    };
    Ok(Ok(NewLeg {
        request,
        original_id: local.map(|t| t.id),
        // The void password is the supervisor's: whoever keys, 00 authorises.
        authoriser_no: Some(operators::SUPERVISOR),
        reason: Some(reason),
        // The card read for the refund, kept as its keyed hash (PCI DSS 3.5.1.1) for
        // the refund's journal row, as a sale's is.
        pan_hash: card.map(|h| h.0),
    }))
}

/// What an approved refund changes: its journal row, pointing at the original.
/// Returns the row's id.
pub fn apply(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    leg: &Stored,
    rrn: &str,
    auth_code: &str,
) -> Result<i64> {
    let LegDetail::Refund {
        voucher_no,
        original_rrn,
        original_business_date,
        original_amount,
        ..
    } = &leg.public.request.detail
    else {
        return Err(Error::Corrupt("a refund applied from another kind of leg"));
    };
    let local = match leg.original_id {
        Some(id) => {
            Some(journal::by_id(tx, id)?.ok_or(Error::Corrupt("a refund leg without its sale"))?)
        }
        None => None,
    };
    let base = host_leg::journal_entry(
        leg,
        TransactionKind::Refund,
        voucher_no,
        (rrn, auth_code),
        ctx.now_ms,
    )?;
    let entry = NewEntry {
        masked_pan: local
            .as_ref()
            .map(|s| s.masked_pan.clone())
            .unwrap_or_default(),
        card_scheme: local
            .as_ref()
            .map(|s| s.card_scheme.clone())
            .unwrap_or_default(),
        original: Some(RefundOf {
            rrn: original_rrn.clone(),
            business_date: original_business_date.clone(),
            amount: *original_amount,
        }),
        pan_hash: leg.pan_hash,
        ..base
    };
    Ok(journal::insert(tx, ctx, &entry)?.id)
}

/// The refund as the screens show it once its leg ended (or is still open).
pub fn outcome(conn: &Connection, stored: &Stored) -> Result<RefundOutcome> {
    let original = match stored.original_id {
        Some(id) => journal::by_id(conn, id)?,
        None => None,
    };
    let refund = match stored.result_id {
        Some(id) => journal::by_id(conn, id)?,
        None => None,
    };
    Ok(RefundOutcome {
        leg_id: stored.saved.then_some(stored.public.leg_id),
        state: stored.public.state,
        original,
        refund,
        response_code: stored.public.response_code.clone(),
    })
}
