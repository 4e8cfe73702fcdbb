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
    /// The largest single refund (退货).
    #[uniffi(default = 500000)]
    pub refund_cap: Fen,
    #[uniffi(default = 20)]
    pub daily_refund_count_limit: u32,
    #[uniffi(default = 5000000)]
    pub daily_refund_amount_limit: Fen,
    /// The refund reason codes the merchant chooses from.
    pub refund_reasons: Vec<String>,
    /// Whether a sale not in this journal (made before its database existed, or on
    /// another terminal) may be refunded by RRN, date and original amount, flagged
    /// as not verified locally.
    #[uniffi(default = false)]
    pub unverified_refunds: bool,
    /// A void reads the card through the installed `CardReader` and refuses one whose
    /// keyed hash is not the sale's (the cardholder is there, with that card).
    #[uniffi(default = false)]
    pub void_card_required: bool,
    /// A void needs the PIN block too; it reads the card even with
    /// `void_card_required` off.
    #[uniffi(default = false)]
    pub void_pin_required: bool,
    /// A refund reads the card and, for an original in this journal, refuses one whose
    /// keyed hash is not the sale's.
    #[uniffi(default = false)]
    pub refund_card_required: bool,
}

pub const DEFAULT_REFUND_REASONS: [&str; 4] = [
    "goods_returned",
    "service_not_provided",
    "price_adjustment",
    "other",
];

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
            refund_cap: Fen(500_000),
            daily_refund_count_limit: 20,
            daily_refund_amount_limit: Fen(5_000_000),
            refund_reasons: DEFAULT_REFUND_REASONS
                .iter()
                .map(|r| (*r).to_owned())
                .collect(),
            unverified_refunds: false,
            void_card_required: false,
            void_pin_required: false,
            refund_card_required: false,
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
        if self.daily_refund_count_limit == 0
            || self.daily_refund_amount_limit.0 <= 0
            || self.refund_cap.0 <= 0
        {
            return bad(Problem::Zero);
        }
        for reasons in [&self.void_reasons, &self.refund_reasons] {
            if reasons.is_empty() || reasons.len() > 32 {
                return bad(Problem::NotAllowed);
            }
            if reasons
                .iter()
                .any(|r| r.trim().is_empty() || r.chars().count() > 64 || r.trim() != r)
            {
                return bad(Problem::Malformed);
            }
        }
        Ok(())
    }
}
