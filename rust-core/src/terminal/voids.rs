//! The void flow as the UI drives it: preview, the two phases, the one-call form
//! through the configured host link, and reconciliation of unanswered voids.

use rusqlite::Transaction as SqlTx;

use super::records::ReconcileReport;
use super::Terminal;
use crate::context::Ctx;
use crate::error::{Result, VoidGuardError};
use crate::host::{HostError, HostLink, HostReply, ReversalReply};
use crate::void_flow::manual::{self, Resolution};
use crate::void_flow::pending::{PendingState, PendingVoid};
use crate::void_flow::{self, VoidLookup, VoidOutcome, VoidPreview, VoidRequest};

#[uniffi::export]
impl Terminal {
    /// Checks a void without the password, for the confirmation screen. Like the
    /// void it precedes, it needs a signed-in cashier or supervisor, and a terminal
    /// that found tampering says so first.
    pub fn void_preview(&self, lookup: VoidLookup) -> Result<VoidPreview, VoidGuardError> {
        self.transacting_operator()?;
        self.read(|conn, ctx| void_flow::preview(conn, ctx, &lookup))
    }

    /// Phase one, keyed by the signed-in operator: all local checks and the void
    /// password; persists the pending void with the exact host request. Send
    /// `request` to the host, then call `complete_void`.
    pub fn begin_void(&self, request: VoidRequest) -> Result<PendingVoid, VoidGuardError> {
        let mut request = request;
        let result = self
            .transacting_operator()
            .and_then(|operator_no| self.begin_committed(&request, &operator_no));
        zeroize::Zeroize::zeroize(&mut request.password);
        result
    }

    /// Phase two: records the host's answer. Calling it again for a resolved void
    /// returns the recorded outcome and changes nothing.
    pub fn complete_void(
        &self,
        pending_id: i64,
        reply: HostReply,
    ) -> Result<VoidOutcome, VoidGuardError> {
        let result = self.complete_committed(pending_id, &reply);
        // Answered or not, the caller is done with it: if the answer could not be
        // recorded (a full disk), reconciliation reverses the void from now on.
        self.release(pending_id);
        result
    }

    /// Closes a void in manual handling with what the acquirer says happened to it,
    /// authorised by the supervisor's void password; `note` says who at the acquirer
    /// said so. Keyed by the signed-in operator.
    pub fn resolve_void(
        &self,
        pending_id: i64,
        resolution: Resolution,
        password: String,
        note: String,
    ) -> Result<VoidOutcome, VoidGuardError> {
        let mut password = password;
        let result = self.transacting_operator().and_then(|operator_no| {
            self.write_verdict(|tx, ctx| {
                manual::resolve(
                    tx,
                    ctx,
                    pending_id,
                    &resolution,
                    &password,
                    &note,
                    &operator_no,
                )
            })
        });
        zeroize::Zeroize::zeroize(&mut password);
        result
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
        let mut request = request;
        let result = self.void_keyed(&request);
        zeroize::Zeroize::zeroize(&mut request.password);
        let outcome = result?;
        match outcome.state {
            PendingState::Approved => Ok(outcome),
            PendingState::Declined => Err(VoidGuardError::HostDeclined {
                response_code: outcome.response_code.unwrap_or_default(),
            }),
            _ => Err(VoidGuardError::HostUnreachable),
        }
    }
}

impl Terminal {
    /// Both phases of `void_transaction`, keyed by the signed-in operator.
    fn void_keyed(&self, request: &VoidRequest) -> Result<VoidOutcome, VoidGuardError> {
        let keyed = Keyed {
            request,
            operator_no: self.transacting_operator()?,
        };
        self.reconcile_pending()?;
        match &self.simulator {
            // The simulator runs in-process: nothing leaves the terminal, so the
            // pending void need not be durable before the host leg and all steps
            // share one commit. A crash leaves no trace of the void at all.
            Some(simulator) => self.write_verdict(|tx, ctx| {
                drive(&mut OneCommit { tx, ctx }, simulator.as_ref(), &keyed)
            }),
            None => {
                let mut steps = CommitEach {
                    terminal: self,
                    claimed: None,
                };
                let result = drive(&mut steps, self.host.as_ref(), &keyed);
                if let Some(id) = steps.claimed {
                    self.release(id);
                }
                result
                    .map_err(VoidGuardError::from)
                    .and_then(|verdict| verdict)
            }
        }
    }
}

/// A void request and the session operator who keyed it.
struct Keyed<'a> {
    request: &'a VoidRequest,
    operator_no: String,
}

/// The steps of a void, each committed on its own or all in one transaction.
trait VoidSteps {
    fn begin(&mut self, keyed: &Keyed<'_>) -> Result<Verdict<PendingVoid>>;
    fn complete(&mut self, pending_id: i64, reply: &HostReply) -> Result<VoidOutcome>;
    fn record_reversal(
        &mut self,
        pending_id: i64,
        result: &std::result::Result<ReversalReply, HostError>,
    ) -> Result<()>;
}

type Verdict<T> = std::result::Result<T, VoidGuardError>;

/// Asks the host, records its answer, and reverses a void whose answer was lost.
fn drive(
    steps: &mut impl VoidSteps,
    host: &dyn HostLink,
    keyed: &Keyed<'_>,
) -> Result<Verdict<VoidOutcome>> {
    let pending = match steps.begin(keyed)? {
        Ok(pending) => pending,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let id = pending.pending_id;
    let reply = answer(host.authorise_void(pending.request.clone()), id);
    let outcome = steps.complete(id, &reply)?;
    if outcome.state.is_resolved() {
        return Ok(Ok(outcome));
    }
    let reversal = host.reverse_void(pending.request);
    steps.record_reversal(id, &reversal)?;
    Ok(Ok(steps.complete(id, &HostReply::NoAnswer)?))
}

/// Every step in the caller's transaction.
struct OneCommit<'a, 'c> {
    tx: &'a SqlTx<'c>,
    ctx: &'a Ctx<'a>,
}

impl VoidSteps for OneCommit<'_, '_> {
    fn begin(&mut self, keyed: &Keyed<'_>) -> Result<Verdict<PendingVoid>> {
        Ok(
            void_flow::begin(self.tx, self.ctx, keyed.request, &keyed.operator_no)?
                .map(|stored| stored.public),
        )
    }

    fn complete(&mut self, pending_id: i64, reply: &HostReply) -> Result<VoidOutcome> {
        void_flow::complete(self.tx, self.ctx, pending_id, reply)
    }

    fn record_reversal(
        &mut self,
        pending_id: i64,
        result: &std::result::Result<ReversalReply, HostError>,
    ) -> Result<()> {
        void_flow::record_reversal(self.tx, self.ctx, pending_id, result).map(|_| ())
    }
}

/// Each step committed before the host is called: what was sent is on disk first.
/// The void stays claimed from its begin to the end of the drive, its reversal
/// included, so that no reconciliation in another thread sends that reversal too.
struct CommitEach<'a> {
    terminal: &'a Terminal,
    claimed: Option<i64>,
}

impl VoidSteps for CommitEach<'_> {
    fn begin(&mut self, keyed: &Keyed<'_>) -> Result<Verdict<PendingVoid>> {
        let begun = self
            .terminal
            .begin_committed(keyed.request, &keyed.operator_no);
        if let Ok(pending) = &begun {
            self.claimed = Some(pending.pending_id);
        }
        Ok(begun)
    }

    fn complete(&mut self, pending_id: i64, reply: &HostReply) -> Result<VoidOutcome> {
        Ok(self.terminal.complete_committed(pending_id, reply)?)
    }

    fn record_reversal(
        &mut self,
        pending_id: i64,
        result: &std::result::Result<ReversalReply, HostError>,
    ) -> Result<()> {
        self.terminal
            .record_reversal_committed(pending_id, result)?;
        Ok(())
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
    /// Phase one in its own commit, a refusal included. The new void is claimed in
    /// the same hold of the database that writes it, so no reconciliation sees it
    /// unclaimed; released again if the commit fails.
    fn begin_committed(
        &self,
        request: &VoidRequest,
        operator_no: &str,
    ) -> Result<PendingVoid, VoidGuardError> {
        let mut claimed = None;
        let result = self.write_verdict(|tx, ctx| {
            let verdict = void_flow::begin(tx, ctx, request, operator_no)?;
            if let Ok(stored) = &verdict {
                claimed = Some(stored.public.pending_id);
                self.claim(stored.public.pending_id);
            }
            Ok(verdict)
        });
        if let (Err(_), Some(id)) = (&result, claimed) {
            self.release(id);
        }
        result.map(|stored| stored.public)
    }

    fn complete_committed(
        &self,
        pending_id: i64,
        reply: &HostReply,
    ) -> Result<VoidOutcome, VoidGuardError> {
        self.write(|tx, ctx| void_flow::complete(tx, ctx, pending_id, reply))
    }

    fn claimed(&self) -> std::sync::MutexGuard<'_, std::collections::BTreeSet<i64>> {
        self.claimed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Marks a void as worked on by a call of this process; false if it already was.
    fn claim(&self, pending_id: i64) -> bool {
        self.claimed().insert(pending_id)
    }

    fn release(&self, pending_id: i64) {
        self.claimed().remove(&pending_id);
    }

    fn record_reversal_committed(
        &self,
        pending_id: i64,
        result: &std::result::Result<ReversalReply, HostError>,
    ) -> Result<PendingState, VoidGuardError> {
        self.write(|tx, ctx| void_flow::record_reversal(tx, ctx, pending_id, result))
    }

    /// Reverses or confirms what an earlier call or process left unanswered. The host
    /// is called without holding the database, so other calls go on meanwhile.
    pub(super) fn reconcile_pending(&self) -> Result<ReconcileReport, VoidGuardError> {
        // Read and claimed in one hold of the database: a void begun meanwhile is
        // either not read or already claimed by its caller.
        let work = self.read(|conn, _| {
            let all = void_flow::reconcilable(conn)?;
            Ok(all
                .into_iter()
                .filter(|p| self.claim(p.pending_id))
                .collect::<Vec<_>>())
        })?;
        let mut report = ReconcileReport::default();
        // One void whose reversal cannot be recorded does not keep the others from
        // being reconciled; the first such failure is returned once all were tried.
        let mut first_failure = None;
        for pending in work {
            let result = self.host.reverse_void(pending.request.clone());
            let recorded = self.record_reversal_committed(pending.pending_id, &result);
            self.release(pending.pending_id);
            let state = match recorded {
                Ok(state) => state,
                Err(e) => {
                    log::warn!(
                        "reversal of pending void {} not recorded: {e}",
                        pending.pending_id
                    );
                    report.still_pending += 1;
                    first_failure.get_or_insert(e);
                    continue;
                }
            };
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
        match first_failure {
            Some(e) => Err(e),
            None => Ok(report),
        }
    }
}
