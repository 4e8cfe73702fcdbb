//! Records only the facade returns or takes.

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TerminalStatus {
    pub activated: bool,
    pub merchant_no: Option<String>,
    pub terminal_id: Option<String>,
    pub batch_no: String,
    pub next_voucher_no: String,
    pub business_date: String,
    /// The offset business dates and slip times are reckoned in (China: +480).
    pub utc_offset_minutes: i32,
    pub void_permitted: bool,
    /// Refunds (退货) are granted by their own approval.
    pub refund_permitted: bool,
    pub vault: VaultStatus,
    /// Host legs awaiting an answer, a reversal or manual handling; online acts wait
    /// for them (`host_leg::check_clear`).
    pub pending_host_work: u32,
    pub schema_version: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VaultStatus {
    pub password_set: bool,
    pub set_at_ms: Option<i64>,
    pub expires_at_ms: Option<i64>,
    /// The password is older than the configured age: voids still work, but the
    /// merchant should change it.
    pub change_due: bool,
    pub consecutive_failures: u32,
    /// Wrong passwords left before the next lockout.
    pub attempts_left: u32,
    pub locked_until_ms: Option<i64>,
    pub locked_until_lifted: bool,
}

/// A sale as keyed, with the card as the card reader gave it. `card_number` may be a
/// full PAN (it is masked at once and never stored) or an already masked one. The
/// host issues the RRN and auth code; the operator is the signed-in one.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct SaleRequest {
    pub amount: String,
    pub card_number: String,
    pub card_scheme: String,
}

impl std::fmt::Debug for SaleRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SaleRequest")
            .field("amount", &self.amount)
            .field("card_number", &"<hidden>")
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Record)]
pub struct ReconcileReport {
    pub reversed: u32,
    pub confirmed: u32,
    pub still_pending: u32,
    pub needs_manual_handling: u32,
}
