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
