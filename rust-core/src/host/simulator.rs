//! The built-in host: approves, declines or times out as told, so every online act
//! can be tried without an acquirer.

use std::sync::atomic::{AtomicU8, Ordering};

use super::{HostError, HostLink, HostReply, HostRequest, ReversalReason, ReversalReply};
use crate::platform;

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SimulatorMode {
    Approve,
    Decline,
    Timeout,
}

#[derive(Debug)]
pub struct HostSimulator {
    mode: AtomicU8,
}

impl Default for HostSimulator {
    fn default() -> Self {
        Self {
            mode: AtomicU8::new(0),
        }
    }
}

/// Response code the simulator declines with (05: do not honour).
pub const DECLINE_CODE: &str = "05";

impl HostSimulator {
    pub fn set_mode(&self, mode: SimulatorMode) {
        let v = match mode {
            SimulatorMode::Approve => 0,
            SimulatorMode::Decline => 1,
            SimulatorMode::Timeout => 2,
        };
        self.mode.store(v, Ordering::SeqCst);
    }

    pub fn mode(&self) -> SimulatorMode {
        match self.mode.load(Ordering::SeqCst) {
            1 => SimulatorMode::Decline,
            2 => SimulatorMode::Timeout,
            _ => SimulatorMode::Approve,
        }
    }
}

/// A random string of `len` decimal digits, as hosts issue RRNs and auth codes.
pub fn random_digits(len: usize) -> Result<String, HostError> {
    let mut out = String::with_capacity(len);
    for _ in 0..len {
        let d = platform::random_below(10).map_err(|_| HostError::Unreachable {
            reason: "no randomness".into(),
        })?;
        out.push(char::from(b'0' + d as u8));
    }
    Ok(out)
}

impl HostLink for HostSimulator {
    fn send(&self, _request: HostRequest) -> Result<HostReply, HostError> {
        match self.mode() {
            SimulatorMode::Approve => Ok(HostReply::Approved {
                rrn: random_digits(12)?,
                auth_code: random_digits(6)?,
            }),
            SimulatorMode::Decline => Ok(HostReply::Declined {
                response_code: DECLINE_CODE.into(),
            }),
            SimulatorMode::Timeout => Err(HostError::Timeout),
        }
    }

    fn reverse(
        &self,
        _request: HostRequest,
        _reason: ReversalReason,
    ) -> Result<ReversalReply, HostError> {
        match self.mode() {
            SimulatorMode::Timeout => Err(HostError::Timeout),
            SimulatorMode::Approve | SimulatorMode::Decline => Ok(ReversalReply::Reversed),
        }
    }
}
