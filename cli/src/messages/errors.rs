//! One line for every way a command can end badly, in English or Chinese: the core's
//! refusals come from [`super::refusals`], the tool's own failures from the catalogue's
//! `cli_error_*` and `cli_usage_*` texts.

use voidguard::{AuditProblem, Role};

use super::refusals::{core, host, problem};
use super::{key, Lang, Text};
use crate::error::{Answer, CliError, SecretKind, Usage};
use crate::input::MAX_LINE;
use crate::secrets::MAX_FILE;

pub fn error(lang: Lang, e: &CliError) -> String {
    match e {
        CliError::Core(e) => core(lang, e),
        CliError::Host { kind, error } => host(lang, *kind, error),
        CliError::Usage(u) => usage(lang, u),
        CliError::Key { path, error } => lang.fill(
            key::CLI_ERROR_KEY_FILE,
            &[&core(lang, error), &path.display()],
        ),
        CliError::NoDatabase(p) => lang.fill(key::CLI_ERROR_NO_DATABASE, &[&p.display()]),
        CliError::AlreadyExists(p) => lang.fill(key::CLI_ERROR_ALREADY_EXISTS, &[&p.display()]),
        CliError::Io { path, kind } => {
            let what = match path {
                Some(p) => p.display().to_string(),
                None => lang.text(key::CLI_STANDARD_OUTPUT).to_owned(),
            };
            let kind = std::io::Error::from(*kind);
            lang.fill(key::CLI_ERROR_IO, &[&what, &kind])
        }
        CliError::AuditBroken(report) => {
            let seq = report.first_bad_seq.unwrap_or_default();
            let problem = audit_problem(lang, report.problem.unwrap_or(AuditProblem::Altered));
            let n = report.entries_checked;
            if let (Some(table), Some(row)) = (&report.table, report.row_id) {
                return lang.fill(
                    key::CLI_ERROR_AUDIT_ROW,
                    &[table, &row, &problem, &n, &report.rows_checked],
                );
            }
            lang.fill(key::CLI_ERROR_AUDIT_ENTRY, &[&seq, &problem, &n])
        }
        CliError::Cancelled => lang.text(key::CLI_ERROR_CANCELLED).to_owned(),
        CliError::DemoFailed(why) => lang.fill(key::CLI_ERROR_DEMO_FAILED, &[why]),
    }
}

/// What verification found, as one phrase after "entry N" or "row N of T".
pub fn audit_problem(lang: Lang, p: AuditProblem) -> &'static str {
    lang.text(match p {
        AuditProblem::Altered => key::CLI_AUDIT_FOUND_ALTERED,
        AuditProblem::Missing => key::CLI_AUDIT_FOUND_MISSING,
        AuditProblem::TailCut => key::CLI_AUDIT_FOUND_TAIL_CUT,
        AuditProblem::HeadAltered => key::CLI_AUDIT_FOUND_HEAD_ALTERED,
        AuditProblem::RowAltered => key::CLI_AUDIT_FOUND_ROW_ALTERED,
        AuditProblem::RowUnrecorded => key::CLI_AUDIT_FOUND_ROW_UNRECORDED,
        AuditProblem::RowDeleted => key::CLI_AUDIT_FOUND_ROW_DELETED,
        AuditProblem::RowReplayed => key::CLI_AUDIT_FOUND_ROW_REPLAYED,
        AuditProblem::RolledBack => key::CLI_AUDIT_FOUND_ROLLED_BACK,
    })
}

fn answer(lang: Lang, a: Answer) -> &'static str {
    lang.text(match a {
        Answer::Voucher => key::CLI_ANSWER_VOUCHER,
        Answer::Date => key::CLI_ANSWER_DATE,
        Answer::Amount => key::CLI_ANSWER_AMOUNT,
        Answer::Reason => key::CLI_ANSWER_REASON,
        Answer::Confirmation => key::CLI_ANSWER_CONFIRMATION,
        Answer::Password => key::CLI_ANSWER_PASSWORD,
        Answer::OperatorPassword => key::CLI_ANSWER_OPERATOR_PASSWORD,
        Answer::NewPassword => key::CLI_ANSWER_NEW_PASSWORD,
        Answer::CurrentPassword => key::CLI_ANSWER_CURRENT_PASSWORD,
        Answer::Secret => key::CLI_ANSWER_SECRET,
        Answer::ApprovalCode => key::CLI_ANSWER_APPROVAL_CODE,
        Answer::Card => key::CLI_ANSWER_CARD,
    })
}

/// The file an answer is read from, as the user named it with a `--…-file` flag.
fn file_of(lang: Lang, a: Answer) -> &'static str {
    lang.text(match a {
        Answer::Password
        | Answer::OperatorPassword
        | Answer::NewPassword
        | Answer::CurrentPassword => key::CLI_FILE_PASSWORD,
        Answer::Secret => key::CLI_FILE_SECRET,
        _ => key::CLI_FILE_OTHER,
    })
}

fn no_terminal(kind: SecretKind) -> Text {
    match kind {
        SecretKind::Password => key::CLI_NO_TERMINAL_PASSWORD,
        SecretKind::ApprovalCode => key::CLI_NO_TERMINAL_APPROVAL_CODE,
        SecretKind::Card => key::CLI_NO_TERMINAL_CARD,
    }
}

fn usage(lang: Lang, u: &Usage) -> String {
    let t = match u {
        Usage::NoDataDir => key::CLI_USAGE_NO_DATA_DIR,
        Usage::NoTerminalForSecret(kind) => no_terminal(*kind),
        Usage::InputEnded(a) => return lang.fill(key::CLI_USAGE_INPUT_ENDED, &[&answer(lang, *a)]),
        Usage::FileTooShort(a) => {
            return lang.fill(
                key::CLI_USAGE_FILE_TOO_SHORT,
                &[&file_of(lang, *a), &answer(lang, *a)],
            )
        }
        Usage::Unreadable(p, kind) => {
            let kind = std::io::Error::from(*kind);
            return lang.fill(key::CLI_USAGE_UNREADABLE, &[&p.display(), &kind]);
        }
        Usage::EmptyFile(p) => return lang.fill(key::CLI_USAGE_EMPTY_FILE, &[&p.display()]),
        Usage::FileTooLarge(p) => {
            return lang.fill(key::CLI_USAGE_FILE_TOO_LARGE, &[&p.display(), &MAX_FILE])
        }
        Usage::EmptySecret(a) => {
            return lang.fill(key::CLI_USAGE_EMPTY_SECRET, &[&answer(lang, *a)])
        }
        Usage::TooLong(a) => {
            return lang.fill(key::CLI_USAGE_TOO_LONG, &[&answer(lang, *a), &MAX_LINE])
        }
        Usage::PasswordsDiffer => key::CLI_USAGE_PASSWORDS_DIFFER,
        Usage::PasswordNotNeeded => key::CLI_USAGE_PASSWORD_NOT_NEEDED,
        Usage::NoSuchReason(r, of) => {
            let list = of.list().join(", ");
            return lang.fill(key::CLI_USAGE_NO_SUCH_REASON, &[&of.name(lang), r, &list]);
        }
        Usage::MasterKey => key::CLI_USAGE_MASTER_KEY,
        Usage::BadSecret => key::CLI_USAGE_BAD_SECRET,
        Usage::BadRequestCode => key::CLI_USAGE_BAD_REQUEST_CODE,
        Usage::ResolutionIncomplete => key::CLI_USAGE_RESOLUTION_INCOMPLETE,
        Usage::CardOnCommandLine => key::CLI_USAGE_CARD_ON_COMMAND_LINE,
        Usage::ApprovalCodeOnCommandLine => key::CLI_USAGE_APPROVAL_CODE_ON_COMMAND_LINE,
        Usage::OperatorPassword { role, problem: p } => {
            let (name, hint) = match role {
                Role::Administrator => (key::CLI_PASSWORD_ADMINISTRATOR, key::CLI_HINT_8_DIGITS),
                Role::Cashier => (key::CLI_PASSWORD_CASHIER, key::CLI_HINT_4_TO_8_DIGITS),
                Role::Supervisor => (key::CLI_INPUT_PASSWORD, key::CLI_INPUT_HINT_PASSWORD),
            };
            return lang.fill(
                key::CLI_REFUSAL_INVALID_INPUT,
                &[&lang.text(name), &problem(lang, *p), &lang.text(hint)],
            );
        }
        Usage::SupervisorPassword => key::CLI_USAGE_SUPERVISOR_PASSWORD,
    };
    lang.text(t).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use voidguard::{Field, Problem, VoidGuardError};

    #[test]
    fn void_refusals_have_chinese_messages() {
        let e = CliError::Core(VoidGuardError::AmountMismatch);
        assert_eq!(error(Lang::Zh, &e), "输入的金额与原交易不符");
        let e = CliError::Core(VoidGuardError::WrongPassword { attempts_left: 3 });
        assert!(error(Lang::Zh, &e).contains("还可尝试 3 次"));
    }

    #[test]
    fn invalid_input_names_field_and_expectation() {
        let e = CliError::Core(VoidGuardError::InvalidInput {
            field: Field::MerchantNo,
            problem: Problem::WrongLength,
        });
        assert_eq!(
            error(Lang::En, &e),
            "invalid merchant number: has the wrong length (expected 15 digits)"
        );
    }
}
