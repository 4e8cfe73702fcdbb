//! Numbered migrations on `PRAGMA user_version`. Each step is the DDL of the modules
//! that own the tables, applied in one transaction together with the version bump.

use rusqlite::Connection;

use crate::error::Result;
use crate::{approvals, audit, journal, keys, profile, settlement, vault, void_flow};

/// Step `n` (1-based) takes the schema from version `n - 1` to `n`.
const STEPS: &[&[&str]] = &[&[
    keys::SCHEMA,
    profile::SCHEMA,
    journal::SCHEMA,
    journal::numbering::SCHEMA,
    vault::SCHEMA,
    vault::lockout::SCHEMA,
    approvals::SCHEMA,
    void_flow::pending::SCHEMA,
    void_flow::limits::SCHEMA,
    settlement::SCHEMA,
    audit::SCHEMA,
]];

pub const CURRENT_VERSION: u32 = STEPS.len() as u32;

pub fn run(conn: &mut Connection, from: u32) -> Result<()> {
    for (index, step) in STEPS.iter().enumerate().skip(from as usize) {
        let version = index as u32 + 1;
        let tx = super::write(conn)?;
        for ddl in *step {
            tx.execute_batch(ddl)?;
        }
        tx.pragma_update(None, "application_id", super::APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        log::info!("database schema now at version {version}");
    }
    Ok(())
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
        run(&mut conn, 0).unwrap();
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
