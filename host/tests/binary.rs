//! The `voidguard-host` binary itself: it reads the master key from its file, says
//! which port it bound, signs a terminal on over TCP, keeps its ledger in a file across
//! a kill, refuses a ledger file that is no database, and spoils answers as its fault
//! flags say.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use voidguard_iso8583::crypto::{Algorithm, Key, WorkingKeys};
use voidguard_iso8583::messages::{Answer, Kind, Original, Request, Station, Totals};
use voidguard_iso8583::Message;

const MASTER_HEX: &str = "0123456789ABCDEFFEDCBA9876543210";

#[test]
fn the_binary_signs_a_terminal_on_with_keys_under_the_file_master_key() {
    let dir = std::env::temp_dir().join(format!("voidguard-host-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("tmk.key");
    std::fs::write(&key_file, MASTER_HEX).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_voidguard-host"))
        .args(["--listen", "127.0.0.1:0", "--master-key-file"])
        .arg(&key_file)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line.trim().rsplit(' ').next().unwrap().to_owned();

    let request = Request {
        station: Station {
            terminal_id: "10000001".into(),
            merchant_no: "898000000000001".into(),
        },
        stan: "900001".into(),
        batch_no: "000001".into(),
        amount: 0,
        audit_head: None,
        kind: Kind::SignOn {
            operator_no: "01".into(),
            algorithm: Algorithm::Tdes,
        },
        card: None,
    };
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .write_all(&request.to_message().pack().unwrap())
        .unwrap();
    let mut len = [0u8; 2];
    stream.read_exact(&mut len).unwrap();
    let mut frame = len.to_vec();
    frame.resize(2 + usize::from(u16::from_be_bytes(len)), 0);
    stream.read_exact(&mut frame[2..]).unwrap();
    let answer = Answer::from_message(&Message::unpack(&frame).unwrap()).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    assert_eq!(
        (answer.mti.as_str(), answer.response_code.as_str()),
        ("0810", "00")
    );
    let keys = WorkingKeys::from_f62(&Key::from_hex(MASTER_HEX).unwrap(), &answer.keys.unwrap());
    assert!(keys.is_ok(), "check values verify under the file's key");
}

fn start(key_file: &std::path::Path, ledger: &std::path::Path) -> (std::process::Child, String) {
    start_with(key_file, ledger, &[])
}

fn start_with(
    key_file: &std::path::Path,
    ledger: &std::path::Path,
    args: &[&str],
) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_voidguard-host"))
        .args(["--listen", "127.0.0.1:0", "--master-key-file"])
        .arg(key_file)
        .arg("--ledger")
        .arg(ledger)
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line.trim().rsplit(' ').next().unwrap().to_owned())
}

fn exchange(addr: &str, frame: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(frame).unwrap();
    let mut len = [0u8; 2];
    stream.read_exact(&mut len).unwrap();
    let mut reply = len.to_vec();
    reply.resize(2 + usize::from(u16::from_be_bytes(len)), 0);
    stream.read_exact(&mut reply[2..]).unwrap();
    reply
}

fn terminal_request(stan: &str, amount: u64, kind: Kind) -> Request {
    Request {
        station: Station {
            terminal_id: "10000001".into(),
            merchant_no: "898000000000001".into(),
        },
        stan: stan.into(),
        batch_no: "000001".into(),
        amount,
        audit_head: None,
        kind,
        card: None,
    }
}

fn send(addr: &str, keys: &WorkingKeys, r: &Request) -> Answer {
    let reply = exchange(addr, &r.to_message().pack_with_mac(&keys.mac).unwrap());
    Answer::from_message(&Message::unpack_verified(&reply, &keys.mac).unwrap()).unwrap()
}

#[test]
fn a_host_killed_after_approving_still_knows_the_sale_when_started_again() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("tmk.key");
    std::fs::write(&key_file, MASTER_HEX).unwrap();
    let ledger = dir.path().join("host.ledger");

    let (mut host, addr) = start(&key_file, &ledger);
    let sign_on = terminal_request(
        "900001",
        0,
        Kind::SignOn {
            operator_no: "01".into(),
            algorithm: Algorithm::Tdes,
        },
    );
    let reply = exchange(&addr, &sign_on.to_message().pack().unwrap());
    let answer = Answer::from_message(&Message::unpack(&reply).unwrap()).unwrap();
    let master = Key::from_hex(MASTER_HEX).unwrap();
    let keys = WorkingKeys::from_f62(&master, &answer.keys.unwrap()).unwrap();
    let sale = send(&addr, &keys, &terminal_request("000001", 1000, Kind::Sale));
    assert!(sale.approved());
    let other = send(&addr, &keys, &terminal_request("000002", 300, Kind::Sale));
    assert!(other.approved());
    // SIGKILL: no chance to write anything more once the answers are out.
    host.kill().unwrap();
    host.wait().unwrap();

    let (mut host, addr) = start(&key_file, &ledger);
    let void = Kind::Void {
        original: Original {
            rrn: sale.rrn.clone().unwrap(),
            auth_code: sale.auth_code.clone().unwrap(),
            batch_no: "000001".into(),
            voucher_no: "000001".into(),
            date: "1202".into(),
        },
    };
    // The same keys still serve, the sale is there to void.
    let voided = send(&addr, &keys, &terminal_request("000003", 1000, void));
    let reversal = Kind::Reversal {
        original_type: "22".into(),
        processing_code: "000000".into(),
        reason: "98".into(),
    };
    let reversed = send(&addr, &keys, &terminal_request("000002", 300, reversal));
    let totals = Totals {
        debit_count: 1,
        debit_amount: 1000,
        credit_count: 1,
        credit_amount: 1000,
    };
    let settled = send(
        &addr,
        &keys,
        &terminal_request("000001", 0, Kind::Settlement { totals }),
    );
    host.kill().unwrap();
    host.wait().unwrap();

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
    let key_file = dir.path().join("tmk.key");
    std::fs::write(&key_file, MASTER_HEX).unwrap();
    let ledger = dir.path().join("host.ledger");
    std::fs::write(
        &ledger,
        b"not a database at all, just some bytes ".repeat(30),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_voidguard-host"))
        .args(["--listen", "127.0.0.1:0", "--master-key-file"])
        .arg(&key_file)
        .arg("--ledger")
        .arg(&ledger)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("is not a SQLite database"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.stdout.is_empty(), "it never listened");
}

/// One sign-on frame to the binary started with `args`, its answer.
fn sign_on_to_binary(args: &[&str], key_file: &std::path::Path, algorithm: Algorithm) -> Answer {
    let mut child = Command::new(env!("CARGO_BIN_EXE_voidguard-host"))
        .args(["--listen", "127.0.0.1:0", "--master-key-file"])
        .arg(key_file)
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line.trim().rsplit(' ').next().unwrap().to_owned();
    let request = Request {
        station: Station {
            terminal_id: "10000001".into(),
            merchant_no: "898000000000001".into(),
        },
        stan: "900001".into(),
        batch_no: "000001".into(),
        amount: 0,
        audit_head: None,
        kind: Kind::SignOn {
            operator_no: "01".into(),
            algorithm,
        },
        card: None,
    };
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .write_all(&request.to_message().pack().unwrap())
        .unwrap();
    let mut len = [0u8; 2];
    stream.read_exact(&mut len).unwrap();
    let mut frame = len.to_vec();
    frame.resize(2 + usize::from(u16::from_be_bytes(len)), 0);
    stream.read_exact(&mut frame[2..]).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    Answer::from_message(&Message::unpack(&frame).unwrap()).unwrap()
}

#[test]
fn algorithm_sm4_reads_the_key_file_as_sm4_and_refuses_3des_sign_ons() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("tmk.key");
    std::fs::write(&key_file, MASTER_HEX).unwrap();
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
    let key_file = dir.path().join("tmk.key");
    std::fs::write(&key_file, MASTER_HEX).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_voidguard-host"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--algorithm",
            "aes",
            "--master-key-file",
        ])
        .arg(&key_file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--algorithm takes 3des or sm4"), "{stderr}");
    assert!(out.stdout.is_empty(), "it never listened");
}

#[test]
fn the_fault_flags_hold_back_then_cut_the_first_answers() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("tmk.key");
    std::fs::write(&key_file, MASTER_HEX).unwrap();
    let ledger = dir.path().join("host.ledger");
    let args = ["--delay", "1", "--delay-ms", "700", "--cut", "1"];
    let (mut host, addr) = start_with(&key_file, &ledger, &args);
    let sign_on = terminal_request(
        "900001",
        0,
        Kind::SignOn {
            operator_no: "01".into(),
            algorithm: Algorithm::Tdes,
        },
    );
    let reply = exchange(&addr, &sign_on.to_message().pack().unwrap());
    let answer = Answer::from_message(&Message::unpack(&reply).unwrap()).unwrap();
    let master = Key::from_hex(MASTER_HEX).unwrap();
    let keys = WorkingKeys::from_f62(&master, &answer.keys.unwrap()).unwrap();

    let asked = std::time::Instant::now();
    let held = send(&addr, &keys, &terminal_request("000001", 1000, Kind::Sale));
    assert!(held.approved());
    assert!(asked.elapsed() >= std::time::Duration::from_millis(700));

    let sale = terminal_request("000002", 500, Kind::Sale);
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .write_all(&sale.to_message().pack_with_mac(&keys.mac).unwrap())
        .unwrap();
    let mut got = Vec::new();
    stream.read_to_end(&mut got).unwrap();
    assert!(got.len() > 2, "half a frame came: {got:?}");
    let declared = 2 + usize::from(u16::from_be_bytes([got[0], got[1]]));
    assert!(got.len() < declared, "{} of {declared} bytes", got.len());

    let whole = send(&addr, &keys, &terminal_request("000003", 200, Kind::Sale));
    assert!(whole.approved(), "the fault was spent");
    host.kill().unwrap();
    host.wait().unwrap();
}

#[test]
fn a_fault_flag_needs_a_count_and_a_held_answer_its_delay() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("tmk.key");
    std::fs::write(&key_file, MASTER_HEX).unwrap();
    for (args, says) in [
        (&["--cut", "x"][..], "--cut takes a count"),
        (&["--drop", "-1"][..], "--drop takes a count"),
        (&["--delay", "1"][..], "--delay N needs --delay-ms MS"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_voidguard-host"))
            .args(["--listen", "127.0.0.1:0", "--master-key-file"])
            .arg(&key_file)
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "it never listened");
    }
}
