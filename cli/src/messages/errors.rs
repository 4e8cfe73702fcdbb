//! One line for every way a command can end badly, in English or Chinese: the core's
//! refusals come from [`super::refusals`], the tool's own failures are worded here.

use voidguard::{AuditProblem, Role};

use super::refusals::{core, host, problem};
use super::Lang;
use crate::error::{Answer, CliError, SecretKind, Usage};
use crate::input::MAX_LINE;
use crate::secrets::MAX_FILE;

pub fn error(lang: Lang, e: &CliError) -> String {
    let zh = lang == Lang::Zh;
    match e {
        CliError::Core(e) => core(lang, e),
        CliError::Host { kind, error } => host(lang, *kind, error),
        CliError::Usage(u) => usage(lang, u),
        CliError::Key { path, error } if zh => {
            format!("{}（密钥文件 {}）", core(lang, error), path.display())
        }
        CliError::Key { path, error } => {
            format!("{} (key file {})", core(lang, error), path.display())
        }
        CliError::NoDatabase(p) if zh => format!(
            "{} 处没有 VoidGuard 数据库：请先运行 voidguard init（或用 --db 指定）",
            p.display()
        ),
        CliError::NoDatabase(p) => format!(
            "no VoidGuard database at {}: run `voidguard init` first (or pass --db)",
            p.display()
        ),
        CliError::AlreadyExists(p) if zh => format!("{} 已存在，未作任何改动", p.display()),
        CliError::AlreadyExists(p) => {
            format!("{} exists already; nothing was changed", p.display())
        }
        CliError::Io { path, kind } => {
            let what = match path {
                Some(p) => p.display().to_string(),
                None => lang.pick("standard output", "标准输出").to_owned(),
            };
            let kind = std::io::Error::from(*kind);
            lang.pick(
                &format!("cannot read or write {what}: {kind}"),
                &format!("无法读写 {what}：{kind}"),
            )
            .to_owned()
        }
        CliError::AuditBroken(report) => {
            let seq = report.first_bad_seq.unwrap_or_default();
            let problem = audit_problem(lang, report.problem.unwrap_or(AuditProblem::Altered));
            let n = report.entries_checked;
            if let (Some(table), Some(row)) = (&report.table, report.row_id) {
                return if zh {
                    format!(
                        "审计校验失败：表 {table} 第 {row} 行{problem}（已检查 {n} 条记录、{} 行）",
                        report.rows_checked
                    )
                } else {
                    format!(
                        "the audit trail does not verify: row {row} of {table} {problem} ({n} entries, {} rows checked)",
                        report.rows_checked
                    )
                };
            }
            if zh {
                format!("审计链校验失败：第 {seq} 条{problem}（已检查 {n} 条）")
            } else {
                format!(
                    "the audit trail does not verify: entry {seq} {problem} ({n} entries checked)"
                )
            }
        }
        CliError::Cancelled => lang
            .pick("cancelled: nothing was voided", "已取消：未撤销任何交易")
            .to_owned(),
        CliError::DemoFailed(why) if zh => format!("演示失败：{why}"),
        CliError::DemoFailed(why) => format!("demo failed: {why}"),
    }
}

/// What verification found, as one phrase after "entry N" or "row N of T".
pub fn audit_problem(lang: Lang, p: AuditProblem) -> &'static str {
    match p {
        AuditProblem::Altered => lang.pick("was altered", "被修改"),
        AuditProblem::Missing => lang.pick("is missing", "缺失"),
        AuditProblem::TailCut => lang.pick("follows a cut tail", "之后被截断"),
        AuditProblem::HeadAltered => lang.pick("has an altered head", "头记录被修改"),
        AuditProblem::RowAltered => lang.pick("differs from its audit record", "与审计记录不符"),
        AuditProblem::RowUnrecorded => {
            lang.pick("has no audit record (forged)", "没有审计记录（伪造）")
        }
        AuditProblem::RowDeleted => lang.pick("was deleted", "被删除"),
        AuditProblem::RowReplayed => lang.pick("is an older copy written back", "被旧副本覆盖"),
        AuditProblem::RolledBack => lang.pick("is behind the high-water mark", "落后于高水位标记"),
    }
}

fn answer(lang: Lang, a: Answer) -> &'static str {
    match a {
        Answer::Voucher => lang.pick("voucher number", "凭证号"),
        Answer::Date => lang.pick("date", "日期"),
        Answer::Amount => lang.pick("amount", "金额"),
        Answer::Reason => lang.pick("void reason", "撤销原因"),
        Answer::Confirmation => lang.pick("confirmation", "确认"),
        Answer::Password => lang.pick("void password", "撤销密码"),
        Answer::OperatorPassword => lang.pick("operator's password", "操作员密码"),
        Answer::NewPassword => lang.pick("new password", "新密码"),
        Answer::CurrentPassword => lang.pick("current password", "当前密码"),
        Answer::Secret => lang.pick("terminal secret", "终端密钥"),
        Answer::ApprovalCode => lang.pick("approval code", "审批码"),
        Answer::Card => lang.pick("card number", "卡号"),
    }
}

/// The file an answer is read from, as the user named it with a `--…-file` flag.
fn file_of(lang: Lang, a: Answer) -> &'static str {
    match a {
        Answer::Password
        | Answer::OperatorPassword
        | Answer::NewPassword
        | Answer::CurrentPassword => lang.pick("password file", "密码文件"),
        Answer::Secret => lang.pick("secret file", "密钥文件"),
        _ => lang.pick("file", "文件"),
    }
}

fn no_terminal(lang: Lang, kind: SecretKind) -> &'static str {
    match kind {
        SecretKind::Password => lang.pick(
            "no terminal to ask without echo: use --password-stdin or --password-file (--secret-file for init)",
            "没有可无回显输入的终端：请用 --password-stdin 或 --password-file（init 用 --secret-file）",
        ),
        SecretKind::ApprovalCode => lang.pick(
            "no terminal to ask without echo: use --approval-code-stdin or --approval-code-file",
            "没有可无回显输入的终端：请用 --approval-code-stdin 或 --approval-code-file",
        ),
        SecretKind::Card => lang.pick(
            "no terminal to ask without echo: use --card-stdin or --card-file",
            "没有可无回显输入的终端：请用 --card-stdin 或 --card-file",
        ),
    }
}

fn usage(lang: Lang, u: &Usage) -> String {
    let zh = lang == Lang::Zh;
    match u {
        Usage::NoDataDir => lang
            .pick(
                "the user's data folder is unknown: pass --db",
                "无法确定用户数据目录：请用 --db 指定",
            )
            .to_owned(),
        Usage::NoTerminalForSecret(kind) => no_terminal(lang, *kind).to_owned(),
        Usage::InputEnded(a) if zh => format!("标准输入在读取{}之前结束", answer(lang, *a)),
        Usage::InputEnded(a) => format!("standard input ended before the {}", answer(lang, *a)),
        Usage::FileTooShort(a) if zh => {
            format!("{}中没有{}这一行", file_of(lang, *a), answer(lang, *a))
        }
        Usage::FileTooShort(a) => {
            format!(
                "the {} has no line for the {}",
                file_of(lang, *a),
                answer(lang, *a)
            )
        }
        Usage::Unreadable(p, kind) => {
            let kind = std::io::Error::from(*kind);
            if zh {
                format!("无法读取 {}：{kind}", p.display())
            } else {
                format!("cannot read {}: {kind}", p.display())
            }
        }
        Usage::EmptyFile(p) if zh => format!("{} 是空文件", p.display()),
        Usage::EmptyFile(p) => format!("{} is empty", p.display()),
        Usage::FileTooLarge(p) if zh => format!(
            "{} 超过 {MAX_FILE} 字节，不是存放密码、审批码或卡号的文件",
            p.display()
        ),
        Usage::FileTooLarge(p) => format!(
            "{} is larger than {MAX_FILE} bytes: not a file of secrets",
            p.display()
        ),
        Usage::EmptySecret(a) if zh => format!("{}为空", answer(lang, *a)),
        Usage::EmptySecret(a) => format!("the {} is empty", answer(lang, *a)),
        Usage::TooLong(a) if zh => format!("{}超过 {MAX_LINE} 字节", answer(lang, *a)),
        Usage::TooLong(a) => format!("the {} is longer than {MAX_LINE} bytes", answer(lang, *a)),
        Usage::PasswordsDiffer => lang
            .pick(
                "the two entries of the new password differ; nothing was changed",
                "两次输入的新密码不一致，未作任何改动",
            )
            .to_owned(),
        Usage::PasswordNotNeeded => lang
            .pick(
                "only a password reset takes a new password: drop --password-stdin/--password-file",
                "只有重置密码需要新密码：请去掉 --password-stdin/--password-file",
            )
            .to_owned(),
        Usage::NoSuchReason(r, of) => {
            let list = of.list().join(", ");
            let name = of.name(lang);
            if zh {
                format!("没有{name}“{r}”：请选择列表中的编号或以下之一：{list}")
            } else {
                format!("no {name} '{r}': choose a number from the list or one of: {list}")
            }
        }
        Usage::MasterKey => lang
            .pick(
                "--host needs --master-key-file PATH: a file holding the terminal master key \
                 as 32 hex characters",
                "--host 需要 --master-key-file 文件：文件内为 32 位十六进制的终端主密钥",
            )
            .to_owned(),
        Usage::BadSecret => lang
            .pick(
                "the terminal secret must be hex of 16 to 64 bytes",
                "终端密钥须为 16 至 64 字节的十六进制",
            )
            .to_owned(),
        Usage::BadRequestCode => lang
            .pick(
                "the request code must be 10 digits",
                "申请编号须为 10 位数字",
            )
            .to_owned(),
        Usage::ResolutionIncomplete => lang
            .pick(
                "say what the acquirer said happened — `--rrn R --auth-code A` (it was \
                 approved; `--approved` alone for a settlement without numbers) or \
                 `--never-happened` — and who said it with `--note`",
                "请说明收单机构核实的结果：--rrn 参考号 --auth-code 授权码（交易已成功；\
                 结算无参考号时只用 --approved）或 --never-happened（交易未发生），\
                 并用 --note 注明答复人",
            )
            .to_owned(),
        Usage::CardOnCommandLine => lang
            .pick(
                "the card number is not taken as an argument, where `ps` and the shell history \
                 show it: type it when asked, or use --card-stdin or --card-file FILE",
                "卡号不能写在命令行上（ps 和 shell 历史会显示它）：按提示输入，\
                 或用 --card-stdin 或 --card-file 文件",
            )
            .to_owned(),
        Usage::ApprovalCodeOnCommandLine => lang
            .pick(
                "the approval code is not taken as an argument, where `ps` and the shell \
                 history show it: run `voidguard redeem <request code>` and type it when \
                 asked, or use --approval-code-stdin or --approval-code-file FILE",
                "审批码不能写在命令行上（ps 和 shell 历史会显示它）：运行 voidguard redeem \
                 <申请编号> 后按提示输入，或用 --approval-code-stdin 或 --approval-code-file 文件",
            )
            .to_owned(),
        Usage::OperatorPassword { role, problem: p } => {
            let (name, hint) = match role {
                Role::Administrator => (
                    lang.pick("administrator's password", "系统管理员密码"),
                    lang.pick("8 digits", "8 位数字"),
                ),
                Role::Cashier => (
                    lang.pick("cashier's password", "收银员密码"),
                    lang.pick("4 to 8 digits", "4 至 8 位数字"),
                ),
                Role::Supervisor => (
                    lang.pick("void password", "撤销密码"),
                    lang.pick("6 digits", "6 位数字"),
                ),
            };
            let p = problem(lang, *p);
            if zh {
                format!("{name}{p}（应为{hint}）")
            } else {
                format!("invalid {name}: {p} (expected {hint})")
            }
        }
        Usage::SupervisorPassword => lang
            .pick(
                "the supervisor's (00) password is the void password: change it with \
                 `voidguard password change`",
                "主管（00）的密码就是撤销密码：请用 voidguard password change 修改",
            )
            .to_owned(),
    }
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
