//! The host leg of a void. The core never talks to the acquirer itself: it hands the
//! exact request to a [`HostLink`] — the built-in simulator, the acquirer's payment
//! app on the terminal, or an ISO 8583 client — and records the answer.

pub mod simulator;

use serde::{Deserialize, Serialize};

use crate::money::Fen;

/// ISO 8583 processing code of a void (消费撤销).
pub const PROCESSING_CODE_VOID: &str = "200000";

/// The request as persisted before anything leaves the terminal, so a restart can
/// reverse exactly what may have been sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct HostRequest {
    pub processing_code: String,
    pub amount: Fen,
    pub currency: u16,
    /// The void's own voucher (trace) number.
    pub voucher_no: String,
    pub batch_no: String,
    pub original_voucher_no: String,
    pub original_rrn: String,
    pub original_auth_code: String,
    pub original_business_date: String,
    pub merchant_no: String,
    pub terminal_id: String,
}

/// The host's answer to a void.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum HostReply {
    Approved {
        rrn: String,
        auth_code: String,
    },
    Declined {
        response_code: String,
    },
    /// Nothing came back: the void may or may not have happened at the host.
    NoAnswer,
}

/// The host's answer to a reversal (冲正) of an unanswered void.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ReversalReply {
    /// The host undid the void (or never had it): the sale stands.
    Reversed,
    /// The host reports the void went through: it is confirmed, not reversed.
    VoidApproved { rrn: String, auth_code: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum HostError {
    #[error("the host did not answer in time")]
    Timeout,
    #[error("the host cannot be reached: {reason}")]
    Unreachable { reason: String },
    #[error("the host answered something unreadable: {reason}")]
    Protocol { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for HostError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        HostError::Protocol { reason: e.reason }
    }
}

#[uniffi::export(with_foreign)]
pub trait HostLink: Send + Sync {
    /// Sends a void for online authorisation.
    fn authorise_void(&self, request: HostRequest) -> Result<HostReply, HostError>;
    /// Reverses a void whose answer was lost.
    fn reverse_void(&self, request: HostRequest) -> Result<ReversalReply, HostError>;
}
