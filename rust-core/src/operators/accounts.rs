//! Operator accounts (操作员): the administrator 99 and the cashiers 01–98, each with
//! their own password, kept as a salted PBKDF2 hash sealed under the vault key and
//! bound to the operator's number, and their own lockout. The supervisor 00 has no
//! account here: the void password (the vault) is theirs. Accounts are removed by
//! marking them, never by deleting the row, so reports keep naming who keyed what.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use zeroize::Zeroizing;

use crate::audit::rows::Table;
use crate::context::Ctx;
use crate::crypto::SecretKey;
use crate::error::{invalid, Error, Field, Problem, Result, VoidGuardError};
use crate::store::codes::stored_code;
use crate::text;
use crate::vault::hash::PasswordHash;
use crate::vault::lockout::Lockout;
use crate::vault::policy;

/// What an operator may do. The supervisor authorises voids, refunds and lifts with
/// the void password; cashiers transact; the administrator manages operators and
/// never transacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Role {
    Administrator,
    Supervisor,
    Cashier,
}

stored_code!(Role {
    Administrator => "admin",
    Supervisor => "supervisor",
    Cashier => "cashier",
});

/// An operator as the administrator's screen lists them; no secret.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Operator {
    pub operator_no: String,
    pub role: Role,
    pub active: bool,
    pub created_at_ms: Option<i64>,
    pub consecutive_failures: u32,
    pub locked_until_ms: Option<i64>,
    /// Ten wrong passwords in a row: only the administrator's reset (or, for the
    /// administrator, a back-office lift) opens the account again.
    pub needs_reset: bool,
}

fn aad(operator_no: &str) -> Vec<u8> {
    format!("voidguard operator password v1|{operator_no}").into_bytes()
}

/// Reads an operator's password as keyed: the administrator's is 8 digits
/// (UnionPay terminals' 系统管理员密码), a cashier's 4 to 8.
pub fn parse_password(role: Role, input: &str) -> Result<Zeroizing<String>> {
    let text = Zeroizing::new(text::normalise(input));
    if text.is_empty() {
        return Err(invalid(Field::Password, Problem::Empty));
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(Field::Password, Problem::NotDigits));
    }
    let fits = match role {
        Role::Administrator => text.len() == 8,
        Role::Cashier => (4..=8).contains(&text.len()),
        Role::Supervisor => text.len() == 6,
    };
    if !fits {
        return Err(invalid(Field::Password, Problem::WrongLength));
    }
    Ok(text)
}

/// A password that may be set: parsed, and refused when trivial.
pub fn parse_new_password(role: Role, input: &str) -> Result<Zeroizing<String>> {
    let password = parse_password(role, input)?;
    if policy::is_trivial(password.as_bytes()) {
        return Err(VoidGuardError::TrivialPassword.into());
    }
    Ok(password)
}

fn seal(key: &SecretKey, operator_no: &str, password: &str, iterations: u32) -> Result<Vec<u8>> {
    let record = PasswordHash::new(password, iterations)?;
    let plain = Zeroizing::new(serde_json::to_vec(&record)?);
    key.seal(&aad(operator_no), &plain)
}

struct Row {
    id: i64,
    role: Role,
    sealed: Vec<u8>,
    lock: Lockout,
    created_at_ms: i64,
    removed: bool,
}

const SELECT: &str =
    "SELECT id, role, sealed, failures, locked_until_ms, needs_reset, created_at_ms,
    removed_at_ms, operator_no FROM operators";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, Row)> {
    Ok((
        r.get(8)?,
        Row {
            id: r.get(0)?,
            role: Role::from_db(r.get_ref(1)?.as_str()?)?,
            sealed: r.get(2)?,
            lock: Lockout {
                failures: r.get(3)?,
                locked_until_ms: r.get(4)?,
                needs_lift: r.get(5)?,
            },
            created_at_ms: r.get(6)?,
            removed: r.get::<_, Option<i64>>(7)?.is_some(),
        },
    ))
}

fn find(conn: &Connection, operator_no: &str) -> Result<Option<Row>> {
    Ok(crate::store::row(
        conn,
        &format!("{SELECT} WHERE operator_no = ?1"),
        [operator_no],
        from_row,
    )
    .optional()?
    .map(|(_, row)| row))
}

/// An active account, or `UnknownOperator`.
fn active(conn: &Connection, operator_no: &str) -> Result<Row> {
    match find(conn, operator_no)? {
        Some(row) if !row.removed => Ok(row),
        _ => Err(VoidGuardError::UnknownOperator {
            operator_no: operator_no.to_owned(),
        }
        .into()),
    }
}

pub fn exists(conn: &Connection, operator_no: &str) -> Result<bool> {
    Ok(find(conn, operator_no)?.is_some_and(|r| !r.removed))
}

/// The refusal a lock gives, in an operator's words.
fn refusal(operator_no: &str, void_refusal: VoidGuardError) -> VoidGuardError {
    let operator_no = operator_no.to_owned();
    match void_refusal {
        VoidGuardError::WrongPassword { attempts_left } => VoidGuardError::WrongOperatorPassword {
            operator_no,
            attempts_left,
        },
        VoidGuardError::LockedUntil { until_ms } => VoidGuardError::OperatorLocked {
            operator_no,
            until_ms: Some(until_ms),
        },
        _ => VoidGuardError::OperatorLocked {
            operator_no,
            until_ms: None,
        },
    }
}

fn store_lock(tx: &Transaction<'_>, ctx: &Ctx<'_>, id: i64, lock: &Lockout) -> Result<()> {
    crate::store::exec(
        tx,
        "UPDATE operators SET failures = ?2, locked_until_ms = ?3, needs_reset = ?4 WHERE id = ?1",
        params![id, lock.failures, lock.locked_until_ms, lock.needs_lift],
    )?;
    ctx.cover(tx, Table::Operators, id)?;
    Ok(())
}

/// Checks `password` for an account: a wrong one is counted (and must be committed
/// although refused), so the outer `Result` is for failures, the inner the verdict.
pub fn verify(
    tx: &Transaction<'_>,
    ctx: &Ctx<'_>,
    operator_no: &str,
    password: &str,
) -> Result<std::result::Result<Role, VoidGuardError>> {
    let row = active(tx, operator_no)?;
    if let Err(Error::Refused(locked)) = row.lock.check(ctx.now_ms) {
        return Err(refusal(operator_no, locked).into());
    }
    let plain = ctx
        .keys
        .vault
        .open(&aad(operator_no), &row.sealed)
        .map_err(|_| Error::Corrupt("an operator's password record"))?;
    let record: PasswordHash = serde_json::from_slice(&plain)?;
    if record.verify(password)? {
        if row.lock != Lockout::default() {
            store_lock(tx, ctx, row.id, &Lockout::default())?;
        }
        return Ok(Ok(row.role));
    }
    let (next, void_refusal) = row.lock.after_failure(ctx.now_ms);
    store_lock(tx, ctx, row.id, &next)?;
    log::info!("operator password refused ({} consecutive)", next.failures);
    Ok(Err(refusal(operator_no, void_refusal)))
}

/// Creates an account; a number once used is never given to someone else.
pub fn add(
    tx: &Transaction<'_>,
    ctx: &Ctx<'_>,
    operator_no: &str,
    role: Role,
    password: &str,
) -> Result<()> {
    if find(tx, operator_no)?.is_some() {
        return Err(VoidGuardError::OperatorExists {
            operator_no: operator_no.to_owned(),
        }
        .into());
    }
    let sealed = seal(
        &ctx.keys.vault,
        operator_no,
        password,
        ctx.config.kdf_iterations,
    )?;
    crate::store::exec(
        tx,
        "INSERT INTO operators (operator_no, role, sealed, failures, needs_reset, created_at_ms)
         VALUES (?1, ?2, ?3, 0, 0, ?4)",
        params![operator_no, role.as_str(), sealed, ctx.now_ms],
    )?;
    ctx.cover(tx, Table::Operators, tx.last_insert_rowid())?;
    Ok(())
}

/// Replaces an account's password and opens its lock.
pub fn set_password(
    tx: &Transaction<'_>,
    ctx: &Ctx<'_>,
    operator_no: &str,
    password: &str,
) -> Result<()> {
    let row = active(tx, operator_no)?;
    let sealed = seal(
        &ctx.keys.vault,
        operator_no,
        password,
        ctx.config.kdf_iterations,
    )?;
    crate::store::exec(
        tx,
        "UPDATE operators SET sealed = ?2, failures = 0, locked_until_ms = NULL, needs_reset = 0
         WHERE id = ?1",
        params![row.id, sealed],
    )?;
    ctx.cover(tx, Table::Operators, row.id)?;
    Ok(())
}

/// Opens an account's lock without a new password (a back-office lift of the
/// administrator's lock).
pub fn unlock(tx: &Transaction<'_>, ctx: &Ctx<'_>, operator_no: &str) -> Result<bool> {
    match find(tx, operator_no)? {
        Some(row) if !row.removed && row.lock != Lockout::default() => {
            store_lock(tx, ctx, row.id, &Lockout::default())?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

pub fn is_locked(conn: &Connection, operator_no: &str, now_ms: i64) -> Result<bool> {
    Ok(find(conn, operator_no)?.is_some_and(|r| !r.removed && r.lock.is_locked(now_ms)))
}

pub fn remove(tx: &Transaction<'_>, ctx: &Ctx<'_>, operator_no: &str) -> Result<()> {
    let row = active(tx, operator_no)?;
    crate::store::exec(
        tx,
        "UPDATE operators SET removed_at_ms = ?2 WHERE id = ?1",
        params![row.id, ctx.now_ms],
    )?;
    ctx.cover(tx, Table::Operators, row.id)?;
    Ok(())
}

/// Every account ever made, by number.
pub fn list(conn: &Connection, now_ms: i64) -> Result<Vec<Operator>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY operator_no"))?;
    let rows = stmt.query_map([], from_row)?;
    let mut out = Vec::new();
    for row in rows {
        let (operator_no, row) = row?;
        out.push(Operator {
            operator_no,
            role: row.role,
            active: !row.removed,
            created_at_ms: Some(row.created_at_ms),
            consecutive_failures: row.lock.failures,
            locked_until_ms: row.lock.locked_until_ms.filter(|u| *u > now_ms),
            needs_reset: row.lock.needs_lift,
        });
    }
    Ok(out)
}
