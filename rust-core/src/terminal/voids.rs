//! The void flow as the UI drives it: preview, the two phases, the one-call form
//! through the configured host link, and reconciliation of unanswered voids.

use super::records::ReconcileReport;
use super::Terminal;
use crate::error::{Result, VoidGuardError};
use crate::host::{HostError, HostLink, HostReply, ReversalReply};
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
        let outcome = match &self.simulator {
            // The simulator runs in-process: nothing leaves the terminal, so the
            // pending void need not be durable before the host leg and both phases
            // share one commit. A crash leaves no trace of the void at all.
            Some(simulator) => {
                let mut request = request;
                let outcome = self.write_verdict(|tx, ctx| {
                    let stored = match void_flow::begin(tx, ctx, &request)? {
                        Ok(stored) => stored,
                        Err(refusal) => return Ok(Err(refusal)),
                    };
                    let id = stored.public.pending_id;
                    let reply = answer(simulator.authorise_void(stored.public.request.clone()), id);
                    let outcome = void_flow::complete(tx, ctx, id, &reply)?;
                    if outcome.state.is_resolved() {
                        return Ok(Ok(outcome));
                    }
                    let reversal = simulator.reverse_void(stored.public.request);
                    void_flow::record_reversal(tx, ctx, id, &reversal)?;
                    Ok(Ok(void_flow::complete(tx, ctx, id, &HostReply::NoAnswer)?))
                });
                zeroize::Zeroize::zeroize(&mut request.password);
                outcome?
            }
            None => {
                let pending = self.begin_void(request)?;
                let id = pending.pending_id;
                let reply = answer(self.host.authorise_void(pending.request.clone()), id);
                let outcome = self.complete_void(id, reply)?;
                if outcome.state.is_resolved() {
                    outcome
                } else {
                    let reversal = self.host.reverse_void(pending.request);
                    self.write(|tx, ctx| void_flow::record_reversal(tx, ctx, id, &reversal))?;
                    self.write(|tx, ctx| void_flow::complete(tx, ctx, id, &HostReply::NoAnswer))?
                }
            }
        };
        match outcome.state {
            PendingState::Approved => Ok(outcome),
            PendingState::Declined => Err(VoidGuardError::HostDeclined {
                response_code: outcome.response_code.unwrap_or_default(),
            }),
            _ => Err(VoidGuardError::HostUnreachable),
        }
    }
}

/// A host error means the answer was lost: the void may or may not have happened.
fn answer(result: std::result::Result<HostReply, HostError>, pending_id: i64) -> HostReply {
    result.unwrap_or_else(|e| {
        log::warn!("void {pending_id} got no answer: {e}");
        HostReply::NoAnswer
    })
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
