//! Random merchant days against a simple model of the journal: sales, voids of
//! earlier vouchers (approved, declined, or lost and then reversed), and settlements.
//! Whatever the order, the journal keeps its invariants: a void points at exactly one
//! voided sale of its batch, no sale is voided twice, a void is for the original's
//! amount, voucher numbers are unique per batch, settlement totals add up, and the
//! audit chain verifies.

mod common;

use std::collections::{HashMap, HashSet};

use common::*;
use proptest::prelude::*;
use voidguard::{
    Fen, LegState, SimulatorMode, Transaction, TransactionKind, TransactionStatus, VoidGuardError,
    VoidRequest,
};

#[derive(Debug, Clone)]
enum Op {
    Sale(i64),
    /// Void the `pick`-th sale so far (one past the end: a voucher never issued).
    Void {
        pick: usize,
        host: SimulatorMode,
    },
    Settle,
}

fn op() -> impl Strategy<Value = Op> {
    let amount = prop_oneof![1i64..=10_000, 100_000i64..=1_500_000];
    let host = prop_oneof![
        6 => Just(SimulatorMode::Approve),
        1 => Just(SimulatorMode::Decline),
        1 => Just(SimulatorMode::Timeout),
    ];
    prop_oneof![
        5 => amount.prop_map(Op::Sale),
        4 => (any::<usize>(), host).prop_map(|(pick, host)| Op::Void { pick, host }),
        1 => Just(Op::Settle),
    ]
}

#[derive(Debug)]
struct Sale {
    voucher: u32,
    batch: u32,
    amount: i64,
    void_voucher: Option<u32>,
    settled: bool,
}

#[derive(Debug, Default)]
struct Model {
    next_voucher: u32,
    batch: u32,
    sales: Vec<Sale>,
    /// (batch, void voucher, original voucher, amount)
    voids: Vec<(u32, u32, u32, i64)>,
    voids_today: u32,
    voided_today: i64,
}

fn six(n: u32) -> String {
    format!("{n:06}")
}

impl Model {
    fn take_voucher(&mut self) -> u32 {
        let v = self.next_voucher;
        self.next_voucher += 1;
        v
    }
}

/// Runs the day and returns which branches of the model it went through.
fn run(ops: &[Op]) -> HashSet<&'static str> {
    let mut seen = HashSet::new();
    let f = Fixture::ready();
    let t = &f.terminal;
    let limits = config(&f.db);
    let mut m = Model {
        next_voucher: 1,
        batch: 1,
        ..Model::default()
    };

    for op in ops {
        f.clock.advance(MINUTE_MS);
        match *op {
            Op::Sale(fen) => {
                let sale = f.sale(&Fen(fen).to_decimal_string());
                let voucher = m.take_voucher();
                assert_eq!(
                    (sale.voucher_no.as_str(), sale.batch_no.as_str()),
                    (six(voucher).as_str(), six(m.batch).as_str())
                );
                assert_eq!(sale.amount, Fen(fen));
                seen.insert("sale");
                m.sales.push(Sale {
                    voucher,
                    batch: m.batch,
                    amount: fen,
                    void_voucher: None,
                    settled: false,
                });
            }
            Op::Void { pick, host } => {
                let index = pick % (m.sales.len() + 1);
                let Some(sale) = m.sales.get(index) else {
                    let voucher_no = six(m.next_voucher + 100);
                    let request = VoidRequest {
                        voucher_no: voucher_no.clone(),
                        date: f.today(),
                        amount: "1.00".into(),
                        password: PASSWORD.into(),
                        reason: "customer_request".into(),
                    };
                    assert_eq!(
                        t.void_transaction(request),
                        Err(VoidGuardError::TransactionNotFound { voucher_no })
                    );
                    seen.insert("voucher not found");
                    continue;
                };
                let request = VoidRequest {
                    voucher_no: six(sale.voucher),
                    date: f.today(),
                    amount: Fen(sale.amount).to_decimal_string(),
                    password: PASSWORD.into(),
                    reason: "customer_request".into(),
                };
                let refusal = if let Some(void_voucher) = sale.void_voucher {
                    seen.insert("already voided");
                    Some(VoidGuardError::AlreadyVoided {
                        voucher_no: six(sale.voucher),
                        void_voucher_no: six(void_voucher),
                    })
                } else if sale.batch != m.batch {
                    seen.insert("settled: use a refund");
                    Some(VoidGuardError::SettledUseRefund {
                        voucher_no: six(sale.voucher),
                        batch_no: six(sale.batch),
                    })
                } else if m.voids_today >= limits.daily_void_count_limit {
                    seen.insert("count limit");
                    Some(VoidGuardError::DailyCountLimitReached {
                        limit: limits.daily_void_count_limit,
                    })
                } else if m.voided_today + sale.amount > limits.daily_void_amount_limit.0 {
                    seen.insert("amount limit");
                    Some(VoidGuardError::DailyAmountLimitReached {
                        limit: limits.daily_void_amount_limit,
                        used: Fen(m.voided_today),
                    })
                } else {
                    None
                };
                if let Some(refusal) = refusal {
                    assert_eq!(t.void_transaction(request), Err(refusal));
                    continue;
                }
                let (batch, amount) = (sale.batch, sale.amount);
                let void_voucher = m.take_voucher();
                t.set_simulator_mode(host).unwrap();
                let result = t.void_transaction(request);
                t.set_simulator_mode(SimulatorMode::Approve).unwrap();
                match host {
                    SimulatorMode::Approve => {
                        let outcome = result.unwrap();
                        assert_eq!(outcome.state, LegState::Approved);
                        let void = outcome.void_transaction.unwrap();
                        assert_eq!(void.voucher_no, six(void_voucher));
                        m.sales[index].void_voucher = Some(void_voucher);
                        m.voids
                            .push((batch, void_voucher, m.sales[index].voucher, amount));
                        m.voids_today += 1;
                        m.voided_today += amount;
                        seen.insert("void approved");
                    }
                    SimulatorMode::Decline => {
                        assert_eq!(
                            result,
                            Err(VoidGuardError::HostDeclined {
                                response_code: "05".into()
                            })
                        );
                        seen.insert("void declined");
                    }
                    SimulatorMode::Timeout => {
                        assert_eq!(result, Err(VoidGuardError::HostUnreachable));
                        assert_eq!(t.pending_host_work().unwrap().len(), 1);
                        assert_eq!(t.reconcile().unwrap().reversed, 1);
                        assert!(t.pending_host_work().unwrap().is_empty());
                        seen.insert("void lost and reversed");
                    }
                }
            }
            Op::Settle => {
                let in_batch = m.sales.iter().filter(|s| s.batch == m.batch);
                let (sale_count, sale_total) =
                    in_batch.fold((0u32, 0i64), |(n, sum), s| (n + 1, sum + s.amount));
                let (void_count, void_total) = m
                    .voids
                    .iter()
                    .filter(|v| v.0 == m.batch)
                    .fold((0u32, 0i64), |(n, sum), v| (n + 1, sum + v.3));
                let report = t.settle().unwrap();
                assert_eq!(report.batch_no, six(m.batch));
                assert_eq!(report.next_batch_no, six(m.batch + 1));
                assert_eq!(
                    (report.sale_count, report.sale_total),
                    (sale_count, Fen(sale_total))
                );
                assert_eq!(
                    (report.void_count, report.void_total),
                    (void_count, Fen(void_total))
                );
                assert_eq!(report.net_total, Fen(sale_total - void_total));
                for s in m.sales.iter_mut().filter(|s| s.batch == m.batch) {
                    s.settled = s.void_voucher.is_none();
                }
                m.batch += 1;
                seen.insert("settle");
            }
        }
    }

    check_journal(&all_rows(t), &m);
    let audit = t.verify_audit().unwrap();
    assert!(audit.ok, "{audit:?}");
    seen
}

fn check_journal(rows: &[Transaction], m: &Model) {
    assert_eq!(rows.len(), m.sales.len() + m.voids.len());

    let mut numbers = HashSet::new();
    for row in rows {
        assert!(
            numbers.insert((row.batch_no.clone(), row.voucher_no.clone())),
            "voucher {} appears twice in batch {}",
            row.voucher_no,
            row.batch_no
        );
    }

    let sales: Vec<&Transaction> = rows
        .iter()
        .filter(|r| r.kind == TransactionKind::Sale)
        .collect();
    let mut voided_by: HashMap<(String, String), usize> = HashMap::new();
    for void in rows.iter().filter(|r| r.kind == TransactionKind::Void) {
        let original = void
            .original_voucher_no
            .clone()
            .expect("a void names its sale");
        let matches: Vec<_> = sales
            .iter()
            .filter(|s| s.batch_no == void.batch_no && s.voucher_no == original)
            .collect();
        assert_eq!(
            matches.len(),
            1,
            "void {} points at one sale",
            void.voucher_no
        );
        assert_eq!(matches[0].status, TransactionStatus::Voided);
        assert_eq!(matches[0].amount, void.amount);
        *voided_by
            .entry((void.batch_no.clone(), original))
            .or_default() += 1;
    }
    assert!(voided_by.values().all(|n| *n == 1), "a sale voided twice");
    let voided_sales = sales
        .iter()
        .filter(|s| s.status == TransactionStatus::Voided)
        .count();
    assert_eq!(voided_sales, voided_by.len());

    for s in &m.sales {
        let row = sales
            .iter()
            .find(|r| r.voucher_no == six(s.voucher) && r.batch_no == six(s.batch))
            .expect("every sale is journaled");
        let expected = match (s.void_voucher, s.settled) {
            (Some(_), _) => TransactionStatus::Voided,
            (None, true) => TransactionStatus::Settled,
            (None, false) => TransactionStatus::Approved,
        };
        assert_eq!(row.status, expected, "sale {}", row.voucher_no);
        assert_eq!(row.amount, Fen(s.amount));
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_days_keep_the_journal_invariants(ops in prop::collection::vec(op(), 1..40)) {
        run(&ops);
    }
}

#[test]
fn a_scripted_day_goes_through_every_branch_of_the_model() {
    use Op::*;
    let approve = |pick| Void {
        pick,
        host: SimulatorMode::Approve,
    };
    let mut ops = vec![Sale(1_000), Sale(2_000), Sale(3_000)];
    ops.extend([approve(0), approve(0)]);
    ops.push(Void {
        pick: 1,
        host: SimulatorMode::Decline,
    });
    ops.push(Void {
        pick: 1,
        host: SimulatorMode::Timeout,
    });
    ops.extend([approve(3), Settle, approve(2)]);
    // Big voids run into the amount limit, then small ones into the count limit.
    ops.extend((0..4).map(|_| Sale(1_500_000)));
    ops.extend((3..7).map(approve));
    ops.extend((0..20).map(|_| Sale(100)));
    ops.extend((7..27).map(approve));
    ops.push(Settle);

    let seen = run(&ops);

    let mut missing: Vec<_> = [
        "sale",
        "void approved",
        "void declined",
        "void lost and reversed",
        "voucher not found",
        "already voided",
        "settled: use a refund",
        "amount limit",
        "count limit",
        "settle",
    ]
    .into_iter()
    .filter(|b| !seen.contains(b))
    .collect();
    missing.sort_unstable();
    assert!(missing.is_empty(), "never went through {missing:?}");
}
