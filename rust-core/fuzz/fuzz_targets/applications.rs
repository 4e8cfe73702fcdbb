//! The application checks behind `approvals::open`, run on an in-memory database in a
//! transaction that is rolled back after every input. Input: five lines, the reason,
//! identity document type, identity number, business licence number and contact.
//! An accepted application is exactly one every field of which is well formed, and
//! its ticket keeps only a masked identity number.
#![no_main]

mod common;

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use rusqlite::Connection;
use voidguard::approvals::{self, parse_request_code, Application, RequestKind};
use voidguard::error::Field;

/// 2026-11-30 10:00 in Beijing.
const NOW_MS: i64 = 1_796_004_000_000;
const VALIDITY_HOURS: u32 = 72;

thread_local! {
    static DB: RefCell<Connection> = RefCell::new({
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(approvals::SCHEMA).unwrap();
        conn
    });
}

fn alnum_upper(input: &str, max: usize) -> Option<String> {
    common::folded(input, max)
        .map(|t| t.to_ascii_uppercase())
        .filter(|t| t.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The first field that is not well formed, written out independently.
fn first_bad_field(app: &Application) -> Option<Field> {
    if common::folded(&app.reason, 200).is_none() {
        return Some(Field::ApplicationReason);
    }
    if common::folded(&app.id_type, 32).is_none() {
        return Some(Field::IdType);
    }
    if alnum_upper(&app.id_number, 32).is_none_or(|id| id.len() < 6) {
        return Some(Field::IdNumber);
    }
    // 统一社会信用代码: 18 characters; older registration numbers: 15.
    if alnum_upper(&app.licence_no, 18).is_none_or(|l| l.len() != 18 && l.len() != 15) {
        return Some(Field::LicenceNo);
    }
    let contact_ok = common::folded(&app.contact, 20).is_some_and(|c| {
        c.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '))
            && c.chars().filter(char::is_ascii_digit).count() >= 5
    });
    (!contact_ok).then_some(Field::Contact)
}

fuzz_target!(|data: &[u8]| {
    let text = common::keyed(data);
    let [reason, id_type, id_number, licence_no, contact] = common::fields::<5>(&text);
    let app = Application {
        reason: reason.into(),
        id_type: id_type.into(),
        id_number: id_number.into(),
        licence_no: licence_no.into(),
        contact: contact.into(),
    };
    let kind = [
        RequestKind::VoidPermission,
        RequestKind::PasswordReset,
        RequestKind::LiftRestriction,
    ][data.len() % 3];
    let bad = first_bad_field(&app);
    DB.with(|db| {
        let mut conn = db.borrow_mut();
        let tx = conn.transaction().unwrap();
        match approvals::open(&tx, kind, &app, NOW_MS, VALIDITY_HOURS) {
            Ok(ticket) => {
                assert_eq!(bad, None, "{app:?} was accepted");
                assert_eq!(
                    parse_request_code(&ticket.request_code).unwrap(),
                    ticket.request_code
                );
                assert_eq!(ticket.kind, kind);
                assert_eq!(
                    ticket.expires_at_ms - ticket.created_at_ms,
                    i64::from(VALIDITY_HOURS) * 3_600_000
                );
                let id = alnum_upper(&app.id_number, 32).unwrap();
                let masked: Vec<char> = ticket.id_number_masked.chars().collect();
                let n = masked.len();
                assert_eq!(n, id.len());
                assert_ne!(ticket.id_number_masked, id, "the identity number was kept");
                assert_eq!(masked[0], id.chars().next().unwrap());
                assert!(id.ends_with(&ticket.id_number_masked[n - 4..]));
                assert!(masked[1..n - 4].iter().all(|c| *c == '*'));
                let stored: String = tx
                    .query_row(
                        "SELECT id_number_masked FROM requests WHERE request_code = ?1",
                        [&ticket.request_code],
                        |r| r.get(0),
                    )
                    .unwrap();
                assert_eq!(
                    stored, ticket.id_number_masked,
                    "the identity number was stored"
                );
            }
            Err(e) => {
                let (field, _) = common::refusal(&e);
                assert_eq!(Some(field), bad, "{app:?}: {e:?}");
            }
        }
        // Dropped, not committed: every input meets an empty table.
        drop(tx);
    });
});
