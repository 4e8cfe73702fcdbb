//! The card read for an act, handed to the in-process ISO 8583 link for the one
//! `send` of that act's request and taken back when it returns.
//!
//! The card cannot ride in `HostRequest`: that record is persisted in the host-leg
//! table before anything is sent (so a restart can reverse exactly what went out)
//! and it crosses the FFI to the acquirer's payment-app links, neither of which may
//! see a card number, track data or PIN block (PCI DSS 3.2.1, 3.3.1). So the driver
//! presents the card on its own thread for the duration of the call: the Rust link
//! (`Iso8583HostLink`) reads it while it builds the message, a foreign link never
//! sees it, and the card is dropped — its memory wiped (`Zeroizing`) — as the call
//! returns or unwinds. A reversal is sent outside any such call, from the persisted
//! request, and so never carries the card.

use std::cell::RefCell;

use crate::card_reader::Card;

thread_local! {
    static PRESENTED: RefCell<Option<Card>> = const { RefCell::new(None) };
}

/// Takes the presented card back (and so drops and wipes it) however the call ends.
struct TakeBack;

impl Drop for TakeBack {
    fn drop(&mut self) {
        // During thread teardown the slot may be gone already, taking the card with it.
        let _ = PRESENTED.try_with(|p| drop(p.borrow_mut().take()));
    }
}

/// Runs `send` with `card` presented to the link on this thread.
pub(crate) fn presenting<R>(card: Option<Card>, send: impl FnOnce() -> R) -> R {
    let _take_back = TakeBack;
    if card.is_some() {
        PRESENTED.with(|p| *p.borrow_mut() = card);
    }
    send()
}

/// What the link makes of the card presented for the current call, if any.
pub(crate) fn with_presented<R>(read: impl FnOnce(Option<&Card>) -> R) -> R {
    PRESENTED.with(|p| read(p.borrow().as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card_reader::CardRead;

    fn card() -> Card {
        Card::from_read(CardRead {
            pan: "6222021234567890123".into(),
            track2: Some("6222021234567890123=2512101".into()),
            expiry: Some("2512".into()),
            pin_block: Some(vec![1; 8]),
        })
    }

    fn presented_pan() -> Option<String> {
        with_presented(|c| c.map(|c| c.pan().to_owned()))
    }

    #[test]
    fn the_card_is_there_for_the_call_and_gone_after_it() {
        assert_eq!(presented_pan(), None);
        let seen = presenting(Some(card()), || {
            with_presented(|c| c.map(|c| (c.pan().to_owned(), c.track2().is_some())))
        });
        assert_eq!(seen, Some(("6222021234567890123".into(), true)));
        assert_eq!(presented_pan(), None);
        // A call without a card sees none, not the one before.
        assert_eq!(presenting(None, presented_pan), None);
    }

    #[test]
    fn the_card_is_taken_back_when_the_call_unwinds() {
        let unwound = std::panic::catch_unwind(|| {
            presenting(Some(card()), || panic!("the link failed mid-call"))
        });
        assert!(unwound.is_err());
        assert_eq!(presented_pan(), None);
    }

    #[test]
    fn another_thread_never_sees_the_card() {
        let other = presenting(Some(card()), || {
            std::thread::spawn(presented_pan).join().unwrap()
        });
        assert_eq!(other, None);
    }
}
