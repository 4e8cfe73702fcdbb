//! Voucher (凭证号) and batch (批次号) numbers: six digits, per terminal, counting up
//! and wrapping from 999999 to 000001 (000000 is never issued).

use rusqlite::{params, Connection, Transaction};

use crate::audit::rows::Table;
use crate::context::Ctx;
use crate::error::{invalid, Error, Field, Result};
use crate::text;

const MAX: u32 = 999_999;

/// A six-digit number that wraps from 999999 to 000001, one type per use so that a
/// voucher number cannot be passed where a batch number belongs.
macro_rules! six_digits {
    ($(#[$doc:meta])* $name:ident, $field:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl $name {
            pub const FIRST: Self = Self(1);

            pub fn new(n: u32) -> Option<Self> {
                (1..=MAX).contains(&n).then_some(Self(n))
            }

            pub fn get(self) -> u32 {
                self.0
            }

            pub fn next(self) -> Self {
                if self.0 >= MAX {
                    Self(1)
                } else {
                    Self(self.0 + 1)
                }
            }

            /// Parses keyed text: exactly six digits, full-width accepted, 000000
            /// refused, each refusal naming this number's field.
            pub fn parse(input: &str) -> Result<Self> {
                let digits = text::fixed_digits($field, input, 6)?;
                digits
                    .parse::<u32>()
                    .ok()
                    .and_then(Self::new)
                    .ok_or_else(|| invalid($field, crate::error::Problem::Zero))
            }

            pub fn from_db(n: i64) -> Result<Self> {
                u32::try_from(n)
                    .ok()
                    .and_then(Self::new)
                    .ok_or(Error::Corrupt("six-digit number out of range"))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{:06}", self.0)
            }
        }
    };
}

six_digits!(
    /// A voucher number (凭证号), also the host's trace number (F11).
    VoucherNo,
    Field::VoucherNo
);
six_digits!(
    /// A batch number (批次号).
    BatchNo,
    Field::BatchNo
);

pub fn current_batch(conn: &Connection) -> Result<BatchNo> {
    let n: i64 = crate::store::row(
        conn,
        "SELECT batch_no FROM counters WHERE id = 1",
        [],
        |r| r.get(0),
    )?;
    BatchNo::from_db(n)
}

pub fn peek_voucher(conn: &Connection) -> Result<VoucherNo> {
    let n: i64 = crate::store::row(
        conn,
        "SELECT next_voucher_no FROM counters WHERE id = 1",
        [],
        |r| r.get(0),
    )?;
    VoucherNo::from_db(n)
}

/// Takes the next voucher number; it is spent even if what it numbers is declined,
/// as the host has seen it as a trace number.
pub fn take_voucher(tx: &Transaction<'_>, ctx: &Ctx<'_>) -> Result<VoucherNo> {
    let voucher = peek_voucher(tx)?;
    tx.prepare_cached("UPDATE counters SET next_voucher_no = ?1 WHERE id = 1")?
        .execute(params![voucher.next().get()])?;
    ctx.cover(tx, Table::Counters, 1)?;
    Ok(voucher)
}

/// The day whose void totals the counters row runs, with its count and amount
/// (`void_flow::limits` keeps the rules; the row is this module's).
pub fn running_void_totals(conn: &Connection) -> Result<Option<(String, u32, i64)>> {
    let row: (Option<String>, Option<u32>, Option<i64>) = crate::store::row(
        conn,
        "SELECT void_day, void_count, void_amount_fen FROM counters WHERE id = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    match row {
        (None, None, None) => Ok(None),
        (Some(day), Some(count), Some(amount)) => Ok(Some((day, count, amount))),
        _ => Err(Error::Corrupt("void totals")),
    }
}

pub fn set_running_void_totals(
    tx: &Transaction<'_>,
    ctx: &Ctx<'_>,
    (day, count, amount): (&str, u32, i64),
) -> Result<()> {
    crate::store::exec(
        tx,
        "UPDATE counters SET void_day = ?1, void_count = ?2, void_amount_fen = ?3 WHERE id = 1",
        params![day, count, amount],
    )?;
    ctx.cover(tx, Table::Counters, 1)?;
    Ok(())
}

/// Closes the batch number in use and opens the next.
pub fn advance_batch(tx: &Transaction<'_>, ctx: &Ctx<'_>) -> Result<BatchNo> {
    let next = current_batch(tx)?.next();
    crate::store::exec(
        tx,
        "UPDATE counters SET batch_no = ?1 WHERE id = 1",
        params![next.get()],
    )?;
    ctx.cover(tx, Table::Counters, 1)?;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn wraps_from_999999_to_000001() {
        let last = VoucherNo::new(999_999).unwrap();
        assert_eq!(last.next().to_string(), "000001");
        assert_eq!(VoucherNo::new(0), None);
        assert_eq!(VoucherNo::new(1_000_000), None);
    }

    #[test]
    fn parse_takes_six_digits_only() {
        assert_eq!(VoucherNo::parse("000042").unwrap().get(), 42);
        assert_eq!(VoucherNo::parse("００００４２").unwrap().get(), 42);
        assert!(VoucherNo::parse("000000").is_err());
        assert!(VoucherNo::parse("42").is_err());
        assert!(VoucherNo::parse("0000042").is_err());
        assert!(VoucherNo::parse("00004x").is_err());
    }

    #[test]
    fn each_number_names_its_own_field_when_refused() {
        let field = |e: Error| match e {
            Error::Refused(crate::error::VoidGuardError::InvalidInput { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(VoucherNo::parse("42").unwrap_err()), Field::VoucherNo);
        assert_eq!(field(BatchNo::parse("000000").unwrap_err()), Field::BatchNo);
        assert_eq!(BatchNo::FIRST.next().to_string(), "000002");
    }

    proptest! {
        #[test]
        fn next_stays_in_range_and_cycles(start in 1u32..=MAX, steps in 0u32..3_000) {
            let mut n = VoucherNo::new(start).unwrap();
            for _ in 0..steps {
                n = n.next();
                prop_assert!((1..=MAX).contains(&n.get()));
            }
            let expected = (u64::from(start) - 1 + u64::from(steps)) % u64::from(MAX) + 1;
            prop_assert_eq!(u64::from(n.get()), expected);
        }

        #[test]
        fn display_then_parse_round_trips(n in 1u32..=MAX) {
            let v = VoucherNo::new(n).unwrap();
            prop_assert_eq!(VoucherNo::parse(&v.to_string()).unwrap(), v);
        }
    }
}
