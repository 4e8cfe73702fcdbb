//! Passwords, approval codes, card numbers and the terminal secret: from a no-echo prompt on the terminal, from
//! standard input, or from a file — never from the command line, never printed, and
//! wiped from memory when dropped. Every secret, whatever it is and wherever it comes
//! from, is read here.

use std::io::Read;
use std::path::Path;

use zeroize::Zeroizing;

use crate::args::{ApprovalSource, CardSource, PasswordSource};
use crate::error::{Answer, CliError, SecretKind, Usage};
use crate::input::{Input, MAX_LINE};
use crate::messages::{key, Lang};

pub type Secret = Zeroizing<String>;

/// The largest file read for secrets, in bytes: room for several lines of
/// [`MAX_LINE`], refusing anything that is plainly not a file of secrets.
pub const MAX_FILE: usize = 4096;

/// The `--…-stdin` / `--…-file` flags a command gives for one kind of secret.
pub struct SourceFlags<'a> {
    pub kind: SecretKind,
    pub stdin: bool,
    pub file: Option<&'a Path>,
}

impl<'a> From<&'a PasswordSource> for SourceFlags<'a> {
    fn from(args: &'a PasswordSource) -> Self {
        Self {
            kind: SecretKind::Password,
            stdin: args.password_stdin,
            file: args.password_file.as_deref(),
        }
    }
}

impl<'a> From<&'a ApprovalSource> for SourceFlags<'a> {
    fn from(args: &'a ApprovalSource) -> Self {
        Self {
            kind: SecretKind::ApprovalCode,
            stdin: args.approval_code_stdin,
            file: args.approval_code_file.as_deref(),
        }
    }
}

impl<'a> From<&'a CardSource> for SourceFlags<'a> {
    fn from(args: &'a CardSource) -> Self {
        Self {
            kind: SecretKind::Card,
            stdin: args.card_stdin,
            file: args.card_file.as_deref(),
        }
    }
}

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

/// The whole file, at most [`MAX_FILE`] bytes, into a buffer allocated once and wiped.
fn read_file(path: &Path) -> Result<Secret, CliError> {
    let unreadable = |kind| Usage::Unreadable(path.to_path_buf(), kind);
    let file = std::fs::File::open(path).map_err(|e| unreadable(e.kind()))?;
    let mut buf = Zeroizing::new(Vec::with_capacity(MAX_FILE + 1));
    file.take(MAX_FILE as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| unreadable(e.kind()))?;
    if buf.len() > MAX_FILE {
        return Err(Usage::FileTooLarge(path.to_path_buf()).into());
    }
    if buf.is_empty() {
        return Err(Usage::EmptyFile(path.to_path_buf()).into());
    }
    let text =
        std::str::from_utf8(&buf).map_err(|_| unreadable(std::io::ErrorKind::InvalidData))?;
    Ok(Zeroizing::new(text.to_owned()))
}

fn no_echo(prompt: &str) -> Result<Secret, CliError> {
    rpassword::prompt_password(prompt)
        .map(Zeroizing::new)
        .map_err(|e| CliError::io(Some(Path::new("/dev/tty")), &e))
}

/// Every secret passes here: an empty or overlong one is named as such rather than
/// handed to the core as a malformed value.
fn checked(secret: Secret, what: Answer) -> Result<Secret, CliError> {
    if secret.trim().is_empty() {
        Err(Usage::EmptySecret(what).into())
    } else if secret.len() > MAX_LINE {
        Err(Usage::TooLong(what).into())
    } else {
        Ok(secret)
    }
}

impl Secrets {
    /// Settles where secrets come from before anything is asked, so a missing source
    /// is reported first.
    pub fn new<'a>(flags: impl Into<SourceFlags<'a>>, input: &Input) -> Result<Self, CliError> {
        let flags = flags.into();
        let source = if let Some(path) = flags.file {
            let text = read_file(path)?;
            let lines = text.lines().map(|l| Zeroizing::new(l.to_owned())).collect();
            Source::File { lines, next: 0 }
        } else if flags.stdin {
            Source::Stdin
        } else if input.tty {
            Source::Prompt
        } else {
            return Err(Usage::NoTerminalForSecret(flags.kind).into());
        };
        Ok(Self { source })
    }

    /// Whether a flag named a source (a command that needs no such secret refuses it).
    pub fn flagged<'a>(flags: impl Into<SourceFlags<'a>>) -> bool {
        let flags = flags.into();
        flags.stdin || flags.file.is_some()
    }

    /// The next secret; `prompt` is shown only when asking on the terminal.
    pub fn next(
        &mut self,
        input: &mut Input,
        prompt: &str,
        what: Answer,
    ) -> Result<Secret, CliError> {
        let secret = match &mut self.source {
            Source::Prompt => no_echo(prompt)?,
            Source::Stdin if input.tty => no_echo(prompt)?,
            Source::Stdin => input.line(what)?,
            Source::File { lines, next } => {
                let line = lines
                    .get_mut(*next)
                    .map(|l| std::mem::take(&mut **l))
                    .ok_or(Usage::FileTooShort(what))?;
                *next += 1;
                Zeroizing::new(line)
            }
        };
        checked(secret, what)
    }

    /// A new void password; asked twice when a person types it, once from a stream.
    pub fn new_password(&mut self, input: &mut Input, lang: Lang) -> Result<Secret, CliError> {
        self.new_password_asking(input, lang, lang.text(key::CLI_PROMPT_NEW_VOID_PASSWORD))
    }

    /// A new password asked with `prompt`; asked twice when a person types it, once
    /// from a stream.
    pub fn new_password_asking(
        &mut self,
        input: &mut Input,
        lang: Lang,
        prompt: &str,
    ) -> Result<Secret, CliError> {
        let first = self.next(input, prompt, Answer::NewPassword)?;
        let typed = matches!(self.source, Source::Prompt)
            || (matches!(self.source, Source::Stdin) && input.tty);
        if typed {
            let again = self.next(
                input,
                lang.text(key::CLI_PROMPT_REPEAT_NEW_PASSWORD),
                Answer::NewPassword,
            )?;
            if *again != *first {
                return Err(Usage::PasswordsDiffer.into());
            }
        }
        Ok(first)
    }
}

/// The terminal secret held in `path`, surrounding whitespace dropped.
pub fn secret_file(path: &Path) -> Result<Secret, CliError> {
    let text = read_file(path)?;
    checked(Zeroizing::new(text.trim().to_owned()), Answer::Secret)
}

/// The terminal secret for activation: from `file`, else standard input (no echo on a
/// terminal). Surrounding whitespace is dropped.
pub fn terminal_secret(
    file: Option<&Path>,
    input: &mut Input,
    lang: Lang,
) -> Result<Secret, CliError> {
    let text = match file {
        Some(path) => return secret_file(path),
        None if input.tty => no_echo(lang.text(key::CLI_PROMPT_TERMINAL_SECRET))?,
        None => input.line(Answer::Secret)?,
    };
    checked(Zeroizing::new(text.trim().to_owned()), Answer::Secret)
}
