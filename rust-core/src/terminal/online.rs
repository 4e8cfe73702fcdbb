//! Every online act as the UI drives it — sale, void, settlement — through one
//! driver: reconcile what is left over, check locally and persist the leg, send it
//! through the host link, record the answer, and reverse at once an answer that was
//! lost. Also the void's two-phase form, reconciliation and manual resolution.

use rusqlite::Transaction as SqlTx;

use super::records::{ReconcileReport, SaleRequest};
use super::Terminal;
use crate::card_reader::{Card, CardPurpose, PanHash};
use crate::context::Ctx;
use crate::error::{Error, Result, VoidGuardError};
use crate::host::{presented, upload};
use crate::host::{HostError, HostLink, HostReply, LegKind, ReversalReason, ReversalReply};
use crate::host_leg::legs::{HostLeg, LegState, NewLeg, Stored};
use crate::host_leg::manual::{self, Resolution};
use crate::host_leg::{self};
use crate::journal::{self, Transaction};
use crate::sales;
use crate::settlement::{self, SettlementReport};
use crate::void_flow::{self, VoidLookup, VoidOutcome, VoidPreview, VoidRequest};

type Verdict<T> = std::result::Result<T, VoidGuardError>;

/// What starts a leg: the act's local checks and request, given which legs are in
/// flight in this process.
pub(super) type Start<'s> =
    dyn Fn(&SqlTx<'_>, &Ctx<'_>, &dyn Fn(i64) -> bool) -> Result<Verdict<NewLeg>> + 's;

#[uniffi::export]
impl Terminal {
    /// A sale through the host link, keyed by the signed-in operator: journaled with
    /// the host's RRN and auth code once the host approves. A decline is
    /// `HostDeclined`; an answer lost and reversed at once is `HostReversed`; one lost
    /// and not reversed is `HostUnreachable`, and the leg stays for reconciliation.
    ///
    /// A sale keyed with no card number, on a terminal with a card reader installed,
    /// reads the card from it; either way a full number is kept only as its mask and
    /// its keyed hash.
    pub fn record_sale(&self, sale: SaleRequest) -> Result<Transaction, VoidGuardError> {
        let mut sale = sale;
        // Nobody is asked for a card on a terminal that would refuse the sale anyway.
        if sale.card_number.trim().is_empty() && self.card_reader().is_some() {
            self.transacting_operator()?;
        }
        let parsed = self.parse_sale(&sale);
        zeroize::Zeroize::zeroize(&mut sale.card_number);
        let (parsed, card) = parsed?;
        let operator_no = self.transacting_operator()?;
        let leg = self.run_leg(
            &|tx, ctx, in_flight| Ok(Ok(sales::begin(tx, ctx, &parsed, &operator_no, in_flight)?)),
            card,
        )?;
        approved(&leg)?;
        self.read(|conn, _| {
            journal::by_id(conn, host_leg::result_of(&leg)?)?
                .ok_or(Error::Corrupt("an approved sale without its row"))
        })
    }

    /// Checks a void without the password, for the confirmation screen. Like the
    /// void it precedes, it needs a signed-in cashier or supervisor, and a terminal
    /// that found tampering says so first.
    pub fn void_preview(&self, lookup: VoidLookup) -> Result<VoidPreview, VoidGuardError> {
        self.transacting_operator()?;
        self.read(|conn, ctx| void_flow::preview(conn, ctx, &lookup, &|id| self.is_claimed(id)))
    }

    /// Both phases through the configured host link. Earlier unanswered legs are
    /// reconciled first. A lost answer is reversed at once (`HostReversed`); if that
    /// fails too the void stays for reconciliation and `HostUnreachable` is returned.
    pub fn void_transaction(&self, request: VoidRequest) -> Result<VoidOutcome, VoidGuardError> {
        let mut request = request;
        let result = self.transacting_operator().and_then(|operator_no| {
            let (hash, card) = self.void_card()?.unzip();
            self.run_leg(
                &|tx, ctx, in_flight| {
                    void_flow::begin(tx, ctx, &request, &operator_no, hash.as_ref(), in_flight)
                },
                card,
            )
        });
        zeroize::Zeroize::zeroize(&mut request.password);
        let leg = result?;
        approved(&leg)?;
        self.read(|conn, _| void_flow::outcome(conn, &leg))
    }

    /// Phase one, keyed by the signed-in operator: all local checks and the void
    /// password; persists the void's host leg with the exact request. Send `request`
    /// to the host, then call `complete_void`.
    pub fn begin_void(&self, request: VoidRequest) -> Result<HostLeg, VoidGuardError> {
        let mut request = request;
        let result = self.transacting_operator().and_then(|operator_no| {
            // The app sends this leg through its own link: the card stays here and is
            // wiped once its hash is compared.
            let hash = self.void_card()?.map(|(hash, _)| hash);
            self.begin_claimed(&|tx, ctx, in_flight| {
                void_flow::begin(tx, ctx, &request, &operator_no, hash.as_ref(), in_flight)
            })
        });
        zeroize::Zeroize::zeroize(&mut request.password);
        result.map(|leg| leg.public)
    }

    /// Phase two: records the host's answer to a void. Calling it again for a
    /// resolved void returns the recorded outcome and changes nothing.
    pub fn complete_void(
        &self,
        leg_id: i64,
        reply: HostReply,
    ) -> Result<VoidOutcome, VoidGuardError> {
        let result = self.write(|tx, ctx| {
            if host_leg::load(tx, leg_id)?.public.kind != LegKind::Void {
                return Err(VoidGuardError::UnknownHostLeg.into());
            }
            let leg = host_leg::complete(tx, ctx, leg_id, &reply, ReversalReason::NoAnswer)?;
            void_flow::outcome(tx, &leg)
        });
        // Answered or not, the caller is done with it: if the answer could not be
        // recorded (a full disk), reconciliation reverses the void from now on.
        self.release(leg_id);
        result
    }

    /// Closes the open batch for the signed-in operator: the totals go to the host
    /// first, and the batch closes here only when the host approves. Legs left over
    /// are reconciled first; if any remain, settlement waits.
    pub fn settle(&self) -> Result<SettlementReport, VoidGuardError> {
        let operator_no = self.transacting_operator()?;
        // The batch `settlement::begin` offers the link is taken back when the leg
        // (its reversal included) is done.
        let leg = upload::scope(|| {
            self.run_leg(
                &|tx, ctx, in_flight| Ok(Ok(settlement::begin(tx, ctx, &operator_no, in_flight)?)),
                None,
            )
        });
        // The batch may have closed even when the answer is an error (confirmed by a
        // reversal's answer); the cached number follows the file either way.
        self.reload_open_batch()?;
        let leg = leg?;
        approved(&leg)?;
        self.read(|conn, _| settlement::report(conn, host_leg::result_of(&leg)?))
    }

    /// Closes a leg in manual handling with what the acquirer says happened to it,
    /// authorised by the supervisor's void password; `note` says who at the acquirer
    /// said so. Keyed by the signed-in operator.
    pub fn resolve_leg(
        &self,
        leg_id: i64,
        resolution: Resolution,
        password: String,
        note: String,
    ) -> Result<HostLeg, VoidGuardError> {
        let mut password = password;
        let result = self.transacting_operator().and_then(|operator_no| {
            self.write_verdict(|tx, ctx| {
                manual::resolve(tx, ctx, leg_id, &resolution, &password, &note, &operator_no)
            })
        });
        zeroize::Zeroize::zeroize(&mut password);
        let leg = result?;
        if leg.public.kind == LegKind::Settlement {
            self.reload_open_batch()?;
        }
        Ok(leg.public)
    }

    /// Legs awaiting the host's answer, a reversal, or manual handling, oldest first.
    pub fn pending_host_work(&self) -> Result<Vec<HostLeg>, VoidGuardError> {
        self.read(|conn, _| host_leg::unresolved(conn))
    }

    /// Reverses (冲正) or confirms every unanswered leg through the host link.
    pub fn reconcile(&self) -> Result<ReconcileReport, VoidGuardError> {
        self.reconcile_pending()
    }
}

/// A leg's end as the caller's answer: approved, or why not — declined, reversed at
/// once after its answer was lost (nothing happened), or still open.
pub(super) fn approved(leg: &Stored) -> Result<(), VoidGuardError> {
    match leg.public.state {
        LegState::Approved => Ok(()),
        LegState::Declined => Err(VoidGuardError::HostDeclined {
            response_code: leg.public.response_code.clone().unwrap_or_default(),
        }),
        LegState::Reversed => Err(VoidGuardError::HostReversed),
        LegState::AwaitingAnswer | LegState::AwaitingReversal | LegState::NeedsManualHandling => {
            Err(VoidGuardError::HostUnreachable)
        }
    }
}

/// A host error means the answer was lost: the act may or may not have happened.
fn answer(
    result: std::result::Result<HostReply, HostError>,
    leg_id: i64,
) -> (HostReply, ReversalReason) {
    match result {
        Ok(reply) => (reply, ReversalReason::NoAnswer),
        Err(e) => {
            log::warn!("host leg {leg_id} got no answer: {e}");
            (HostReply::NoAnswer, e.reversal_reason())
        }
    }
}

/// The steps of a leg, each committed on its own or all in one transaction.
trait Steps {
    fn begin(&mut self, start: &Start<'_>) -> Result<Verdict<Stored>>;
    fn complete(&mut self, leg: Stored, reply: &HostReply, lost: ReversalReason) -> Result<Stored>;
    fn record_reversal(
        &mut self,
        leg_id: i64,
        result: &std::result::Result<ReversalReply, HostError>,
    ) -> Result<Stored>;
}

/// Asks the host, records its answer, and reverses a leg whose answer was lost. The
/// card read for the act is presented to the link for the request's one `send` and
/// wiped when it returns; the reversal goes without it (`host::presented`).
fn drive(
    steps: &mut impl Steps,
    host: &dyn HostLink,
    start: &Start<'_>,
    card: Option<Card>,
) -> Result<Verdict<Stored>> {
    let leg = match steps.begin(start)? {
        Ok(leg) => leg,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let sent = presented::presenting(card, || host.send(leg.public.request.clone()));
    let (reply, lost) = answer(sent, leg.public.leg_id);
    let done = steps.complete(leg, &reply, lost)?;
    if done.public.state.is_resolved() {
        return Ok(Ok(done));
    }
    let reversal = host.reverse(
        done.public.request.clone(),
        host_leg::reversal_reason(&done.public),
    );
    Ok(Ok(steps.record_reversal(done.public.leg_id, &reversal)?))
}

/// Every step in the caller's transaction. The leg gets its row only if the answer
/// does not end it at once: an approval or decline in the same commit leaves nothing
/// to reverse, so the row would only cost pages.
struct OneCommit<'a, 'c> {
    terminal: &'a Terminal,
    tx: &'a SqlTx<'c>,
    ctx: &'a Ctx<'a>,
    new: Option<NewLeg>,
}

impl Steps for OneCommit<'_, '_> {
    fn begin(&mut self, start: &Start<'_>) -> Result<Verdict<Stored>> {
        Ok(
            start(self.tx, self.ctx, &|id| self.terminal.is_claimed(id))?.map(|new| {
                let leg = Stored::unsaved(&new, self.ctx);
                self.new = Some(new);
                leg
            }),
        )
    }

    fn complete(&mut self, leg: Stored, reply: &HostReply, lost: ReversalReason) -> Result<Stored> {
        let mut leg = leg;
        if host_leg::close_unsaved(self.tx, self.ctx, &mut leg, reply)? {
            return Ok(leg);
        }
        let new = self
            .new
            .take()
            .ok_or(Error::Corrupt("a leg answered twice in one commit"))?;
        let saved = host_leg::begin(self.tx, self.ctx, &new)?;
        host_leg::complete(self.tx, self.ctx, saved.public.leg_id, reply, lost)
    }

    fn record_reversal(
        &mut self,
        leg_id: i64,
        result: &std::result::Result<ReversalReply, HostError>,
    ) -> Result<Stored> {
        host_leg::record_reversal(self.tx, self.ctx, leg_id, result)?;
        host_leg::load(self.tx, leg_id)
    }
}

/// Each step committed before the host is called: what was sent is on disk first.
/// The leg stays claimed from its begin to the end of the drive, its reversal
/// included, so that no reconciliation in another thread sends that reversal too.
struct CommitEach<'a> {
    terminal: &'a Terminal,
    claimed: Option<i64>,
}

impl Steps for CommitEach<'_> {
    fn begin(&mut self, start: &Start<'_>) -> Result<Verdict<Stored>> {
        let begun = self.terminal.begin_claimed(start);
        if let Ok(leg) = &begun {
            self.claimed = Some(leg.public.leg_id);
        }
        Ok(begun)
    }

    fn complete(&mut self, leg: Stored, reply: &HostReply, lost: ReversalReason) -> Result<Stored> {
        let leg_id = leg.public.leg_id;
        Ok(self
            .terminal
            .write(|tx, ctx| host_leg::complete(tx, ctx, leg_id, reply, lost))?)
    }

    fn record_reversal(
        &mut self,
        leg_id: i64,
        result: &std::result::Result<ReversalReply, HostError>,
    ) -> Result<Stored> {
        Ok(self.terminal.write(|tx, ctx| {
            host_leg::record_reversal(tx, ctx, leg_id, result)?;
            host_leg::load(tx, leg_id)
        })?)
    }
}

impl Terminal {
    /// The sale's card: as keyed, or read from the installed reader when none was
    /// keyed. A card read is returned beside the masked and hashed sale, for the
    /// sale's request alone; a keyed number is not sent (nothing was read).
    fn parse_sale(
        &self,
        sale: &SaleRequest,
    ) -> Result<(sales::Keyed, Option<Card>), VoidGuardError> {
        let parse = |number: &str| {
            sales::parse(
                &sale.amount,
                number,
                &sale.card_scheme,
                self.config.amount_cap,
                &self.keys.pan,
            )
        };
        let reader = self.card_reader();
        match reader {
            Some(reader) if sale.card_number.trim().is_empty() => {
                let read = reader
                    .read_card(CardPurpose::Sale)
                    .map_err(crate::card_reader::refusal)?;
                let card = Card::from_read(read);
                Ok((parse(card.pan())?, Some(card)))
            }
            _ => Ok((parse(&sale.card_number)?, None)),
        }
    }

    /// The card a void must be done with, when the configuration says so.
    fn void_card(&self) -> Result<Option<(PanHash, Card)>, VoidGuardError> {
        self.card_for(
            CardPurpose::Void,
            self.config.void_card_required,
            self.config.void_pin_required,
        )
    }

    /// One online act: what earlier calls left is reconciled, then the leg is driven
    /// through the configured host link, with the card read for it, if any.
    pub(super) fn run_leg(
        &self,
        start: &Start<'_>,
        card: Option<Card>,
    ) -> Result<Stored, VoidGuardError> {
        self.reconcile_pending()?;
        match &self.simulator {
            // The simulator runs in-process: nothing leaves the terminal, so the leg
            // need not be durable before the host is asked and all steps share one
            // commit. A crash leaves no trace of the act at all.
            Some(simulator) => self.write_verdict(|tx, ctx| {
                let mut steps = OneCommit {
                    terminal: self,
                    tx,
                    ctx,
                    new: None,
                };
                drive(&mut steps, simulator.as_ref(), start, card)
            }),
            None => {
                let mut steps = CommitEach {
                    terminal: self,
                    claimed: None,
                };
                let result = drive(&mut steps, self.host.as_ref(), start, card);
                if let Some(id) = steps.claimed {
                    self.release(id);
                }
                result
                    .map_err(VoidGuardError::from)
                    .and_then(|verdict| verdict)
            }
        }
    }

    /// Begins a leg in its own commit, a refusal included. The new leg is claimed in
    /// the same hold of the database that writes it, so no reconciliation sees it
    /// unclaimed; released again if the commit fails.
    pub(super) fn begin_claimed(&self, start: &Start<'_>) -> Result<Stored, VoidGuardError> {
        let mut claimed = None;
        let result = self.write_verdict(|tx, ctx| {
            let new = match start(tx, ctx, &|id| self.is_claimed(id))? {
                Ok(new) => new,
                Err(refusal) => return Ok(Err(refusal)),
            };
            let leg = host_leg::begin(tx, ctx, &new)?;
            claimed = Some(leg.public.leg_id);
            self.claim(leg.public.leg_id);
            Ok(Ok(leg))
        });
        if let (Err(_), Some(id)) = (&result, claimed) {
            self.release(id);
        }
        result
    }

    fn claimed(&self) -> std::sync::MutexGuard<'_, std::collections::BTreeSet<i64>> {
        self.claimed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Marks a leg as worked on by a call of this process; false if it already was.
    fn claim(&self, leg_id: i64) -> bool {
        self.claimed().insert(leg_id)
    }

    pub(super) fn is_claimed(&self, leg_id: i64) -> bool {
        self.claimed().contains(&leg_id)
    }

    pub(super) fn release(&self, leg_id: i64) {
        self.claimed().remove(&leg_id);
    }

    /// Reverses or confirms what an earlier call or process left unanswered, oldest
    /// first. The host is called without holding the database, so other calls go on
    /// meanwhile.
    pub(super) fn reconcile_pending(&self) -> Result<ReconcileReport, VoidGuardError> {
        // Read and claimed in one hold of the database: a leg begun meanwhile is
        // either not read or already claimed by its caller.
        let work = self.read(|conn, _| {
            let all = host_leg::reconcilable(conn)?;
            Ok(all
                .into_iter()
                .filter(|p| self.claim(p.leg_id))
                .collect::<Vec<_>>())
        })?;
        let mut report = ReconcileReport::default();
        // One leg whose reversal cannot be recorded does not keep the others from
        // being reconciled; the first such failure is returned once all were tried.
        let mut first_failure = None;
        let mut settled = false;
        for leg in work {
            let reason = host_leg::reversal_reason(&leg);
            // A settlement asked again may meet "not balanced" and upload its batch,
            // which is still the journal's open one (nothing moved money since).
            // Unreadable, none is offered: the link then leaves the settlement open
            // rather than upload a batch that is not the journal's.
            let batch = (leg.kind == LegKind::Settlement)
                .then(|| self.read(|conn, _| journal::batch_items(conn, &leg.request.batch_no)))
                .and_then(|read| read.ok());
            let reverse = || self.host.reverse(leg.request.clone(), reason);
            let result = match batch {
                Some(batch) => upload::offering(batch, reverse),
                None => reverse(),
            };
            let recorded =
                self.write(|tx, ctx| host_leg::record_reversal(tx, ctx, leg.leg_id, &result));
            self.release(leg.leg_id);
            let state = match recorded {
                Ok(state) => state,
                Err(e) => {
                    log::warn!("reversal of host leg {} not recorded: {e}", leg.leg_id);
                    report.still_pending += 1;
                    first_failure.get_or_insert(e);
                    continue;
                }
            };
            match (state, &result) {
                (LegState::Reversed, _) => report.reversed += 1,
                (LegState::Approved, Ok(ReversalReply::Approved { .. })) => {
                    settled |= leg.kind == LegKind::Settlement;
                    report.confirmed += 1
                }
                (LegState::NeedsManualHandling, _) => report.needs_manual_handling += 1,
                _ => report.still_pending += 1,
            }
        }
        if settled {
            self.reload_open_batch()?;
        }
        if report != ReconcileReport::default() {
            log::info!("reconciled host legs: {report:?}");
        }
        match first_failure {
            Some(e) => Err(e),
            None => Ok(report),
        }
    }
}
