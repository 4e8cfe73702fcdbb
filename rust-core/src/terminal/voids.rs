//! The void flow as the UI drives it: preview, the two phases, the one-call form
//! through the configured host link, and reconciliation of unanswered voids.

use super::records::ReconcileReport;
use super::Terminal;
use crate::error::{Result, VoidGuardError};
use crate::host::{HostReply, ReversalReply};
use crate::void_flow::pending::{PendingState, PendingVoid};
use crate::void_flow::{self, VoidLookup, VoidOutcome, VoidPreview, VoidRequest};

#[uniffi::export]
impl Terminal {
    /// Checks a void without the password, for the confirmation screen.
    pub fn void_preview(&self, lookup: VoidLookup) -> Result<VoidPreview, VoidGuardError> {
        self.read(|conn, ctx| void_flow::preview(conn, ctx, &lookup))
    }

    /// Phase one: all local checks and the password; persists the pending void with
    /// the exact host request. Send `request` to the host, then call `complete_void`.
    pub fn begin_void(&self, request: VoidRequest) -> Result<PendingVoid, VoidGuardError> {
        let mut request = request;
        let result = self.write_verdict(|tx, ctx| void_flow::begin(tx, ctx, &request));
        zeroize::Zeroize::zeroize(&mut request.password);
        result.map(|stored| stored.public)
    }

    /// Phase two: records the host's answer. Calling it again for a resolved void
    /// returns the recorded outcome and changes nothing.
    pub fn complete_void(
        &self,
        pending_id: i64,
        reply: HostReply,
    ) -> Result<VoidOutcome, VoidGuardError> {
        self.write(|tx, ctx| void_flow::complete(tx, ctx, pending_id, &reply))
    }

    /// Voids awaiting the host's answer, a reversal, or manual handling.
    pub fn pending_host_work(&self) -> Result<Vec<PendingVoid>, VoidGuardError> {
        self.read(|conn, _| void_flow::unresolved(conn))
    }

    /// Reverses (冲正) or confirms every unanswered void through the host link.
    pub fn reconcile(&self) -> Result<ReconcileReport, VoidGuardError> {
        self.reconcile_pending()
    }

    /// Both phases through the configured host link. Earlier unanswered voids are
    /// reconciled first. A lost answer is reversed at once; if that fails too the
    /// void stays pending for reconciliation and `HostUnreachable` is returned.
    pub fn void_transaction(&self, request: VoidRequest) -> Result<VoidOutcome, VoidGuardError> {
        self.reconcile_pending()?;
        let pending = self.begin_void(request)?;
        let reply = match self.host.authorise_void(pending.request.clone()) {
            Ok(reply) => reply,
            Err(e) => {
                log::warn!("void {} got no answer: {e}", pending.pending_id);
                HostReply::NoAnswer
            }
        };
        let outcome = self.complete_void(pending.pending_id, reply)?;
        match outcome.state {
            PendingState::Approved => Ok(outcome),
            PendingState::Declined => Err(VoidGuardError::HostDeclined {
                response_code: outcome.response_code.unwrap_or_default(),
            }),
            _ => {
                let result = self.host.reverse_void(pending.request);
                let state = self.write(|tx, ctx| {
                    void_flow::record_reversal(tx, ctx, pending.pending_id, &result)
                })?;
                if state == PendingState::Approved {
                    self.write(|tx, ctx| {
                        void_flow::complete(tx, ctx, pending.pending_id, &HostReply::NoAnswer)
                    })
                } else {
                    Err(VoidGuardError::HostUnreachable)
                }
            }
        }
    }
}

impl Terminal {
    /// Reverses or confirms what an earlier call or process left unanswered. The host
    /// is called without holding the database, so other calls go on meanwhile.
    pub(super) fn reconcile_pending(&self) -> Result<ReconcileReport, VoidGuardError> {
        let work = self.read(|conn, ctx| void_flow::reconcilable(conn, ctx.session))?;
        let mut report = ReconcileReport::default();
        for pending in work {
            let result = self.host.reverse_void(pending.request.clone());
            let state = self.write(|tx, ctx| {
                void_flow::record_reversal(tx, ctx, pending.pending_id, &result)
            })?;
            match (state, &result) {
                (PendingState::Reversed, _) => report.reversed += 1,
                (PendingState::Approved, Ok(ReversalReply::VoidApproved { .. })) => {
                    report.confirmed += 1
                }
                (PendingState::NeedsManualHandling, _) => report.needs_manual_handling += 1,
                _ => report.still_pending += 1,
            }
        }
        if report != ReconcileReport::default() {
            log::info!("reconciled pending voids: {report:?}");
        }
        Ok(report)
    }
}
