//! The card reader as the facade uses it: installed by the app once the vendor SDK is
//! up, asked for the card by the acts whose configuration requires one. The card is
//! read before the database is held (the cardholder may take a while), and only its
//! keyed hash goes on to the act.

use std::sync::Arc;

use super::Terminal;
use crate::card_reader::{self, Card, CardPurpose, CardReader, PanHash};
use crate::error::VoidGuardError;

#[uniffi::export]
impl Terminal {
    /// Installs the card reader (the vendor SDK's adapter), or removes it with `None`.
    /// Voids and refunds whose configuration requires the card are refused
    /// (`CardReaderMissing`) while none is installed; a sale keyed with no card number
    /// reads it from here.
    pub fn set_card_reader(&self, reader: Option<Arc<dyn CardReader>>) {
        *self
            .card_reader
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = reader;
    }
}

impl Terminal {
    pub(super) fn card_reader(&self) -> Option<Arc<dyn CardReader>> {
        self.card_reader
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The keyed hash of the card read for `purpose`, when `required`, and the card
    /// itself for the act's request; `None` when the configuration does not ask for
    /// the card.
    pub(super) fn card_for(
        &self,
        purpose: CardPurpose,
        required: bool,
        pin_required: bool,
    ) -> Result<Option<(PanHash, Card)>, VoidGuardError> {
        if !required && !pin_required {
            return Ok(None);
        }
        let reader = self.card_reader();
        Ok(Some(card_reader::read(
            reader.as_deref(),
            purpose,
            pin_required,
            &self.keys.pan,
        )?))
    }
}
