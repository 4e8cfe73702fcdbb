//! Daily void limits (count and amount per business date), configurable by the
//! acquirer and liftable by a back-office approval.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::audit::rows::Table;
use crate::context::Ctx;
use crate::dates::BusinessDate;
use crate::error::{Result, VoidGuardError};
use crate::money::Fen;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Used {
    pub count: u32,
    pub amount: Fen,
}

pub fn used(conn: &Connection, day: BusinessDate) -> Result<Used> {
    let row: Option<(u32, i64)> = crate::store::row(
        conn,
        "SELECT count, amount_fen FROM void_limits WHERE business_date = ?1",
        [day.iso()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?;
    Ok(row.map_or_else(Used::default, |(count, amount)| Used {
        count,
        amount: Fen(amount),
    }))
}

/// Refuses a void of `amount` if it would pass either limit.
pub fn check(used: Used, amount: Fen, count_limit: u32, amount_limit: Fen) -> Result<()> {
    if used.count >= count_limit {
        return Err(VoidGuardError::DailyCountLimitReached { limit: count_limit }.into());
    }
    let after = used.amount.checked_add(amount).unwrap_or(Fen(i64::MAX));
    if after > amount_limit {
        return Err(VoidGuardError::DailyAmountLimitReached {
            limit: amount_limit.0,
            used: used.amount.0,
        }
        .into());
    }
    Ok(())
}

/// Counts one void of `amount` against `day` (the day the void began).
pub fn add(tx: &Transaction<'_>, ctx: &Ctx<'_>, day: BusinessDate, amount: Fen) -> Result<()> {
    let row_id: i64 = crate::store::row(
        tx,
        "INSERT INTO void_limits (business_date, count, amount_fen) VALUES (?1, 1, ?2)
         ON CONFLICT (business_date) DO UPDATE SET count = count + 1, amount_fen = amount_fen + ?2
         RETURNING rowid",
        params![day.iso(), amount.0],
        |r| r.get(0),
    )?;
    ctx.cover(tx, Table::VoidLimits, row_id)?;
    Ok(())
}

/// A lift starts the day's allowance afresh. The row is zeroed, not deleted: a
/// covered row that disappears is evidence of tampering.
pub fn reset(tx: &Transaction<'_>, ctx: &Ctx<'_>, day: BusinessDate) -> Result<()> {
    ctx.update_covered(
        tx,
        Table::VoidLimits,
        "UPDATE void_limits SET count = 0, amount_fen = 0 WHERE business_date = ?1 RETURNING rowid",
        [day.iso()],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
