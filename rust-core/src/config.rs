//! How a terminal is set up: where its database lives and the limits the acquirer
//! configured. Checked once when the terminal opens.

use crate::error::{invalid, Field, Problem, Result};
use crate::money::Fen;
use crate::vault::kdf;

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TerminalConfig {
    pub db_path: String,
    /// PBKDF2 iterations for newly set passwords (stored with each hash).
    pub kdf_iterations: u32,
    /// A password older than this is due for a change; 0 disables expiry.
    pub password_max_age_days: u32,
    pub daily_void_count_limit: u32,
    pub daily_void_amount_limit: Fen,
    /// The largest amount a single transaction may have.
    pub amount_cap: Fen,
    /// Local time offset for business dates (China: +480).
    pub utc_offset_minutes: i32,
    /// How long a back-office request can be redeemed.
    pub approval_validity_hours: u32,
    /// The void reason codes the merchant chooses from.
    pub void_reasons: Vec<String>,
    /// Failed reversal attempts before a void is shown for manual handling.
    pub max_reversal_attempts: u32,
}

pub const DEFAULT_REASONS: [&str; 5] = [
    "customer_request",
    "wrong_amount",
    "duplicate_charge",
    "goods_returned_same_day",
    "other",
];

impl TerminalConfig {
    pub fn new(db_path: impl Into<String>) -> Self {
        Self {
            db_path: db_path.into(),
            kdf_iterations: kdf::DEFAULT_ITERATIONS,
            password_max_age_days: 90,
            daily_void_count_limit: 20,
            daily_void_amount_limit: Fen(5_000_000),
            amount_cap: Fen(10_000_000),
            utc_offset_minutes: 480,
            approval_validity_hours: 72,
            void_reasons: DEFAULT_REASONS.iter().map(|r| (*r).to_owned()).collect(),
            max_reversal_attempts: 3,
        }
    }

    pub fn validate(&self) -> Result<()> {
        let bad = |p| Err(invalid(Field::Config, p));
        if self.db_path.trim().is_empty() {
            return bad(Problem::Empty);
        }
        if self.db_path.contains('\0') {
            return bad(Problem::Malformed);
        }
        if !(kdf::MIN_ITERATIONS..=10_000_000).contains(&self.kdf_iterations) {
            return bad(Problem::NotAllowed);
        }
        if self.daily_void_count_limit == 0
            || self.daily_void_amount_limit.0 <= 0
            || self.amount_cap.0 <= 0
        {
            return bad(Problem::Zero);
        }
        if !(-14 * 60..=14 * 60).contains(&self.utc_offset_minutes) {
            return bad(Problem::NotAllowed);
        }
        if !(1..=24 * 30).contains(&self.approval_validity_hours) || self.max_reversal_attempts == 0
        {
            return bad(Problem::NotAllowed);
        }
        if self.void_reasons.is_empty() || self.void_reasons.len() > 32 {
            return bad(Problem::NotAllowed);
        }
        if self
            .void_reasons
            .iter()
            .any(|r| r.trim().is_empty() || r.chars().count() > 64 || r.trim() != r)
        {
            return bad(Problem::Malformed);
        }
        Ok(())
    }
}
