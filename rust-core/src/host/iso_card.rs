//! The card read for an act as the ISO 8583 request carries it (`CardData`: F2, F14,
//! F22, F26, F35, F52), built by `Iso8583HostLink::send` from the card presented for
//! that one call (`host::presented`).

use voidguard_iso8583::messages::CardData;
use zeroize::Zeroizing;

use crate::card_reader::Card;

/// F22, the POS entry mode: the PAN entry mode (two digits) and the PIN entry
/// capability (one). As UnionPay terminal code writes it (e.g. the field-22 constants
/// of a public CUPS POSP's ISO 8583 code, `FIELD_22_011` 手工输入有密码 through
/// `FIELD_22_052`: 011/012 keyed with/without PIN, 021/022 swiped with/without PIN,
/// 051/052 chip): 02 when the reader gave track 2 (a magnetic-stripe
/// read; a chip read would be 05 and needs F55, which this link does not send), 01
/// when it gave the number alone; then 1 when a PIN block came with it, 2 when not —
/// the "PIN entered" reading of the third digit those terminals use, rather than the
/// pad's capability, which on these terminals is always there.
fn entry_mode(track2: bool, pin_block: bool) -> &'static str {
    match (track2, pin_block) {
        (true, true) => "021",
        (true, false) => "022",
        (false, true) => "011",
        (false, false) => "012",
    }
}

/// The card read for this call as the message carries it. A value the codec would
/// refuse (a track with other characters than digits and `=`, an expiry that is not
/// YYMM, a PIN block not of 8 bytes) is left out rather than failing the request after
/// its leg was persisted; the number itself was checked when it was hashed.
pub(crate) fn card_data(card: &Card) -> CardData {
    let track2 = card.track2().map(|t| {
        // Some readers give the separator as D (its nibble) and keep the sentinels.
        let t: String = t
            .trim_matches(|c| c == ';' || c == '?')
            .chars()
            .map(|c| if c == 'D' || c == 'd' { '=' } else { c })
            .collect();
        Zeroizing::new(t)
    });
    // ISO/IEC 7813: track 2 holds at most 37 characters.
    let track2 = track2.filter(|t| {
        t.len() <= 37 && !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '=')
    });
    let expiry = card
        .expiry()
        .filter(|e| e.len() == 4 && e.chars().all(|c| c.is_ascii_digit()));
    let pin_block = card.pin_block().filter(|b| b.len() == 8);
    CardData {
        // Normalised as the hash was (full-width digits, spaces), which checked it.
        pan: crate::text::required(crate::error::Field::CardNumber, card.pan(), 19)
            .unwrap_or_else(|_| card.pan().trim().to_owned()),
        expiry: expiry.map(str::to_owned),
        entry_mode: entry_mode(track2.is_some(), pin_block.is_some()).to_owned(),
        track2: track2.as_deref().cloned(),
        pin_block: pin_block.map(<[u8]>::to_vec),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(track2: Option<&str>, pin_block: Option<Vec<u8>>) -> Card {
        Card::from_read(crate::card_reader::CardRead {
            pan: " 6222021234567890123 ".into(),
            track2: track2.map(str::to_owned),
            expiry: Some("2912".into()),
            pin_block,
        })
    }

    #[test]
    fn a_card_read_becomes_the_fields_the_codec_takes() {
        let c = card_data(&read(
            Some(";6222021234567890123D2912201?"),
            Some(vec![7; 8]),
        ));
        assert_eq!(c.pan, "6222021234567890123");
        assert_eq!(c.track2.as_deref(), Some("6222021234567890123=2912201"));
        assert_eq!(
            (c.entry_mode.as_str(), c.expiry.as_deref()),
            ("021", Some("2912"))
        );
        assert_eq!(c.pin_block, Some(vec![7; 8]));
        // A track longer than ISO/IEC 7813 allows is not sent, nor is a PIN block of
        // the wrong size: the entry mode says what is sent.
        let long = format!("6222021234567890123={}", "1".repeat(20));
        let c = card_data(&read(Some(&long), Some(vec![7; 6])));
        assert_eq!(
            (
                c.track2.as_deref(),
                c.pin_block.as_deref(),
                c.entry_mode.as_str()
            ),
            (None, None, "012")
        );
        assert_eq!(card_data(&read(None, Some(vec![1; 8]))).entry_mode, "011");
        assert_eq!(
            card_data(&read(Some("6222021234567890123=29"), None)).entry_mode,
            "022"
        );
    }
}
