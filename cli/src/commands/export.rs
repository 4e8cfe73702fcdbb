//! `export --csv`: the journal, newest first, streamed page by page through the
//! keyset cursor, so memory stays flat however many rows there are. A file is written
//! beside its destination and renamed into place when complete (a device or a pipe is
//! written into directly); a progress spinner is drawn only when stderr is a terminal.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use voidguard::{JournalPage, Terminal, Transaction};

use super::journal::query;
use super::Ctx;
use crate::args::{ExportArgs, JournalFilter};
use crate::error::CliError;
use crate::format::{self, csv_field};
use crate::messages::key;
use crate::session;

/// Rows per page: the core's largest.
const PAGE: u32 = 500;

const HEADER: &str = "id,kind,voucher_no,batch_no,business_date,created_at_ms,created_at_local,\
amount,currency,masked_pan,card_scheme,operator_no,authoriser_no,void_reason,status,\
original_voucher_no,rrn,auth_code\n";

pub fn run(ctx: &Ctx, args: &ExportArgs) -> Result<(), CliError> {
    let terminal = session::open_existing(&ctx.global)?;
    // The first page is read before any file is created, so a bad filter writes nothing.
    let first = terminal.journal(query(&args.filter, None, PAGE))?;
    let bar = progress();
    let rows = match &args.out {
        None => {
            let mut w = BufWriter::new(std::io::stdout().lock());
            let rows = stream(&terminal, &args.filter, first, &mut w, None, &bar)?;
            w.flush().map_err(|e| CliError::io(None, &e))?;
            rows
        }
        Some(path) => to_file(&terminal, &args.filter, first, path, &bar)?,
    };
    bar.finish_and_clear();
    if let Some(path) = &args.out {
        eprintln!(
            "{}",
            ctx.lang.fill(key::CLI_EXPORTED, &[&rows, &path.display()])
        );
    }
    Ok(())
}

fn to_file(
    terminal: &Terminal,
    filter: &JournalFilter,
    first: JournalPage,
    path: &Path,
    bar: &ProgressBar,
) -> Result<u64, CliError> {
    let io_err = |e: std::io::Error| CliError::io(Some(path), &e);
    let write_into = |file: &std::fs::File| -> Result<u64, CliError> {
        let mut w = BufWriter::new(file);
        let rows = stream(terminal, filter, first, &mut w, Some(path), bar)?;
        w.flush().map_err(io_err)?;
        Ok(rows)
    };
    // A device, pipe or socket is written into as it is: renaming a finished file
    // over it would replace it (over /dev/null, for every program on the machine).
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(io_err)?;
        return write_into(&file);
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".voidguard-export-")
        .tempfile_in(dir)
        .map_err(io_err)?;
    let rows = write_into(tmp.as_file())?;
    tmp.as_file().sync_all().map_err(io_err)?;
    tmp.persist(path).map_err(|e| io_err(e.error))?;
    Ok(rows)
}

fn progress() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {human_pos} rows exported ({elapsed})")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn stream(
    terminal: &Terminal,
    filter: &JournalFilter,
    first: JournalPage,
    w: &mut impl Write,
    path: Option<&Path>,
    bar: &ProgressBar,
) -> Result<u64, CliError> {
    let io_err = |e: std::io::Error| CliError::io(path, &e);
    w.write_all(HEADER.as_bytes()).map_err(io_err)?;
    let mut page = first;
    let mut rows = 0u64;
    loop {
        for t in &page.items {
            w.write_all(row(t).as_bytes()).map_err(io_err)?;
        }
        let n = page.items.len() as u64;
        rows += n;
        bar.inc(n);
        match page.next_cursor {
            Some(cursor) => page = terminal.journal(query(filter, Some(cursor), PAGE))?,
            None => return Ok(rows),
        }
    }
}

fn row(t: &Transaction) -> String {
    let opt = |v: &Option<String>| v.as_deref().map(csv_field).unwrap_or_default();
    format!(
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
        t.id,
        t.kind.as_str(),
        t.voucher_no,
        t.batch_no,
        csv_field(&t.business_date),
        t.created_at_ms,
        format::local_time(t.created_at_ms),
        t.amount.to_decimal_string(),
        t.currency,
        csv_field(&t.masked_pan),
        csv_field(&t.card_scheme),
        csv_field(&t.operator_no),
        opt(&t.authoriser_no),
        opt(&t.void_reason),
        t.status.as_str(),
        opt(&t.original_voucher_no),
        csv_field(&t.rrn),
        csv_field(&t.auth_code),
    )
}
