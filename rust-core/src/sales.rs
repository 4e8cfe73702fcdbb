//! Sales (消费): a sale is a host leg like every online act. `begin` checks what the
//! terminal can check and builds the request with the card as the journal may keep it
//! (masked); the sale is journaled only when the host approves, with the host's RRN
//! and auth code, by `apply`.

use rusqlite::Transaction as SqlTx;

use crate::card_reader::{self, PanHash};
use crate::context::Ctx;
use crate::crypto::SecretKey;
use crate::error::{Error, Result};
use crate::host::{HostRequest, LegDetail, LegKind};
use crate::host_leg::{self, legs::NewLeg, legs::Stored};
use crate::journal::{self, card, numbering, NewEntry, TransactionKind};
use crate::money::{self, Fen, CNY};
use crate::profile;

/// A sale as keyed, checked: nothing secret is left in it.
pub struct Keyed {
    pub amount: Fen,
    pub masked_pan: String,
    pub card_scheme: String,
    /// The keyed hash of a full card number (read or keyed); none for a number that
    /// came masked.
    pub pan_hash: Option<PanHash>,
}

/// Parses what the cashier keyed and the card leg read. A full card number is
/// masked and hashed here (PCI DSS 3.4.1, 3.5.1.1); the caller wipes its copy.
pub fn parse(
    amount: &str,
    card_number: &str,
    card_scheme: &str,
    cap: Fen,
    pan_key: &SecretKey,
) -> Result<Keyed> {
    let masked_pan = card::mask_pan(card_number)?;
    Ok(Keyed {
        amount: money::parse_amount(amount, cap)?,
        card_scheme: card::parse_scheme(card_scheme, &masked_pan)?,
        pan_hash: card_reader::pan_hash(pan_key, card_number)?,
        masked_pan,
    })
}

/// The sale's host leg, keyed by `operator_no`, in the open batch, ready to persist.
pub fn begin(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    sale: &Keyed,
    operator_no: &str,
    in_flight: &dyn Fn(i64) -> bool,
) -> Result<NewLeg> {
    let profile = profile::require(tx)?;
    host_leg::check_clear(tx, LegKind::Sale, in_flight)?;
    let request = HostRequest {
        processing_code: LegKind::Sale.processing_code().into(),
        amount: sale.amount,
        currency: CNY,
        batch_no: numbering::current_batch(tx)?.to_string(),
        business_date: ctx.today.iso(),
        merchant_no: profile.merchant_no,
        terminal_id: profile.terminal_id,
        operator_no: operator_no.to_owned(),
        detail: LegDetail::Sale {
            voucher_no: numbering::take_voucher(tx, ctx)?.to_string(),
            masked_pan: sale.masked_pan.clone(),
            card_scheme: sale.card_scheme.clone(),
        },
    };
    Ok(NewLeg {
        request,
        original_id: None,
        authoriser_no: None,
        reason: None,
        pan_hash: sale.pan_hash.map(|h| h.0),
    })
}

/// Journals an approved sale with the host's numbers, dated by the day it was keyed.
/// Returns the journal row's id.
pub fn apply(
    tx: &SqlTx<'_>,
    ctx: &Ctx<'_>,
    leg: &Stored,
    rrn: &str,
    auth_code: &str,
) -> Result<i64> {
    let req = &leg.public.request;
    let LegDetail::Sale {
        voucher_no,
        masked_pan,
        card_scheme,
    } = &req.detail
    else {
        return Err(Error::Corrupt("a sale applied from another kind of leg"));
    };
    let entry = NewEntry {
        masked_pan: masked_pan.clone(),
        card_scheme: card_scheme.clone(),
        pan_hash: leg.pan_hash,
        ..host_leg::journal_entry(
            leg,
            TransactionKind::Sale,
            voucher_no,
            (rrn, auth_code),
            ctx.now_ms,
        )?
    };
    Ok(journal::insert(tx, ctx, &entry)?.id)
}
