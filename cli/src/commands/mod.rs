//! One module per subcommand; each takes what the merchant gave and calls the core's
//! public `Terminal` API, as the app does.

mod audit;
mod backoffice;
mod books;
mod demo;
mod export;
mod init;
mod journal;
mod operators;
mod password;
pub(crate) mod reasons;
mod refund;
mod requests;
mod resolve;
mod sign_in;
mod status;
mod void;

use std::io::Write;

use crate::args::{Cli, Command, Global};
use crate::error::CliError;
use crate::input::Input;
use crate::messages::Lang;

/// What every command may use: the global options, the language, standard input.
pub struct Ctx {
    pub global: Global,
    pub lang: Lang,
    pub input: Input,
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    let mut ctx = Ctx {
        lang: cli.global.lang,
        global: cli.global,
        input: Input::stdin(),
    };
    match cli.command {
        Command::Init(args) => init::run(&mut ctx, &args),
        Command::Sale(args) => books::sale(&mut ctx, &args),
        Command::Journal(args) => journal::run(&ctx, &args),
        Command::Void(args) => void::run(&mut ctx, &args),
        Command::Refund(args) => refund::run(&mut ctx, &args),
        Command::Settle(args) => books::settle(&mut ctx, &args),
        Command::Password { action } => password::run(&mut ctx, &action),
        Command::Operator { action } => operators::run(&mut ctx, &action),
        Command::Request { action } => requests::apply(&ctx, &action),
        Command::Redeem(args) => requests::redeem(&mut ctx, &args),
        Command::Backoffice { action } => backoffice::run(&ctx, &action),
        Command::Audit(args) => audit::run(&ctx, &args),
        Command::Receipt(args) => books::receipt(&ctx, &args),
        Command::Export(args) => export::run(&ctx, &args),
        Command::Status(args) => status::show(&ctx, &args),
        Command::Reconcile => status::reconcile(&ctx),
        Command::Resolve(args) => resolve::run(&mut ctx, &args),
        Command::Demo => demo::run(&ctx),
    }
}

/// Writes to standard output; a closed pipe ends the command quietly (see main).
pub fn out(text: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| CliError::io(None, &e))
}

/// Writes a line to standard output.
pub fn outln(text: &str) -> Result<(), CliError> {
    out(&format!("{text}\n"))
}

/// Pretty JSON on standard output.
pub fn out_json(value: &serde_json::Value) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| CliError::Io {
        path: None,
        kind: std::io::Error::from(e).kind(),
    })?;
    outln(&text)
}
