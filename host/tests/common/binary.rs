//! The `voidguard-host` binary on loopback, and requests to it over TCP, as a terminal
//! sends them: one connection per exchange.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use voidguard_iso8583::crypto::{Algorithm, Key, WorkingKeys};
use voidguard_iso8583::messages::{Answer, Kind, Request};
use voidguard_iso8583::Message;

pub const MASTER_HEX: &str = "0123456789ABCDEFFEDCBA9876543210";

/// The master key file the binary is given, in `dir`.
pub fn key_file(dir: &Path) -> PathBuf {
    let path = dir.join("tmk.key");
    std::fs::write(&path, MASTER_HEX).unwrap();
    path
}

pub fn master() -> Key {
    Key::from_hex(MASTER_HEX).unwrap()
}

/// A running host, killed (SIGKILL) when dropped or [`stop`](Binary::stop)ped.
pub struct Binary {
    child: Child,
    /// The address it bound (`--listen 127.0.0.1:0` lets the system choose the port).
    pub addr: String,
}

impl Binary {
    pub fn start(key_file: &Path, args: &[&str]) -> Binary {
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
        Binary { child, addr }
    }

    /// Started on the ledger file `ledger`, with `args`.
    pub fn on_ledger(key_file: &Path, ledger: &Path, args: &[&str]) -> Binary {
        let ledger = ledger.to_str().unwrap();
        Binary::start(key_file, &[&["--ledger", ledger], args].concat())
    }

    /// SIGKILL: no chance to write anything more once the answers are out.
    pub fn stop(self) {}

    /// The sign-on answer (not MAC'd) to a terminal asking for `algorithm` keys.
    pub fn sign_on_answer(&self, algorithm: Algorithm) -> Answer {
        let on = super::request(
            "900001",
            0,
            Kind::SignOn {
                operator_no: "01".into(),
                algorithm,
            },
        );
        let reply = exchange(&self.addr, &on.to_message().pack().unwrap(), WAIT)
            .expect("sign-ons are never dropped");
        Answer::from_message(&Message::unpack(&reply).unwrap()).unwrap()
    }

    /// The 3DES working keys of a sign-on, unwrapped under the file's master key.
    pub fn sign_on(&self) -> WorkingKeys {
        let answer = self.sign_on_answer(Algorithm::Tdes);
        WorkingKeys::from_f62(&master(), &answer.keys.unwrap()).unwrap()
    }

    /// `r` MAC'd with `keys`, and the host's answer, its MAC verified.
    pub fn send(&self, keys: &WorkingKeys, r: &Request) -> Answer {
        let reply = exchange(&self.addr, &mac(keys, r), WAIT).expect("an answer");
        Answer::from_message(&Message::unpack_verified(&reply, &keys.mac).unwrap()).unwrap()
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const WAIT: Duration = Duration::from_secs(5);

pub fn mac(keys: &WorkingKeys, r: &Request) -> Vec<u8> {
    r.to_message().pack_with_mac(&keys.mac).unwrap()
}

/// The answer to `frame`, or none within `wait`.
pub fn exchange(addr: &str, frame: &[u8], wait: Duration) -> Option<Vec<u8>> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(wait)).unwrap();
    stream.write_all(frame).unwrap();
    let mut len = [0u8; 2];
    stream.read_exact(&mut len).ok()?;
    let mut reply = len.to_vec();
    reply.resize(2 + usize::from(u16::from_be_bytes(len)), 0);
    stream.read_exact(&mut reply[2..]).ok()?;
    Some(reply)
}

/// The binary run with `args` where it must refuse to start: its exit code and
/// standard error, having printed nothing on standard output (it never listened).
pub fn refused(key_file: &Path, args: &[&str]) -> (Option<i32>, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_voidguard-host"))
        .args(["--listen", "127.0.0.1:0", "--master-key-file"])
        .arg(key_file)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&stderr).into_owned();
    assert!(stdout.is_empty(), "{args:?}: it never listened");
    assert!(!stderr.contains("panicked"), "{stderr}");
    (status.code(), stderr)
}
