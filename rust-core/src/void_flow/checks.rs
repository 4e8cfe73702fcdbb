//! The rules a void must pass before the password is even asked for (DESIGN §2):
//! an approved sale, in the open batch, of today, with the date and amount the
//! merchant read off the slip, not already voided or being voided.

use rusqlite::Connection;

use super::VoidLookup;
use crate::audit::rows::{self, Table};
use crate::context::Ctx;
use crate::dates::{self, BusinessDate};
use crate::error::{Result, VoidGuardError};
use crate::host_leg::legs;
use crate::journal::numbering::VoucherNo;
use crate::journal::{self, Transaction, TransactionKind, TransactionStatus};
use crate::money::{self, Fen};

pub struct Lookup {
    pub voucher: VoucherNo,
    pub date: BusinessDate,
    pub amount: Fen,
}

pub fn parse_lookup(l: &VoidLookup, ctx: &Ctx<'_>) -> Result<Lookup> {
    Ok(Lookup {
        voucher: journal::parse_voucher(&l.voucher_no)?,
        date: dates::parse_date(&l.date, ctx.today)?,
        amount: money::parse_amount(&l.amount, ctx.config.amount_cap)?,
    })
}

/// Finds the original and checks it can be voided with what was keyed.
pub fn locate(conn: &Connection, l: &Lookup, ctx: &Ctx<'_>) -> Result<Transaction> {
    let batch = journal::numbering::current_batch(conn)?;
    let voucher_no = l.voucher.to_string();
    let original = journal::by_voucher(conn, l.voucher, batch)?.ok_or_else(|| {
        VoidGuardError::TransactionNotFound {
            voucher_no: voucher_no.clone(),
        }
    })?;
    // The sale as recorded, not as someone may have edited it since.
    if let Some(f) = rows::check_row(conn, &ctx.keys.audit, Table::Journal, original.id)? {
        return Err(f.refusal().into());
    }
    if original.kind != TransactionKind::Sale {
        return Err(VoidGuardError::NotVoidable { voucher_no }.into());
    }
    match original.status {
        TransactionStatus::Voided => {
            let void_voucher_no = journal::void_of(conn, original.id)?
                .map(|v| v.voucher_no)
                .unwrap_or_default();
            return Err(VoidGuardError::AlreadyVoided {
                voucher_no,
                void_voucher_no,
            }
            .into());
        }
        TransactionStatus::Settled => {
            return Err(VoidGuardError::SettledUseRefund {
                voucher_no,
                batch_no: original.batch_no,
            }
            .into())
        }
        TransactionStatus::Reversed => {
            return Err(VoidGuardError::NotVoidable { voucher_no }.into())
        }
        TransactionStatus::Approved => {}
    }
    if original.batch_no != batch.to_string() {
        return Err(VoidGuardError::SettledUseRefund {
            voucher_no,
            batch_no: original.batch_no,
        }
        .into());
    }
    if original.business_date != ctx.today.iso() {
        return Err(VoidGuardError::NotSameBusinessDate {
            business_date: original.business_date,
        }
        .into());
    }
    if l.date.iso() != original.business_date {
        return Err(VoidGuardError::DateMismatch.into());
    }
    if l.amount != original.amount {
        return Err(VoidGuardError::AmountMismatch.into());
    }
    if legs::void_open_for(conn, original.id)? {
        return Err(VoidGuardError::VoidInProgress { voucher_no }.into());
    }
    Ok(original)
}

/// The card presented is the sale's: its keyed hash is the one stored with the sale.
/// A sale without one (recorded before schema 6, or from a number that came masked)
/// is refused rather than let through: otherwise keying a masked number at the sale
/// would be the way around a terminal that requires the card.
pub(crate) fn same_card(
    conn: &Connection,
    sale: &Transaction,
    card: &crate::card_reader::PanHash,
) -> Result<()> {
    match journal::pan_hash_of(conn, sale.id)? {
        Some(stored) if card.matches(&stored) => Ok(()),
        Some(_) => Err(VoidGuardError::CardMismatch.into()),
        None => Err(VoidGuardError::CardNotOnFile {
            voucher_no: sale.voucher_no.clone(),
        }
        .into()),
    }
}
