//! The `voidguard-host` binary itself: it reads the master key from its file, says
//! which port it bound, signs a terminal on over TCP, keeps its ledger in a file across
//! a kill, refuses a ledger file that is no database, and spoils answers as its fault
//! flags say.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::binary::{key_file, mac, master, refused, Binary, MASTER_HEX};
use common::{original_of, request, reversal};
use voidguard_iso8583::crypto::{Algorithm, Key, WorkingKeys};
use voidguard_iso8583::messages::{Kind, Totals};

#[test]
fn the_binary_signs_a_terminal_on_with_keys_under_the_file_master_key() {
    let dir = tempfile::tempdir().unwrap();
    let host = Binary::start(&key_file(dir.path()), &[]);
    let answer = host.sign_on_answer(Algorithm::Tdes);
    host.stop();

    assert_eq!(
        (answer.mti.as_str(), answer.response_code.as_str()),
        ("0810", "00")
    );
    let keys = WorkingKeys::from_f62(&master(), &answer.keys.unwrap());
    assert!(keys.is_ok(), "check values verify under the file's key");
}

#[test]
fn a_host_killed_after_approving_still_knows_the_sale_when_started_again() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = key_file(dir.path());
    let ledger = dir.path().join("host.ledger");

    let host = Binary::on_ledger(&key_file, &ledger, &[]);
    let keys = host.sign_on();
    let sale = host.send(&keys, &request("000001", 1000, Kind::Sale));
    assert!(sale.approved());
    let other = host.send(&keys, &request("000002", 300, Kind::Sale));
    assert!(other.approved());
    host.stop();

    let host = Binary::on_ledger(&key_file, &ledger, &[]);
    let void = Kind::Void {
        original: original_of(&sale, "000001"),
    };
    // The same keys still serve, the sale is there to void.
    let voided = host.send(&keys, &request("000003", 1000, void));
    let reversed = host.send(&keys, &request("000002", 300, reversal("22", "000000")));
    let totals = Totals {
        debit_count: 1,
        debit_amount: 1000,
        credit_count: 1,
        credit_amount: 1000,
    };
    let settled = host.send(&keys, &request("000001", 0, Kind::Settlement { totals }));
    host.stop();

    assert_eq!(voided.response_code, "00");
    assert_ne!(voided.rrn, sale.rrn);
    assert_eq!(reversed.response_code, "00");
    assert_eq!(
        settled.settlement_flag,
        Some(1),
        "totals agree across the restart"
    );
}

#[test]
fn a_ledger_file_that_is_no_database_is_refused_with_exit_code_3() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("host.ledger");
    std::fs::write(
        &ledger,
        b"not a database at all, just some bytes ".repeat(30),
    )
    .unwrap();
    let (code, stderr) = refused(
        &key_file(dir.path()),
        &["--ledger", ledger.to_str().unwrap()],
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("is not a SQLite database"), "{stderr}");
}

/// One sign-on to the binary started with `args`, its answer.
fn sign_on_to_binary(
    args: &[&str],
    key_file: &std::path::Path,
    algorithm: Algorithm,
) -> voidguard_iso8583::messages::Answer {
    Binary::start(key_file, args).sign_on_answer(algorithm)
}

#[test]
fn algorithm_sm4_reads_the_key_file_as_sm4_and_refuses_3des_sign_ons() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = key_file(dir.path());
    let answer = sign_on_to_binary(&["--algorithm", "sm4"], &key_file, Algorithm::Sm4);
    assert_eq!(answer.response_code, "00");
    let sm4_master = Key::from_hex_as(Algorithm::Sm4, MASTER_HEX).unwrap();
    let keys = WorkingKeys::from_f62(&sm4_master, &answer.keys.unwrap()).unwrap();
    assert_eq!(keys.algorithm(), Algorithm::Sm4);
    let refused = sign_on_to_binary(&["--algorithm", "sm4"], &key_file, Algorithm::Tdes);
    assert_eq!(refused.response_code, "40");
    assert_eq!(refused.keys, None);
    // Without the flag the host is 3DES and refuses an SM4 sign-on.
    let refused = sign_on_to_binary(&[], &key_file, Algorithm::Sm4);
    assert_eq!(refused.response_code, "40");
}

#[test]
fn an_unknown_algorithm_is_a_bad_argument() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = refused(&key_file(dir.path()), &["--algorithm", "aes"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--algorithm takes 3des or sm4"), "{stderr}");
}

#[test]
fn the_fault_flags_hold_back_then_cut_the_first_answers() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--delay", "1", "--delay-ms", "700", "--cut", "1"];
    let host = Binary::on_ledger(
        &key_file(dir.path()),
        &dir.path().join("host.ledger"),
        &args,
    );
    let keys = host.sign_on();

    let asked = Instant::now();
    let held = host.send(&keys, &request("000001", 1000, Kind::Sale));
    assert!(held.approved());
    assert!(asked.elapsed() >= Duration::from_millis(700));

    let mut stream = TcpStream::connect(&host.addr).unwrap();
    stream
        .write_all(&mac(&keys, &request("000002", 500, Kind::Sale)))
        .unwrap();
    let mut got = Vec::new();
    stream.read_to_end(&mut got).unwrap();
    assert!(got.len() > 2, "half a frame came: {got:?}");
    let declared = 2 + usize::from(u16::from_be_bytes([got[0], got[1]]));
    assert!(got.len() < declared, "{} of {declared} bytes", got.len());

    let whole = host.send(&keys, &request("000003", 200, Kind::Sale));
    assert!(whole.approved(), "the fault was spent");
}

#[test]
fn a_fault_flag_needs_a_count_and_a_held_answer_its_delay() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = key_file(dir.path());
    for (args, says) in [
        (&["--cut", "x"][..], "--cut takes a count"),
        (&["--drop", "-1"][..], "--drop takes a count"),
        (&["--delay", "1"][..], "--delay N needs --delay-ms MS"),
    ] {
        let (code, stderr) = refused(&key_file, args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}
