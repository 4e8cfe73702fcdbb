//! Random faults from a seed: each answer is dropped, delayed or sent on time, so a
//! soak sees lost and late answers at moments nobody chose, and a seed replays the
//! same sequence of fates.

use std::time::Duration;

/// What befalls the answers: `drop_rate` and `delay_rate` are probabilities (0 to
/// 1, their sum at most 1), a delayed answer is written `delay` after it was
/// committed — longer than the terminal's read timeout, it arrives too late.
#[derive(Debug, Clone, PartialEq)]
pub struct RandomFaults {
    state: u64,
    drop_rate: f64,
    delay_rate: f64,
    delay: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fate {
    OnTime,
    Drop,
    Delay(Duration),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error(
        "a rate is a probability from 0 to 1, and the drop and delay rates add up to at most 1"
    )]
    OutOfRange,
}

impl RandomFaults {
    pub fn new(
        seed: u64,
        drop_rate: f64,
        delay_rate: f64,
        delay: Duration,
    ) -> Result<Self, RateError> {
        let ok = |r: f64| (0.0..=1.0).contains(&r);
        if !ok(drop_rate) || !ok(delay_rate) || drop_rate + delay_rate > 1.0 {
            return Err(RateError::OutOfRange);
        }
        Ok(Self {
            state: seed,
            drop_rate,
            delay_rate,
            delay,
        })
    }

    /// SplitMix64 (Steele, Lea, Flood 2014): small, seeded, well spread.
    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub(crate) fn draw(&mut self) -> Fate {
        // The top 53 bits as a fraction in [0, 1), as a double holds them exactly.
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        if u < self.drop_rate {
            Fate::Drop
        } else if u < self.drop_rate + self.delay_rate {
            Fate::Delay(self.delay)
        } else {
            Fate::OnTime
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_out_of_range_are_refused() {
        let d = Duration::ZERO;
        assert!(RandomFaults::new(1, -0.1, 0.0, d).is_err());
        assert!(RandomFaults::new(1, 0.0, 1.5, d).is_err());
        assert!(RandomFaults::new(1, 0.6, 0.6, d).is_err());
        assert!(RandomFaults::new(1, f64::NAN, 0.0, d).is_err());
        assert!(RandomFaults::new(1, 0.5, 0.5, d).is_ok());
    }

    #[test]
    fn the_rates_are_kept_over_many_draws() {
        let mut r = RandomFaults::new(7, 0.2, 0.3, Duration::from_millis(5)).unwrap();
        let fates: Vec<Fate> = (0..10_000).map(|_| r.draw()).collect();
        let drops = fates.iter().filter(|f| **f == Fate::Drop).count();
        let delays = fates.iter().filter(|f| matches!(f, Fate::Delay(_))).count();
        assert!((1_800..2_200).contains(&drops), "{drops}");
        assert!((2_750..3_250).contains(&delays), "{delays}");
    }
}
