//! `voidguard`: the desktop tool over the VoidGuard core's public `Terminal` API — the
//! same calls the Android app makes — on a database file with a key-file wrapper and
//! the built-in host simulator.
//!
//! Exit codes: 0 success, 1 refused by a business rule, 2 usage or invalid input,
//! 3 storage or key error. Every failure is one line on stderr.

mod args;
mod commands;
mod error;
mod format;
mod input;
mod messages;
mod secrets;
mod session;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let lang = cli.global.lang;
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of our output went away (`| head`): nothing to report.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("voidguard: {}", messages::error(lang, &e));
            ExitCode::from(e.exit_code())
        }
    }
}
