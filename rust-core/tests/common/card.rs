//! A card reader the test scripts: each read answers with the next card or error it
//! was given (no card, when nothing is left), and remembers what it was asked for.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use voidguard::{CardPurpose, CardRead, CardReader, CardReaderError};

/// The card of [`super::sale_request`].
pub const PAN: &str = "6222021234567890123";
/// Another card of the same issuer.
pub const OTHER_PAN: &str = "6222029876543210987";

#[derive(Default)]
pub struct TestReader {
    next: Mutex<VecDeque<Result<CardRead, CardReaderError>>>,
    asked: Mutex<Vec<CardPurpose>>,
}

impl TestReader {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn will_read(&self, answer: Result<CardRead, CardReaderError>) {
        self.next.lock().unwrap().push_back(answer);
    }

    pub fn asked(&self) -> Vec<CardPurpose> {
        self.asked.lock().unwrap().clone()
    }
}

impl CardReader for TestReader {
    fn read_card(&self, purpose: CardPurpose) -> Result<CardRead, CardReaderError> {
        self.asked.lock().unwrap().push(purpose);
        self.next
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(Err(CardReaderError::NoCard))
    }
}

/// A chip read of `pan` with its track 2 equivalent data, and a PIN block if `pin`.
pub fn read(pan: &str, pin: bool) -> Result<CardRead, CardReaderError> {
    Ok(CardRead {
        pan: pan.into(),
        // At most 37 characters (ISO/IEC 7813), as F35 carries them.
        track2: Some(format!("{pan}=2912201000001230")),
        expiry: Some("2912".into()),
        pin_block: pin.then(|| vec![0x3a, 0x91, 0x0c, 0x5e, 0x77, 0x12, 0xd4, 0x08]),
    })
}
