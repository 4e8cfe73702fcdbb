//! Fixtures for the tool's tests: a shop folder with the database, key file and
//! terminal secret, and the `voidguard` binary run as a separate process in it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::assert::Assert;
use assert_cmd::Command;
use serde_json::Value;

pub const MERCHANT_NO: &str = "898340157220001";
pub const TERMINAL_ID: &str = "LKL00042";
pub const SECRET_HEX: &str = "7c1f9a2b5d3e4f60718293a4b5c6d7e8";
pub const PASSWORD: &str = "274816";
pub const NEW_PASSWORD: &str = "580394";
/// Six digits, not trivial, not [`PASSWORD`].
pub const WRONG_PASSWORD: &str = "135792";
/// The full PAN the fixtures' sales are made with.
pub const CARD: &str = "6222021234567890123";

/// The tool's binary with a clean environment: no inherited VoidGuard settings and
/// the low KDF cost for tests.
pub fn voidguard() -> Command {
    Command::from_std(voidguard_process())
}

/// [`voidguard`] as a plain process, for tests that watch it while it runs.
pub fn voidguard_process() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_voidguard"));
    for var in [
        "VOIDGUARD_DB",
        "VOIDGUARD_KEY_FILE",
        "VOIDGUARD_LANG",
        "VOIDGUARD_SIMULATOR",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("VOIDGUARD_KDF_ITERATIONS", "1000");
    cmd
}

pub struct Shop {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub key: PathBuf,
    pub secret_file: PathBuf,
}

impl Shop {
    /// A folder with only the terminal secret in it.
    pub fn empty() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let secret_file = dir.path().join("secret.hex");
        std::fs::write(&secret_file, format!("{SECRET_HEX}\n")).unwrap();
        Self {
            db: dir.path().join("shop.db"),
            key: dir.path().join("shop.key"),
            secret_file,
            dir,
        }
    }

    /// Initialised and activated.
    pub fn activated() -> Self {
        let shop = Self::empty();
        shop.ok(&[
            "init",
            "--merchant-no",
            MERCHANT_NO,
            "--terminal-id",
            TERMINAL_ID,
            "--secret-file",
            shop.secret_file.to_str().unwrap(),
        ]);
        shop
    }

    /// Activated, permitted to void, with [`PASSWORD`] set.
    pub fn ready() -> Self {
        let shop = Self::activated();
        let code = shop.apply("permission");
        let approval = shop.approve(&code, "permit");
        shop.redeem(&code, &approval).success();
        shop.cmd()
            .args(["password", "set", "--password-stdin"])
            .write_stdin(format!("{PASSWORD}\n"))
            .assert()
            .success();
        shop
    }

    /// The tool working on this shop's database.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.process())
    }

    /// [`Shop::cmd`] as a plain process.
    pub fn process(&self) -> std::process::Command {
        let mut cmd = voidguard_process();
        cmd.current_dir(self.dir.path())
            .env("VOIDGUARD_DB", &self.db);
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Assert {
        self.cmd().args(args).assert()
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        stdout(self.run(args).success())
    }

    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    /// Opens a request of `kind` (permission, reset, lift); returns its code.
    pub fn apply(&self, kind: &str) -> String {
        let out = self.ok(&[
            "request",
            kind,
            "--reason",
            "开通消费撤销权限",
            "--id-number",
            "11010519491231002X",
            "--licence-no",
            "91110000802100433B",
            "--contact",
            "138 0013 8000",
        ]);
        request_code(&out)
    }

    /// The back office's approval code for a request.
    pub fn approve(&self, request_code: &str, action: &str) -> String {
        let out = self.ok(&[
            "backoffice",
            "approve",
            request_code,
            "--action",
            action,
            "--secret-file",
            self.secret_file.to_str().unwrap(),
            "--code-only",
        ]);
        out.trim().to_owned()
    }

    /// `redeem` with the approval code piped in on stdin.
    pub fn redeem(&self, request_code: &str, approval: &str) -> Assert {
        self.cmd()
            .args(["redeem", request_code, "--approval-code-stdin"])
            .write_stdin(format!("{approval}\n"))
            .assert()
    }

    /// `redeem` of a reset: the approval code, then the new password, on stdin.
    pub fn redeem_reset(&self, request_code: &str, approval: &str, password: &str) -> Assert {
        self.cmd()
            .args([
                "redeem",
                request_code,
                "--approval-code-stdin",
                "--password-stdin",
            ])
            .write_stdin(format!("{approval}\n{password}\n"))
            .assert()
    }

    /// Journals a sale; returns its voucher number.
    pub fn sale(&self, amount: &str) -> String {
        self.sale_by(amount, "01")
    }

    pub fn sale_by(&self, amount: &str, operator: &str) -> String {
        let out = stdout(
            self.sell(
                &["--amount", amount, "--operator", operator, "--json"],
                CARD,
            )
            .success(),
        );
        let t: Value = serde_json::from_str(&out).unwrap();
        t["voucher_no"].as_str().unwrap().to_owned()
    }

    /// `sale` with `args`, the card number piped in on stdin.
    pub fn sell(&self, args: &[&str], card: &str) -> Assert {
        self.cmd()
            .arg("sale")
            .args(args)
            .arg("--card-stdin")
            .write_stdin(format!("{card}\n"))
            .assert()
    }

    pub fn today(&self) -> String {
        self.json(&["status", "--json"])["business_date"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A scripted void with the password on stdin.
    pub fn void(&self, voucher: &str, amount: &str, password: &str) -> Assert {
        let today = self.today();
        self.cmd()
            .args([
                "void",
                "--voucher",
                voucher,
                "--date",
                &today,
                "--amount",
                amount,
                "--password-stdin",
            ])
            .write_stdin(format!("{password}\n"))
            .assert()
    }

    /// Every journal row, newest first.
    pub fn rows(&self) -> Vec<Value> {
        self.json(&["journal", "--limit", "500", "--json"])["items"]
            .as_array()
            .unwrap()
            .clone()
    }

    pub fn audit_len(&self) -> u64 {
        self.json(&["audit", "verify", "--json"])["entries_checked"]
            .as_u64()
            .unwrap()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

pub fn stdout(assert: impl std::borrow::Borrow<Assert>) -> String {
    String::from_utf8(assert.borrow().get_output().stdout.clone()).unwrap()
}

pub fn stderr(assert: &Assert) -> String {
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

/// The ten-digit request code in a command's output.
pub fn request_code(out: &str) -> String {
    out.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 10)
        .unwrap_or_else(|| panic!("no request code in {out}"))
        .to_owned()
}

/// Expects exit `code` and exactly one stderr line containing `needle`.
pub fn fails(assert: Assert, code: i32, needle: &str) -> String {
    let assert = assert.code(code);
    let err = stderr(&assert);
    assert_eq!(
        err.lines().count(),
        1,
        "expected one line on stderr, got: {err}"
    );
    assert!(err.contains(needle), "expected {needle:?} in: {err}");
    err
}

/// Every file in `dir`, names only, sorted.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
