//! Refunds (退货) as the UI drives them: the preview for the confirmation screen, the
//! refund through the configured host link, and its two-phase form for a host link
//! the app drives itself (the acquirer's payment app).

use super::online::approved;
use super::Terminal;
use crate::card_reader::{Card, CardPurpose, PanHash};
use crate::error::VoidGuardError;
use crate::host::{HostReply, LegKind, ReversalReason};
use crate::host_leg::{self, legs::HostLeg};
use crate::refund::{self, RefundLookup, RefundOutcome, RefundPreview, RefundRequest};

#[uniffi::export]
impl Terminal {
    /// Finds the original and shows what is left to refund on it, without the
    /// password. Needs a signed-in cashier or supervisor.
    pub fn refund_preview(&self, lookup: RefundLookup) -> Result<RefundPreview, VoidGuardError> {
        self.transacting_operator()?;
        self.read(|conn, ctx| refund::preview(conn, ctx, &lookup, &|id| self.is_claimed(id)))
    }

    /// Both phases through the configured host link, keyed by the signed-in operator
    /// and authorised by the void password. Earlier unanswered legs are reconciled
    /// first; a lost answer is reversed at once (`HostReversed`) or left for
    /// reconciliation (`HostUnreachable`).
    pub fn refund(&self, request: RefundRequest) -> Result<RefundOutcome, VoidGuardError> {
        let mut request = request;
        let result = self.transacting_operator().and_then(|operator_no| {
            let (hash, card) = self.refund_card()?.unzip();
            self.run_leg(
                &|tx, ctx, in_flight| {
                    refund::begin(tx, ctx, &request, &operator_no, hash.as_ref(), in_flight)
                },
                card,
            )
        });
        zeroize::Zeroize::zeroize(&mut request.password);
        let leg = result?;
        approved(&leg)?;
        self.read(|conn, _| refund::outcome(conn, &leg))
    }

    /// Phase one: every local check and the void password; persists the refund's
    /// host leg with the exact request. Send `request` to the host, then call
    /// `complete_refund`.
    pub fn begin_refund(&self, request: RefundRequest) -> Result<HostLeg, VoidGuardError> {
        let mut request = request;
        let result = self.transacting_operator().and_then(|operator_no| {
            // The app's own link sends this leg: the card is wiped here once hashed.
            let hash = self.refund_card()?.map(|(hash, _)| hash);
            self.begin_claimed(&|tx, ctx, in_flight| {
                refund::begin(tx, ctx, &request, &operator_no, hash.as_ref(), in_flight)
            })
        });
        zeroize::Zeroize::zeroize(&mut request.password);
        result.map(|leg| leg.public)
    }

    /// Phase two: records the host's answer to a refund. Calling it again for a
    /// resolved refund returns the recorded outcome and changes nothing.
    pub fn complete_refund(
        &self,
        leg_id: i64,
        reply: HostReply,
    ) -> Result<RefundOutcome, VoidGuardError> {
        let result = self.write(|tx, ctx| {
            if host_leg::load(tx, leg_id)?.public.kind != LegKind::Refund {
                return Err(VoidGuardError::UnknownHostLeg.into());
            }
            let leg = host_leg::complete(tx, ctx, leg_id, &reply, ReversalReason::NoAnswer)?;
            refund::outcome(tx, &leg)
        });
        self.release(leg_id);
        result
    }
}

impl Terminal {
    /// The card a refund must be done with, when the configuration says so.
    fn refund_card(&self) -> Result<Option<(PanHash, Card)>, VoidGuardError> {
        self.card_for(CardPurpose::Refund, self.config.refund_card_required, false)
    }
}
