//! The card of a sale, void or refund as a CUPS terminal sends it, and how it is read
//! back from a request.

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::{IsoError, Result};
use crate::message::Message;

/// The card a sale, void or refund was done with, as a CUPS terminal sends it: F2 the
/// number, F14 the expiry, F22 the POS entry mode, F26 the PIN capture code (12, the
/// longest PIN the pad takes) with F52 the PIN block, F35 track 2. Wiped on drop; never
/// printed.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct CardData {
    /// F2: the full number, 12–19 digits.
    pub pan: String,
    /// F14: YYMM, where the card gave it.
    pub expiry: Option<String>,
    /// F22: the PAN entry mode (2 digits: 01 keyed, 02 magnetic stripe, 05 chip)
    /// and the PIN entry capability (1 a PIN was entered, 2 none was).
    pub entry_mode: String,
    /// F35: track 2 equivalent data, `=` as the separator, where the card gave it.
    pub track2: Option<String>,
    /// F52: the 8-byte PIN block, where a PIN was entered.
    pub pin_block: Option<Vec<u8>>,
}

impl std::fmt::Debug for CardData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardData")
            .field("entry_mode", &self.entry_mode)
            .finish_non_exhaustive()
    }
}

/// F26 with a PIN block: the longest PIN the pad accepts, 12 (the CUPS POS terminal
/// specification's value for a PIN pad taking 4–12 digits).
pub const PIN_CAPTURE_CODE: &str = "12";

impl CardData {
    pub(crate) fn set_on(&self, m: &mut Message) {
        m.set(2, self.pan.as_str());
        if let Some(e) = &self.expiry {
            m.set(14, e.as_str());
        }
        m.set(22, self.entry_mode.as_str());
        if let Some(t) = &self.track2 {
            m.set(35, t.as_str());
        }
        if let Some(p) = &self.pin_block {
            m.set(26, PIN_CAPTURE_CODE).set(52, p.clone());
        }
    }

    /// The card of a request, when F2 is there (F22 must be too).
    pub(crate) fn read(m: &Message) -> Result<Option<Self>> {
        let Some(pan) = m.text(2) else {
            return Ok(None);
        };
        let pin_block = m.get(52).map(<[u8]>::to_vec);
        // A PIN block comes with its capture code; a pad of other lengths than ours
        // (04–12) is another terminal's business, so any value is taken.
        if pin_block.is_some() && m.get(26).is_none() {
            return Err(IsoError::Missing { bit: 26 });
        }
        Ok(Some(Self {
            pan: pan.to_owned(),
            expiry: m.text(14).map(str::to_owned),
            entry_mode: m.need(22)?.to_owned(),
            track2: m.text(35).map(str::to_owned),
            pin_block,
        }))
    }
}
