//! `crypto::from_hex`: what it accepts is exactly pairs of hex digits, and it is the
//! inverse of `to_hex` on any bytes.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use voidguard::crypto::{from_hex, to_hex};

fuzz_target!(|data: &[u8]| {
    let hex = to_hex(data);
    assert_eq!(hex.len(), data.len() * 2);
    assert_eq!(from_hex(&hex).as_deref(), Some(data));
    assert_eq!(from_hex(&hex.to_ascii_uppercase()).as_deref(), Some(data));

    let text = common::keyed(data);
    let well_formed = text.len().is_multiple_of(2) && text.bytes().all(|b| b.is_ascii_hexdigit());
    match from_hex(&text) {
        Some(bytes) => {
            assert!(well_formed, "{text:?} was read as {bytes:?}");
            assert_eq!(bytes.len() * 2, text.len());
            assert_eq!(to_hex(&bytes), text.to_ascii_lowercase());
        }
        None => assert!(!well_formed, "{text:?} was refused"),
    }
});
