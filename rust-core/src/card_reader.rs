//! The card-reader seam. On a terminal the vendor's SDK reads the card (chip, swipe or
//! tap) and takes the PIN on its own secure keypad; the app sees the card number and
//! track data only for the call that needs them and the PIN only as the encrypted PIN
//! block the SDK returns (PCI PIN Security: the clear PIN never leaves the PIN pad).
//!
//! What the core keeps of a card is a keyed hash of its number, never the number:
//! PCI DSS 3.5.1.1 allows a keyed cryptographic hash of the PAN where the number
//! itself must not be stored. It is HMAC-SHA256 under a key derived from the data key
//! for this purpose alone (`keys.rs`), so whoever holds the file but not the key can
//! neither reverse it by trying the few billion numbers of a BIN nor compare it with
//! another terminal's.

use zeroize::Zeroizing;

use crate::crypto::SecretKey;
use crate::error::{invalid, Field, Problem, Result, VoidGuardError};
use crate::text;

/// Why the card is being read: the SDK shows it on its screen, and a purpose may need
/// the PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CardPurpose {
    Sale,
    Void,
    Refund,
}

/// What the reader read. Lives only for the call that asked for it: the core moves the
/// number and the track data into memory wiped on drop at once.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct CardRead {
    /// The full card number (12–19 digits).
    pub pan: String,
    /// Track 2 equivalent data, where the card gave it.
    pub track2: Option<String>,
    /// YYMM, where the card gave it.
    pub expiry: Option<String>,
    /// The PIN block encrypted by the PIN pad under its working key (ISO 9564), where
    /// a PIN was entered.
    pub pin_block: Option<Vec<u8>>,
}

impl std::fmt::Debug for CardRead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardRead")
            .field("pan", &"<hidden>")
            .field("track2", &self.track2.as_ref().map(|_| "<hidden>"))
            .field("pin_block", &self.pin_block.as_ref().map(|_| "<hidden>"))
            .finish_non_exhaustive()
    }
}

/// Why no card was read. A reader's own fault text stays with the reader: it is not
/// passed on, as nothing says it carries no card data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum CardReaderError {
    #[error("no card was presented")]
    NoCard,
    #[error("the card read was cancelled")]
    Cancelled,
    #[error("the card reader failed")]
    ReaderFault { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for CardReaderError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        CardReaderError::ReaderFault { reason: e.reason }
    }
}

/// Why a card read ended without a card, as the merchant is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CardReadFailure {
    NoCard,
    Cancelled,
    ReaderFault,
}

/// The terminal's card reader, implemented by the vendor SDK's adapter on a terminal
/// and in Rust for tests and the desktop.
#[uniffi::export(with_foreign)]
pub trait CardReader: Send + Sync {
    /// Reads a card (and, where the purpose needs one, the PIN block) for `purpose`.
    fn read_card(&self, purpose: CardPurpose) -> Result<CardRead, CardReaderError>;
}

/// A card as the core holds it during one call. Track 2 and the expiry are kept (in
/// memory wiped on drop) for the one request that carries them to the acquirer
/// (`host::presented`); nothing of them outlives the call.
pub(crate) struct Card {
    pan: Zeroizing<String>,
    track2: Option<Zeroizing<String>>,
    expiry: Option<Zeroizing<String>>,
    pin_block: Option<Zeroizing<Vec<u8>>>,
}

impl Card {
    /// Takes the read apart into wiped memory.
    pub(crate) fn from_read(read: CardRead) -> Self {
        let CardRead {
            pan,
            track2,
            expiry,
            pin_block,
        } = read;
        Self {
            pan: Zeroizing::new(pan),
            track2: track2.map(Zeroizing::new).filter(|t| !t.is_empty()),
            expiry: expiry.map(Zeroizing::new).filter(|e| !e.is_empty()),
            pin_block: pin_block.map(Zeroizing::new).filter(|b| !b.is_empty()),
        }
    }

    /// The number read, for the one call that masks and hashes it.
    pub(crate) fn pan(&self) -> &str {
        &self.pan
    }

    pub(crate) fn track2(&self) -> Option<&str> {
        self.track2.as_deref().map(String::as_str)
    }

    pub(crate) fn expiry(&self) -> Option<&str> {
        self.expiry.as_deref().map(String::as_str)
    }

    pub(crate) fn pin_block(&self) -> Option<&[u8]> {
        self.pin_block.as_deref().map(Vec::as_slice)
    }

    pub(crate) fn has_pin_block(&self) -> bool {
        self.pin_block.is_some()
    }

    /// The keyed hash of the number read. A reader that reports a masked number has
    /// read nothing to compare.
    pub(crate) fn pan_hash(&self, key: &SecretKey) -> Result<PanHash> {
        pan_hash(key, &self.pan)?.ok_or_else(|| invalid(Field::CardNumber, Problem::Malformed))
    }
}

/// HMAC-SHA256 of a card number's digits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct PanHash(pub [u8; 32]);

impl std::fmt::Debug for PanHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PanHash(..)")
    }
}

impl PanHash {
    pub(crate) fn matches(&self, stored: &[u8]) -> bool {
        crate::crypto::constant_time_eq(&self.0, stored)
    }
}

/// The keyed hash of a full card number, normalised as a keyed one is (full-width
/// digits, surrounding spaces); `None` for a masked number, which has nothing left to hash.
pub(crate) fn pan_hash(key: &SecretKey, input: &str) -> Result<Option<PanHash>> {
    let digits = Zeroizing::new(text::required(Field::CardNumber, input, 19)?);
    if !(12..=19).contains(&digits.len()) {
        return Err(invalid(Field::CardNumber, Problem::WrongLength));
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Ok(None);
    }
    Ok(Some(PanHash(key.mac(&[b"pan", digits.as_bytes()]))))
}

/// Reads the card for `purpose` through `reader`, refusing what a switch requires
/// and the read lacks. Returns the number's keyed hash and the card, which the caller
/// holds (wiped on drop) only until the act's request has been sent.
pub(crate) fn read(
    reader: Option<&dyn CardReader>,
    purpose: CardPurpose,
    pin_required: bool,
    key: &SecretKey,
) -> Result<(PanHash, Card)> {
    let reader = reader.ok_or(VoidGuardError::CardReaderMissing)?;
    let card = Card::from_read(reader.read_card(purpose).map_err(refusal)?);
    if pin_required && !card.has_pin_block() {
        return Err(VoidGuardError::PinBlockRequired.into());
    }
    Ok((card.pan_hash(key)?, card))
}

pub(crate) fn refusal(e: CardReaderError) -> VoidGuardError {
    let failure = match e {
        CardReaderError::NoCard => CardReadFailure::NoCard,
        CardReaderError::Cancelled => CardReadFailure::Cancelled,
        CardReaderError::ReaderFault { .. } => {
            log::warn!("the card reader reported a fault");
            CardReadFailure::ReaderFault
        }
    };
    VoidGuardError::CardNotRead { failure }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_keyed_in_full_width_digits_hashes_as_read() {
        let key = SecretKey::from_slice(&[7; 32]).unwrap();
        let plain = pan_hash(&key, "6222021234567890123").unwrap().unwrap();
        let wide = pan_hash(&key, " ６２２２０２１２３４５６７８９０１２３ ")
            .unwrap()
            .unwrap();
        assert_eq!(plain, wide);
        assert_ne!(
            plain,
            pan_hash(&key, "6222021234567890124").unwrap().unwrap()
        );
        assert_eq!(pan_hash(&key, "622202*********0123").unwrap(), None);
        let other = SecretKey::from_slice(&[8; 32]).unwrap();
        assert_ne!(
            plain,
            pan_hash(&other, "6222021234567890123").unwrap().unwrap()
        );
    }
}
