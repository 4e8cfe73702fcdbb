//! The core's refusals (`VoidGuardError`) as sentences, from the catalogue's `cli_refusal_*`
//! and `cli_host_*` texts. Every variant is named, so a new refusal in the core does not
//! compile until it has a message here. No message carries a secret.

use std::fmt::Display;

use voidguard::{Field, LegKind, Problem, VoidGuardError};

use super::{key, Lang, Text};
use crate::format;

fn field(lang: Lang, f: Field) -> (&'static str, &'static str) {
    // (name, what is expected)
    let (name, hint) = match f {
        Field::Amount => (key::CLI_INPUT_AMOUNT, key::CLI_INPUT_HINT_AMOUNT),
        Field::VoucherNo => (key::CLI_INPUT_VOUCHER_NO, key::CLI_INPUT_HINT_VOUCHER_NO),
        Field::Date => (key::CLI_INPUT_DATE, key::CLI_INPUT_HINT_DATE),
        Field::Password => (key::CLI_INPUT_PASSWORD, key::CLI_INPUT_HINT_PASSWORD),
        Field::OperatorNo => (key::CLI_INPUT_OPERATOR_NO, key::CLI_INPUT_HINT_OPERATOR_NO),
        Field::VoidReason => (key::CLI_INPUT_VOID_REASON, key::CLI_INPUT_HINT_VOID_REASON),
        Field::MerchantNo => (key::CLI_INPUT_MERCHANT_NO, key::CLI_INPUT_HINT_MERCHANT_NO),
        Field::TerminalId => (key::CLI_INPUT_TERMINAL_ID, key::CLI_INPUT_HINT_TERMINAL_ID),
        Field::TerminalSecret => (
            key::CLI_INPUT_TERMINAL_SECRET,
            key::CLI_INPUT_HINT_TERMINAL_SECRET,
        ),
        Field::CardNumber => (key::CLI_INPUT_CARD_NUMBER, key::CLI_INPUT_HINT_CARD_NUMBER),
        Field::CardScheme => (key::CLI_INPUT_CARD_SCHEME, key::CLI_INPUT_HINT_CARD_SCHEME),
        Field::Rrn => (key::CLI_INPUT_RRN, key::CLI_INPUT_HINT_RRN),
        Field::AuthCode => (key::CLI_INPUT_AUTH_CODE, key::CLI_INPUT_HINT_AUTH_CODE),
        Field::RefundReason => (
            key::CLI_INPUT_REFUND_REASON,
            key::CLI_INPUT_HINT_REFUND_REASON,
        ),
        Field::MasterKey => (key::CLI_INPUT_MASTER_KEY, key::CLI_INPUT_HINT_MASTER_KEY),
        Field::HostAddress => (
            key::CLI_INPUT_HOST_ADDRESS,
            key::CLI_INPUT_HINT_HOST_ADDRESS,
        ),
        Field::ResolutionNote => (
            key::CLI_INPUT_RESOLUTION_NOTE,
            key::CLI_INPUT_HINT_RESOLUTION_NOTE,
        ),
        Field::RequestCode => (
            key::CLI_INPUT_REQUEST_CODE,
            key::CLI_INPUT_HINT_REQUEST_CODE,
        ),
        Field::ApprovalCode => (
            key::CLI_INPUT_APPROVAL_CODE,
            key::CLI_INPUT_HINT_APPROVAL_CODE,
        ),
        Field::ApplicationReason => (
            key::CLI_INPUT_APPLICATION_REASON,
            key::CLI_INPUT_HINT_APPLICATION_REASON,
        ),
        Field::IdType => (key::CLI_INPUT_ID_TYPE, key::CLI_INPUT_HINT_ID_TYPE),
        Field::IdNumber => (key::CLI_INPUT_ID_NUMBER, key::CLI_INPUT_HINT_ID_NUMBER),
        Field::LicenceNo => (key::CLI_INPUT_LICENCE_NO, key::CLI_INPUT_HINT_LICENCE_NO),
        Field::Contact => (key::CLI_INPUT_CONTACT, key::CLI_INPUT_HINT_CONTACT),
        Field::PageSize => (key::CLI_INPUT_PAGE_SIZE, key::CLI_INPUT_HINT_PAGE_SIZE),
        Field::BatchNo => (key::CLI_INPUT_BATCH_NO, key::CLI_INPUT_HINT_BATCH_NO),
        Field::Config => (key::CLI_INPUT_CONFIG, key::CLI_INPUT_HINT_CONFIG),
        Field::PendingId => (key::CLI_INPUT_PENDING_ID, key::CLI_INPUT_HINT_PENDING_ID),
        Field::ResponseCode => (
            key::CLI_INPUT_RESPONSE_CODE,
            key::CLI_INPUT_HINT_RESPONSE_CODE,
        ),
    };
    (lang.text(name), lang.text(hint))
}

pub fn problem(lang: Lang, p: Problem) -> &'static str {
    lang.text(match p {
        Problem::Empty => key::CLI_PROBLEM_EMPTY,
        Problem::TooLong => key::CLI_PROBLEM_TOO_LONG,
        Problem::NotDigits => key::CLI_PROBLEM_NOT_DIGITS,
        Problem::WrongLength => key::CLI_PROBLEM_WRONG_LENGTH,
        Problem::TooManyDecimals => key::CLI_PROBLEM_TOO_MANY_DECIMALS,
        Problem::Negative => key::CLI_PROBLEM_NEGATIVE,
        Problem::Zero => key::CLI_PROBLEM_ZERO,
        Problem::OverCap => key::CLI_PROBLEM_OVER_CAP,
        Problem::Overflow => key::CLI_PROBLEM_OVERFLOW,
        Problem::NoSuchDate => key::CLI_PROBLEM_NO_SUCH_DATE,
        Problem::NotAllowed => key::CLI_PROBLEM_NOT_ALLOWED,
        Problem::Malformed => key::CLI_PROBLEM_MALFORMED,
        Problem::InFuture => key::CLI_PROBLEM_IN_FUTURE,
    })
}

pub fn core(lang: Lang, e: &VoidGuardError) -> String {
    use key as k;
    use VoidGuardError as E;
    let s = |t: Text| lang.text(t).to_owned();
    let f = |t: Text, args: &[&dyn Display]| lang.fill(t, args);
    match e {
        E::InvalidInput {
            field: fd,
            problem: p,
        } => {
            let (name, hint) = field(lang, *fd);
            f(
                k::CLI_REFUSAL_INVALID_INPUT,
                &[&name, &problem(lang, *p), &hint],
            )
        }
        E::NotActivated => s(k::CLI_REFUSAL_NOT_ACTIVATED),
        E::AlreadyActivated => s(k::CLI_REFUSAL_ALREADY_ACTIVATED),
        E::TerminalNotEmpty => s(k::CLI_REFUSAL_TERMINAL_NOT_EMPTY),
        E::PermissionNotGranted => s(k::CLI_REFUSAL_PERMISSION_NOT_GRANTED),
        E::RefundPermissionNotGranted => s(k::CLI_REFUSAL_REFUND_PERMISSION_NOT_GRANTED),
        E::PasswordNotSet => s(k::CLI_REFUSAL_PASSWORD_NOT_SET),
        E::PendingHostWork { count } => f(k::CLI_REFUSAL_PENDING_HOST_WORK, &[count]),
        E::AnswerTooLate { state } => f(k::CLI_REFUSAL_ANSWER_TOO_LATE, &[&lang.leg_state(*state)]),
        E::NotInManualHandling { state } => f(
            k::CLI_REFUSAL_NOT_IN_MANUAL_HANDLING,
            &[&lang.leg_state(*state)],
        ),
        E::TransactionNotFound { voucher_no: v } => f(k::CLI_REFUSAL_TRANSACTION_NOT_FOUND, &[v]),
        E::NotVoidable { voucher_no: v } => f(k::CLI_REFUSAL_NOT_VOIDABLE, &[v]),
        E::AlreadyVoided {
            voucher_no: v,
            void_voucher_no: w,
        } => f(k::CLI_REFUSAL_ALREADY_VOIDED, &[v, w]),
        E::SettledUseRefund {
            voucher_no: v,
            batch_no: b,
        } => f(k::CLI_REFUSAL_SETTLED_USE_REFUND, &[v, b]),
        E::NotSameBusinessDate { business_date: d } => {
            f(k::CLI_REFUSAL_NOT_SAME_BUSINESS_DATE, &[d])
        }
        E::DateMismatch => s(k::CLI_REFUSAL_DATE_MISMATCH),
        E::AmountMismatch => s(k::CLI_REFUSAL_AMOUNT_MISMATCH),
        E::VoidInProgress { voucher_no: v } => f(k::CLI_REFUSAL_VOID_IN_PROGRESS, &[v]),
        E::DailyCountLimitReached { limit } => f(k::CLI_REFUSAL_DAILY_COUNT_LIMIT, &[limit]),
        E::DailyAmountLimitReached { limit, used } => f(
            k::CLI_REFUSAL_DAILY_AMOUNT_LIMIT,
            &[&format::money(*limit), &format::money(*used)],
        ),
        E::WrongPassword { attempts_left: n } => f(k::CLI_REFUSAL_WRONG_PASSWORD, &[n]),
        E::LockedUntil { until_ms } => f(
            k::CLI_REFUSAL_LOCKED_UNTIL,
            &[&format::local_time(*until_ms)],
        ),
        E::LockedUntilLifted => s(k::CLI_REFUSAL_LOCKED_UNTIL_LIFTED),
        E::HostDeclined { response_code: rc } => f(k::CLI_REFUSAL_HOST_DECLINED, &[rc]),
        E::HostUnreachable => s(k::CLI_REFUSAL_HOST_UNREACHABLE),
        E::HostReversed => s(k::CLI_REFUSAL_HOST_REVERSED),
        E::CardReaderMissing => s(k::CLI_REFUSAL_CARD_READER_MISSING),
        E::CardNotRead { failure } => s(match failure {
            voidguard::CardReadFailure::NoCard => k::CLI_REFUSAL_CARD_NOT_READ_NO_CARD,
            voidguard::CardReadFailure::Cancelled => k::CLI_REFUSAL_CARD_NOT_READ_CANCELLED,
            voidguard::CardReadFailure::ReaderFault => k::CLI_REFUSAL_CARD_NOT_READ_FAULT,
        }),
        E::PinBlockRequired => s(k::CLI_REFUSAL_PIN_BLOCK_REQUIRED),
        E::CardMismatch => s(k::CLI_REFUSAL_CARD_MISMATCH),
        E::CardNotOnFile { voucher_no: v } => f(k::CLI_REFUSAL_CARD_NOT_ON_FILE, &[v]),
        E::RefundOriginalNotFound { reference: r } => {
            f(k::CLI_REFUSAL_REFUND_ORIGINAL_NOT_FOUND, &[r])
        }
        E::RefundOfRefund { voucher_no: v } => f(k::CLI_REFUSAL_REFUND_OF_REFUND, &[v]),
        E::RefundOfVoid { voucher_no: v } => f(k::CLI_REFUSAL_REFUND_OF_VOID, &[v]),
        E::RefundOfVoidedSale {
            voucher_no: v,
            void_voucher_no: w,
        } => f(k::CLI_REFUSAL_REFUND_OF_VOIDED_SALE, &[v, w]),
        E::RefundOfReversedSale { voucher_no: v } => {
            f(k::CLI_REFUSAL_REFUND_OF_REVERSED_SALE, &[v])
        }
        E::RefundUseVoid { voucher_no: v } => f(k::CLI_REFUSAL_REFUND_USE_VOID, &[v]),
        E::RefundOverBalance { balance } => f(
            k::CLI_REFUSAL_REFUND_OVER_BALANCE,
            &[&format::money(*balance)],
        ),
        E::RefundOverCap { cap } => f(k::CLI_REFUSAL_REFUND_OVER_CAP, &[&format::money(*cap)]),
        E::DailyRefundCountLimitReached { limit } => {
            f(k::CLI_REFUSAL_DAILY_REFUND_COUNT_LIMIT, &[limit])
        }
        E::DailyRefundAmountLimitReached { limit, used } => f(
            k::CLI_REFUSAL_DAILY_REFUND_AMOUNT_LIMIT,
            &[&format::money(*limit), &format::money(*used)],
        ),
        E::TrivialPassword => s(k::CLI_REFUSAL_TRIVIAL_PASSWORD),
        E::PasswordAlreadySet => s(k::CLI_REFUSAL_PASSWORD_ALREADY_SET),
        E::PasswordReused => s(k::CLI_REFUSAL_PASSWORD_REUSED),
        E::NewPasswordRequired => s(k::CLI_REFUSAL_NEW_PASSWORD_REQUIRED),
        E::UnknownRequest => s(k::CLI_REFUSAL_UNKNOWN_REQUEST),
        E::RequestAlreadyOpen { request_code: c } => f(k::CLI_REFUSAL_REQUEST_ALREADY_OPEN, &[c]),
        E::ApprovalCodeInvalid { attempts_left: n } => {
            f(k::CLI_REFUSAL_APPROVAL_CODE_INVALID, &[n])
        }
        E::ApprovalAlreadyUsed => s(k::CLI_REFUSAL_APPROVAL_ALREADY_USED),
        E::ApprovalExpired => s(k::CLI_REFUSAL_APPROVAL_EXPIRED),
        E::RequestClosed => s(k::CLI_REFUSAL_REQUEST_CLOSED),
        E::NothingToLift => s(k::CLI_REFUSAL_NOTHING_TO_LIFT),
        E::ApprovalsBlocked { until_ms } => f(
            k::CLI_REFUSAL_APPROVALS_BLOCKED,
            &[&format::local_time(*until_ms)],
        ),
        E::RequestLimitReached { limit } => f(k::CLI_REFUSAL_REQUEST_LIMIT_REACHED, &[limit]),
        E::UnknownOperator { operator_no } => f(k::CLI_REFUSAL_UNKNOWN_OPERATOR, &[operator_no]),
        E::WrongOperatorPassword {
            operator_no,
            attempts_left,
        } => f(
            k::CLI_REFUSAL_WRONG_OPERATOR_PASSWORD,
            &[operator_no, attempts_left],
        ),
        E::OperatorLocked {
            operator_no,
            until_ms: Some(until_ms),
        } => f(
            k::CLI_REFUSAL_OPERATOR_LOCKED_UNTIL,
            &[operator_no, &format::local_time(*until_ms)],
        ),
        E::OperatorLocked {
            operator_no,
            until_ms: None,
        } => f(k::CLI_REFUSAL_OPERATOR_LOCKED, &[operator_no]),
        E::NotSignedIn => s(k::CLI_REFUSAL_NOT_SIGNED_IN),
        E::AlreadySignedIn { operator_no } => f(k::CLI_REFUSAL_ALREADY_SIGNED_IN, &[operator_no]),
        E::NotPermitted { operator_no } => f(k::CLI_REFUSAL_NOT_PERMITTED, &[operator_no]),
        E::OperatorExists { operator_no } => f(k::CLI_REFUSAL_OPERATOR_EXISTS, &[operator_no]),
        E::CannotRemove { operator_no } => f(k::CLI_REFUSAL_CANNOT_REMOVE, &[operator_no]),
        E::AdminPasswordAlreadySet => s(k::CLI_REFUSAL_ADMIN_PASSWORD_ALREADY_SET),
        E::UnknownHostLeg => s(k::CLI_REFUSAL_UNKNOWN_HOST_LEG),
        E::NotSimulated => s(k::CLI_REFUSAL_NOT_SIMULATED),
        E::NotADatabase => s(k::CLI_REFUSAL_NOT_A_DATABASE),
        E::ForeignDatabase => s(k::CLI_REFUSAL_FOREIGN_DATABASE),
        E::SchemaTooNew { found, supported } => {
            f(k::CLI_REFUSAL_SCHEMA_TOO_NEW, &[found, supported])
        }
        E::WrongKey => s(k::CLI_REFUSAL_WRONG_KEY),
        E::MasterKeyRejected => s(k::CLI_REFUSAL_MASTER_KEY_REJECTED),
        E::InUse => s(k::CLI_REFUSAL_IN_USE),
        E::KeyUnavailable { reason } => f(k::CLI_REFUSAL_KEY_UNAVAILABLE, &[reason]),
        E::Tampered { what } => f(k::CLI_REFUSAL_TAMPERED, &[what]),
        E::TamperedRow {
            table,
            row_id,
            problem,
        } => f(
            k::CLI_REFUSAL_TAMPERED_ROW,
            &[table, row_id, &super::errors::audit_problem(lang, *problem)],
        ),
        E::RolledBack {
            mark_seq,
            found_seq,
        } => f(k::CLI_REFUSAL_ROLLED_BACK, &[found_seq, mark_seq]),
        E::MarkMissing => s(k::CLI_REFUSAL_MARK_MISSING),
        E::StorageFull => s(k::CLI_REFUSAL_STORAGE_FULL),
        E::Busy => s(k::CLI_REFUSAL_BUSY),
        E::Storage { code } => f(k::CLI_REFUSAL_STORAGE, &[code]),
        E::Internal { reason } => f(k::CLI_REFUSAL_INTERNAL, &[reason]),
    }
}

/// The host's refusal or silence, said of the act it was about and what became of it.
pub fn host(lang: Lang, kind: LegKind, e: &VoidGuardError) -> String {
    use key as k;
    use LegKind as K;
    use VoidGuardError as E;
    let t = match (e, kind) {
        (E::HostDeclined { response_code: rc }, K::Sale) => {
            return lang.fill(k::CLI_HOST_DECLINED_SALE, &[rc])
        }
        (E::HostDeclined { response_code: rc }, K::Void) => {
            return lang.fill(k::CLI_HOST_DECLINED_VOID, &[rc])
        }
        (E::HostDeclined { response_code: rc }, K::Settlement) => {
            return lang.fill(k::CLI_HOST_DECLINED_SETTLEMENT, &[rc])
        }
        (E::HostUnreachable, K::Sale) => k::CLI_HOST_UNREACHABLE_SALE,
        (E::HostReversed, K::Sale) => k::CLI_HOST_REVERSED_SALE,
        (E::HostReversed, K::Void) => k::CLI_HOST_REVERSED_VOID,
        (E::HostReversed, K::Settlement) => k::CLI_HOST_REVERSED_SETTLEMENT,
        (E::HostUnreachable, K::Void) => k::CLI_HOST_UNREACHABLE_VOID,
        (E::HostUnreachable, K::Settlement) => k::CLI_HOST_UNREACHABLE_SETTLEMENT,
        (other, _) => return core(lang, other),
    };
    lang.text(t).to_owned()
}
