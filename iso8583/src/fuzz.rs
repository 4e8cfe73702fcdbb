//! The body of the `iso8583_frames` fuzz target (`rust-core/fuzz`), here so the tests
//! run it too: any bytes either unpack to a message that packs back to the same bytes
//! and reads as a request or answer without panicking, or are refused with an error.

use crate::crypto::Key;
use crate::message::Message;
use crate::messages::{Answer, Request};

/// Panics (the fuzzer's signal) when a property fails.
pub fn check_frame(data: &[u8]) {
    let key = Key::from_bytes(&[0x5Cu8; 16]);
    match Message::unpack(data) {
        Ok(m) => {
            assert_eq!(m.pack().as_deref(), Ok(data), "repack differs");
            let _ = Request::from_message(&m);
            let _ = Answer::from_message(&m);
            if let Ok(key) = key {
                if Message::unpack_verified(data, &key).is_ok() {
                    let mut again = m.clone();
                    assert_eq!(again.pack_with_mac(&key).as_deref(), Ok(data));
                }
            }
        }
        Err(_) => {
            if let Ok(key) = key {
                assert!(Message::unpack_verified(data, &key).is_err());
            }
        }
    }
}
