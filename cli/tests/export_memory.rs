//! `export --csv` streams page by page: exporting a million rows peaks at about the
//! memory of exporting a few thousand. The rows are written straight into the
//! journal table with SQL (a million sales through the tool would take hours); the
//! export reads them through the core's cursor API like any other rows.
#![cfg(target_os = "linux")]

mod common;

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use common::*;

const SMALL: u32 = 2_000;
const LARGE: u32 = 1_000_000;

fn fill(db: &Path, rows: u32) {
    let mut conn = rusqlite::Connection::open(db).unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO journal (kind, voucher_no, batch_no, rrn, auth_code, amount_fen,
                     currency, masked_pan, card_scheme, operator_no, business_date,
                     created_at_ms, status)
                 VALUES ('sale', ?1, ?2, '123456789012', '654321', ?3, 156, '622202******1234',
                     'UnionPay', '01', '2026-11-29', 1796004000000, 'settled')",
            )
            .unwrap();
        for i in 0..rows {
            insert
                .execute(rusqlite::params![
                    i % 900_000 + 1,
                    100 + i / 900_000,
                    100 + i % 5_000
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
}

/// Runs the export to stdout, counting its lines while sampling its peak resident
/// memory (VmHWM) until it ends. Returns (rows, peak KiB).
fn export(shop: &Shop) -> (usize, u64) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_voidguard"))
        .env("VOIDGUARD_DB", &shop.db)
        .env_remove("VOIDGUARD_KEY_FILE")
        .args(["export", "--csv"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut pipe = child.stdout.take().unwrap();
    let counter = std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        let mut lines = 0;
        loop {
            match pipe.read(&mut buf).unwrap() {
                0 => return lines,
                n => lines += buf[..n].iter().filter(|b| **b == b'\n').count(),
            }
        }
    });
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            peak = peak.max(hwm.unwrap_or(0));
        }
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success(), "export failed: {exit}");
            // Less the header line.
            return (counter.join().unwrap() - 1, peak);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn exporting_a_million_rows_takes_no_more_memory_than_a_few_thousand() {
    let small = Shop::activated();
    fill(&small.db, SMALL);
    let large = Shop::activated();
    fill(&large.db, LARGE);

    let (small_rows, small_peak) = export(&small);
    let (large_rows, large_peak) = export(&large);
    assert_eq!(small_rows, SMALL as usize);
    assert_eq!(large_rows, LARGE as usize);
    eprintln!("peak {large_peak} KiB for {LARGE} rows, {small_peak} KiB for {SMALL}");
    // Holding the rows would take hundreds of MiB; paging keeps the peak flat.
    assert!(
        large_peak < small_peak + 16 * 1024,
        "peak {large_peak} KiB for {LARGE} rows against {small_peak} KiB for {SMALL}"
    );
}
