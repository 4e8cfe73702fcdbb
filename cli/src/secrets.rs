//! Passwords and the terminal secret: from a no-echo prompt on the terminal, from
//! standard input, or from a file — never from the command line, never printed, and
//! wiped from memory when dropped.

use std::path::Path;

use zeroize::Zeroizing;

use crate::args::PasswordSource;
use crate::error::{Answer, CliError, Usage};
use crate::input::Input;
use crate::messages::Lang;

pub type Secret = Zeroizing<String>;

enum Source {
    /// Ask on the terminal without echo.
    Prompt,
    /// One line of standard input per secret (no echo when it is a terminal).
    Stdin,
    /// One line of the file per secret.
    File { lines: Vec<Secret>, next: usize },
}

pub struct Secrets {
    source: Source,
}

fn read_file(path: &Path) -> Result<Secret, CliError> {
    std::fs::read_to_string(path)
        .map(Zeroizing::new)
        .map_err(|e| Usage::Unreadable(path.to_path_buf(), e.kind()).into())
}

fn no_echo(prompt: &str) -> Result<Secret, CliError> {
    rpassword::prompt_password(prompt)
        .map(Zeroizing::new)
        .map_err(|e| CliError::io(Some(Path::new("/dev/tty")), &e))
}

impl Secrets {
    /// Settles where secrets come from before anything is asked, so a missing source
    /// is reported first.
    pub fn new(args: &PasswordSource, input: &Input) -> Result<Self, CliError> {
        let source = if let Some(path) = &args.password_file {
            let text = read_file(path)?;
            let lines = text.lines().map(|l| Zeroizing::new(l.to_owned())).collect();
            Source::File { lines, next: 0 }
        } else if args.password_stdin {
            Source::Stdin
        } else if input.tty {
            Source::Prompt
        } else {
            return Err(Usage::NoTerminalForSecret.into());
        };
        Ok(Self { source })
    }

    /// Whether a flag named a source (a command that needs no password refuses it).
    pub fn flagged(args: &PasswordSource) -> bool {
        args.password_stdin || args.password_file.is_some()
    }

    /// The next secret; `prompt` is shown only when asking on the terminal.
    pub fn next(
        &mut self,
        input: &mut Input,
        prompt: &str,
        what: Answer,
    ) -> Result<Secret, CliError> {
        match &mut self.source {
            Source::Prompt => no_echo(prompt),
            Source::Stdin if input.tty => no_echo(prompt),
            Source::Stdin => input.line()?.ok_or(Usage::InputEnded(what).into()),
            Source::File { lines, next } => {
                let line = lines
                    .get_mut(*next)
                    .map(|l| std::mem::take(&mut **l))
                    .ok_or(Usage::FileTooShort(what))?;
                *next += 1;
                Ok(Zeroizing::new(line))
            }
        }
    }

    /// A new password; asked twice when a person types it, once from a stream.
    pub fn new_password(&mut self, input: &mut Input, lang: Lang) -> Result<Secret, CliError> {
        let first = self.next(
            input,
            lang.pick("New void password (6 digits): ", "新撤销密码（6 位数字）："),
            Answer::NewPassword,
        )?;
        let typed = matches!(self.source, Source::Prompt)
            || (matches!(self.source, Source::Stdin) && input.tty);
        if typed {
            let again = self.next(
                input,
                lang.pick("Repeat the new password: ", "再次输入新密码："),
                Answer::NewPassword,
            )?;
            if *again != *first {
                return Err(Usage::PasswordsDiffer.into());
            }
        }
        Ok(first)
    }
}

/// The terminal secret for activation: from `file`, else standard input (no echo on a
/// terminal). Surrounding whitespace is dropped.
pub fn terminal_secret(
    file: Option<&Path>,
    input: &mut Input,
    lang: Lang,
) -> Result<Secret, CliError> {
    let text = match file {
        Some(path) => read_file(path)?,
        None if input.tty => {
            no_echo(lang.pick("Terminal secret (hex): ", "终端密钥（十六进制）："))?
        }
        None => input.line()?.ok_or(Usage::InputEnded(Answer::Secret))?,
    };
    Ok(Zeroizing::new(text.trim().to_owned()))
}
