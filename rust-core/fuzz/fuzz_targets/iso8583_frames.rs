//! ISO 8583 frames: any bytes either unpack to a message that packs back to the same
//! bytes, or are refused with a typed error; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    voidguard_iso8583::fuzz::check_frame(data);
});
