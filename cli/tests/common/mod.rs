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
/// The administrator's (99) password on a [`Shop::ready`] or [`Shop::trading`] shop.
pub const ADMIN_PASSWORD: &str = "40718253";
/// The cashier who keys the fixtures' sales and voids, and their password.
pub const CASHIER: &str = "01";
pub const CASHIER_PASSWORD: &str = "7391";
/// Four to eight digits, not trivial, not [`CASHIER_PASSWORD`].
pub const WRONG_CASHIER_PASSWORD: &str = "7392";

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
        "VOIDGUARD_HOST",
        "VOIDGUARD_MASTER_KEY_FILE",
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
    /// How the built-in host answers the commands run from now on
    /// (`VOIDGUARD_SIMULATOR`); `None` is the tool's default, approve.
    host: std::cell::Cell<Option<&'static str>>,
    /// An ISO 8583 acquirer's address the commands run from now on send to, with the
    /// master key file beside the database.
    acquirer: std::cell::RefCell<Option<String>>,
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
            host: std::cell::Cell::new(None),
            acquirer: std::cell::RefCell::new(None),
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

    /// Activated, permitted to void and to refund, with [`PASSWORD`] set; nobody but
    /// the supervisor can sign in yet.
    pub fn permitted() -> Self {
        Self::voids_only().grant("refund-permission", "permit-refund")
    }

    /// Activated, permitted to void but not to refund, with [`PASSWORD`] set.
    pub fn voids_only() -> Self {
        let shop = Self::activated().grant("permission", "permit");
        shop.cmd()
            .args(["password", "set", "--password-stdin"])
            .write_stdin(format!("{PASSWORD}\n"))
            .assert()
            .success();
        shop
    }

    /// Applies for `kind` (`request <kind>`), has the back office approve it with
    /// `action` and redeems the code.
    pub fn grant(self, kind: &str, action: &str) -> Self {
        let code = self.apply(kind);
        let approval = self.approve(&code, action);
        self.redeem(&code, &approval).success();
        self
    }

    /// Activated, with the administrator's password set and [`CASHIER`] added: sales
    /// can be keyed, voids not yet.
    pub fn trading() -> Self {
        Self::activated().staffed()
    }

    /// [`Shop::permitted`] and staffed: the administrator and [`CASHIER`] can sign in.
    pub fn ready() -> Self {
        Self::permitted().staffed()
    }

    /// The administrator's password set and [`CASHIER`] added.
    pub fn staffed(self) -> Self {
        self.cmd()
            .args(["operator", "admin-password", "--password-stdin"])
            .write_stdin(format!("{ADMIN_PASSWORD}\n"))
            .assert()
            .success();
        self.add_cashier(CASHIER, CASHIER_PASSWORD);
        self
    }

    /// The administrator adds cashier `operator_no` with `password`.
    pub fn add_cashier(&self, operator_no: &str, password: &str) {
        self.cmd()
            .args(["operator", "add", operator_no, "--password-stdin"])
            .write_stdin(format!("{ADMIN_PASSWORD}\n{password}\n"))
            .assert()
            .success();
    }

    /// From now on the built-in host answers `approve`, `decline` or `timeout`.
    pub fn host_answers(&self, mode: &'static str) {
        self.host.set(Some(mode));
    }

    /// From now on the commands talk ISO 8583 to the acquirer at `address`, whose
    /// terminal master key is `master_hex`.
    pub fn use_acquirer(&self, address: &str, master_hex: &str) {
        std::fs::write(self.dir.path().join("master.key"), master_hex).unwrap();
        *self.acquirer.borrow_mut() = Some(format!("tcp://{address}"));
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
        if let Some(mode) = self.host.get() {
            cmd.env("VOIDGUARD_SIMULATOR", mode);
        }
        if let Some(address) = self.acquirer.borrow().as_deref() {
            cmd.env("VOIDGUARD_HOST", address).env(
                "VOIDGUARD_MASTER_KEY_FILE",
                self.dir.path().join("master.key"),
            );
        }
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

    /// Journals a sale keyed by [`CASHIER`]; returns its voucher number.
    pub fn sale(&self, amount: &str) -> String {
        self.sale_by(amount, CASHIER, CASHIER_PASSWORD)
    }

    /// Journals a sale keyed by `operator`, who signs in with `password`.
    pub fn sale_by(&self, amount: &str, operator: &str, password: &str) -> String {
        let out = stdout(
            self.sell_as(operator, password, &["--amount", amount, "--json"], CARD)
                .success(),
        );
        let t: Value = serde_json::from_str(&out).unwrap();
        t["voucher_no"].as_str().unwrap().to_owned()
    }

    /// `sale` with `args` as [`CASHIER`]: the password, then the card number, on stdin.
    pub fn sell(&self, args: &[&str], card: &str) -> Assert {
        self.sell_as(CASHIER, CASHIER_PASSWORD, args, card)
    }

    /// `sale` with `args` as `operator`: `password`, then the card number, on stdin.
    pub fn sell_as(&self, operator: &str, password: &str, args: &[&str], card: &str) -> Assert {
        self.cmd()
            .args(["sale", "--operator", operator])
            .args(args)
            .args(["--password-stdin", "--card-stdin"])
            .write_stdin(format!("{password}\n{card}\n"))
            .assert()
    }

    pub fn today(&self) -> String {
        self.json(&["status", "--json"])["business_date"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A scripted void keyed by [`CASHIER`], with the void `password` on stdin after
    /// the cashier's.
    pub fn void(&self, voucher: &str, amount: &str, password: &str) -> Assert {
        self.void_as(CASHIER, CASHIER_PASSWORD, voucher, amount, password)
    }

    /// A scripted void keyed by `operator`: their `operator_password`, then the void
    /// `password`, on stdin.
    pub fn void_as(
        &self,
        operator: &str,
        operator_password: &str,
        voucher: &str,
        amount: &str,
        password: &str,
    ) -> Assert {
        let today = self.today();
        self.cmd()
            .args(["void", "--operator", operator, "--voucher", voucher])
            .args(["--date", &today, "--amount", amount, "--password-stdin"])
            .write_stdin(format!("{operator_password}\n{password}\n"))
            .assert()
    }

    /// `settle` with `args`, the supervisor signed in with the void password from stdin.
    pub fn settle(&self, args: &[&str]) -> Assert {
        self.cmd()
            .arg("settle")
            .args(args)
            .arg("--password-stdin")
            .write_stdin(format!("{PASSWORD}\n"))
            .assert()
    }

    /// Every audit entry as "<act> <operator>" (or the act alone), oldest first.
    pub fn acts(&self) -> Vec<String> {
        let entries = self.json(&["audit", "--limit", "500", "--json"]);
        let mut acts: Vec<String> = entries
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let kind = e["kind"].as_str().unwrap();
                match e["operator_no"].as_str() {
                    Some(no) => format!("{kind} {no}"),
                    None => kind.to_owned(),
                }
            })
            .collect();
        acts.reverse();
        acts
    }

    /// Every journal row, newest first.
    pub fn rows(&self) -> Vec<Value> {
        self.json(&["journal", "--limit", "500", "--json"])["items"]
            .as_array()
            .unwrap()
            .clone()
    }

    /// The online transactions still open, as `status --json` lists them.
    pub fn open_legs(&self) -> Vec<Value> {
        self.json(&["status", "--json"])["host_legs"]
            .as_array()
            .unwrap()
            .clone()
    }

    /// `reconcile` until it reports a leg handed to manual handling; fails if none is
    /// after `most` runs.
    pub fn reconcile_until_manual(&self, most: usize) {
        for _ in 0..most {
            if self.ok(&["reconcile"]).contains("1 need manual handling") {
                return;
            }
        }
        panic!("no leg went to manual handling after {most} reconciliations");
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
