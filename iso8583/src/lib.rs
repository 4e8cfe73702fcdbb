//! ISO 8583 in the China UnionPay (CUPS) POS terminal dialect: the frame, the one
//! table of fields, the messages a terminal exchanges with its acquirer, the MAC of
//! every message and the working keys of sign-on. See the README beside this crate for
//! the protocol choices and where they were checked.

mod card;
pub mod crypto;
pub mod error;
pub mod fields;
#[doc(hidden)]
pub mod fuzz;
pub mod message;
pub mod messages;

pub use error::{IsoError, Place, Result};
pub use message::Message;
