//! Every code the core stores in a text column (a kind, a status, a state) decodes
//! through here. An unknown value is never read as a default: it can only come from
//! an edit outside VoidGuard, and it is reported as tampering (fail closed).

/// The conversion failure an unknown stored code gives; `error.rs` maps it to
/// `VoidGuardError::Tampered`.
#[derive(Debug, thiserror::Error)]
#[error("unknown stored code")]
pub struct UnknownCode;

pub fn unknown() -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(UnknownCode))
}

/// `as_str` and a fail-closed `from_db` for an enum stored as text codes.
macro_rules! stored_code {
    ($ty:ty { $($variant:ident => $code:literal),* $(,)? }) => {
        impl $ty {
            #[allow(dead_code)]
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $code),* }
            }

            pub(crate) fn from_db(code: &str) -> rusqlite::Result<Self> {
                match code {
                    $($code => Ok(Self::$variant),)*
                    _ => Err($crate::store::codes::unknown()),
                }
            }
        }
    };
}
pub(crate) use stored_code;
