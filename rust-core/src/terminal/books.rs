//! The journal, slips, reports and the audit trail.

use super::Terminal;
use crate::audit::{self, AuditEntry, AuditHead, AuditReport};
use crate::error::{Result, VoidGuardError};
use crate::journal::query::{self, JournalPage, JournalQuery, OperatorVoids};
use crate::journal::{self, numbering, Transaction};
use crate::receipt::{self, Locale, Receipt};

#[uniffi::export]
impl Terminal {
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

    /// Voids and refunds per operator in a batch (the open one when `batch_no` is
    /// `None`).
    pub fn voids_by_operator(
        &self,
        batch_no: Option<String>,
    ) -> Result<Vec<OperatorVoids>, VoidGuardError> {
        let batch = batch_no
            .map(|b| numbering::BatchNo::parse(&b))
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
        self.read(|conn, ctx| receipt::of_voucher(conn, ctx, voucher, self.open_batch(), locale))
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
