//! Numbered migrations on `PRAGMA user_version`. The DDL of each version is frozen in
//! its own module, verbatim as released; each step runs in one transaction together
//! with the version bump. A step may also need the data key (to bind existing rows to
//! the audit chain): it gets it when the database has one.

mod v1;
mod v2;

use rusqlite::{Connection, Transaction};
use serde_json::json;

use crate::audit::{self, rows, Act};
use crate::error::Result;
use crate::keys::Keys;

struct Step {
    ddl: &'static [&'static str],
    /// Runs after the DDL, with the keys of a database that has them.
    upgrade: fn(&Transaction<'_>, Option<&Keys>, i64) -> Result<()>,
}

fn nothing(_: &Transaction<'_>, _: Option<&Keys>, _: i64) -> Result<()> {
    Ok(())
}

/// Binds every existing row to the chain. A fresh database has no keys yet; its
/// initial rows are bound when the keys are made.
fn cover_existing(tx: &Transaction<'_>, keys: Option<&Keys>, now_ms: i64) -> Result<()> {
    let Some(keys) = keys else {
        return Ok(());
    };
    let rows = rows::cover_everything(tx, &keys.audit, now_ms)?;
    audit::append(
        tx,
        &keys.audit,
        now_ms,
        Act::SchemaUpgraded,
        None,
        json!({ "version": 2, "rows_covered": rows }),
    )?;
    Ok(())
}

/// Step `n` (1-based) takes the schema from version `n - 1` to `n`.
const STEPS: &[Step] = &[
    Step {
        ddl: v1::DDL,
        upgrade: nothing,
    },
    Step {
        ddl: v2::DDL,
        upgrade: cover_existing,
    },
];

pub const CURRENT_VERSION: u32 = STEPS.len() as u32;

pub fn run(conn: &mut Connection, from: u32, keys: Option<&Keys>, now_ms: i64) -> Result<()> {
    for (index, step) in STEPS.iter().enumerate().skip(from as usize) {
        let version = index as u32 + 1;
        let tx = super::write(conn)?;
        for ddl in step.ddl {
            tx.execute_batch(ddl)?;
        }
        (step.upgrade)(&tx, keys, now_ms)?;
        tx.pragma_update(None, "application_id", super::APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        log::info!("database schema now at version {version}");
    }
    Ok(())
}

/// The current schema on a bare connection, for unit tests of the domain modules.
#[cfg(test)]
pub fn create_for_test(conn: &mut Connection) {
    #[allow(clippy::unwrap_used)]
    run(conn, 0, None, 0).unwrap();
}
#[cfg(test)]
mod tests {
    use super::*;

    fn table_names(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .unwrap();
        let names = stmt.query_map([], |r| r.get(0)).unwrap();
        names.collect::<rusqlite::Result<_>>().unwrap()
    }

    fn columns(conn: &Connection, table: &str) -> Vec<String> {
        let mut stmt = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap();
        let names = stmt.query_map([], |r| r.get(0)).unwrap();
        names.collect::<rusqlite::Result<_>>().unwrap()
    }

    fn opcodes(conn: &Connection, sql: &str) -> Vec<String> {
        let mut stmt = conn.prepare(&format!("EXPLAIN {sql}")).unwrap();
        // Parameters stay unbound: EXPLAIN only lists the program.
        let mut rows = stmt.raw_query();
        let mut ops = Vec::new();
        while let Some(row) = rows.next().unwrap() {
            ops.push(row.get(1).unwrap());
        }
        ops
    }

    /// A CHECK or partial-index condition written as an IN list of constants makes
    /// SQLite build a temporary table on every write of the row: a page cache set up
    /// and torn down inside each void and sale.
    #[test]
    fn writing_any_row_needs_no_temporary_table() {
        let mut conn = Connection::open_in_memory().unwrap();
        run(&mut conn, 0, None, 0).unwrap();
        let tables = table_names(&conn);
        assert!(tables.len() >= 10, "{tables:?}");
        for table in tables {
            let cols = columns(&conn, &table);
            let marks = vec!["?"; cols.len()].join(", ");
            let insert = format!("INSERT INTO {table} ({}) VALUES ({marks})", cols.join(", "));
            let sets: Vec<String> = cols.iter().map(|c| format!("{c} = ?")).collect();
            let update = format!("UPDATE {table} SET {} WHERE rowid = ?", sets.join(", "));
            for sql in [insert, update] {
                let ops = opcodes(&conn, &sql);
                assert!(!ops.is_empty());
                assert!(
                    !ops.iter().any(|op| op == "OpenEphemeral"),
                    "{sql} builds a temporary table"
                );
            }
        }
    }
}
