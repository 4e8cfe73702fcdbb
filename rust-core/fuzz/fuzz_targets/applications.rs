//! `approvals::check`, the application checks behind `approvals::open`. Input: five
//! lines, the reason, identity document type, identity number, business licence
//! number and contact. An accepted application is exactly one every field of which
//! is well formed, and it keeps only a masked identity number.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use voidguard::approvals::{self, Application};
use voidguard::error::Field;

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
    let bad = first_bad_field(&app);
    match approvals::check(&app) {
        Ok(checked) => {
            assert_eq!(bad, None, "{app:?} was accepted");
            let id = alnum_upper(&app.id_number, 32).unwrap();
            let masked: Vec<char> = checked.id_number_masked.chars().collect();
            let n = masked.len();
            assert_eq!(n, id.len());
            assert_ne!(checked.id_number_masked, id, "the identity number was kept");
            assert_eq!(masked[0], id.chars().next().unwrap());
            assert!(id.ends_with(&checked.id_number_masked[n - 4..]));
            assert!(masked[1..n - 4].iter().all(|c| *c == '*'));
            assert_eq!(Some(checked.reason), common::folded(&app.reason, 200));
        }
        Err(e) => {
            let (field, _) = common::refusal(&e);
            assert_eq!(Some(field), bad, "{app:?}: {e:?}");
        }
    }
});
