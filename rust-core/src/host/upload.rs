//! The batch a settlement closes, handed to the in-process ISO 8583 link for the
//! settlement's `send` (and its `reverse`, which asks the host again) so that it can
//! upload the batch (批上送) when the host answers "not balanced".
//!
//! It does not ride in `HostRequest`: that record crosses the FFI to the acquirer's
//! payment-app links, which settle by their own means and have no use for it, and it
//! is persisted before the settlement is sent, when the journal already holds the
//! same batch (nothing moves money while a settlement is open,
//! `host_leg::check_clear`). So the driver reads the batch from the journal and
//! offers it on its own thread for the duration of the call, as `presented` does
//! with the card; the records carry no card data.

use std::cell::RefCell;

use crate::journal::BatchItem;

thread_local! {
    static OFFERED: RefCell<Option<Vec<BatchItem>>> = const { RefCell::new(None) };
}

/// Takes the offered batch back however the call ends.
struct TakeBack;

impl Drop for TakeBack {
    fn drop(&mut self) {
        let _ = OFFERED.try_with(|o| drop(o.borrow_mut().take()));
    }
}

/// Runs `call` with whatever `offer` puts up during it taken back at its end.
pub(crate) fn scope<R>(call: impl FnOnce() -> R) -> R {
    let _take_back = TakeBack;
    call()
}

/// Offers `items` to the link on this thread, until the enclosing [`scope`] ends.
pub(crate) fn offer(items: Vec<BatchItem>) {
    OFFERED.with(|o| *o.borrow_mut() = Some(items));
}

/// Runs `call` with `items` offered.
pub(crate) fn offering<R>(items: Vec<BatchItem>, call: impl FnOnce() -> R) -> R {
    scope(|| {
        offer(items);
        call()
    })
}

/// The batch offered for the current call, if any.
pub(crate) fn offered() -> Option<Vec<BatchItem>> {
    OFFERED.with(|o| o.borrow().clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Fen;

    fn item() -> BatchItem {
        BatchItem {
            kind: "sale".into(),
            voucher_no: "000001".into(),
            amount: Fen(100),
        }
    }

    #[test]
    fn the_batch_is_offered_for_the_call_only() {
        assert_eq!(offering(vec![item()], offered), Some(vec![item()]));
        assert_eq!(offered(), None);
        let seen = scope(|| {
            offer(vec![item(), item()]);
            offered().map(|b| b.len())
        });
        assert_eq!(seen, Some(2));
        assert_eq!(offered(), None);
    }
}
