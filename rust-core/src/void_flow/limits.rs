//! Daily void limits (count and amount per business date), configurable by the
//! acquirer and liftable by a back-office approval.
//!
//! The running day's totals live in the counters row, which every void writes anyway
//! for its voucher number: one page per void instead of two. When a void is counted
//! against a later day, the finished day's totals move to `void_limits`, which keeps
//! every earlier day; a void begun on an earlier day is counted there.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::audit::rows::Table;
use crate::context::Ctx;
use crate::dates::BusinessDate;
use crate::error::{Error, Result, VoidGuardError};
use crate::journal::numbering;
use crate::money::Fen;

/// A day's count and amount, as a daily limit counts them (voids here, refunds in
/// `refund::limits`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Used {
    pub count: u32,
    pub amount: Fen,
}

impl Used {
    /// The `(count, amount_fen)` row `sql` selects for `day` (its one parameter); none
    /// is a day with nothing used.
    pub fn of_day(conn: &Connection, sql: &str, day: BusinessDate) -> Result<Self> {
        let row: Option<(u32, i64)> =
            crate::store::row(conn, sql, [day.iso()], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        Ok(row.map_or_else(Used::default, |(count, amount)| Used {
            count,
            amount: Fen(amount),
        }))
    }
}

/// The day the counters row is running, and its totals.
fn running(conn: &Connection) -> Result<Option<(BusinessDate, Used)>> {
    let Some((day, count, amount)) = numbering::running_void_totals(conn)? else {
        return Ok(None);
    };
    let day = BusinessDate::from_iso(&day).ok_or(Error::Corrupt("void day"))?;
    Ok(Some((
        day,
        Used {
            count,
            amount: Fen(amount),
        },
    )))
}

fn kept(conn: &Connection, day: BusinessDate) -> Result<Used> {
    Used::of_day(
        conn,
        "SELECT count, amount_fen FROM void_limits WHERE business_date = ?1",
        day,
    )
}

pub fn used(conn: &Connection, day: BusinessDate) -> Result<Used> {
    match running(conn)? {
        Some((running_day, used)) if running_day == day => Ok(used),
        _ => kept(conn, day),
    }
}

/// Refuses a void of `amount` if it would pass either limit.
pub fn check(used: Used, amount: Fen, count_limit: u32, amount_limit: Fen) -> Result<()> {
    if used.count >= count_limit {
        return Err(VoidGuardError::DailyCountLimitReached { limit: count_limit }.into());
    }
    let after = used.amount.checked_add(amount).unwrap_or(Fen(i64::MAX));
    if after > amount_limit {
        return Err(VoidGuardError::DailyAmountLimitReached {
            limit: amount_limit,
            used: used.amount,
        }
        .into());
    }
    Ok(())
}

fn set_running(tx: &Transaction<'_>, ctx: &Ctx<'_>, day: BusinessDate, used: Used) -> Result<()> {
    numbering::set_running_void_totals(tx, ctx, (&day.iso(), used.count, used.amount.0))
}

fn keep(tx: &Transaction<'_>, ctx: &Ctx<'_>, day: BusinessDate, used: Used) -> Result<()> {
    let row_id: i64 = crate::store::row(
        tx,
        "INSERT INTO void_limits (business_date, count, amount_fen) VALUES (?1, ?2, ?3)
         ON CONFLICT (business_date) DO UPDATE SET count = ?2, amount_fen = ?3
         RETURNING rowid",
        params![day.iso(), used.count, used.amount.0],
        |r| r.get(0),
    )?;
    ctx.cover(tx, Table::VoidLimits, row_id)?;
    Ok(())
}

fn plus_one(used: Used, amount: Fen) -> Used {
    Used {
        count: used.count.saturating_add(1),
        amount: used.amount.checked_add(amount).unwrap_or(Fen(i64::MAX)),
    }
}

/// Counts one void of `amount` against `day` (the day the void began).
pub fn add(tx: &Transaction<'_>, ctx: &Ctx<'_>, day: BusinessDate, amount: Fen) -> Result<()> {
    match running(tx)? {
        Some((running_day, used)) if running_day == day => {
            set_running(tx, ctx, day, plus_one(used, amount))
        }
        // A void begun before the running day (answered after midnight) counts
        // against its own day, which is kept already.
        Some((running_day, _)) if day < running_day => {
            keep(tx, ctx, day, plus_one(kept(tx, day)?, amount))
        }
        finished => {
            if let Some((finished_day, used)) = finished {
                keep(tx, ctx, finished_day, used)?;
            }
            set_running(tx, ctx, day, plus_one(kept(tx, day)?, amount))
        }
    }
}

/// A lift starts the day's allowance afresh. A kept row is zeroed, not deleted: a
/// covered row that disappears is evidence of tampering.
pub fn reset(tx: &Transaction<'_>, ctx: &Ctx<'_>, day: BusinessDate) -> Result<()> {
    match running(tx)? {
        Some((running_day, _)) if running_day == day => set_running(tx, ctx, day, Used::default()),
        _ => {
            ctx.update_covered(
                tx,
                Table::VoidLimits,
                "UPDATE void_limits SET count = 0, amount_fen = 0 WHERE business_date = ?1
                 RETURNING rowid",
                [day.iso()],
            )?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::test_env::Env;

    #[test]
    fn limits_refuse_at_the_boundary() {
        let used = Used {
            count: 2,
            amount: Fen(900),
        };
        assert!(check(used, Fen(100), 3, Fen(1000)).is_ok());
        assert!(check(used, Fen(101), 3, Fen(1000)).is_err());
        assert!(check(
            Used {
                count: 3,
                amount: Fen(0)
            },
            Fen(1),
            3,
            Fen(1000)
        )
        .is_err());
    }

    #[test]
    fn the_running_day_moves_on_and_earlier_days_are_kept() {
        let env = Env::new();
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::create_for_test(&mut conn);
        let tx = conn.transaction().unwrap();
        let ctx = env.ctx(0);
        let day = |d| BusinessDate::new(2026, 12, d).unwrap();
        let used = |count, fen| Used {
            count,
            amount: Fen(fen),
        };
        add(&tx, &ctx, day(1), Fen(100)).unwrap();
        add(&tx, &ctx, day(1), Fen(50)).unwrap();
        assert_eq!(used_on(&tx, day(1)), used(2, 150));
        // The next day starts from nothing; the first is kept.
        add(&tx, &ctx, day(2), Fen(7)).unwrap();
        assert_eq!(used_on(&tx, day(2)), used(1, 7));
        assert_eq!(used_on(&tx, day(1)), used(2, 150));
        assert_eq!(kept(&tx, day(1)).unwrap(), used(2, 150));
        // A void begun on the first day and answered on the second counts there.
        add(&tx, &ctx, day(1), Fen(3)).unwrap();
        assert_eq!(used_on(&tx, day(1)), used(3, 153));
        assert_eq!(used_on(&tx, day(2)), used(1, 7));
        // A lift of either day.
        reset(&tx, &ctx, day(2)).unwrap();
        reset(&tx, &ctx, day(1)).unwrap();
        assert_eq!(used_on(&tx, day(2)), Used::default());
        assert_eq!(used_on(&tx, day(1)), Used::default());
        assert_eq!(used_on(&tx, day(3)), Used::default());
    }

    fn used_on(conn: &Connection, day: BusinessDate) -> Used {
        used(conn, day).unwrap()
    }
}
