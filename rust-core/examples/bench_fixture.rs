//! Builds a journal of N sales (default 1,000,000) with its key file in a folder,
//! for measuring memory and sizes on a realistic database; with `--page-through` it
//! then reads every row back page by page, as the journal screen does.
//! Usage: cargo run --release --features bench --example bench_fixture -- DIR [ROWS] [--page-through]

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use voidguard::vault::kdf::MIN_ITERATIONS;
use voidguard::{KeyFileWrapper, SystemClock, Terminal, TerminalConfig, VoidGuardError};

fn main() -> ExitCode {
    let page_through = std::env::args().any(|a| a == "--page-through");
    let mut args = std::env::args().skip(1).filter(|a| a != "--page-through");
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
    let result = build(&dir, rows).and_then(|()| if page_through { page(&dir) } else { Ok(()) });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fixture failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn open(dir: &std::path::Path) -> Result<Terminal, Box<dyn std::error::Error>> {
    let keys = KeyFileWrapper::open_or_create(dir.join("voidguard.key"))?;
    let mut config = TerminalConfig::new(dir.join("voidguard.db").to_string_lossy());
    config.kdf_iterations = MIN_ITERATIONS;
    Ok(
        Terminal::open_with(config, &keys, None, Arc::new(SystemClock))
            .map_err(VoidGuardError::from)?,
    )
}

fn page(dir: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let terminal = open(dir)?;
    let (mut rows, mut cursor) = (0u64, None);
    loop {
        let page = terminal.journal(voidguard::JournalQuery {
            cursor,
            limit: 500,
            ..Default::default()
        })?;
        rows += page.items.len() as u64;
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    println!("paged through {rows} rows");
    Ok(())
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
