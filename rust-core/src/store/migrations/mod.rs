//! Numbered migrations on `PRAGMA user_version`. The DDL of each version is frozen in
//! its own module, verbatim as released; each step runs in one transaction together
//! with the version bump. A step may also need the data key (to bind existing rows to
//! the audit chain): it gets it when the database has one.

mod v1;
mod v2;
mod v3;
mod v4;
mod v5;
mod v6;

use rusqlite::{Connection, Transaction};
use serde_json::json;

use crate::audit::{self, rows, Act};
use crate::error::Result;
use crate::keys::Keys;

/// When a step runs and on which terminal: what its code may need.
#[derive(Debug, Clone, Copy)]
pub struct At {
    pub now_ms: i64,
    pub utc_offset_minutes: i32,
}

struct Step {
    /// Runs before the DDL, with the keys of a database that has them.
    check: fn(&Transaction<'_>, Option<&Keys>) -> Result<()>,
    ddl: &'static [&'static str],
    /// Runs after the DDL, with the keys of a database that has them.
    upgrade: fn(&Transaction<'_>, Option<&Keys>, At) -> Result<()>,
    /// The DDL rebuilds a table others refer to: foreign keys are off for the step
    /// (SQLite's documented procedure) and checked before it commits.
    rebuilds: bool,
}

fn nothing(_: &Transaction<'_>, _: Option<&Keys>, _: At) -> Result<()> {
    Ok(())
}

fn no_check(_: &Transaction<'_>, _: Option<&Keys>) -> Result<()> {
    Ok(())
}

fn upgraded(tx: &Transaction<'_>, keys: &Keys, at: At, version: u32, rows: u64) -> Result<()> {
    audit::append(
        tx,
        &keys.audit,
        at.now_ms,
        Act::SchemaUpgraded,
        None,
        json!({ "version": version, "rows_covered": rows }),
    )?;
    Ok(())
}

/// Binds every existing row to the chain. A fresh database has no keys yet; its
/// initial rows are bound when the keys are made.
fn cover_existing(tx: &Transaction<'_>, keys: Option<&Keys>, at: At) -> Result<()> {
    let Some(keys) = keys else {
        return Ok(());
    };
    let rows = rows::cover_everything(tx, &keys.audit, at.now_ms)?;
    upgraded(tx, keys, at, 2, rows)
}

/// Moves the pending voids into the host legs (`v3`).
fn move_pending_voids(tx: &Transaction<'_>, keys: Option<&Keys>, at: At) -> Result<()> {
    let rows = v3::upgrade(tx, keys, at.now_ms, at.utc_offset_minutes)?;
    match keys {
        Some(keys) => upgraded(tx, keys, at, 3, rows),
        None => Ok(()),
    }
}

/// Step `n` (1-based) takes the schema from version `n - 1` to `n`.
const STEPS: &[Step] = &[
    Step {
        check: no_check,
        ddl: v1::DDL,
        upgrade: nothing,
        rebuilds: false,
    },
    Step {
        check: no_check,
        ddl: v2::DDL,
        upgrade: cover_existing,
        rebuilds: false,
    },
    Step {
        check: v3::check,
        ddl: v3::DDL,
        upgrade: move_pending_voids,
        rebuilds: false,
    },
    Step {
        check: no_check,
        ddl: v4::DDL,
        upgrade: refunds_added,
        rebuilds: true,
    },
    Step {
        check: no_check,
        ddl: v5::DDL,
        upgrade: refund_permission_added,
        rebuilds: true,
    },
    Step {
        check: no_check,
        ddl: v6::DDL,
        upgrade: pan_hash_added,
        rebuilds: false,
    },
];

/// Refunds (`v4`): the journal rebuilt with every row as it was.
fn refunds_added(tx: &Transaction<'_>, keys: Option<&Keys>, at: At) -> Result<()> {
    let rows: i64 = tx.query_row("SELECT count(*) FROM journal", [], |r| r.get(0))?;
    match keys {
        Some(keys) => upgraded(tx, keys, at, 4, u64::try_from(rows).unwrap_or(0)),
        None => Ok(()),
    }
}

/// The refund permission (`v5`): the requests rebuilt with every row as it was.
fn refund_permission_added(tx: &Transaction<'_>, keys: Option<&Keys>, at: At) -> Result<()> {
    let rows: i64 = tx.query_row("SELECT count(*) FROM requests", [], |r| r.get(0))?;
    match keys {
        Some(keys) => upgraded(tx, keys, at, 5, u64::try_from(rows).unwrap_or(0)),
        None => Ok(()),
    }
}

/// The keyed hash of the card number (`v6`): new columns, no row changed.
fn pan_hash_added(tx: &Transaction<'_>, keys: Option<&Keys>, at: At) -> Result<()> {
    match keys {
        Some(keys) => upgraded(tx, keys, at, 6, 0),
        None => Ok(()),
    }
}

pub const CURRENT_VERSION: u32 = STEPS.len() as u32;

pub fn run(conn: &mut Connection, from: u32, keys: Option<&Keys>, at: At) -> Result<()> {
    for (index, step) in STEPS.iter().enumerate().skip(from as usize) {
        let version = index as u32 + 1;
        if step.rebuilds {
            // A no-op inside a transaction: set before it begins.
            conn.pragma_update(None, "foreign_keys", "OFF")?;
        }
        let result = run_step(conn, step, version, keys, at);
        if step.rebuilds {
            conn.pragma_update(None, "foreign_keys", "ON")?;
        }
        result?;
        log::info!("database schema now at version {version}");
    }
    Ok(())
}

fn run_step(
    conn: &mut Connection,
    step: &Step,
    version: u32,
    keys: Option<&Keys>,
    at: At,
) -> Result<()> {
    let tx = super::write(conn)?;
    (step.check)(&tx, keys)?;
    for ddl in step.ddl {
        tx.execute_batch(ddl)?;
    }
    (step.upgrade)(&tx, keys, at)?;
    if step.rebuilds {
        let dangling: i64 =
            tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        if dangling != 0 {
            return Err(crate::error::Error::Corrupt(
                "a rebuilt table lost rows others refer to",
            ));
        }
    }
    tx.pragma_update(None, "application_id", super::APPLICATION_ID)?;
    tx.pragma_update(None, "user_version", version)?;
    tx.commit()?;
    Ok(())
}

/// The current schema on a bare connection, for unit tests of the domain modules.
#[cfg(test)]
pub fn create_for_test(conn: &mut Connection) {
    #[allow(clippy::unwrap_used)]
    run(
        conn,
        0,
        None,
        At {
            now_ms: 0,
            utc_offset_minutes: 0,
        },
    )
    .unwrap();
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
        create_for_test(&mut conn);
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
