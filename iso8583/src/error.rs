//! Every way a frame can be malformed, each its own variant so a host link can count
//! it and choose the reversal reason (a bad MAC is A0, anything else 06).

/// A refusal to pack or unpack a frame. Carries field numbers and sizes only, never a
/// field's content (a PAN, track data or a key would otherwise reach a log line).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IsoError {
    #[error("frame too short: {needed} more bytes needed at offset {offset}")]
    Short { offset: usize, needed: usize },
    #[error("frame too long: {extra} bytes after the last field")]
    Long { extra: usize },
    #[error("bad BCD in {place}")]
    BadBcd { place: Place },
    #[error("bad length {len} in field {bit}")]
    BadLength { bit: u8, len: usize },
    #[error("field {bit} is not in the table")]
    UnknownBit { bit: u8 },
    #[error("bad value in field {bit}")]
    BadValue { bit: u8 },
    #[error("field {bit} is missing")]
    Missing { bit: u8 },
    #[error("unexpected message type {mti}")]
    BadMti { mti: String },
    #[error("the frame's MAC does not verify")]
    BadMac,
    #[error("a working key's check value does not match")]
    BadKeyCheck,
    /// A key of one algorithm met a key or a sign-on of the other (an SM4 working key
    /// under a 3DES master key, say): refused rather than reinterpreted.
    #[error("a {found} key where a {wanted} key is needed")]
    WrongAlgorithm {
        wanted: crate::crypto::Algorithm,
        found: crate::crypto::Algorithm,
    },
    #[error("bad key material: {what}")]
    BadKey { what: &'static str },
}

/// Where in a frame a BCD error was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Mti,
    LengthOf(u8),
    Field(u8),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Mti => f.write_str("the message type"),
            Self::LengthOf(bit) => write!(f, "the length of field {bit}"),
            Self::Field(bit) => write!(f, "field {bit}"),
        }
    }
}

pub type Result<T> = std::result::Result<T, IsoError>;
