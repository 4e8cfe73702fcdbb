//! Lockout after wrong void passwords: 5 consecutive failures lock voiding for
//! 5 minutes, each further failure doubles that, and the 10th locks until the back
//! office lifts it. The counters are persisted with a MAC, so they survive restarts
//! and cannot be reset by editing the row.

use rusqlite::{params, Connection, Transaction};

use crate::audit::rows::{self, Table};
use crate::crypto::{self, SecretKey};
use crate::error::{Result, VoidGuardError};
use crate::keys::Keys;

pub const FIRST_LOCK_AT: u32 = 5;
pub const LIFT_NEEDED_AT: u32 = 10;
const FIRST_LOCK_MS: i64 = 5 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lockout {
    pub failures: u32,
    pub locked_until_ms: Option<i64>,
    pub needs_lift: bool,
}

impl Lockout {
    /// Refuses while a lock is in force.
    pub fn check(&self, now_ms: i64) -> Result<()> {
        if self.needs_lift {
            return Err(VoidGuardError::LockedUntilLifted.into());
        }
        match self.locked_until_ms {
            Some(until_ms) if until_ms > now_ms => {
                Err(VoidGuardError::LockedUntil { until_ms }.into())
            }
            _ => Ok(()),
        }
    }

    pub fn is_locked(&self, now_ms: i64) -> bool {
        self.check(now_ms).is_err()
    }

    /// The end of the timed lock in force at `now_ms`; none once it has run out, and
    /// none for a lock that waits for the back office (it has no end).
    pub fn timed_until(&self, now_ms: i64) -> Option<i64> {
        self.locked_until_ms
            .filter(|until| *until > now_ms && !self.needs_lift)
    }

    /// Wrong passwords left before the next lock: none while locked; past the first
    /// lockout every wrong password locks again (see `after_failure`).
    pub fn attempts_left(&self, now_ms: i64) -> u32 {
        if self.is_locked(now_ms) {
            0
        } else if self.failures < FIRST_LOCK_AT {
            FIRST_LOCK_AT - self.failures
        } else {
            1
        }
    }

    /// The state after one more wrong password, and the refusal to show.
    pub fn after_failure(&self, now_ms: i64) -> (Lockout, VoidGuardError) {
        let failures = self.failures.saturating_add(1);
        if failures >= LIFT_NEEDED_AT {
            let next = Lockout {
                failures,
                locked_until_ms: None,
                needs_lift: true,
            };
            return (next, VoidGuardError::LockedUntilLifted);
        }
        if failures >= FIRST_LOCK_AT {
            let until_ms = now_ms.saturating_add(FIRST_LOCK_MS << (failures - FIRST_LOCK_AT));
            let next = Lockout {
                failures,
                locked_until_ms: Some(until_ms),
                needs_lift: false,
            };
            return (next, VoidGuardError::LockedUntil { until_ms });
        }
        let next = Lockout {
            failures,
            locked_until_ms: None,
            needs_lift: false,
        };
        (
            next,
            VoidGuardError::WrongPassword {
                attempts_left: FIRST_LOCK_AT - failures,
            },
        )
    }

    fn mac(&self, key: &SecretKey) -> [u8; 32] {
        key.mac(&[&crypto::framed(&[
            b"lockout v1",
            &self.failures.to_be_bytes(),
            &self.locked_until_ms.unwrap_or(-1).to_be_bytes(),
            &[u8::from(self.needs_lift)],
        ])])
    }
}

/// Reads the counters. A row whose MAC does not verify was edited outside VoidGuard:
/// it is treated as locked until the back office lifts it. The terminal MACs the row
/// when it creates its keys, so a row without a MAC (as the schema first writes it)
/// is an edit too: accepting it would let anyone clear a lock by nulling the row.
pub fn load(conn: &Connection, key: &SecretKey) -> Result<Lockout> {
    let (failures, locked_until_ms, needs_lift, mac): (u32, Option<i64>, bool, Option<Vec<u8>>) =
        crate::store::row(
            conn,
            "SELECT failures, locked_until_ms, needs_lift, mac FROM lockout WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
    let state = Lockout {
        failures,
        locked_until_ms,
        needs_lift,
    };
    let authentic = mac.is_some_and(|m| crypto::constant_time_eq(&m, &state.mac(key)));
    if authentic {
        Ok(state)
    } else {
        log::warn!("lockout counters fail their MAC; locking until lifted");
        Ok(Lockout {
            failures: state.failures.max(LIFT_NEEDED_AT),
            locked_until_ms: None,
            needs_lift: true,
        })
    }
}

pub fn store(tx: &Transaction<'_>, keys: &Keys, now_ms: i64, state: &Lockout) -> Result<()> {
    crate::store::exec(tx,
        "UPDATE lockout SET failures = ?1, locked_until_ms = ?2, needs_lift = ?3, mac = ?4 WHERE id = 1",
        params![state.failures, state.locked_until_ms, state.needs_lift, state.mac(&keys.lockout).to_vec()],
    )?;
    rows::cover(tx, &keys.audit, now_ms, Table::Lockout, 1)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_then_each_doubles_then_ten_need_a_lift() {
        let mut state = Lockout::default();
        let now = 1_000_000;
        let mut refusals = Vec::new();
        for _ in 0..10 {
            let (next, refusal) = state.after_failure(now);
            state = next;
            refusals.push(refusal);
        }
        assert_eq!(
            refusals[0],
            VoidGuardError::WrongPassword { attempts_left: 4 }
        );
        assert_eq!(
            refusals[3],
            VoidGuardError::WrongPassword { attempts_left: 1 }
        );
        assert_eq!(
            refusals[4],
            VoidGuardError::LockedUntil {
                until_ms: now + 300_000
            }
        );
        assert_eq!(
            refusals[5],
            VoidGuardError::LockedUntil {
                until_ms: now + 600_000
            }
        );
        assert_eq!(
            refusals[8],
            VoidGuardError::LockedUntil {
                until_ms: now + 4_800_000
            }
        );
        assert_eq!(refusals[9], VoidGuardError::LockedUntilLifted);
        assert!(state.is_locked(i64::MAX));
    }

    #[test]
    fn a_lock_expires() {
        let state = Lockout {
            failures: 5,
            locked_until_ms: Some(100),
            needs_lift: false,
        };
        assert!(state.is_locked(99));
        assert!(!state.is_locked(100));
        assert_eq!(state.timed_until(99), Some(100));
        assert_eq!(state.timed_until(100), None);
    }

    #[test]
    fn attempts_left_count_down_to_the_first_lock_and_are_one_after_it() {
        let mut state = Lockout::default();
        let now = 1_000_000;
        assert_eq!(state.attempts_left(now), 5);
        for left in [4, 3, 2, 1] {
            state = state.after_failure(now).0;
            assert_eq!(state.attempts_left(now), left);
        }
        state = state.after_failure(now).0;
        assert_eq!(state.attempts_left(now), 0, "locked");
        let until = state.timed_until(now).unwrap();
        assert_eq!(state.attempts_left(until), 1, "every further failure locks");
        for _ in 0..5 {
            state = state.after_failure(now).0;
        }
        assert!(state.needs_lift);
        assert_eq!(state.timed_until(now), None);
        assert_eq!(state.attempts_left(i64::MAX), 0);
    }
}
