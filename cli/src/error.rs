//! What can end a command, and the exit code each outcome gets.

use std::path::PathBuf;

use voidguard::{AuditReport, LegKind, VoidGuardError};

/// Exit codes, as documented in `--help`.
pub const EXIT_REFUSED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_STORAGE: u8 = 3;

#[derive(Debug)]
pub enum CliError {
    /// The core refused or failed.
    Core(VoidGuardError),
    /// The host declined an online act of this kind, or its answer was lost
    /// (`HostDeclined`, `HostUnreachable`, `HostReversed`): the message says what
    /// became of the act.
    Host {
        kind: LegKind,
        error: VoidGuardError,
    },
    /// The key file could not open the database's key.
    Key {
        path: PathBuf,
        error: VoidGuardError,
    },
    /// No database at the path (and this command does not create one).
    NoDatabase(PathBuf),
    /// A database or key file is already where `init` would create one.
    AlreadyExists(PathBuf),
    /// Wrong arguments or answers the core never saw.
    Usage(Usage),
    /// Reading or writing a file or stream failed.
    Io {
        path: Option<PathBuf>,
        kind: std::io::ErrorKind,
    },
    /// `audit verify` found a bad entry.
    AuditBroken(AuditReport),
    /// The merchant answered "no" at the confirmation.
    Cancelled,
    /// A demo step did not end as the script expects.
    DemoFailed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Usage {
    /// The user's data folder is unknown; `--db` is needed.
    NoDataDir,
    /// A secret is needed but neither a terminal nor one of its flags gives one.
    NoTerminalForSecret(SecretKind),
    /// Standard input ended before this answer.
    InputEnded(Answer),
    /// The file of secrets has no line for this answer.
    FileTooShort(Answer),
    /// A file named on the command line could not be read.
    Unreadable(PathBuf, std::io::ErrorKind),
    /// A file of secrets holds nothing.
    EmptyFile(PathBuf),
    /// A file of secrets is larger than any set of secrets the tool reads.
    FileTooLarge(PathBuf),
    /// A secret read from a prompt, stdin or a file is empty.
    EmptySecret(Answer),
    /// A line of input is longer than any answer or secret the tool reads.
    TooLong(Answer),
    /// The two entries of a new password differ.
    PasswordsDiffer,
    /// A password source was given to a command that needs none.
    PasswordNotNeeded,
    /// The reason answer is neither a listed number nor a reason code.
    NoSuchReason(String, crate::commands::reasons::Of),
    /// The terminal secret is not hex of 16 to 64 bytes.
    BadSecret,
    /// The request code is not 10 digits.
    BadRequestCode,
    /// `sale --card PAN`: the card number given as an argument.
    CardOnCommandLine,
    /// `redeem <request code> <approval code>`: the approval code given as an argument.
    ApprovalCodeOnCommandLine,
    /// An operator's password is malformed (the core's field names the void password,
    /// which has another length).
    OperatorPassword {
        role: voidguard::Role,
        problem: voidguard::Problem,
    },
    /// `resolve ID` without what the acquirer said (`--rrn` and `--auth-code`, or
    /// `--never-happened`) or without `--note`.
    ResolutionIncomplete,
    /// `operator password --operator 00`: the supervisor's password is the void password.
    SupervisorPassword,
    /// `--host` without `--master-key-file`, or a key file that is not 32 hex characters.
    MasterKey,
}

/// Which secret a `--…-stdin` / `--…-file` pair of flags reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    Password,
    ApprovalCode,
    Card,
}

/// Which answer a [`Usage`] error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Voucher,
    Date,
    Amount,
    Reason,
    Confirmation,
    Password,
    /// An operator's own password (a cashier's or the administrator's).
    OperatorPassword,
    NewPassword,
    CurrentPassword,
    Secret,
    ApprovalCode,
    Card,
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Core(e) | Self::Host { error: e, .. } => core_exit_code(e),
            Self::Usage(_) => EXIT_USAGE,
            Self::Key { .. } | Self::NoDatabase(_) | Self::Io { .. } | Self::AuditBroken(_) => {
                EXIT_STORAGE
            }
            Self::AlreadyExists(_) | Self::Cancelled | Self::DemoFailed(_) => EXIT_REFUSED,
        }
    }

    pub fn io(path: Option<&std::path::Path>, e: &std::io::Error) -> Self {
        Self::Io {
            path: path.map(std::path::Path::to_path_buf),
            kind: e.kind(),
        }
    }

    /// Names the online act a host's refusal or silence is about.
    pub fn of_leg(self, kind: LegKind) -> Self {
        match self {
            Self::Core(
                error @ (VoidGuardError::HostDeclined { .. }
                | VoidGuardError::HostUnreachable
                | VoidGuardError::HostReversed),
            ) => Self::Host { kind, error },
            other => other,
        }
    }

    /// Names the key file in a key failure, so the merchant knows which file.
    pub fn with_key_file(self, path: &std::path::Path) -> Self {
        match self {
            Self::Core(e @ (VoidGuardError::WrongKey | VoidGuardError::KeyUnavailable { .. })) => {
                Self::Key {
                    path: path.to_path_buf(),
                    error: e,
                }
            }
            other => other,
        }
    }

    /// Output cut short by the reader (`| head`) is not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(
            self,
            Self::Io {
                path: None,
                kind: std::io::ErrorKind::BrokenPipe
            }
        )
    }
}

/// Storage and key failures are 3, input the core refused as malformed is 2, every
/// other refusal is a business rule (1).
pub fn core_exit_code(e: &VoidGuardError) -> u8 {
    use VoidGuardError as E;
    match e {
        E::NotADatabase
        | E::ForeignDatabase
        | E::SchemaTooNew { .. }
        | E::WrongKey
        | E::InUse
        | E::KeyUnavailable { .. }
        | E::Tampered { .. }
        | E::TamperedRow { .. }
        | E::RolledBack { .. }
        | E::MarkMissing
        | E::StorageFull
        | E::Busy
        | E::Storage { .. }
        | E::Internal { .. } => EXIT_STORAGE,
        E::InvalidInput { .. } => EXIT_USAGE,
        _ => EXIT_REFUSED,
    }
}

impl From<VoidGuardError> for CliError {
    fn from(e: VoidGuardError) -> Self {
        Self::Core(e)
    }
}

impl From<voidguard::error::Error> for CliError {
    fn from(e: voidguard::error::Error) -> Self {
        Self::Core(VoidGuardError::from(e))
    }
}

impl From<Usage> for CliError {
    fn from(u: Usage) -> Self {
        Self::Usage(u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_and_key_errors_exit_3_input_2_refusals_1() {
        assert_eq!(core_exit_code(&VoidGuardError::WrongKey), 3);
        assert_eq!(
            core_exit_code(&VoidGuardError::SchemaTooNew {
                found: 9,
                supported: 1
            }),
            3
        );
        assert_eq!(
            core_exit_code(&VoidGuardError::InvalidInput {
                field: voidguard::Field::Amount,
                problem: voidguard::Problem::Malformed
            }),
            2
        );
        assert_eq!(core_exit_code(&VoidGuardError::AmountMismatch), 1);
        assert_eq!(
            core_exit_code(&VoidGuardError::WrongPassword { attempts_left: 4 }),
            1
        );
    }
}
