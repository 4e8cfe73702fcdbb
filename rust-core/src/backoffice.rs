//! The acquirer's side of an approval: the back office computes an 8-digit code that
//! the terminal checks. Shipped so tests and the desktop tool can play the acquirer;
//! the Android app never computes codes.
//!
//! `d = HMAC-SHA256(terminal secret, "<ACTION>|<request code>")`; the first four bytes
//! as a big-endian u32 with the top bit cleared, modulo 10^8, zero-padded to 8 digits.

use crate::crypto;

/// What an approval allows; its name is bound into the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Permit,
    /// The refund permission (退货): an action of its own, so a void permission's code
    /// cannot open refunds.
    PermitRefund,
    Reset,
    Lift,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Permit => "PERMIT",
            Self::PermitRefund => "PERMIT_REFUND",
            Self::Reset => "RESET",
            Self::Lift => "LIFT",
        }
    }
}

pub fn approval_code(terminal_secret: &[u8], action: Action, request_code: &str) -> String {
    let d = crypto::hmac_sha256(
        terminal_secret,
        &[action.as_str().as_bytes(), b"|", request_code.as_bytes()],
    );
    let n = u32::from_be_bytes([d[0], d[1], d[2], d[3]]) & 0x7fff_ffff;
    format!("{:08}", n % 100_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Computed independently with Python's hmac module.
    #[test]
    fn codes_match_independent_computation() {
        let secret: Vec<u8> = (0u8..16).collect();
        assert_eq!(
            approval_code(&secret, Action::Permit, "4830193722"),
            "81361438"
        );
        assert_eq!(
            approval_code(&secret, Action::PermitRefund, "4830193722"),
            "15676897"
        );
        assert_eq!(
            approval_code(&secret, Action::Reset, "4830193722"),
            "35422980"
        );
        assert_eq!(
            approval_code(&secret, Action::Lift, "0000000001"),
            "97408756"
        );
    }
}
