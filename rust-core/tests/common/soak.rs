//! What the crash soaks' child processes share (`examples/crash_child.rs` over the
//! in-process hosts, `examples/tcp_crash_child.rs` over TCP): the cashiers who take
//! turns, the configuration a long run opens with, how a line reaches the watching
//! test, and the refusals a merchant may be shown during such a day.
#![allow(unused_macros, unused_imports)]

use std::time::Duration;

use voidguard::{Fen, Terminal, TerminalConfig, VoidGuardError};

use super::{unlimited_voids, ADMIN_PASSWORD, CASHIER_PASSWORD};

/// The cashiers who take turns at the counter.
pub const CASHIERS: [&str; 4] = ["01", "02", "03", "04"];
/// A killed child must not outlive a test that stopped watching it.
pub const MAX_RUN: Duration = Duration::from_secs(120);

/// Cheap key derivation and daily limits that do not stop a long run: its clock
/// moves seconds per act, so the default limits would end voids and refunds early
/// (the limits have their own tests).
pub fn soak_config(db: &str) -> TerminalConfig {
    let mut config = super::config(std::path::Path::new(db));
    unlimited_voids(&mut config);
    config.daily_refund_count_limit = 1_000_000;
    config.daily_refund_amount_limit = Fen(i64::MAX / 4);
    config
}

/// Writes one whole line and flushes it; a parent that is gone ends the child.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut line = format!($($arg)*);
        line.push('\n');
        let mut out = std::io::stdout().lock();
        if out.write_all(line.as_bytes()).and_then(|()| out.flush()).is_err() {
            std::process::exit(0);
        }
    }};
}
pub(crate) use say;

/// An answer no merchant could be given: the parent sees the panic and fails.
pub fn fail(what: &str, e: VoidGuardError) -> ! {
    panic!("{what} failed with {e:?}");
}

/// The refusals a merchant may be shown during such a day, by name.
pub fn refusal_name(e: &VoidGuardError) -> Option<&'static str> {
    Some(match e {
        VoidGuardError::AlreadyVoided { .. } => "AlreadyVoided",
        VoidGuardError::SettledUseRefund { .. } => "SettledUseRefund",
        VoidGuardError::NotSameBusinessDate { .. } => "NotSameBusinessDate",
        VoidGuardError::AmountMismatch => "AmountMismatch",
        VoidGuardError::VoidInProgress { .. } => "VoidInProgress",
        VoidGuardError::PendingHostWork { .. } => "PendingHostWork",
        VoidGuardError::RefundOverBalance { .. } => "RefundOverBalance",
        VoidGuardError::RefundOfVoidedSale { .. } => "RefundOfVoidedSale",
        VoidGuardError::RefundUseVoid { .. } => "RefundUseVoid",
        VoidGuardError::DailyRefundCountLimitReached { .. } => "DailyRefundCountLimitReached",
        VoidGuardError::DailyRefundAmountLimitReached { .. } => "DailyRefundAmountLimitReached",
        VoidGuardError::RefundOverCap { .. } => "RefundOverCap",
        _ => return None,
    })
}

/// The cashiers a fresh (or restarted) terminal lacks.
pub fn missing_cashiers(terminal: &Terminal) -> Vec<&'static str> {
    let known = terminal
        .operators()
        .unwrap_or_else(|e| fail("operators", e));
    CASHIERS
        .into_iter()
        .filter(|no| !known.iter().any(|o| o.operator_no == *no && o.active))
        .collect()
}

/// The administrator adds `missing` and signs out again.
pub fn hire(terminal: &Terminal, missing: &[&str]) {
    terminal
        .sign_in("99".into(), ADMIN_PASSWORD.into())
        .unwrap_or_else(|e| fail("administrator sign-in", e));
    for no in missing {
        terminal
            .add_operator((*no).into(), CASHIER_PASSWORD.into())
            .unwrap_or_else(|e| fail("add operator", e));
    }
    terminal
        .sign_out()
        .unwrap_or_else(|e| fail("administrator sign-out", e));
}

/// A sale of up to 5,000.00 on a UnionPay card keyed in full.
pub fn sale_request(rng: &mut super::Rng) -> voidguard::SaleRequest {
    voidguard::SaleRequest {
        amount: Fen(rng.range(1, 500_000)).to_decimal_string(),
        card_number: "6222021234567890123".into(),
        card_scheme: "UnionPay".into(),
    }
}

/// A part (now and then more than is left) of `sale`, found by its reference number
/// and date as a refund of a settled batch is.
pub fn refund_request(
    rng: &mut super::Rng,
    sale: &voidguard::Transaction,
) -> voidguard::RefundRequest {
    voidguard::RefundRequest {
        lookup: voidguard::RefundLookup {
            rrn: Some(sale.rrn.clone()),
            date: Some(sale.business_date.clone()),
            ..Default::default()
        },
        amount: Fen(rng.range(1, sale.amount.0.max(1))).to_decimal_string(),
        password: super::PASSWORD.into(),
        reason: "goods_returned".into(),
    }
}

/// Says `ack declined <what>` or `ack unanswered <what>` when the host declined or
/// gave no answer; anything else is handed back for the caller to say.
pub fn unless_host_failed<T>(
    what: &str,
    result: Result<T, VoidGuardError>,
) -> Option<Result<T, VoidGuardError>> {
    match result {
        Err(VoidGuardError::HostDeclined { .. }) => say!("ack declined {what}"),
        Err(VoidGuardError::HostUnreachable | VoidGuardError::HostReversed) => {
            say!("ack unanswered {what}")
        }
        other => return Some(other),
    }
    None
}

/// The `ack` of a refund the host answered (or whose leg is still open).
pub fn say_refund(outcome: &voidguard::RefundOutcome) {
    match &outcome.refund {
        Some(r) => say!("ack refund {} {} {}", r.batch_no, r.voucher_no, r.amount.0),
        None => say!("ack unanswered refund"),
    }
}

/// The `ack` of a settlement the host approved.
pub fn say_settled(r: &voidguard::SettlementReport) {
    say!(
        "ack settled {} {} {} {} {}",
        r.batch_no,
        r.sale_count,
        r.sale_total.0,
        r.void_count,
        r.void_total.0
    );
}

/// The latest 500 sales of `batch_no`, or of every batch.
pub fn sales_of(terminal: &Terminal, batch_no: Option<String>) -> Vec<voidguard::Transaction> {
    terminal
        .journal(voidguard::JournalQuery {
            batch_no,
            kind: Some(voidguard::TransactionKind::Sale),
            limit: 500,
            ..Default::default()
        })
        .unwrap_or_else(|e| fail("journal", e))
        .items
}

/// The open batch's number.
pub fn open_batch(terminal: &Terminal) -> String {
    terminal
        .status()
        .unwrap_or_else(|e| fail("status", e))
        .batch_no
}

/// The latest sales of closed batches: what a restarted child tries refunds on.
pub fn settled_sales(terminal: &Terminal, open_batch: &str) -> Vec<voidguard::Transaction> {
    sales_of(terminal, None)
        .into_iter()
        .filter(|t| t.batch_no != open_batch)
        .collect()
}
