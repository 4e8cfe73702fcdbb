//! The `voidguard-host` binary itself: it reads the master key from its file, says
//! which port it bound, and signs a terminal on over TCP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use voidguard_iso8583::crypto::{Key, WorkingKeys};
use voidguard_iso8583::messages::{Answer, Kind, Request, Station};
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
        },
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
