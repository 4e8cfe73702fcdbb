//! Standard input, read a line at a time and shared by prompts and secrets, so answers
//! and a password piped in one stream are taken in order.

use std::io::{BufRead, IsTerminal, Read, StdinLock, Write};

use zeroize::Zeroizing;

use crate::error::{Answer, CliError, Usage};

/// The longest line read from standard input, in bytes, without its line ending:
/// longer than any answer or secret the tool asks for, short enough that a stream of
/// garbage is refused rather than read into memory.
pub const MAX_LINE: usize = 256;

pub struct Input {
    reader: StdinLock<'static>,
    /// Standard input is a terminal: prompts are shown and secrets are read without echo.
    pub tty: bool,
}

impl Input {
    pub fn stdin() -> Self {
        let stdin = std::io::stdin();
        Self {
            tty: stdin.is_terminal(),
            reader: stdin.lock(),
        }
    }

    /// The next line, the answer `what`, without its line ending. The buffer is
    /// allocated once and wiped when dropped, as it may hold a secret.
    pub fn line(&mut self, what: Answer) -> Result<Zeroizing<String>, CliError> {
        let stdin = || Some(std::path::Path::new("<stdin>"));
        // Room for the longest line and a CR LF: no reallocation leaves a copy behind.
        let mut buf = Zeroizing::new(Vec::with_capacity(MAX_LINE + 2));
        let n = (&mut self.reader)
            .take(MAX_LINE as u64 + 2)
            .read_until(b'\n', &mut buf)
            .map_err(|e| CliError::io(stdin(), &e))?;
        if n == 0 {
            return Err(Usage::InputEnded(what).into());
        }
        let len = buf
            .iter()
            .rposition(|b| !matches!(b, b'\n' | b'\r'))
            .map_or(0, |i| i + 1);
        let text = buf.get(..len).unwrap_or_default();
        if text.len() > MAX_LINE {
            return Err(Usage::TooLong(what).into());
        }
        let text = std::str::from_utf8(text).map_err(|_| CliError::Io {
            path: stdin().map(std::path::Path::to_path_buf),
            kind: std::io::ErrorKind::InvalidData,
        })?;
        Ok(Zeroizing::new(text.to_owned()))
    }

    /// Asks for one answer: the prompt goes to stderr when a person is typing.
    pub fn ask(&mut self, prompt: &str, what: Answer) -> Result<String, CliError> {
        if self.tty {
            let mut err = std::io::stderr();
            // A prompt that cannot be shown is not worth failing the command for.
            let _ = write!(err, "{prompt}").and_then(|()| err.flush());
        }
        Ok(self.line(what)?.trim().to_owned())
    }
}
