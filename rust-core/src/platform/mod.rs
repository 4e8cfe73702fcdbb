//! What comes from the platform: time, randomness, logging and the key wrapper.
//! `SystemTime::now()` and the OS random source are used here and nowhere else.

mod key_file;
mod key_wrapper;
mod mark_store;

pub use key_file::KeyFileWrapper;
pub use key_wrapper::{KeyWrapper, KeyWrapperError};
pub use mark_store::{MarkFile, RollbackMark};

use crate::error::{Error, Result};

/// The source of "now", a seam so tests can move time (lockouts, expiry, dates).
#[uniffi::export(with_foreign)]
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch, UTC.
    fn now_ms(&self) -> i64;
}

/// The wall clock.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }
}

/// Fills `dest` from the operating system's CSPRNG.
pub fn fill_random(dest: &mut [u8]) -> Result<()> {
    getrandom::fill(dest).map_err(|_| Error::Entropy)
}

/// A uniformly random number below `bound` (rejection sampling, no modulo bias).
pub fn random_below(bound: u64) -> Result<u64> {
    if bound == 0 {
        return Ok(0);
    }
    let zone = u64::MAX - (u64::MAX % bound);
    loop {
        let mut b = [0u8; 8];
        fill_random(&mut b)?;
        let v = u64::from_be_bytes(b);
        if v < zone {
            return Ok(v % bound);
        }
    }
}

/// Sends `log` records to logcat under the tag `VoidGuard`, once per process.
#[cfg(target_os = "android")]
pub fn init_logging() {
    static INIT: once_cell::sync::OnceCell<()> = once_cell::sync::OnceCell::new();
    INIT.get_or_init(|| {
        android_logger::init_once(
            android_logger::Config::default()
                .with_max_level(log::LevelFilter::Info)
                .with_tag("VoidGuard"),
        );
    });
}

/// On the desktop the embedding program chooses its logger.
#[cfg(not(target_os = "android"))]
pub fn init_logging() {}
