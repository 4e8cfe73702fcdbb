//! Back-office requests (申请): void permission, refund permission, password reset
//! and lifting a restriction. Each gets a request code shown to the merchant; the back office
//! answers with an approval code bound to that request and action, valid once and
//! only until the request expires. Five wrong codes close the request; [`guard`]
//! counts wrong codes across requests and caps the requests opened per day.

pub mod effects;
pub mod guard;

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::audit::rows::Table;
use crate::backoffice::{self, Action};
use crate::context::Ctx;
use crate::crypto;
use crate::error::{invalid, Field, Problem, Result, VoidGuardError};
use crate::store::codes::stored_code;
use crate::{platform, text};

pub const MAX_WRONG_CODES: u32 = 5;
const REQUEST_CODE_LEN: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum RequestKind {
    VoidPermission,
    RefundPermission,
    PasswordReset,
    LiftRestriction,
}

impl RequestKind {
    pub fn action(self) -> Action {
        match self {
            Self::VoidPermission => Action::Permit,
            Self::RefundPermission => Action::PermitRefund,
            Self::PasswordReset => Action::Reset,
            Self::LiftRestriction => Action::Lift,
        }
    }
}

stored_code!(RequestKind {
    VoidPermission => "permit",
    RefundPermission => "permit_refund",
    PasswordReset => "reset",
    LiftRestriction => "lift",
});

/// The status as stored; `Expired` is derived from the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stored {
    Open,
    Redeemed,
    Closed,
}

stored_code!(Stored { Open => "open", Redeemed => "redeemed", Closed => "closed" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RequestStatus {
    Open,
    Redeemed,
    Closed,
    Expired,
}

/// What the merchant fills in (the article: reason, identity proof, business
/// licence, contact). Only a masked identity number is stored.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Application {
    pub reason: String,
    pub id_type: String,
    pub id_number: String,
    pub licence_no: String,
    pub contact: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RequestTicket {
    pub request_code: String,
    pub kind: RequestKind,
    pub status: RequestStatus,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub id_number_masked: String,
}

/// An application whose every field is well formed, the identity number masked.
pub struct Checked {
    pub reason: String,
    pub id_type: String,
    pub id_number_masked: String,
    pub licence_no: String,
    pub contact: String,
}

/// The checks behind `open`, before anything is stored (public for the fuzz target).
pub fn check(app: &Application) -> Result<Checked> {
    let reason = text::required(Field::ApplicationReason, &app.reason, 200)?;
    let id_type = text::required(Field::IdType, &app.id_type, 32)?;
    let id_number = text::required(Field::IdNumber, &app.id_number, 32)?.to_ascii_uppercase();
    if !id_number.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(invalid(Field::IdNumber, Problem::Malformed));
    }
    if id_number.len() < 6 {
        return Err(invalid(Field::IdNumber, Problem::WrongLength));
    }
    let licence_no = text::required(Field::LicenceNo, &app.licence_no, 18)?.to_ascii_uppercase();
    // 统一社会信用代码 has 18 characters; older registration numbers have 15 digits.
    if !licence_no.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(invalid(Field::LicenceNo, Problem::Malformed));
    }
    if licence_no.len() != 18 && licence_no.len() != 15 {
        return Err(invalid(Field::LicenceNo, Problem::WrongLength));
    }
    let contact = text::required(Field::Contact, &app.contact, 20)?;
    if !contact
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '))
    {
        return Err(invalid(Field::Contact, Problem::Malformed));
    }
    if contact.chars().filter(char::is_ascii_digit).count() < 5 {
        return Err(invalid(Field::Contact, Problem::WrongLength));
    }
    Ok(Checked {
        reason,
        id_type,
        id_number_masked: mask_id(&id_number),
        licence_no,
        contact,
    })
}

/// First and last four characters stay; the rest becomes `*`.
fn mask_id(id: &str) -> String {
    let n = id.len();
    id.char_indices()
        .map(|(i, c)| if i == 0 || i + 4 >= n { c } else { '*' })
        .collect()
}

fn new_request_code() -> Result<String> {
    Ok(format!("{:010}", platform::random_below(10_000_000_000)?))
}

pub fn parse_request_code(input: &str) -> Result<String> {
    text::fixed_digits(Field::RequestCode, input, REQUEST_CODE_LEN)
}

pub fn parse_approval_code(input: &str) -> Result<zeroize::Zeroizing<String>> {
    let text = zeroize::Zeroizing::new(text::normalise(input));
    if text.is_empty() {
        return Err(invalid(Field::ApprovalCode, Problem::Empty));
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(Field::ApprovalCode, Problem::NotDigits));
    }
    if text.len() != 8 {
        return Err(invalid(Field::ApprovalCode, Problem::WrongLength));
    }
    Ok(text)
}

/// Closes open requests whose time ran out, so a new one of the kind may be opened.
fn close_expired(tx: &Transaction<'_>, ctx: &Ctx<'_>) -> Result<()> {
    ctx.update_covered(
        tx,
        Table::Requests,
        "UPDATE requests SET status = 'closed' WHERE status = 'open' AND expires_at_ms <= ?1
         RETURNING id",
        [ctx.now_ms],
    )?;
    Ok(())
}

pub fn open(
    tx: &Transaction<'_>,
    ctx: &Ctx<'_>,
    kind: RequestKind,
    app: &Application,
) -> Result<RequestTicket> {
    let (now_ms, validity_hours) = (ctx.now_ms, ctx.config.approval_validity_hours);
    let checked = check(app)?;
    guard::check_open(tx, ctx)?;
    close_expired(tx, ctx)?;
    let existing: Option<String> = crate::store::row(
        tx,
        "SELECT request_code FROM requests WHERE kind = ?1 AND status = 'open'",
        [kind.as_str()],
        |r| r.get(0),
    )
    .optional()?;
    if let Some(request_code) = existing {
        return Err(VoidGuardError::RequestAlreadyOpen { request_code }.into());
    }
    let expires_at_ms = now_ms.saturating_add(i64::from(validity_hours) * 3_600_000);
    let request_code = loop {
        let code = new_request_code()?;
        let taken: bool = crate::store::row(
            tx,
            "SELECT EXISTS (SELECT 1 FROM requests WHERE request_code = ?1)",
            [&code],
            |r| r.get(0),
        )?;
        if !taken {
            break code;
        }
    };
    crate::store::exec(
        tx,
        "INSERT INTO requests (request_code, kind, status, reason, id_type, id_number_masked,
             licence_no, contact, created_at_ms, expires_at_ms)
         VALUES (?1, ?2, 'open', ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            request_code,
            kind.as_str(),
            checked.reason,
            checked.id_type,
            checked.id_number_masked,
            checked.licence_no,
            checked.contact,
            now_ms,
            expires_at_ms
        ],
    )?;
    ctx.cover(tx, Table::Requests, tx.last_insert_rowid())?;
    guard::opened(tx, ctx)?;
    Ok(RequestTicket {
        request_code,
        kind,
        status: RequestStatus::Open,
        created_at_ms: now_ms,
        expires_at_ms,
        id_number_masked: checked.id_number_masked,
    })
}

fn ticket_from_row(r: &rusqlite::Row<'_>, now_ms: i64) -> rusqlite::Result<(RequestTicket, u32)> {
    let expires_at_ms: i64 = r.get(4)?;
    let status = match Stored::from_db(r.get_ref(2)?.as_str()?)? {
        Stored::Redeemed => RequestStatus::Redeemed,
        Stored::Closed => RequestStatus::Closed,
        Stored::Open if expires_at_ms <= now_ms => RequestStatus::Expired,
        Stored::Open => RequestStatus::Open,
    };
    Ok((
        RequestTicket {
            request_code: r.get(0)?,
            kind: RequestKind::from_db(r.get_ref(1)?.as_str()?)?,
            status,
            created_at_ms: r.get(3)?,
            expires_at_ms,
            id_number_masked: r.get(5)?,
        },
        r.get(6)?,
    ))
}

const SELECT: &str = "SELECT request_code, kind, status, created_at_ms, expires_at_ms, id_number_masked, failed_codes FROM requests";

pub fn list(conn: &Connection, now_ms: i64) -> Result<Vec<RequestTicket>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY id DESC LIMIT 100"))?;
    let rows = stmt.query_map([], |r| ticket_from_row(r, now_ms).map(|(t, _)| t))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Checks an approval code against its request. A wrong code is counted (and the
/// count must be committed even though the call is refused), so the outer `Result`
/// carries storage failures and the inner one the verdict.
pub fn redeem(
    tx: &Transaction<'_>,
    ctx: &Ctx<'_>,
    terminal_secret: &[u8],
    request_code: &str,
    approval_code: &str,
) -> Result<std::result::Result<RequestTicket, VoidGuardError>> {
    let now_ms = ctx.now_ms;
    guard::check_redeem(tx, ctx)?;
    let found = crate::store::row(
        tx,
        &format!("{SELECT} WHERE request_code = ?1"),
        [request_code],
        |r| ticket_from_row(r, now_ms),
    )
    .optional()?;
    let Some((ticket, failed)) = found else {
        return Err(VoidGuardError::UnknownRequest.into());
    };
    match ticket.status {
        RequestStatus::Redeemed => return Err(VoidGuardError::ApprovalAlreadyUsed.into()),
        RequestStatus::Closed => return Err(VoidGuardError::RequestClosed.into()),
        RequestStatus::Expired => return Err(VoidGuardError::ApprovalExpired.into()),
        RequestStatus::Open => {}
    }
    let expected = zeroize::Zeroizing::new(backoffice::approval_code(
        terminal_secret,
        ticket.kind.action(),
        request_code,
    ));
    if !crypto::constant_time_eq(expected.as_bytes(), approval_code.as_bytes()) {
        let failed = failed + 1;
        let status = if failed >= MAX_WRONG_CODES {
            "closed"
        } else {
            "open"
        };
        ctx.update_covered(
            tx,
            Table::Requests,
            "UPDATE requests SET failed_codes = ?1, status = ?2 WHERE request_code = ?3 RETURNING id",
            params![failed, status, request_code],
        )?;
        if let Some(blocked) = guard::wrong_code(tx, ctx)? {
            return Ok(Err(blocked));
        }
        return Ok(Err(VoidGuardError::ApprovalCodeInvalid {
            attempts_left: MAX_WRONG_CODES.saturating_sub(failed),
        }));
    }
    ctx.update_covered(
        tx,
        Table::Requests,
        "UPDATE requests SET status = 'redeemed', redeemed_at_ms = ?1 WHERE request_code = ?2 RETURNING id",
        params![now_ms, request_code],
    )?;
    guard::redeemed(tx, ctx)?;
    Ok(Ok(RequestTicket {
        status: RequestStatus::Redeemed,
        ..ticket
    }))
}

/// One request by its code, with its standing as of `now_ms`.
pub fn find(conn: &Connection, request_code: &str, now_ms: i64) -> Result<Option<RequestTicket>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE request_code = ?1"))?
        .query_row([request_code], |r| {
            ticket_from_row(r, now_ms).map(|(t, _)| t)
        })
        .optional()?)
}

/// The kind of a request that can still be redeemed, so the caller can check what the
/// redemption needs first; a used, closed, expired or unknown request is refused as such.
pub fn redeemable_kind(conn: &Connection, request_code: &str, now_ms: i64) -> Result<RequestKind> {
    let ticket = find(conn, request_code, now_ms)?.ok_or(VoidGuardError::UnknownRequest)?;
    match ticket.status {
        RequestStatus::Open => Ok(ticket.kind),
        RequestStatus::Redeemed => Err(VoidGuardError::ApprovalAlreadyUsed.into()),
        RequestStatus::Closed => Err(VoidGuardError::RequestClosed.into()),
        RequestStatus::Expired => Err(VoidGuardError::ApprovalExpired.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_number_is_masked() {
        assert_eq!(mask_id("11010519491231002X"), "1*************002X");
        assert_eq!(mask_id("E1234567"), "E***4567");
    }

    #[test]
    fn application_fields_are_checked() {
        let good = Application {
            reason: "开通撤销权限".into(),
            id_type: "resident_id".into(),
            id_number: "11010519491231002X".into(),
            licence_no: "91110000802100433B".into(),
            contact: "138 0013 8000".into(),
        };
        assert!(check(&good).is_ok());
        assert!(check(&Application {
            licence_no: "123".into(),
            ..good.clone()
        })
        .is_err());
        assert!(check(&Application {
            contact: "call me".into(),
            ..good.clone()
        })
        .is_err());
        assert!(check(&Application {
            reason: "".into(),
            ..good.clone()
        })
        .is_err());
        assert!(check(&Application {
            id_number: "1'; DROP".into(),
            ..good
        })
        .is_err());
    }

    #[test]
    fn approval_code_must_be_eight_digits() {
        assert!(parse_approval_code("1234567").is_err());
        assert!(parse_approval_code("123456789").is_err());
        assert!(parse_approval_code("1234567a").is_err());
        assert_eq!(
            parse_approval_code("１２３４５６７８").unwrap().as_str(),
            "12345678"
        );
    }
}
