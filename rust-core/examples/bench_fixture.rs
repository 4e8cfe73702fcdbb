//! Builds a journal of N sales (default 1,000,000) with its key file in a folder,
//! for measuring memory and sizes on a realistic database.
//! Usage: cargo run --release --features bench --example bench_fixture -- DIR [ROWS]

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use voidguard::vault::kdf::MIN_ITERATIONS;
use voidguard::{KeyFileWrapper, SystemClock, Terminal, TerminalConfig, VoidGuardError};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: bench_fixture DIR [ROWS]");
        return ExitCode::from(2);
    };
    let rows: u32 = match args.next().map(|r| r.parse()) {
        None => 1_000_000,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("ROWS must be a number");
            return ExitCode::from(2);
        }
    };
    match build(&dir, rows) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fixture failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn build(dir: &std::path::Path, rows: u32) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let db = dir.join("voidguard.db");
    if db.exists() {
        println!("{} exists; left as it is", db.display());
        return Ok(());
    }
    let keys = KeyFileWrapper::open_or_create(dir.join("voidguard.key"))?;
    let mut config = TerminalConfig::new(db.to_string_lossy());
    config.kdf_iterations = MIN_ITERATIONS;
    let terminal = Terminal::open_with(config, &keys, None, Arc::new(SystemClock))
        .map_err(VoidGuardError::from)?;
    terminal.activate(
        "898340157220001".into(),
        "LKL00042".into(),
        "7c1f9a2b5d3e4f60718293a4b5c6d7e8".into(),
    )?;
    terminal.bulk_fill(rows, 100_000)?;
    println!("{} sales written to {}", rows, db.display());
    Ok(())
}
