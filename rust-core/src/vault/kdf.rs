//! PBKDF2-HMAC-SHA256 with a per-password salt; the iteration count is stored beside
//! the hash so it can be raised later without locking anyone out.

use sha2::Sha256;
use zeroize::Zeroizing;

/// Fewest iterations any configuration may ask for (tests and benchmarks use it).
pub const MIN_ITERATIONS: u32 = 1_000;
/// Production default; recalibrate on new hardware (target ≈200 ms on a terminal).
pub const DEFAULT_ITERATIONS: u32 = 100_000;
pub const SALT_LEN: usize = 16;

pub fn derive(password: &[u8], salt: &[u8], iterations: u32) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, iterations, out.as_mut());
    out
}

/// The iteration count that takes about `target_ms` on this machine, never below
/// [`MIN_ITERATIONS`]. Run it on the terminal model the count is meant for.
pub fn calibrate(target_ms: u32) -> u32 {
    const PROBE: u32 = 20_000;
    let start = std::time::Instant::now();
    let _ = derive(b"000000", &[0u8; SALT_LEN], PROBE);
    let per_iteration_ns = (start.elapsed().as_nanos() / u128::from(PROBE)).max(1);
    let iterations = u128::from(target_ms) * 1_000_000 / per_iteration_ns;
    u32::try_from(iterations)
        .unwrap_or(u32::MAX)
        .max(MIN_ITERATIONS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calibration_scales_with_the_target() {
        let short = calibrate(1);
        let long = calibrate(400);
        assert!(short >= MIN_ITERATIONS);
        assert!(long > short, "{long} <= {short}");
    }

    #[test]
    fn matches_published_pbkdf2_sha256_vector() {
        // RFC 7914 §11, PBKDF2-HMAC-SHA256("passwd", "salt", 1, 64): first 32 bytes.
        let out = derive(b"passwd", b"salt", 1);
        assert_eq!(
            crate::crypto::to_hex(out.as_ref()),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        );
    }
}
