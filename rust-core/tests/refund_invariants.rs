//! Random merchant days with refunds: sales, voids, settlements and partial refunds
//! (some over the balance, some of voided sales, some with the host timing out) in
//! any order. Whatever the order, no sale is ever refunded beyond its amount, every
//! refund points at a sale that was neither voided nor reversed, each settlement's
//! net is its sales − voids − refunds, and the audit chain verifies.

mod common;

use std::collections::HashMap;

use common::*;
use proptest::prelude::*;
use voidguard::{
    Fen, RefundLookup, RefundRequest, SimulatorMode, TransactionKind, TransactionStatus,
    VoidGuardError,
};

#[derive(Debug, Clone)]
enum Op {
    Sale(i64),
    /// Void the `pick`-th sale so far.
    Void(usize),
    Settle,
    /// Refund `fen` of the `pick`-th sale so far, the host answering as `host`.
    Refund {
        pick: usize,
        fen: i64,
        host: SimulatorMode,
    },
    NextDay,
}

fn op() -> impl Strategy<Value = Op> {
    let host = prop_oneof![
        6 => Just(SimulatorMode::Approve),
        1 => Just(SimulatorMode::Decline),
        1 => Just(SimulatorMode::Timeout),
    ];
    prop_oneof![
        4 => (100i64..=20_000).prop_map(Op::Sale),
        1 => any::<usize>().prop_map(Op::Void),
        1 => Just(Op::Settle),
        1 => Just(Op::NextDay),
        5 => (any::<usize>(), 1i64..=12_000, host)
            .prop_map(|(pick, fen, host)| Op::Refund { pick, fen, host }),
    ]
}

fn money(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

fn run_day(ops: &[Op]) {
    let f = Fixture::ready_with_config(|c| c.daily_refund_count_limit = 1_000);
    let mut sales = Vec::new();
    // The model: what was approved of each sale, by id.
    let mut refunded: HashMap<i64, i64> = HashMap::new();
    for op in ops {
        match op {
            Op::Sale(fen) => sales.push(f.sale(&money(*fen))),
            Op::Void(pick) if !sales.is_empty() => {
                let sale = &sales[pick % sales.len()];
                match f.terminal.void_transaction(void_of(sale)) {
                    Ok(_) => assert_eq!(refunded.get(&sale.id), None, "a refunded sale voided"),
                    Err(VoidGuardError::AlreadyVoided { .. })
                    | Err(VoidGuardError::SettledUseRefund { .. })
                    | Err(VoidGuardError::NotSameBusinessDate { .. }) => {}
                    // A refund left unanswered on an earlier day waits for manual
                    // handling, and voids wait for it.
                    Err(VoidGuardError::PendingHostWork { count }) => assert_eq!(
                        f.terminal.pending_host_work().unwrap().len(),
                        count as usize
                    ),
                    Err(e) => panic!("void refused with {e:?}"),
                }
            }
            Op::Void(_) => {}
            Op::Settle => match f.terminal.settle() {
                Ok(r) => assert_eq!(
                    r.net_total.0,
                    r.sale_total.0 - r.void_total.0 - r.refund_total.0
                ),
                Err(VoidGuardError::PendingHostWork { .. }) => {}
                Err(e) => panic!("settlement refused with {e:?}"),
            },
            Op::NextDay => f.clock.advance(DAY_MS),
            Op::Refund { pick, fen, host } if !sales.is_empty() => {
                let sale = &sales[pick % sales.len()];
                f.terminal.set_simulator_mode(*host).unwrap();
                let result = f.terminal.refund(RefundRequest {
                    lookup: RefundLookup {
                        rrn: Some(sale.rrn.clone()),
                        date: Some(sale.business_date.clone()),
                        ..Default::default()
                    },
                    amount: money(*fen),
                    password: PASSWORD.into(),
                    reason: "goods_returned".into(),
                });
                f.terminal
                    .set_simulator_mode(SimulatorMode::Approve)
                    .unwrap();
                let done = refunded.get(&sale.id).copied().unwrap_or(0);
                match result {
                    Ok(outcome) => {
                        assert!(done + fen <= sale.amount.0, "over-refunded {sale:?}");
                        assert_eq!(outcome.refund.unwrap().amount, Fen(*fen));
                        refunded.insert(sale.id, done + fen);
                    }
                    Err(VoidGuardError::RefundOverBalance { balance }) => {
                        assert_eq!(balance.0, sale.amount.0 - done);
                        assert!(done + fen > sale.amount.0);
                    }
                    Err(
                        VoidGuardError::RefundUseVoid { .. }
                        | VoidGuardError::RefundOfVoidedSale { .. }
                        | VoidGuardError::HostDeclined { .. }
                        | VoidGuardError::HostReversed
                        | VoidGuardError::HostUnreachable
                        | VoidGuardError::PendingHostWork { .. },
                    ) => {}
                    Err(e) => panic!("refund refused with {e:?}"),
                }
            }
            Op::Refund { .. } => {}
        }
    }
    f.terminal.reconcile().unwrap();

    let rows = all_rows(&f.terminal);
    let mut in_journal: HashMap<i64, i64> = HashMap::new();
    for r in rows.iter().filter(|r| r.kind == TransactionKind::Refund) {
        let sale = rows
            .iter()
            .find(|s| {
                Some(&s.voucher_no) == r.original_voucher_no.as_ref()
                    && s.kind == TransactionKind::Sale
                    && Some(&s.rrn) == r.original_rrn.as_ref()
            })
            .expect("a refund points at a sale of this journal");
        assert!(
            matches!(
                sale.status,
                TransactionStatus::Approved | TransactionStatus::Settled
            ),
            "a refund of a {:?} sale",
            sale.status
        );
        *in_journal.entry(sale.id).or_default() += r.amount.0;
    }
    for (id, total) in &in_journal {
        let sale = rows.iter().find(|s| s.id == *id).unwrap();
        assert!(
            *total <= sale.amount.0,
            "sale {id} refunded {total} of {}",
            sale.amount.0
        );
    }
    assert_eq!(
        in_journal, refunded,
        "the journal holds the approved refunds"
    );
    assert!(f.terminal.verify_audit().unwrap().ok);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 16,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_sale_is_ever_refunded_beyond_its_amount(ops in proptest::collection::vec(op(), 1..40)) {
        run_day(&ops);
    }
}
