//! The void password vault (撤销密码). The password is kept only as a salted
//! PBKDF2-HMAC-SHA256 hash with its iteration count, and that record is sealed with
//! AES-256-GCM under a key derived from the data key, so the database alone reveals
//! nothing and an edited record is detected.

pub mod hash;
pub mod kdf;
pub mod lockout;
pub mod password;
pub mod policy;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::audit::rows::{self, Table};
use crate::context::Ctx;
use crate::crypto::SecretKey;
use crate::error::{Error, Result, VoidGuardError};
use hash::PasswordHash;

const RECORD_AAD: &[u8] = b"voidguard void password v1";
const MS_PER_DAY: i64 = 86_400_000;

/// The sealed record: the hash's fields and when it was set, side by side (the
/// layout version 1 wrote, kept).
#[derive(Serialize, Deserialize)]
struct Record {
    #[serde(flatten)]
    hash: PasswordHash,
    set_at_ms: i64,
}

/// What the vault holds, without the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VaultState {
    pub set_at_ms: Option<i64>,
    pub iterations: Option<u32>,
}

/// The sealed record is written at activation, holding `null` until a password is
/// set, so deleting the row cannot make a terminal look fresh and take a new password.
fn load_record(conn: &Connection, key: &SecretKey) -> Result<Option<Record>> {
    let sealed: Option<Vec<u8>> = conn
        .prepare_cached("SELECT sealed FROM vault WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    let Some(sealed) = sealed else {
        if crate::profile::load(conn)?.is_some() {
            return Err(Error::Corrupt("the void password record is missing"));
        }
        return Ok(None);
    };
    let plain = key
        .open(RECORD_AAD, &sealed)
        .map_err(|_| Error::Corrupt("void password record"))?;
    Ok(serde_json::from_slice(&plain)?)
}

fn seal(key: &SecretKey, record: Option<&Record>) -> Result<Vec<u8>> {
    let plain = Zeroizing::new(serde_json::to_vec(&record)?);
    key.seal(RECORD_AAD, &plain)
}

/// Replaces the record; there is one since activation.
fn write_record(tx: &Transaction<'_>, ctx: &Ctx<'_>, record: Option<&Record>) -> Result<()> {
    let sealed = seal(&ctx.keys.vault, record)?;
    if tx
        .prepare_cached("UPDATE vault SET sealed = ?1 WHERE id = 1")?
        .execute(params![sealed])?
        != 1
    {
        return Err(Error::Corrupt("the void password record is missing"));
    }
    rows::cover(tx, &ctx.keys.audit, ctx.now_ms, Table::Vault, 1)?;
    Ok(())
}

/// Seals the empty record at activation: created once, never overwritten, so a
/// terminal that had a password can never be made to look fresh.
pub fn init(tx: &Transaction<'_>, ctx: &Ctx<'_>) -> Result<()> {
    let exists: bool =
        crate::store::row(tx, "SELECT EXISTS (SELECT 1 FROM vault)", [], |r| r.get(0))?;
    if exists {
        return Err(VoidGuardError::TerminalNotEmpty.into());
    }
    let sealed = seal(&ctx.keys.vault, None)?;
    crate::store::exec(
        tx,
        "INSERT INTO vault (id, sealed) VALUES (1, ?1)",
        params![sealed],
    )?;
    rows::cover(tx, &ctx.keys.audit, ctx.now_ms, Table::Vault, 1)?;
    Ok(())
}

pub fn state(conn: &Connection, key: &SecretKey) -> Result<VaultState> {
    let record = load_record(conn, key)?;
    Ok(VaultState {
        set_at_ms: record.as_ref().map(|r| r.set_at_ms),
        iterations: record.as_ref().map(|r| r.hash.iterations),
    })
}

pub fn is_set(conn: &Connection, key: &SecretKey) -> Result<bool> {
    Ok(state(conn, key)?.set_at_ms.is_some())
}

/// When the password must be changed: `set_at + max_age_days`; `None` if no expiry.
pub fn expires_at(set_at_ms: i64, max_age_days: u32) -> Option<i64> {
    (max_age_days > 0).then(|| set_at_ms.saturating_add(i64::from(max_age_days) * MS_PER_DAY))
}

/// Checks a candidate against the stored hash, in constant time. Pure: the caller
/// does the lockout accounting in its own transaction.
pub fn verify(conn: &Connection, key: &SecretKey, password: &str) -> Result<bool> {
    let record = load_record(conn, key)?.ok_or(VoidGuardError::PasswordNotSet)?;
    record.hash.verify(password)
}

/// Stores `password` (already parsed and checked) as the void password.
pub fn store(tx: &Transaction<'_>, ctx: &Ctx<'_>, password: &str) -> Result<()> {
    let record = Record {
        hash: PasswordHash::new(password, ctx.config.kdf_iterations)?,
        set_at_ms: ctx.now_ms,
    };
    write_record(tx, ctx, Some(&record))
}
