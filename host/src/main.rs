//! `voidguard-host --listen 127.0.0.1:5000 --master-key-file PATH`: an acquirer host
//! on loopback. The master key file holds 32 hex characters (the terminal master key
//! shared with the terminals). `--algorithm 3des|sm4` (default `3des`) says which
//! algorithm that master key is for, and so which sign-ons the host answers with
//! keys: a terminal asking for the other (F60.3 004 for 3DES, 006 for SM4) is answered
//! 40 (function not supported). One host, one master key, one algorithm, as an
//! acquirer keeps the two key hierarchies apart. Fault flags apply to the first answers:
//! `--drop N` (committed, never sent), `--delay N` (sent `--delay-ms MS` after it was
//! committed), `--cut N` (half of it sent, then the connection closed),
//! `--corrupt-mac N`, `--decline CODE`; and to the first of a kind: `--reject-macs N`
//! (requests answered A0 whatever their MAC), `--lose-reversals N` (reversals
//! answered 00, not applied), `--corrupt-upload-macs N` (batch-upload answers),
//! `--drop-upload-end N` (ends of upload settled, not answered). Random faults for
//! every answer after those: `--random-faults SEED` with `--drop-rate P` (the answer
//! is never sent) and `--delay-rate P --delay-ms MS`, P from 0 to 1.
//!
//! `--ledger PATH` keeps the host's state in that SQLite file (created when missing)
//! so a restarted host knows what it approved; without it the ledger is in memory.
//! Exit codes: 2 bad arguments or key file, 1 the address cannot be bound, 3 the
//! ledger file is refused (not a host ledger, another master key's, unreadable).

use std::net::TcpListener;
use std::process::ExitCode;

use voidguard_host::{AcquirerHost, Faults, RandomFaults};
use voidguard_iso8583::crypto::{Algorithm, Key};

fn main() -> ExitCode {
    let mut listen = "127.0.0.1:5000".to_owned();
    let mut key_file = None;
    let mut algorithm = Algorithm::Tdes;
    let mut ledger = None;
    let mut faults = Faults::default();
    let mut random: Option<u64> = None;
    let (mut drop_rate, mut delay_rate, mut delay_ms) = (0.0f64, 0.0f64, 0u64);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_default();
        match a.as_str() {
            "--listen" => listen = value(),
            "--master-key-file" => key_file = Some(value()),
            "--algorithm" => {
                let v = value();
                match Algorithm::from_name(&v) {
                    Some(a) => algorithm = a,
                    None => {
                        eprintln!("voidguard-host: --algorithm takes 3des or sm4, not {v:?}");
                        return ExitCode::from(2);
                    }
                }
            }
            "--ledger" => ledger = Some(std::path::PathBuf::from(value())),
            "--decline" => faults.decline_with = Some(value()),
            "--drop"
            | "--delay"
            | "--cut"
            | "--corrupt-mac"
            | "--reject-macs"
            | "--lose-reversals"
            | "--corrupt-upload-macs"
            | "--drop-upload-end" => {
                let v = value();
                let Ok(n) = v.parse::<u32>() else {
                    eprintln!("voidguard-host: {a} takes a count, not {v:?}");
                    return ExitCode::from(2);
                };
                let counter = match a.as_str() {
                    "--drop" => &mut faults.drop_answers,
                    "--delay" => &mut faults.delay_answers,
                    "--cut" => &mut faults.cut_answers,
                    "--corrupt-mac" => &mut faults.corrupt_macs,
                    "--reject-macs" => &mut faults.reject_macs,
                    "--lose-reversals" => &mut faults.lose_reversals,
                    "--corrupt-upload-macs" => &mut faults.corrupt_upload_macs,
                    _ => &mut faults.drop_upload_end_answers,
                };
                *counter = n;
            }
            "--random-faults" | "--drop-rate" | "--delay-rate" | "--delay-ms" => {
                let v = value();
                let parsed = match a.as_str() {
                    "--random-faults" => v.parse().map(|s| random = Some(s)).is_ok(),
                    "--drop-rate" => v.parse().map(|r| drop_rate = r).is_ok(),
                    "--delay-rate" => v.parse().map(|r| delay_rate = r).is_ok(),
                    _ => v.parse().map(|ms| delay_ms = ms).is_ok(),
                };
                if !parsed {
                    eprintln!("voidguard-host: {a} takes a number, not {v:?}");
                    return ExitCode::from(2);
                }
            }
            other => {
                eprintln!("voidguard-host: unknown argument {other}");
                return ExitCode::from(2);
            }
        }
    }
    let rated = drop_rate > 0.0 || delay_rate > 0.0;
    faults.delay_for = std::time::Duration::from_millis(delay_ms);
    if faults.delay_answers > 0 && delay_ms == 0 {
        eprintln!("voidguard-host: --delay N needs --delay-ms MS");
        return ExitCode::from(2);
    }
    match random {
        Some(seed) => {
            let delay = std::time::Duration::from_millis(delay_ms);
            match RandomFaults::new(seed, drop_rate, delay_rate, delay) {
                Ok(r) => faults.random = Some(r),
                Err(e) => {
                    eprintln!("voidguard-host: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        // Rates without a seed would be silently ignored.
        None if rated => {
            eprintln!("voidguard-host: --drop-rate and --delay-rate need --random-faults SEED");
            return ExitCode::from(2);
        }
        None => {}
    }
    let Some(key_file) = key_file else {
        eprintln!("voidguard-host: --master-key-file PATH is required");
        return ExitCode::from(2);
    };
    let master = match std::fs::read_to_string(&key_file).map(|t| Key::from_hex_as(algorithm, &t)) {
        Ok(Ok(k)) => k,
        _ => {
            eprintln!("voidguard-host: {key_file} does not hold a 32-hex-character key");
            return ExitCode::from(2);
        }
    };
    let opened = match &ledger {
        Some(path) => AcquirerHost::open(master, path),
        None => AcquirerHost::new(master),
    };
    let host = match opened {
        Ok(h) => h,
        Err(e) => {
            eprintln!("voidguard-host: {e}");
            return ExitCode::from(3);
        }
    };
    let listener = match TcpListener::bind(&listen) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("voidguard-host: cannot listen on {listen}: {}", e.kind());
            return ExitCode::from(1);
        }
    };
    host.set_faults(faults);
    // The bound address, so `--listen 127.0.0.1:0` tells which port it got.
    match listener.local_addr() {
        Ok(addr) => println!("voidguard-host: listening on {addr}"),
        Err(_) => println!("voidguard-host: listening on {listen}"),
    }
    host.serve(listener);
    ExitCode::SUCCESS
}
