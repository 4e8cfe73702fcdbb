//! Host legs driven by a scripted acquirer: the void's two phases, exactly-once
//! completion, declines, lost answers, reversals (冲正) after a restart, manual
//! handling, sales and settlement through the same engine, and settlement waiting for
//! all of it.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use common::*;
use voidguard::{
    Fen, HostError, HostLink, HostReply, HostRequest, LegDetail, LegKind, LegState, OriginalSale,
    ReconcileReport, Resolution, ReversalReason, ReversalReply, Transaction, TransactionKind,
    TransactionStatus, VoidGuardError,
};

fn ready_with(host: &Arc<ScriptedHost>) -> Fixture {
    let f = Fixture::with_host(Some(host.clone() as Arc<dyn HostLink>));
    f.make_ready();
    f
}

fn approved(rrn: &str, auth_code: &str) -> HostReply {
    HostReply::Approved {
        rrn: rrn.into(),
        auth_code: auth_code.into(),
    }
}

fn declined(code: &str) -> HostReply {
    HostReply::Declined {
        response_code: code.into(),
    }
}

fn void_rows(f: &Fixture) -> Vec<Transaction> {
    all_rows(&f.terminal)
        .into_iter()
        .filter(|t| t.kind == TransactionKind::Void)
        .collect()
}

fn status_of(f: &Fixture, sale: &Transaction) -> TransactionStatus {
    f.terminal
        .find_transaction(sale.voucher_no.clone())
        .unwrap()
        .unwrap()
        .status
}

fn files(f: &Fixture) -> (Vec<u8>, Vec<u8>) {
    let mut wal = f.db.as_os_str().to_owned();
    wal.push("-wal");
    (std::fs::read(&f.db).unwrap(), std::fs::read(wal).unwrap())
}

#[test]
fn two_phase_void_writes_exactly_one_void_row() {
    let host = ScriptedHost::new();
    let f = ready_with(&host);
    let sale = f.sale("88.00");

    let pending = f.terminal.begin_void(void_of(&sale)).unwrap();
    assert_eq!(pending.state, LegState::AwaitingAnswer);
    assert!(
        void_rows(&f).is_empty(),
        "nothing is voided before the answer"
    );
    assert_eq!(status_of(&f, &sale), TransactionStatus::Approved);

    let outcome = f
        .terminal
        .complete_void(pending.leg_id, approved("202611290001", "A1B2C3"))
        .unwrap();

    assert_eq!(outcome.state, LegState::Approved);
    assert_eq!(outcome.original.status, TransactionStatus::Voided);
    let void = outcome.void_transaction.unwrap();
    assert_eq!(void_rows(&f), vec![void.clone()]);
    assert_eq!(void.voucher_no, pending.voucher_no.clone().unwrap());
    assert_eq!(void.original_voucher_no.as_deref(), Some("000001"));
    assert_eq!(void.amount, sale.amount);
    assert_eq!(
        (void.rrn.as_str(), void.auth_code.as_str()),
        ("202611290001", "A1B2C3")
    );
    assert_eq!(void.authoriser_no.as_deref(), Some("00"));
    assert_eq!(void.void_reason.as_deref(), Some("customer_request"));
    assert!(f.terminal.pending_host_work().unwrap().is_empty());
    assert_eq!(host.calls(), (0, 0), "the caller ran the host leg itself");
}

#[test]
fn completing_a_resolved_void_again_returns_the_same_outcome_and_writes_nothing() {
    let host = ScriptedHost::new();
    let f = ready_with(&host);
    let sale = f.sale("88.00");
    let pending = f.terminal.begin_void(void_of(&sale)).unwrap();
    let first = f
        .terminal
        .complete_void(pending.leg_id, approved("202611290001", "A1B2C3"))
        .unwrap();
    let rows = all_rows(&f.terminal);
    let audited = f.terminal.verify_audit().unwrap().entries_checked;
    let bytes = files(&f);

    for retry in [
        approved("202611290001", "A1B2C3"),
        approved("999999999999", "ZZZZZZ"),
        declined("05"),
        HostReply::NoAnswer,
    ] {
        let again = f
            .terminal
            .complete_void(pending.leg_id, retry.clone())
            .unwrap();
        assert_eq!(again, first, "{retry:?}");
    }

    assert_eq!(all_rows(&f.terminal), rows);
    assert_eq!(void_rows(&f).len(), 1);
    assert_eq!(f.terminal.verify_audit().unwrap().entries_checked, audited);
    assert!(files(&f) == bytes, "a repeated answer changed the files");
}

#[test]
fn begin_void_persists_the_exact_host_request_before_the_host_is_called() {
    let host = ScriptedHost::new();
    let f = ready_with(&host);
    host.will_answer(LegKind::Sale, Ok(approved("202611290042", "A1B2C3")));
    let sale = f.sale("88.00");
    assert_eq!(
        (sale.rrn.as_str(), sale.auth_code.as_str()),
        ("202611290042", "A1B2C3")
    );
    *host.spy_on.lock().unwrap() = Some(f.db.clone());
    let expected = HostRequest {
        processing_code: "200000".into(),
        amount: Fen(8_800),
        currency: 156,
        batch_no: "000001".into(),
        business_date: f.today(),
        merchant_no: MERCHANT_NO.into(),
        terminal_id: TERMINAL_ID.into(),
        operator_no: CASHIER.into(),
        detail: LegDetail::Void {
            voucher_no: "000002".into(),
            original: OriginalSale {
                voucher_no: "000001".into(),
                batch_no: "000001".into(),
                rrn: "202611290042".into(),
                auth_code: "A1B2C3".into(),
                business_date: f.today(),
            },
        },
    };
    host.will_authorise(Ok(approved("202611290043", "D4E5F6")));

    f.terminal.void_transaction(void_of(&sale)).unwrap();

    assert_eq!(*host.authorised.lock().unwrap(), vec![expected.clone()]);
    let on_disk = host.on_disk_when_called.lock().unwrap();
    assert_eq!(on_disk.len(), 1);
    assert_eq!(
        on_disk[0].last(),
        Some(&("awaiting_answer".to_owned(), expected)),
        "the request was on disk, awaiting its answer, when the host got it"
    );
}

#[test]
fn a_declined_void_is_refused_and_the_sale_stays_approved() {
    let host = ScriptedHost::new();
    let f = ready_with(&host);
    let sale = f.sale("88.00");
    host.will_authorise(Ok(declined("05")));

    assert_eq!(
        f.terminal.void_transaction(void_of(&sale)),
        Err(VoidGuardError::HostDeclined {
            response_code: "05".into()
        })
    );

    assert_eq!(status_of(&f, &sale), TransactionStatus::Approved);
    assert!(void_rows(&f).is_empty());
    assert!(f.terminal.pending_host_work().unwrap().is_empty());
    assert_eq!(
        host.calls(),
        (1, 0),
        "a decline is an answer: nothing to reverse"
    );

    // The merchant may try again; the declined void spent voucher 000002.
    host.will_authorise(Ok(approved("202611290002", "B2C3D4")));
    let outcome = f.terminal.void_transaction(void_of(&sale)).unwrap();
    assert_eq!(outcome.void_transaction.unwrap().voucher_no, "000003");
}

#[test]
fn a_lost_answer_whose_reversal_fails_too_blocks_voids_until_reconciled_after_a_restart() {
    let host = ScriptedHost::new();
    let mut f = ready_with(&host);
    let lunch = f.sale("88.00");
    let coffee = f.sale("12.00");
    host.will_authorise(Err(HostError::Timeout));
    host.will_reverse(Err(HostError::Timeout));

    assert_eq!(
        f.terminal.void_transaction(void_of(&lunch)),
        Err(VoidGuardError::HostUnreachable)
    );

    let work = f.terminal.pending_host_work().unwrap();
    assert_eq!(work.len(), 1);
    assert_eq!(work[0].state, LegState::AwaitingReversal);
    assert_eq!(work[0].attempts, 1);
    assert_eq!(
        work[0].original_voucher_no.as_ref(),
        Some(&lunch.voucher_no)
    );
    assert_eq!(work[0].reversal_reason, Some(ReversalReason::NoAnswer));
    assert_eq!(f.terminal.status().unwrap().pending_host_work, 1);
    assert_eq!(
        f.terminal.begin_void(void_of(&coffee)),
        Err(VoidGuardError::PendingHostWork { count: 1 })
    );
    assert_eq!(
        f.terminal.void_preview(lookup_of(&coffee)),
        Err(VoidGuardError::PendingHostWork { count: 1 })
    );
    assert_eq!(
        f.terminal.begin_void(void_of(&lunch)),
        Err(VoidGuardError::VoidInProgress {
            voucher_no: lunch.voucher_no.clone()
        })
    );
    assert_eq!(host.calls(), (1, 1));

    f.reopen();
    host.will_reverse(Ok(ReversalReply::Reversed));
    assert_eq!(
        f.terminal.reconcile().unwrap(),
        ReconcileReport {
            reversed: 1,
            ..Default::default()
        }
    );

    assert_eq!(host.calls(), (1, 2));
    assert_eq!(
        host.reversed.lock().unwrap().last(),
        Some(&(work[0].request.clone(), ReversalReason::NoAnswer)),
        "the reversal names exactly the void that was sent, and why (98: no answer)"
    );
    assert!(f.terminal.pending_host_work().unwrap().is_empty());
    assert_eq!(status_of(&f, &lunch), TransactionStatus::Approved);
    assert!(void_rows(&f).is_empty());
    host.will_authorise(Ok(approved("202611290003", "C3D4E5")));
    let outcome = f.terminal.void_transaction(void_of(&lunch)).unwrap();
    assert_eq!(outcome.state, LegState::Approved);
    assert_eq!(status_of(&f, &lunch), TransactionStatus::Voided);
}

#[test]
fn a_void_left_awaiting_its_answer_by_a_crashed_session_is_reversed_on_reconcile() {
    let host = ScriptedHost::new();
    let mut f = ready_with(&host);
    let sale = f.sale("88.00");
    let pending = f.terminal.begin_void(void_of(&sale)).unwrap();

    f.reopen();

    let work = f.terminal.pending_host_work().unwrap();
    assert_eq!(
        work,
        vec![pending.clone()],
        "the pending void survived as it was"
    );
    host.will_reverse(Ok(ReversalReply::Reversed));
    assert_eq!(f.terminal.reconcile().unwrap().reversed, 1);
    // Left awaiting its answer by a process that died: a terminal fault (96).
    assert_eq!(
        *host.reversed.lock().unwrap(),
        vec![(pending.request, ReversalReason::TerminalFault)]
    );
    assert_eq!(host.calls(), (0, 1));
    assert_eq!(status_of(&f, &sale), TransactionStatus::Approved);
    assert!(f.terminal.pending_host_work().unwrap().is_empty());
    let again = f.terminal.begin_void(void_of(&sale)).unwrap();
    assert_eq!(again.state, LegState::AwaitingAnswer);
}

#[test]
fn reconcile_leaves_this_sessions_void_awaiting_its_answer_alone_until_the_answer_is_lost() {
    let host = ScriptedHost::new();
    let f = ready_with(&host);
    let sale = f.sale("88.00");
    let pending = f.terminal.begin_void(void_of(&sale)).unwrap();

    assert_eq!(f.terminal.reconcile().unwrap(), ReconcileReport::default());
    assert_eq!(host.calls(), (0, 0));
    assert_eq!(
        f.terminal.pending_host_work().unwrap(),
        vec![pending.clone()]
    );

    let lost = f
        .terminal
        .complete_void(pending.leg_id, HostReply::NoAnswer)
        .unwrap();
    assert_eq!(lost.state, LegState::AwaitingReversal);
    host.will_reverse(Ok(ReversalReply::Reversed));
    assert_eq!(f.terminal.reconcile().unwrap().reversed, 1);
    assert_eq!(host.calls(), (0, 1));
    assert_eq!(status_of(&f, &sale), TransactionStatus::Approved);
}

#[test]
fn a_reversal_answered_void_approved_confirms_the_void_on_reconcile() {
    let host = ScriptedHost::new();
    let mut f = ready_with(&host);
    let sale = f.sale("88.00");
    let pending = f.terminal.begin_void(void_of(&sale)).unwrap();
    f.reopen();
    host.will_reverse(Ok(ReversalReply::Approved {
        rrn: "998877665544".into(),
        auth_code: "Z9Y8X7".into(),
    }));

    assert_eq!(
        f.terminal.reconcile().unwrap(),
        ReconcileReport {
            confirmed: 1,
            ..Default::default()
        }
    );

    assert_eq!(status_of(&f, &sale), TransactionStatus::Voided);
    let voids = void_rows(&f);
    assert_eq!(voids.len(), 1);
    assert_eq!(voids[0].voucher_no, pending.voucher_no.clone().unwrap());
    assert_eq!(
        (voids[0].rrn.as_str(), voids[0].auth_code.as_str()),
        ("998877665544", "Z9Y8X7")
    );
    assert!(f.terminal.pending_host_work().unwrap().is_empty());
}

#[test]
fn a_lost_answer_the_reversal_reports_approved_is_a_successful_void() {
    let host = ScriptedHost::new();
    let f = ready_with(&host);
    let sale = f.sale("88.00");
    host.will_authorise(Err(HostError::Unreachable {
        reason: "socket closed".into(),
    }));
    host.will_reverse(Ok(ReversalReply::Approved {
        rrn: "998877665544".into(),
        auth_code: "Z9Y8X7".into(),
    }));

    let outcome = f.terminal.void_transaction(void_of(&sale)).unwrap();

    assert_eq!(outcome.state, LegState::Approved);
    assert_eq!(outcome.original.status, TransactionStatus::Voided);
    assert_eq!(outcome.void_transaction.unwrap().rrn, "998877665544");
    assert_eq!(void_rows(&f).len(), 1);
    assert_eq!(host.calls(), (1, 1));
}

#[test]
fn reversals_that_keep_failing_need_manual_handling_and_the_hosts_real_answer_resolves_it() {
    let host = ScriptedHost::new();
    let f = ready_with(&host);
    let lunch = f.sale("88.00");
    let coffee = f.sale("12.00");
    host.will_authorise(Err(HostError::Timeout));
    for _ in 0..3 {
        host.will_reverse(Err(HostError::Timeout));
    }

    assert_eq!(
        f.terminal.void_transaction(void_of(&lunch)),
        Err(VoidGuardError::HostUnreachable)
    );
    assert_eq!(f.terminal.reconcile().unwrap().still_pending, 1);
    assert_eq!(
        f.terminal.reconcile().unwrap(),
        ReconcileReport {
            needs_manual_handling: 1,
            ..Default::default()
        }
    );

    let work = f.terminal.pending_host_work().unwrap();
    assert_eq!(work.len(), 1);
    assert_eq!(work[0].state, LegState::NeedsManualHandling);
    assert_eq!(work[0].attempts, 3, "max_reversal_attempts");
    let manual_entries = f
        .terminal
        .audit(None, 500)
        .unwrap()
        .iter()
        .filter(|e| e.kind == "void.manual")
        .count();
    assert_eq!(manual_entries, 1);
    assert_eq!(
        f.terminal.begin_void(void_of(&coffee)),
        Err(VoidGuardError::PendingHostWork { count: 1 })
    );
    // Handed to the merchant, it is no longer reversed behind their back.
    assert_eq!(f.terminal.reconcile().unwrap(), ReconcileReport::default());
    assert_eq!(host.calls(), (1, 3));

    // A late host answer cannot close it: a reversal may be at the host already.
    assert_eq!(
        f.terminal
            .complete_void(work[0].leg_id, approved("202611290077", "M4N5O6")),
        Err(VoidGuardError::AnswerTooLate {
            state: LegState::NeedsManualHandling
        })
    );
    // The merchant calls the acquirer, who says the void went through; the
    // supervisor records it.
    let outcome = f
        .terminal
        .resolve_leg(
            work[0].leg_id,
            Resolution::Approved {
                rrn: "202611290077".into(),
                auth_code: "M4N5O6".into(),
            },
            PASSWORD.into(),
            "acquirer hotline, agent 0042".into(),
        )
        .unwrap();

    assert_eq!(outcome.state, LegState::Approved);
    assert_eq!(status_of(&f, &lunch), TransactionStatus::Voided);
    assert_eq!(void_rows(&f).len(), 1);
    assert!(f.terminal.pending_host_work().unwrap().is_empty());
    assert_eq!(host.calls(), (1, 3));
    host.will_authorise(Ok(approved("202611290078", "P7Q8R9")));
    f.terminal.void_transaction(void_of(&coffee)).unwrap();
}

#[test]
fn settlement_waits_for_a_void_this_session_awaits_without_calling_the_host() {
    let host = ScriptedHost::new();
    let f = ready_with(&host);
    let sale = f.sale("88.00");
    let pending = f.terminal.begin_void(void_of(&sale)).unwrap();

    assert_eq!(
        f.terminal.settle(),
        Err(VoidGuardError::PendingHostWork { count: 1 })
    );
    assert_eq!(host.calls(), (0, 0));

    f.terminal
        .complete_void(pending.leg_id, declined("51"))
        .unwrap();
    let report = f.terminal.settle().unwrap();
    assert_eq!((report.sale_count, report.void_count), (1, 0));
    assert_eq!(report.net_total, Fen(8_800));
}

#[test]
fn settlement_tries_to_reverse_first_and_refuses_while_the_reversal_fails() {
    let host = ScriptedHost::new();
    let f = ready_with(&host);
    let sale = f.sale("88.00");
    host.will_authorise(Err(HostError::Timeout));
    host.will_reverse(Err(HostError::Timeout));
    assert_eq!(
        f.terminal.void_transaction(void_of(&sale)),
        Err(VoidGuardError::HostUnreachable)
    );

    host.will_reverse(Err(HostError::Timeout));
    assert_eq!(
        f.terminal.settle(),
        Err(VoidGuardError::PendingHostWork { count: 1 })
    );
    assert_eq!(host.calls(), (1, 2), "settle tried a reversal first");
    assert_eq!(f.terminal.status().unwrap().batch_no, "000001");

    host.will_reverse(Ok(ReversalReply::Reversed));
    let report = f.terminal.settle().unwrap();
    assert_eq!(
        host.calls(),
        (2, 3),
        "the reversal, then the settlement itself"
    );
    let sent = host.authorised.lock().unwrap().last().cloned().unwrap();
    assert_eq!(sent.processing_code, "900000");
    assert_eq!(
        sent.detail,
        LegDetail::Settlement {
            totals: voidguard::BatchTotals {
                sale_count: 1,
                sale_total: Fen(8_800),
                void_count: 0,
                void_total: Fen(0),
                refund_count: 0,
                refund_total: Fen(0),
            }
        }
    );
    assert_eq!((report.sale_count, report.void_count), (1, 0));
    assert_eq!(report.batch_no, "000001");
    assert_eq!(status_of(&f, &sale), TransactionStatus::Settled);
}

#[test]
fn a_void_begun_before_midnight_and_answered_after_it_belongs_to_the_day_it_was_begun() {
    let f = Fixture::ready();
    // 23:59 in Beijing on the day of the sale.
    f.clock.advance(13 * 60 * MINUTE_MS + 59 * MINUTE_MS);
    let sale = f.sale("88.00");
    let day_one = f.today();
    let pending = f.terminal.begin_void(void_of(&sale)).unwrap();
    f.clock.advance(2 * MINUTE_MS);
    assert_ne!(
        f.today(),
        day_one,
        "the answer arrives on the next business day"
    );

    let outcome = f
        .terminal
        .complete_void(pending.leg_id, approved("202611300001", "A1B2C3"))
        .unwrap();

    let void = outcome.void_transaction.unwrap();
    assert_eq!(void.business_date, day_one);
    // The new day's limits are untouched: the void counted against the first day's.
    let next = f.sale("10.00");
    let preview = f.terminal.void_preview(lookup_of(&next)).unwrap();
    let config = config(&f.db);
    assert_eq!(preview.void_count_left_today, config.daily_void_count_limit);
    assert_eq!(
        preview.void_amount_left_today,
        config.daily_void_amount_limit
    );
    assert!(f.terminal.verify_audit().unwrap().ok);
}

#[test]
fn a_malformed_host_answer_is_no_answer_the_void_is_reversed_and_the_trail_says_so() {
    let host = ScriptedHost::new();
    let f = ready_with(&host);
    let sale = f.sale("88.00");
    // The host "approves" with an RRN that is not one, then cannot be reached for
    // the reversal it is owed, then approves the reversal with a bad auth code.
    host.will_authorise(Ok(approved("12345", "A1B2C3")));
    host.will_reverse(Err(HostError::Timeout));
    host.will_reverse(Ok(ReversalReply::Approved {
        rrn: "202611300002".into(),
        auth_code: "A1!".into(),
    }));
    host.will_reverse(Ok(ReversalReply::Reversed));

    assert_eq!(
        f.terminal.void_transaction(void_of(&sale)),
        Err(VoidGuardError::HostUnreachable),
        "never shown as the merchant's invalid input"
    );
    let work = f.terminal.pending_host_work().unwrap();
    assert_eq!(
        (work[0].state, work[0].attempts),
        (LegState::AwaitingReversal, 1)
    );
    let unanswered = f
        .terminal
        .audit(None, 100)
        .unwrap()
        .into_iter()
        .find(|e| e.kind == "void.unanswered")
        .unwrap();
    assert!(
        unanswered.detail.contains("malformed"),
        "{}",
        unanswered.detail
    );

    // The malformed approval of the reversal is a failed attempt, not a void.
    assert_eq!(f.terminal.reconcile().unwrap().still_pending, 1);
    assert_eq!(status_of(&f, &sale), TransactionStatus::Approved);
    assert_eq!(f.terminal.pending_host_work().unwrap()[0].attempts, 2);
    assert_eq!(f.terminal.reconcile().unwrap().reversed, 1);
    assert_eq!(status_of(&f, &sale), TransactionStatus::Approved);
    assert!(void_rows(&f).is_empty());
    assert_eq!(host.calls(), (1, 3));
}

/// A host that takes a moment over each reversal and counts them.
#[derive(Default)]
struct SlowReversals {
    reversals: AtomicU32,
}

impl HostLink for SlowReversals {
    fn send(&self, request: HostRequest) -> Result<HostReply, HostError> {
        match request.detail {
            LegDetail::Sale { voucher_no, .. } => {
                Ok(approved(&format!("{voucher_no:0>12}"), &voucher_no))
            }
            _ => Err(HostError::Timeout),
        }
    }

    fn reverse(
        &self,
        _request: HostRequest,
        _reason: ReversalReason,
    ) -> Result<ReversalReply, HostError> {
        // The first reversal, sent by the void itself, is lost too.
        if self.reversals.fetch_add(1, Ordering::SeqCst) == 0 {
            return Err(HostError::Timeout);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        Ok(ReversalReply::Reversed)
    }
}

#[test]
fn threads_reconciling_at_once_send_each_reversal_once() {
    let host = Arc::new(SlowReversals::default());
    let f = Fixture::with_host(Some(host.clone() as Arc<dyn HostLink>));
    f.make_ready();
    let sale = f.sale("88.00");
    assert_eq!(
        f.terminal.void_transaction(void_of(&sale)),
        Err(VoidGuardError::HostUnreachable)
    );
    assert_eq!(host.reversals.load(Ordering::SeqCst), 1);

    let terminal: &voidguard::Terminal = &f.terminal;
    let reversed: u32 = std::thread::scope(|s| {
        let threads: Vec<_> = (0..4)
            .map(|_| s.spawn(|| terminal.reconcile().unwrap().reversed))
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).sum()
    });

    assert_eq!(reversed, 1);
    assert_eq!(
        host.reversals.load(Ordering::SeqCst),
        2,
        "one reversal per void"
    );
    assert!(f.terminal.pending_host_work().unwrap().is_empty());
}

#[test]
fn a_reversal_left_from_an_earlier_day_that_fails_again_goes_to_manual_handling_at_once() {
    let host = ScriptedHost::new();
    let f = ready_with(&host);
    let sale = f.sale("88.00");
    host.will_authorise(Err(HostError::Timeout));
    host.will_reverse(Err(HostError::Timeout));
    host.will_reverse(Err(HostError::Timeout));
    assert_eq!(
        f.terminal.void_transaction(void_of(&sale)),
        Err(VoidGuardError::HostUnreachable)
    );
    assert_eq!(f.terminal.pending_host_work().unwrap()[0].attempts, 1);

    // The next business day: one attempt of the three is left, but a reversal that
    // old is handed to the merchant as soon as it fails again.
    f.clock.advance(24 * 60 * MINUTE_MS);
    let report = f.terminal.reconcile().unwrap();
    assert_eq!(report.needs_manual_handling, 1, "{report:?}");
    let work = f.terminal.pending_host_work().unwrap();
    assert_eq!(
        (work[0].state, work[0].attempts),
        (LegState::NeedsManualHandling, 2)
    );
}

fn sale_rows(f: &Fixture) -> Vec<Transaction> {
    all_rows(&f.terminal)
        .into_iter()
        .filter(|t| t.kind == TransactionKind::Sale)
        .collect()
}

#[test]
fn a_sale_is_journaled_with_the_hosts_numbers_only_when_the_host_approves() {
    let host = ScriptedHost::new();
    let f = ready_with(&host);
    *host.spy_on.lock().unwrap() = Some(f.db.clone());
    host.will_answer(LegKind::Sale, Ok(approved("202612020001", "Z9Y8X7")));
    let sale = f.sale("18.80");
    assert_eq!(
        (sale.rrn.as_str(), sale.auth_code.as_str()),
        ("202612020001", "Z9Y8X7")
    );
    // The request was on disk before it left, with the card as the journal keeps it.
    let on_disk = host.on_disk_when_called.lock().unwrap().clone();
    let (state, request) = on_disk[0].last().unwrap().clone();
    assert_eq!(state, "awaiting_answer");
    assert_eq!(request.processing_code, "000000");
    assert_eq!(
        request.detail,
        LegDetail::Sale {
            voucher_no: sale.voucher_no.clone(),
            masked_pan: "622202*********0123".into(),
            card_scheme: "UnionPay".into(),
        }
    );

    host.will_answer(LegKind::Sale, Ok(declined("51")));
    assert_eq!(
        f.terminal.record_sale(sale_request("9.90")),
        Err(VoidGuardError::HostDeclined {
            response_code: "51".into()
        })
    );
    assert_eq!(sale_rows(&f).len(), 1, "a declined sale leaves no row");
    // The first leg is the sale's: no answer to a void can close it.
    assert_eq!(
        f.terminal
            .complete_void(1, approved("202612020003", "C3D4E5"))
            .map(drop),
        Err(VoidGuardError::UnknownHostLeg)
    );
    assert!(f.terminal.pending_host_work().unwrap().is_empty());
    let trail: Vec<String> = f
        .terminal
        .audit(None, 50)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .filter(|k| k.starts_with("sale."))
        .collect();
    assert_eq!(
        trail,
        ["sale.declined", "sale.begun", "sale.approved", "sale.begun"],
        "newest first"
    );
}

#[test]
fn a_sale_whose_answer_was_lost_is_reversed_and_leaves_no_row() {
    let host = ScriptedHost::new();
    let f = ready_with(&host);
    host.will_answer(LegKind::Sale, Err(HostError::Timeout));
    host.will_reverse(Ok(ReversalReply::Reversed));
    assert_eq!(
        f.terminal.record_sale(sale_request("66.00")),
        Err(VoidGuardError::HostReversed)
    );
    assert!(sale_rows(&f).is_empty());
    assert!(f.terminal.pending_host_work().unwrap().is_empty());
    let reversed = host.reversed.lock().unwrap().clone();
    assert_eq!(reversed.len(), 1);
    assert_eq!(reversed[0].0.processing_code, "000000");
    assert_eq!(reversed[0].1, ReversalReason::NoAnswer);

    // Lost again, and the reversal too: the sale waits for reconciliation, which the
    // next sale runs first.
    host.will_answer(
        LegKind::Sale,
        Err(HostError::Protocol {
            reason: "garbled".into(),
        }),
    );
    host.will_reverse(Err(HostError::Timeout));
    assert_eq!(
        f.terminal.record_sale(sale_request("66.00")),
        Err(VoidGuardError::HostUnreachable)
    );
    let work = f.terminal.pending_host_work().unwrap();
    assert_eq!(
        (
            work.len(),
            work[0].kind,
            work[0].state,
            work[0].reversal_reason
        ),
        (
            1,
            LegKind::Sale,
            LegState::AwaitingReversal,
            Some(ReversalReason::Other)
        )
    );
    host.will_reverse(Ok(ReversalReply::Approved {
        rrn: "202612020077".into(),
        auth_code: "CONF01".into(),
    }));
    let next = f.sale("12.00");
    // The host said the lost sale went through: it is journaled before the next one.
    let rows = sale_rows(&f);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].rrn, "202612020077");
    assert_eq!(rows[0].amount, Fen(6_600));
    assert_eq!(rows[1].id, next.id);
    assert!(f.terminal.pending_host_work().unwrap().is_empty());
    assert!(f.terminal.verify_audit().unwrap().ok);
}

#[test]
fn a_settlement_the_host_declines_leaves_the_local_batch_open() {
    let host = ScriptedHost::new();
    let f = ready_with(&host);
    let sale = f.sale("88.00");
    f.sign_in_as("00");
    host.will_answer(LegKind::Settlement, Ok(declined("95")));
    assert_eq!(
        f.terminal.settle(),
        Err(VoidGuardError::HostDeclined {
            response_code: "95".into()
        })
    );
    assert_eq!(f.terminal.status().unwrap().batch_no, "000001");
    assert_eq!(status_of(&f, &sale), TransactionStatus::Approved);
    // Still the open batch: the sale can be voided, then the batch settled.
    host.will_authorise(Ok(approved("202612020002", "B2C3D4")));
    f.terminal.void_transaction(void_of(&sale)).unwrap();
    let report = f.terminal.settle().unwrap();
    assert_eq!(
        (report.batch_no.as_str(), report.next_batch_no.as_str()),
        ("000001", "000002")
    );
    assert_eq!(
        (report.sale_count, report.void_count, report.net_total),
        (1, 1, Fen(0))
    );
    assert_eq!(f.terminal.status().unwrap().batch_no, "000002");
}

#[test]
fn a_settlement_whose_answer_was_lost_closes_the_batch_only_when_the_host_says_it_settled() {
    let host = ScriptedHost::new();
    let mut f = ready_with(&host);
    let sale = f.sale("88.00");
    f.sign_in_as("00");
    host.will_answer(LegKind::Settlement, Err(HostError::Timeout));
    host.will_reverse(Err(HostError::Timeout));
    assert_eq!(f.terminal.settle(), Err(VoidGuardError::HostUnreachable));
    assert_eq!(f.terminal.status().unwrap().batch_no, "000001");
    // While the settlement is open nothing may change its totals: the sale tries the
    // reversal first, and it fails again.
    f.sign_in_as("01");
    host.will_reverse(Err(HostError::Timeout));
    assert_eq!(
        f.terminal.record_sale(sale_request("1.00")),
        Err(VoidGuardError::PendingHostWork { count: 1 })
    );
    f.reopen();
    // Asked again, the host says the batch is closed there: it closes here too.
    host.will_reverse(Ok(ReversalReply::Approved {
        rrn: String::new(),
        auth_code: String::new(),
    }));
    assert_eq!(f.terminal.reconcile().unwrap().confirmed, 1);
    assert_eq!(f.terminal.status().unwrap().batch_no, "000002");
    assert_eq!(status_of(&f, &sale), TransactionStatus::Settled);
    let reasons: Vec<ReversalReason> = host
        .reversed
        .lock()
        .unwrap()
        .iter()
        .map(|(_, r)| *r)
        .collect();
    assert_eq!(reasons, [ReversalReason::NoAnswer; 3]);
    f.sale("2.00");
    assert!(f.terminal.verify_audit().unwrap().ok);
}

#[test]
fn a_sale_and_a_settlement_in_manual_handling_are_resolved_by_the_supervisor() {
    let host = ScriptedHost::new();
    let f = ready_with(&host);
    let max = config(&f.db).max_reversal_attempts;
    host.will_answer(LegKind::Sale, Err(HostError::Timeout));
    for _ in 0..max {
        host.will_reverse(Err(HostError::Timeout));
    }
    assert_eq!(
        f.terminal.record_sale(sale_request("30.00")),
        Err(VoidGuardError::HostUnreachable)
    );
    while f.terminal.pending_host_work().unwrap()[0].state != LegState::NeedsManualHandling {
        f.terminal.reconcile().unwrap();
    }
    // Sales go on; settlement waits for the books to agree.
    let later = f.sale("5.00");
    f.sign_in_as("00");
    assert_eq!(
        f.terminal.settle(),
        Err(VoidGuardError::PendingHostWork { count: 1 })
    );
    let leg = f.terminal.pending_host_work().unwrap()[0].clone();
    assert_eq!(leg.kind, LegKind::Sale);
    let resolved = f
        .terminal
        .resolve_leg(
            leg.leg_id,
            Resolution::Approved {
                rrn: "202612020099".into(),
                auth_code: "MAN001".into(),
            },
            PASSWORD.into(),
            "acquirer hotline".into(),
        )
        .unwrap();
    assert_eq!(resolved.state, LegState::Approved);
    let journaled = f
        .terminal
        .find_transaction(leg.voucher_no.clone().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            journaled.rrn.as_str(),
            journaled.amount,
            journaled.operator_no.as_str()
        ),
        ("202612020099", Fen(3_000), CASHIER)
    );

    // A settlement stuck the same way, closed by what the acquirer says.
    host.will_answer(LegKind::Settlement, Err(HostError::Timeout));
    for _ in 0..max {
        host.will_reverse(Err(HostError::Timeout));
    }
    assert_eq!(f.terminal.settle(), Err(VoidGuardError::HostUnreachable));
    while f.terminal.pending_host_work().unwrap()[0].state != LegState::NeedsManualHandling {
        f.terminal.reconcile().unwrap();
    }
    let leg = f.terminal.pending_host_work().unwrap()[0].clone();
    assert_eq!(
        (leg.kind, leg.voucher_no.as_deref()),
        (LegKind::Settlement, None)
    );
    let resolved = f
        .terminal
        .resolve_leg(
            leg.leg_id,
            Resolution::Approved {
                rrn: String::new(),
                auth_code: String::new(),
            },
            PASSWORD.into(),
            "batch closed at the host".into(),
        )
        .unwrap();
    assert_eq!(resolved.state, LegState::Approved);
    assert_eq!(f.terminal.status().unwrap().batch_no, "000002");
    assert_eq!(status_of(&f, &later), TransactionStatus::Settled);
    assert!(f.terminal.verify_audit().unwrap().ok);
}
