//! What goes to the acquirer and what comes back, for every online act. The core
//! never talks to the acquirer itself: it hands the exact request to a [`HostLink`] —
//! the built-in simulator, the acquirer's payment app on the terminal, or an ISO 8583
//! client — and records the answer (`host_leg`).

pub mod iso;
mod iso_card;
pub mod master_key;
pub(crate) mod presented;
pub mod simulator;
pub(crate) mod upload;

use serde::{Deserialize, Serialize};

use crate::journal::BatchTotals;
use crate::money::Fen;
use crate::store::codes::stored_code;

/// The kinds of online act. Each is a host leg run by the same engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, uniffi::Enum)]
pub enum LegKind {
    Sale,
    Void,
    Settlement,
    /// A refund (退货) of a sale of an earlier batch or day.
    Refund,
}

stored_code!(LegKind {
    Sale => "sale",
    Void => "void",
    Settlement => "settlement",
    Refund => "refund",
});

impl LegKind {
    /// The processing code (ISO 8583 F3; also the payment-app Intent's) of each kind:
    /// the one table of them. 000000 sale (消费), 200000 void (消费撤销), 900000
    /// settlement (结算), as UnionPay terminal applications and acquirer payment apps
    /// use them. A refund (退货) is 200000 too in ISO 8583: its message type (0220,
    /// F60.1 25) tells it from a void.
    pub fn processing_code(self) -> &'static str {
        self.codes().0
    }

    /// The processing code the acquirer's payment app takes in its Intent: as F3,
    /// except a refund, which has its own (500000) there since an Intent carries no
    /// message type.
    pub fn intent_processing_code(self) -> &'static str {
        self.codes().1
    }

    /// The one table: (ISO 8583 F3, payment-app Intent).
    fn codes(self) -> (&'static str, &'static str) {
        match self {
            Self::Sale => ("000000", "000000"),
            Self::Void => ("200000", "200000"),
            Self::Settlement => ("900000", "900000"),
            Self::Refund => ("200000", "500000"),
        }
    }
}

/// The sale a void or (later) a refund points at, as the host knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct OriginalSale {
    pub voucher_no: String,
    pub batch_no: String,
    pub rrn: String,
    pub auth_code: String,
    pub business_date: String,
}

/// What only one kind of request carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LegDetail {
    /// A sale: the card as the terminal may keep it (masked; the full number and
    /// track data are read by the card leg itself and never stored).
    Sale {
        voucher_no: String,
        masked_pan: String,
        card_scheme: String,
    },
    /// A void (消费撤销) of a sale of the open batch.
    Void {
        voucher_no: String,
        original: OriginalSale,
    },
    /// A settlement (结算) of the open batch with the terminal's totals, which the
    /// host compares with its own.
    Settlement { totals: BatchTotals },
    /// A refund (退货) of a sale found by its RRN and date; its voucher and batch
    /// where the sale is in this journal (`verified`), none where it is not.
    Refund {
        voucher_no: String,
        original_rrn: String,
        original_business_date: String,
        original_amount: Fen,
        original_voucher_no: Option<String>,
        original_batch_no: Option<String>,
        original_auth_code: Option<String>,
        verified: bool,
    },
}

/// The request as persisted before anything leaves the terminal, so a restart can
/// reverse exactly what may have been sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct HostRequest {
    pub processing_code: String,
    /// The amount moved: a sale's or void's; a settlement's net total.
    pub amount: Fen,
    pub currency: u16,
    pub batch_no: String,
    /// The business date the act was keyed on.
    pub business_date: String,
    pub merchant_no: String,
    pub terminal_id: String,
    pub operator_no: String,
    pub detail: LegDetail,
}

impl HostRequest {
    pub fn kind(&self) -> LegKind {
        match self.detail {
            LegDetail::Sale { .. } => LegKind::Sale,
            LegDetail::Void { .. } => LegKind::Void,
            LegDetail::Settlement { .. } => LegKind::Settlement,
            LegDetail::Refund { .. } => LegKind::Refund,
        }
    }

    /// The leg's own voucher (trace) number; a settlement has none.
    pub fn voucher_no(&self) -> Option<&str> {
        match &self.detail {
            LegDetail::Sale { voucher_no, .. }
            | LegDetail::Void { voucher_no, .. }
            | LegDetail::Refund { voucher_no, .. } => Some(voucher_no),
            LegDetail::Settlement { .. } => None,
        }
    }
}

/// The host's answer to a request.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum HostReply {
    /// Approved, with the host's reference number and authorisation code. A
    /// settlement's approval may carry neither (empty strings).
    Approved {
        rrn: String,
        auth_code: String,
    },
    Declined {
        response_code: String,
    },
    /// Nothing came back: the act may or may not have happened at the host.
    NoAnswer,
}

/// Why a reversal (冲正) is sent: its F39 reason code in the UnionPay terminal
/// specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ReversalReason {
    /// 98: the answer did not arrive in time.
    NoAnswer,
    /// 96: the terminal failed after sending (a crash, a failed write).
    TerminalFault,
    /// A0: the answer failed its MAC check.
    MacError,
    /// 06: any other reason, a malformed answer among them.
    Other,
}

stored_code!(ReversalReason {
    NoAnswer => "98",
    TerminalFault => "96",
    MacError => "A0",
    Other => "06",
});

impl ReversalReason {
    /// The F39 code sent with the reversal.
    pub fn code(self) -> &'static str {
        self.as_str()
    }
}

/// The host's answer to a reversal. UnionPay terminals take any answer to a reversal
/// as closing it; the host says which way.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ReversalReply {
    /// The host undid the act, or never had it.
    Reversed,
    /// The host reports the act went through: it is confirmed, not reversed.
    Approved { rrn: String, auth_code: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum HostError {
    #[error("the host did not answer in time")]
    Timeout,
    #[error("the host cannot be reached: {reason}")]
    Unreachable { reason: String },
    #[error("the host answered something unreadable: {reason}")]
    Protocol { reason: String },
    #[error("the host's answer failed its MAC check")]
    BadMac,
}

impl HostError {
    /// The reversal reason an answer lost this way calls for.
    pub fn reversal_reason(&self) -> ReversalReason {
        match self {
            Self::Timeout | Self::Unreachable { .. } => ReversalReason::NoAnswer,
            Self::BadMac => ReversalReason::MacError,
            Self::Protocol { .. } => ReversalReason::Other,
        }
    }
}

impl From<uniffi::UnexpectedUniFFICallbackError> for HostError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        HostError::Protocol { reason: e.reason }
    }
}

/// The way to the acquirer. One request type for every kind; the link maps it onto
/// its protocol (ISO 8583 messages, payment-app Intents).
#[uniffi::export(with_foreign)]
pub trait HostLink: Send + Sync {
    /// Sends a request for online authorisation (a settlement: for the batch close).
    fn send(&self, request: HostRequest) -> Result<HostReply, HostError>;
    /// Reverses a request whose answer was lost, giving the reason. A settlement
    /// cannot be undone: for one, the link asks the host again (it is idempotent
    /// there) and answers `Approved` if the host's batch is closed, `Reversed` if the
    /// host has no such settlement.
    fn reverse(
        &self,
        request: HostRequest,
        reason: ReversalReason,
    ) -> Result<ReversalReply, HostError>;
}
