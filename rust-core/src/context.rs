//! What every domain call needs to know about the call it serves: the terminal's
//! settings and keys, the time it runs at and the business date that follows.

use rusqlite::Transaction;

use crate::audit::rows::{self, Table};
use crate::config::TerminalConfig;
use crate::dates::BusinessDate;
use crate::error::Result;
use crate::keys::Keys;

pub struct Ctx<'a> {
    pub config: &'a TerminalConfig,
    pub keys: &'a Keys,
    pub now_ms: i64,
    pub today: BusinessDate,
}

impl Ctx<'_> {
    /// Binds a row just written to the audit chain (see `audit::rows`).
    pub fn cover(&self, tx: &Transaction<'_>, table: Table, row_id: i64) -> Result<()> {
        rows::cover(tx, &self.keys.audit, self.now_ms, table, row_id)
    }

    /// Runs `sql`, an UPDATE of `table` ending in `RETURNING rowid`, and binds every
    /// row it changed to the chain. Returns how many rows changed.
    pub fn update_covered<P: rusqlite::Params>(
        &self,
        tx: &Transaction<'_>,
        table: Table,
        sql: &str,
        params: P,
    ) -> Result<usize> {
        let ids: Vec<i64> = {
            let mut stmt = tx.prepare_cached(sql)?;
            let ids = stmt.query_map(params, |r| r.get(0))?;
            ids.collect::<rusqlite::Result<_>>()?
        };
        for id in &ids {
            self.cover(tx, table, *id)?;
        }
        Ok(ids.len())
    }
}

/// A configuration, keys and a context for the domain modules' unit tests.
#[cfg(test)]
pub mod test_env {
    use super::*;

    pub struct Env {
        pub config: TerminalConfig,
        pub keys: Keys,
    }

    impl Env {
        pub fn new() -> Self {
            Self {
                config: TerminalConfig::new("unit-test.db"),
                keys: Keys::for_test(),
            }
        }

        pub fn ctx(&self, now_ms: i64) -> Ctx<'_> {
            Ctx {
                config: &self.config,
                keys: &self.keys,
                now_ms,
                today: BusinessDate::from_instant(now_ms, self.config.utc_offset_minutes),
            }
        }
    }
}
