//! The terminal's identity and standing: merchant number, terminal id, the terminal
//! secret provisioned at activation (sealed), and whether voiding and refunding are
//! permitted (each granted by its own back-office approval).

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use zeroize::Zeroizing;

use crate::audit::rows::{self, Table};
use crate::context::Ctx;
use crate::crypto::{self, SecretKey};
use crate::error::{invalid, Error, Field, Problem, Result, VoidGuardError};
use crate::text;

const SECRET_AAD: &[u8] = b"voidguard terminal secret v1";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub merchant_no: String,
    pub terminal_id: String,
    pub activated_at_ms: i64,
    pub void_permitted_at_ms: Option<i64>,
    pub refund_permitted_at_ms: Option<i64>,
}

/// What a back-office approval permits: voids (消费撤销) and refunds (退货) are
/// granted apart, as acquirers open them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Void,
    Refund,
}

impl Profile {
    pub fn permits(&self, what: Permission) -> bool {
        match what {
            Permission::Void => self.void_permitted_at_ms.is_some(),
            Permission::Refund => self.refund_permitted_at_ms.is_some(),
        }
    }
}

/// 商户号: 15 digits.
pub fn parse_merchant_no(input: &str) -> Result<String> {
    text::fixed_digits(Field::MerchantNo, input, 15)
}

/// 终端号: 8 letters or digits.
pub fn parse_terminal_id(input: &str) -> Result<String> {
    text::fixed_alnum(Field::TerminalId, input, 8)
}

/// The terminal secret as provisioned: hex text of 16 to 64 bytes.
pub fn parse_terminal_secret(input: &str) -> Result<Zeroizing<Vec<u8>>> {
    let hex = Zeroizing::new(text::required(Field::TerminalSecret, input, 128)?);
    let bytes =
        crypto::from_hex(&hex).ok_or_else(|| invalid(Field::TerminalSecret, Problem::Malformed))?;
    if !(16..=64).contains(&bytes.len()) {
        return Err(invalid(Field::TerminalSecret, Problem::WrongLength));
    }
    Ok(Zeroizing::new(bytes))
}

pub fn load(conn: &Connection) -> Result<Option<Profile>> {
    Ok(crate::store::row(
        conn,
        "SELECT merchant_no, terminal_id, activated_at_ms, void_permitted_at_ms,
                refund_permitted_at_ms
             FROM profile WHERE id = 1",
        [],
        |r| {
            Ok(Profile {
                merchant_no: r.get(0)?,
                terminal_id: r.get(1)?,
                activated_at_ms: r.get(2)?,
                void_permitted_at_ms: r.get(3)?,
                refund_permitted_at_ms: r.get(4)?,
            })
        },
    )
    .optional()?)
}

pub fn require(conn: &Connection) -> Result<Profile> {
    load(conn)?.ok_or_else(|| VoidGuardError::NotActivated.into())
}

/// The terminal may do `what` (void or refund) at all: activated, permitted, with a
/// void password set (it authorises both).
pub fn ready_for(conn: &Connection, ctx: &Ctx<'_>, what: Permission) -> Result<Profile> {
    let profile = require(conn)?;
    if !profile.permits(what) {
        return Err(match what {
            Permission::Void => VoidGuardError::PermissionNotGranted,
            Permission::Refund => VoidGuardError::RefundPermissionNotGranted,
        }
        .into());
    }
    if !crate::vault::is_set(conn, &ctx.keys.vault)? {
        return Err(VoidGuardError::PasswordNotSet.into());
    }
    Ok(profile)
}

pub fn activate(
    tx: &Transaction<'_>,
    ctx: &Ctx<'_>,
    merchant_no: &str,
    terminal_id: &str,
    secret: &[u8],
) -> Result<()> {
    if load(tx)?.is_some() {
        return Err(VoidGuardError::AlreadyActivated.into());
    }
    let sealed = ctx.keys.secrets.seal(SECRET_AAD, secret)?;
    crate::store::exec(
        tx,
        "INSERT INTO profile (id, merchant_no, terminal_id, sealed_secret, activated_at_ms)
         VALUES (1, ?1, ?2, ?3, ?4)",
        params![merchant_no, terminal_id, sealed, ctx.now_ms],
    )?;
    rows::cover(tx, &ctx.keys.audit, ctx.now_ms, Table::Profile, 1)?;
    Ok(())
}

/// The terminal secret, for checking approval codes.
pub fn terminal_secret(conn: &Connection, key: &SecretKey) -> Result<Zeroizing<Vec<u8>>> {
    let sealed: Vec<u8> = crate::store::row(
        conn,
        "SELECT sealed_secret FROM profile WHERE id = 1",
        [],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(VoidGuardError::NotActivated)?;
    let opened = key
        .open(SECRET_AAD, &sealed)
        .map_err(|_| Error::Corrupt("terminal secret"))?;
    Ok(opened)
}

pub fn grant(tx: &Transaction<'_>, ctx: &Ctx<'_>, what: Permission) -> Result<()> {
    let sql = match what {
        Permission::Void => "UPDATE profile SET void_permitted_at_ms = ?1 WHERE id = 1",
        Permission::Refund => "UPDATE profile SET refund_permitted_at_ms = ?1 WHERE id = 1",
    };
    crate::store::exec(tx, sql, params![ctx.now_ms])?;
    rows::cover(tx, &ctx.keys.audit, ctx.now_ms, Table::Profile, 1)?;
    Ok(())
}
