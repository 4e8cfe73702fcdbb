//! Standard input, read a line at a time and shared by prompts and secrets, so answers
//! and a password piped in one stream are taken in order.

use std::io::{BufRead, IsTerminal, StdinLock, Write};

use zeroize::Zeroizing;

use crate::error::{Answer, CliError, Usage};

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

    /// The next line without its line ending; `None` at the end of input. The buffer
    /// is wiped when dropped, as it may hold a secret.
    pub fn line(&mut self) -> Result<Option<Zeroizing<String>>, CliError> {
        let mut buf = Zeroizing::new(String::new());
        let n = self
            .reader
            .read_line(&mut buf)
            .map_err(|e| CliError::io(Some(std::path::Path::new("<stdin>")), &e))?;
        if n == 0 {
            return Ok(None);
        }
        let len = buf.trim_end_matches(['\n', '\r']).len();
        buf.truncate(len);
        Ok(Some(buf))
    }

    /// Asks for one answer: the prompt goes to stderr when a person is typing.
    pub fn ask(&mut self, prompt: &str, what: Answer) -> Result<String, CliError> {
        if self.tty {
            let mut err = std::io::stderr();
            // A prompt that cannot be shown is not worth failing the command for.
            let _ = write!(err, "{prompt}").and_then(|()| err.flush());
        }
        match self.line()? {
            Some(line) => Ok(line.trim().to_owned()),
            None => Err(Usage::InputEnded(what).into()),
        }
    }
}
