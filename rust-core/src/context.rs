//! What every domain call needs to know about the call it serves: the terminal's
//! settings and keys, the time it runs at and the business date that follows.

use crate::config::TerminalConfig;
use crate::dates::BusinessDate;
use crate::keys::Keys;

pub struct Ctx<'a> {
    pub config: &'a TerminalConfig,
    pub keys: &'a Keys,
    pub now_ms: i64,
    pub today: BusinessDate,
    /// Identifies this opening of the database, to tell voids in flight from voids a
    /// crashed process left behind.
    pub session: &'a str,
}
