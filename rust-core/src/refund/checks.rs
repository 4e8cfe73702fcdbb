//! The rules a refund (退货) must pass before the password is asked for: what was
//! keyed parses, the original is a sale that was neither voided nor reversed and can
//! no longer be voided, and the amount fits its balance, the cap and the day's limits.

use rusqlite::Connection;

use super::RefundLookup;
use crate::audit::rows::{self, Table};
use crate::context::Ctx;
use crate::dates::{self, BusinessDate};
use crate::error::{invalid, Field, Problem, Result, VoidGuardError};
use crate::host::LegDetail;
use crate::host_leg::legs::{self, Stored};
use crate::journal::{self, numbering, Transaction, TransactionKind, TransactionStatus};
use crate::money::{self, Fen};
use crate::text;

/// How the merchant named the original.
pub enum Key {
    /// Voucher (and batch, when keyed) in this journal.
    Voucher {
        voucher: numbering::VoucherNo,
        batch: Option<numbering::BatchNo>,
    },
    /// RRN and the original's business date; the original amount where keyed, for an
    /// original that may not be in this journal.
    Rrn {
        rrn: String,
        date: BusinessDate,
        amount: Option<Fen>,
    },
}

pub fn parse_lookup(l: &RefundLookup, ctx: &Ctx<'_>) -> Result<Key> {
    let keyed = |o: &Option<String>| o.as_deref().is_some_and(|s| !s.trim().is_empty());
    if keyed(&l.voucher_no) {
        let voucher = journal::parse_voucher(l.voucher_no.as_deref().unwrap_or_default())?;
        let batch = match l.batch_no.as_deref() {
            Some(b) if !b.trim().is_empty() => Some(numbering::BatchNo::parse(b)?),
            _ => None,
        };
        return Ok(Key::Voucher { voucher, batch });
    }
    let rrn = text::fixed_alnum(Field::Rrn, l.rrn.as_deref().unwrap_or_default(), 12)?;
    let date = dates::parse_date(l.date.as_deref().unwrap_or_default(), ctx.today)?;
    if date > ctx.today {
        return Err(invalid(Field::Date, Problem::InFuture));
    }
    let amount = match l.original_amount.as_deref() {
        Some(a) if !a.trim().is_empty() => Some(money::parse_amount(a, ctx.config.amount_cap)?),
        _ => None,
    };
    Ok(Key::Rrn { rrn, date, amount })
}

/// The sale being refunded: in this journal, or (configuration allowing) known only
/// by what was keyed.
#[derive(Debug, Clone)]
pub struct Original {
    pub local: Option<Transaction>,
    pub rrn: String,
    pub business_date: String,
    pub amount: Fen,
}

impl Original {
    pub fn verified(&self) -> bool {
        self.local.is_some()
    }
}

/// Finds the original and checks it may be refunded at all.
pub fn locate(conn: &Connection, key: &Key, ctx: &Ctx<'_>) -> Result<Original> {
    let open_batch = numbering::current_batch(conn)?;
    let found = match key {
        Key::Voucher { voucher, batch } => {
            let row = match batch {
                Some(b) => journal::by_voucher_in(conn, *voucher, *b)?,
                None => journal::by_voucher(conn, *voucher, open_batch)?,
            };
            Some(row.ok_or_else(|| VoidGuardError::RefundOriginalNotFound {
                reference: voucher.to_string(),
            })?)
        }
        Key::Rrn { rrn, date, .. } => journal::sale_by_rrn(conn, rrn, &date.iso())?,
    };
    let Some(original) = found else {
        let Key::Rrn { rrn, date, amount } = key else {
            return Err(crate::error::Error::Corrupt(
                "a voucher lookup found nothing",
            ));
        };
        return match amount {
            Some(amount) if ctx.config.unverified_refunds => Ok(Original {
                local: None,
                rrn: rrn.clone(),
                business_date: date.iso(),
                amount: *amount,
            }),
            _ => Err(VoidGuardError::RefundOriginalNotFound {
                reference: rrn.clone(),
            }
            .into()),
        };
    };
    // The sale as recorded, not as someone may have edited it since.
    if let Some(f) = rows::check_row(conn, &ctx.keys.audit, Table::Journal, original.id)? {
        return Err(f.refusal().into());
    }
    let voucher_no = original.voucher_no.clone();
    match original.kind {
        TransactionKind::Refund => return Err(VoidGuardError::RefundOfRefund { voucher_no }.into()),
        TransactionKind::Void => return Err(VoidGuardError::RefundOfVoid { voucher_no }.into()),
        TransactionKind::Sale => {}
    }
    match original.status {
        TransactionStatus::Voided => {
            let void_voucher_no = journal::void_of(conn, original.id)?
                .map(|v| v.voucher_no)
                .unwrap_or_default();
            return Err(VoidGuardError::RefundOfVoidedSale {
                voucher_no,
                void_voucher_no,
            }
            .into());
        }
        TransactionStatus::Reversed => {
            return Err(VoidGuardError::RefundOfReversedSale { voucher_no }.into())
        }
        // A sale of today in the open batch can still be voided, which returns the
        // money without a refund's settlement delay (UnionPay: void same day, refund
        // after).
        TransactionStatus::Approved
            if original.batch_no == open_batch.to_string()
                && original.business_date == ctx.today.iso() =>
        {
            return Err(VoidGuardError::RefundUseVoid { voucher_no }.into())
        }
        TransactionStatus::Approved | TransactionStatus::Settled => {}
    }
    // A void of it still open (sent, unanswered, or left for manual handling) may yet
    // be approved: refunding meanwhile could give the money back twice.
    if legs::void_open_for(conn, original.id)? {
        return Err(VoidGuardError::VoidInProgress { voucher_no }.into());
    }
    if let Key::Rrn {
        amount: Some(amount),
        ..
    } = key
    {
        if *amount != original.amount {
            return Err(VoidGuardError::AmountMismatch.into());
        }
    }
    Ok(Original {
        rrn: original.rrn.clone(),
        business_date: original.business_date.clone(),
        amount: original.amount,
        local: Some(original),
    })
}

/// Whether an open refund leg is of this original.
fn leg_is_of(leg: &Stored, original: &Original) -> bool {
    let LegDetail::Refund {
        original_rrn,
        original_business_date,
        ..
    } = &leg.public.request.detail
    else {
        return false;
    };
    match &original.local {
        Some(sale) => leg.original_id == Some(sale.id),
        None => {
            leg.original_id.is_none()
                && *original_rrn == original.rrn
                && *original_business_date == original.business_date
        }
    }
}

/// What was refunded of an original: approved (journal) and pending (open legs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Refunded {
    pub approved: Fen,
    pub pending: Fen,
}

pub fn refunded(conn: &Connection, original: &Original) -> Result<Refunded> {
    let approved = match &original.local {
        Some(sale) => journal::refunded_of(conn, sale.id)?,
        None => {
            let (keyed, sum) =
                journal::unverified_refunded_of(conn, &original.rrn, &original.business_date)?;
            // Every refund of it must have been keyed with the same original amount.
            if keyed.is_some_and(|k| k != original.amount) {
                return Err(VoidGuardError::AmountMismatch.into());
            }
            sum
        }
    };
    let pending = legs::unresolved(conn)?
        .iter()
        .filter(|leg| leg_is_of(leg, original))
        .map(|leg| leg.public.amount.0)
        .sum::<i64>();
    Ok(Refunded {
        approved,
        pending: Fen(pending),
    })
}

pub fn balance(original: &Original, refunded: Refunded) -> Fen {
    Fen(original
        .amount
        .0
        .saturating_sub(refunded.approved.0)
        .saturating_sub(refunded.pending.0)
        .max(0))
}

/// The amount to refund: a positive amount of at most two decimals, within the cap
/// and the balance.
pub fn parse_amount(input: &str, ctx: &Ctx<'_>) -> Result<Fen> {
    let amount = money::parse_amount(input, ctx.config.amount_cap)?;
    if amount > ctx.config.refund_cap {
        return Err(VoidGuardError::RefundOverCap {
            cap: ctx.config.refund_cap,
        }
        .into());
    }
    Ok(amount)
}

pub fn parse_reason(input: &str, allowed: &[String]) -> Result<String> {
    let reason = text::required(Field::RefundReason, input, 64)?;
    if allowed.contains(&reason) {
        Ok(reason)
    } else {
        Err(invalid(Field::RefundReason, Problem::NotAllowed))
    }
}
