//! Errors. Inside the crate every fallible function returns [`Error`]; at the FFI
//! boundary it becomes the one public [`VoidGuardError`], whose variants are the
//! refusals the UI can explain. The mapping lives in one `From` impl.

/// Which input a [`VoidGuardError::InvalidInput`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Field {
    Amount,
    VoucherNo,
    Date,
    Password,
    OperatorNo,
    VoidReason,
    MerchantNo,
    TerminalId,
    TerminalSecret,
    CardNumber,
    CardScheme,
    Rrn,
    AuthCode,
    RequestCode,
    ApprovalCode,
    ApplicationReason,
    IdType,
    IdNumber,
    LicenceNo,
    Contact,
    PageSize,
    BatchNo,
    Config,
    PendingId,
    ResponseCode,
    ResolutionNote,
    RefundReason,
    /// The terminal master key typed from the acquirer's key sheet.
    MasterKey,
    /// The acquirer host's address in the settings.
    HostAddress,
}

/// What is wrong with the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Problem {
    Empty,
    TooLong,
    NotDigits,
    WrongLength,
    TooManyDecimals,
    Negative,
    Zero,
    OverCap,
    Overflow,
    NoSuchDate,
    NotAllowed,
    Malformed,
    /// A date after today's business date.
    InFuture,
}

/// Every refusal the core can answer with. Messages carry no secret, PAN or SQL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum VoidGuardError {
    #[error("invalid input: {field:?} is {problem:?}")]
    InvalidInput { field: Field, problem: Problem },

    // Terminal lifecycle.
    #[error("the terminal is not activated")]
    NotActivated,
    #[error("the terminal is already activated")]
    AlreadyActivated,
    #[error("the terminal holds data already: only an empty terminal can be activated")]
    TerminalNotEmpty,

    // Void refusals, in the order the flow checks them.
    #[error("void permission has not been granted")]
    PermissionNotGranted,
    #[error("no void password is set")]
    PasswordNotSet,
    #[error(
        "{count} online transaction(s) await the host's answer, a reversal or manual handling"
    )]
    PendingHostWork { count: u32 },
    #[error("voucher {voucher_no} is not in the journal")]
    TransactionNotFound { voucher_no: String },
    #[error("voucher {voucher_no} is not a sale that can be voided")]
    NotVoidable { voucher_no: String },
    #[error("voucher {voucher_no} was already voided by voucher {void_voucher_no}")]
    AlreadyVoided {
        voucher_no: String,
        void_voucher_no: String,
    },
    #[error("voucher {voucher_no} is settled in batch {batch_no}: use a refund")]
    SettledUseRefund {
        voucher_no: String,
        batch_no: String,
    },
    #[error("the sale is from business date {business_date}: only same-day sales can be voided, use a refund")]
    NotSameBusinessDate { business_date: String },
    #[error("the date entered does not match the original transaction")]
    DateMismatch,
    #[error("the amount entered does not match the original transaction")]
    AmountMismatch,
    #[error("a void of voucher {voucher_no} is already in progress")]
    VoidInProgress { voucher_no: String },
    #[error("the daily void count limit of {limit} is reached")]
    DailyCountLimitReached { limit: u32 },
    #[error("the daily void amount limit would be exceeded ({used} of {limit} fen used)")]
    DailyAmountLimitReached {
        limit: crate::money::Fen,
        used: crate::money::Fen,
    },
    #[error("wrong void password, {attempts_left} attempt(s) left before a lockout")]
    WrongPassword { attempts_left: u32 },
    #[error("voiding is locked until {until_ms} (ms since epoch)")]
    LockedUntil { until_ms: i64 },
    #[error("voiding is locked until the back office lifts the restriction")]
    LockedUntilLifted,
    #[error("the host declined it (response code {response_code})")]
    HostDeclined { response_code: String },
    #[error("the host did not answer; it will be reversed or confirmed before the next online transaction")]
    HostUnreachable,
    #[error("the host did not answer and the transaction was reversed: nothing happened, it may be tried again")]
    HostReversed,

    // Refund refusals.
    #[error("refund permission has not been granted")]
    RefundPermissionNotGranted,
    #[error("no sale with that reference in the journal: {reference}")]
    RefundOriginalNotFound { reference: String },
    #[error(
        "voucher {voucher_no} is a refund: a refund is final and cannot be refunded or voided"
    )]
    RefundOfRefund { voucher_no: String },
    #[error("voucher {voucher_no} is a void, not a sale")]
    RefundOfVoid { voucher_no: String },
    #[error("voucher {voucher_no} was voided by voucher {void_voucher_no}: nothing to refund")]
    RefundOfVoidedSale {
        voucher_no: String,
        void_voucher_no: String,
    },
    #[error("voucher {voucher_no} was reversed: nothing to refund")]
    RefundOfReversedSale { voucher_no: String },
    #[error("voucher {voucher_no} is a sale of today's open batch: void it instead")]
    RefundUseVoid { voucher_no: String },
    #[error("only {balance} can still be refunded on this sale")]
    RefundOverBalance { balance: crate::money::Fen },
    #[error("a single refund may be at most {cap}")]
    RefundOverCap { cap: crate::money::Fen },
    #[error("the daily refund count limit of {limit} is reached")]
    DailyRefundCountLimitReached { limit: u32 },
    #[error("the daily refund amount limit would be exceeded ({used} of {limit} used)")]
    DailyRefundAmountLimitReached {
        limit: crate::money::Fen,
        used: crate::money::Fen,
    },

    // The card reader (a void or refund that must see the card).
    #[error("the configuration requires the card, and no card reader is installed")]
    CardReaderMissing,
    #[error("no card was read ({failure:?})")]
    CardNotRead {
        failure: crate::card_reader::CardReadFailure,
    },
    #[error("the configuration requires the PIN, and the card reader returned no PIN block")]
    PinBlockRequired,
    #[error("the card presented is not the card of the original sale")]
    CardMismatch,
    #[error("voucher {voucher_no} was recorded without a card that can be compared: it cannot be checked against the card presented")]
    CardNotOnFile { voucher_no: String },

    // Password lifecycle.
    #[error("the password is too easy to guess")]
    TrivialPassword,
    #[error("a void password is already set; change it instead")]
    PasswordAlreadySet,
    #[error("the new password must differ from the current one")]
    PasswordReused,
    #[error("a reset needs the new password")]
    NewPasswordRequired,

    // Back-office requests.
    #[error("no request with that code")]
    UnknownRequest,
    #[error("an open request of this kind exists already: {request_code}")]
    RequestAlreadyOpen { request_code: String },
    #[error("the approval code is not valid for this request, {attempts_left} attempt(s) left")]
    ApprovalCodeInvalid { attempts_left: u32 },
    #[error("this request was already redeemed")]
    ApprovalAlreadyUsed,
    #[error("this request expired; apply again")]
    ApprovalExpired,
    #[error("this request was closed after too many wrong codes; apply again")]
    RequestClosed,
    #[error("nothing to lift: no restriction is active")]
    NothingToLift,
    #[error("too many wrong approval codes: requests and approvals are refused until {until_ms} (ms since epoch)")]
    ApprovalsBlocked { until_ms: i64 },
    #[error("at most {limit} requests may be opened a day")]
    RequestLimitReached { limit: u32 },

    // Operators and sessions.
    #[error("no operator {operator_no}")]
    UnknownOperator { operator_no: String },
    #[error("wrong password for operator {operator_no}, {attempts_left} attempt(s) left before a lockout")]
    WrongOperatorPassword {
        operator_no: String,
        attempts_left: u32,
    },
    #[error("operator {operator_no} is locked after wrong passwords")]
    OperatorLocked {
        operator_no: String,
        /// `None`: until the administrator resets the password (or, for the
        /// administrator, until the back office lifts it).
        until_ms: Option<i64>,
    },
    #[error("no operator is signed in")]
    NotSignedIn,
    #[error("operator {operator_no} is signed in already: sign out first")]
    AlreadySignedIn { operator_no: String },
    #[error("operator {operator_no} may not do this")]
    NotPermitted { operator_no: String },
    #[error("operator {operator_no} exists already")]
    OperatorExists { operator_no: String },
    #[error("operator {operator_no} cannot be removed")]
    CannotRemove { operator_no: String },
    #[error("the administrator's password is set already")]
    AdminPasswordAlreadySet,

    // Host legs.
    #[error("no host leg of that kind with that id")]
    UnknownHostLeg,
    #[error("the host's answer came after the leg was handed to reversal ({state:?}); only a reversal or a manual resolution closes it")]
    AnswerTooLate {
        state: crate::host_leg::legs::LegState,
    },
    #[error("that leg is not waiting for manual handling (it is {state:?})")]
    NotInManualHandling {
        state: crate::host_leg::legs::LegState,
    },
    #[error("the built-in simulator is not the host link in use")]
    NotSimulated,

    // Storage and keys.
    #[error("the file is not a database")]
    NotADatabase,
    #[error("the database belongs to another application")]
    ForeignDatabase,
    #[error("the database schema {found} is newer than this version knows ({supported})")]
    SchemaTooNew { found: u32, supported: u32 },
    #[error("the data key does not open this database")]
    WrongKey,
    #[error("the database is open in another process")]
    InUse,
    #[error("the stored terminal master key does not open with this key store: install it again")]
    MasterKeyRejected,
    #[error("the key store is unavailable: {reason}")]
    KeyUnavailable { reason: String },
    #[error("the database is tampered with: {what}")]
    Tampered { what: String },
    #[error("row {row_id} of {table} fails its audit record ({problem:?}): money-moving calls are refused; export and verify stay available")]
    TamperedRow {
        table: String,
        row_id: i64,
        problem: crate::audit::AuditProblem,
    },
    #[error("the database is older than its high-water mark (entry {mark_seq}, found {found_seq}): an older copy of the file was restored")]
    RolledBack { mark_seq: u64, found_seq: u64 },
    #[error("the high-water mark outside the database is missing or damaged")]
    MarkMissing,
    #[error("the storage is full")]
    StorageFull,
    #[error("the database is busy")]
    Busy,
    #[error("storage error ({code})")]
    Storage { code: String },
    #[error("internal error: {reason}")]
    Internal { reason: String },
}

/// The crate's internal error: refusals plus the failures of what lies below.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Refused(#[from] VoidGuardError),
    #[error("sqlite: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("record encoding: {0}")]
    Encoding(#[from] serde_json::Error),
    #[error("authenticated decryption failed")]
    Crypto,
    #[error("the operating system gave no randomness")]
    Entropy,
    #[error("corrupt record: {0}")]
    Corrupt(&'static str),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Shorthand for an invalid-input refusal.
pub fn invalid(field: Field, problem: Problem) -> Error {
    Error::Refused(VoidGuardError::InvalidInput { field, problem })
}

impl From<Error> for VoidGuardError {
    fn from(e: Error) -> Self {
        use rusqlite::ErrorCode;
        match e {
            Error::Refused(refusal) => refusal,
            Error::Sql(rusqlite::Error::SqliteFailure(f, _)) => {
                // The extended message may name tables; the log gets the code only.
                log::warn!("sqlite failure {:?} ({})", f.code, f.extended_code);
                match f.code {
                    ErrorCode::DiskFull => VoidGuardError::StorageFull,
                    ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => VoidGuardError::Busy,
                    ErrorCode::NotADatabase => VoidGuardError::NotADatabase,
                    ErrorCode::DatabaseCorrupt => VoidGuardError::Tampered {
                        what: "the database file is damaged".into(),
                    },
                    other => VoidGuardError::Storage {
                        code: format!("{other:?}"),
                    },
                }
            }
            Error::Sql(rusqlite::Error::FromSqlConversionFailure(_, _, e))
                if e.is::<crate::store::codes::UnknownCode>() =>
            {
                VoidGuardError::Tampered {
                    what: "a stored code is unknown".into(),
                }
            }
            Error::Sql(other) => {
                log::warn!("sqlite error: {}", sql_error_kind(&other));
                VoidGuardError::Storage {
                    code: sql_error_kind(&other).to_owned(),
                }
            }
            Error::Encoding(_) => VoidGuardError::Tampered {
                what: "a stored record does not decode".into(),
            },
            Error::Crypto => VoidGuardError::Tampered {
                what: "a sealed record does not authenticate".into(),
            },
            Error::Corrupt(what) => VoidGuardError::Tampered { what: what.into() },
            Error::Entropy => VoidGuardError::Internal {
                reason: "no randomness available".into(),
            },
        }
    }
}

fn sql_error_kind(e: &rusqlite::Error) -> &'static str {
    match e {
        rusqlite::Error::QueryReturnedNoRows => "no rows",
        rusqlite::Error::FromSqlConversionFailure(..) => "conversion",
        rusqlite::Error::IntegralValueOutOfRange(..) => "out of range",
        rusqlite::Error::InvalidColumnType(..) => "column type",
        _ => "other",
    }
}

impl From<uniffi::UnexpectedUniFFICallbackError> for VoidGuardError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        VoidGuardError::Internal { reason: e.reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_full_maps_to_storage_full() {
        let e = Error::Sql(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            Some("database or disk is full".into()),
        ));
        assert_eq!(VoidGuardError::from(e), VoidGuardError::StorageFull);
    }

    #[test]
    fn storage_message_carries_no_sqlite_text() {
        let e = Error::Sql(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT),
            Some("UNIQUE constraint failed: journal.voucher_no".into()),
        ));
        let public = VoidGuardError::from(e).to_string();
        assert!(!public.contains("journal"), "{public}");
    }
}
