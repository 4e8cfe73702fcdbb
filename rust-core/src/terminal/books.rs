//! Sales, the journal, slips, settlement and the audit trail.

use super::records::SaleRequest;
use super::Terminal;
use crate::audit::{self, AuditEntry, AuditHead, AuditReport};
use crate::error::{Field, Result, VoidGuardError};
use crate::host::simulator::random_digits;
use crate::journal::query::{self, JournalPage, JournalQuery, OperatorVoids};
use crate::journal::{self, card, numbering, NewEntry, Transaction, TransactionKind};
use crate::receipt::{self, Locale, Receipt};
use crate::settlement::{self, SettlementReport};
use crate::void_flow::checks;
use crate::{money, profile, text};

fn parse_host_field(field: Field, value: Option<&str>, len: usize) -> Result<String> {
    match value {
        Some(v) => text::fixed_alnum(field, v, len),
        None => random_digits(len).map_err(|_| crate::error::Error::Entropy),
    }
}

#[uniffi::export]
impl Terminal {
    /// Journals a sale the card leg approved, keyed by the signed-in operator.
    pub fn record_sale(&self, sale: SaleRequest) -> Result<Transaction, VoidGuardError> {
        let parsed = (|| {
            Ok::<_, crate::error::Error>((
                money::parse_amount(&sale.amount, self.config.amount_cap)?,
                card::mask_pan(&sale.card_number)?,
                card::parse_scheme(&sale.card_scheme)?,
                parse_host_field(Field::Rrn, sale.rrn.as_deref(), 12)?,
                parse_host_field(Field::AuthCode, sale.auth_code.as_deref(), 6)?,
            ))
        })();
        let mut sale = sale;
        zeroize::Zeroize::zeroize(&mut sale.card_number);
        let (amount, masked_pan, card_scheme, rrn, auth_code) = parsed?;
        let operator_no = self.transacting_operator()?;
        self.write(|tx, ctx| {
            profile::require(tx)?;
            let entry = NewEntry {
                kind: TransactionKind::Sale,
                voucher_no: numbering::take_voucher(tx, ctx)?,
                batch_no: numbering::current_batch(tx)?,
                rrn,
                auth_code,
                amount,
                masked_pan,
                card_scheme,
                operator_no,
                authoriser_no: None,
                void_reason: None,
                business_date: ctx.today,
                created_at_ms: ctx.now_ms,
                original_id: None,
            };
            journal::insert(tx, ctx, &entry)
        })
    }

    /// The row with this voucher number in the open batch (or the latest earlier one).
    pub fn find_transaction(
        &self,
        voucher_no: String,
    ) -> Result<Option<Transaction>, VoidGuardError> {
        let voucher = journal::parse_voucher(&voucher_no)?;
        self.read(|conn, _| journal::by_voucher(conn, voucher, self.open_batch()))
    }

    pub fn journal(&self, query: JournalQuery) -> Result<JournalPage, VoidGuardError> {
        self.read(|conn, ctx| query::page(conn, &query, ctx.today))
    }

    /// Voids per operator in a batch (the open one when `batch_no` is `None`).
    pub fn voids_by_operator(
        &self,
        batch_no: Option<String>,
    ) -> Result<Vec<OperatorVoids>, VoidGuardError> {
        let batch = batch_no
            .map(|b| numbering::SixDigits::parse(Field::BatchNo, &b))
            .transpose()?;
        self.read(|conn, _| {
            let batch = match batch {
                Some(b) => b,
                None => numbering::current_batch(conn)?,
            };
            query::voids_by_operator(conn, batch)
        })
    }

    pub fn receipt(&self, voucher_no: String, locale: Locale) -> Result<Receipt, VoidGuardError> {
        let voucher = journal::parse_voucher(&voucher_no)?;
        self.read(|conn, ctx| {
            let profile = profile::require(conn)?;
            let t = journal::by_voucher(conn, voucher, self.open_batch())?.ok_or_else(|| {
                VoidGuardError::TransactionNotFound {
                    voucher_no: voucher.to_string(),
                }
            })?;
            Ok(receipt::render(
                &t,
                &profile,
                locale,
                ctx.config.utc_offset_minutes,
            ))
        })
    }

    /// Closes the open batch for the signed-in operator. Voids awaiting the host are
    /// reconciled first; if any remain, settlement waits.
    pub fn settle(&self) -> Result<SettlementReport, VoidGuardError> {
        let operator_no = self.transacting_operator()?;
        self.reconcile_pending()?;
        let report = self.write(|tx, ctx| {
            profile::require(tx)?;
            checks::no_host_work(tx)?;
            settlement::settle(tx, ctx, &operator_no)
        })?;
        self.reload_open_batch()?;
        Ok(report)
    }

    /// Audit entries, newest first, older than `before_seq` when given.
    pub fn audit(
        &self,
        before_seq: Option<u64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, VoidGuardError> {
        self.read(|conn, _| audit::page(conn, before_seq, limit))
    }

    pub fn verify_audit(&self) -> Result<AuditReport, VoidGuardError> {
        self.read(|conn, ctx| audit::verify(conn, &ctx.keys.audit))
    }

    /// The last audit entry's sequence number and MAC: what an online request carries
    /// so the acquirer can notice a terminal whose file was rolled back.
    pub fn audit_head(&self) -> Result<AuditHead, VoidGuardError> {
        self.read(|conn, ctx| audit::public_head(conn, &ctx.keys.audit))
    }
}
