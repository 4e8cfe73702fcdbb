//! Wrong arguments: exit 2, one clear line (clap's own errors may add a hint), and
//! nothing written.

mod common;

use common::*;

#[test]
fn help_names_every_subcommand_and_the_exit_codes() {
    let out = stdout(voidguard().arg("--help").assert().success());
    for command in [
        "init",
        "sale",
        "journal",
        "void",
        "settle",
        "password",
        "operator",
        "request",
        "redeem",
        "backoffice",
        "audit",
        "receipt",
        "export",
        "status",
        "reconcile",
        "refund",
        "demo",
    ] {
        assert!(
            out.contains(&format!("  {command}")),
            "{command} missing from help: {out}"
        );
    }
    assert!(out.contains("Exit codes: 0 success, 1 refused by a business rule, 2 usage"));
    assert!(
        !out.contains("kdf-iterations"),
        "the test-only flag is hidden"
    );
}

#[test]
fn clap_errors_exit_2() {
    voidguard().arg("launch").assert().code(2);
    voidguard().args(["sale", "--card-stdin"]).assert().code(2);
    voidguard().args(["export"]).assert().code(2);
    voidguard()
        .args(["journal", "--kind", "reversal"])
        .assert()
        .code(2);
    voidguard()
        .args(["--lang", "fr", "status"])
        .assert()
        .code(2);
    voidguard()
        .args([
            "backoffice",
            "approve",
            "1234567890",
            "--action",
            "grant",
            "--secret-file",
            "s",
        ])
        .assert()
        .code(2);
}

#[test]
fn the_kdf_cost_below_1000_is_refused() {
    let shop = Shop::activated();
    shop.cmd()
        .env("VOIDGUARD_KDF_ITERATIONS", "999")
        .arg("status")
        .assert()
        .code(2);
    shop.cmd()
        .env("VOIDGUARD_KDF_ITERATIONS", "lots")
        .arg("status")
        .assert()
        .code(2);
    shop.cmd()
        .args(["--kdf-iterations", "1000", "status"])
        .assert()
        .success();
}

#[test]
fn a_malformed_sale_writes_no_sale() {
    let shop = Shop::trading();
    let cases: [(&[&str], &str, &str); 3] = [
        (
            &["--amount", "abc"],
            "4111111111111111",
            "invalid amount: is malformed",
        ),
        (
            &["--amount", "0"],
            "4111111111111111",
            "invalid amount: must be more than zero",
        ),
        (&["--amount", "1"], "4111-1111", "invalid card number"),
    ];
    for (args, card, needle) in cases {
        fails(shop.sell(args, card), 2, needle);
    }
    // The host issues a sale's reference number and auth code; neither is keyed.
    for flag in ["--rrn", "--auth-code"] {
        let refused = shop
            .sell(&["--amount", "1", flag, "123456789012"], "4111111111111111")
            .code(2);
        assert!(stderr(&refused).contains(flag), "{}", stderr(&refused));
    }
    fails(
        shop.sell_as(
            "1",
            CASHIER_PASSWORD,
            &["--amount", "1"],
            "4111111111111111",
        ),
        2,
        "invalid operator number",
    );
    assert!(shop.rows().is_empty());
    let assert = shop
        .cmd()
        .args(["--lang", "zh", "sale", "--amount", "1.234"])
        .args(["--password-stdin", "--card-stdin"])
        .write_stdin(format!("{CASHIER_PASSWORD}\n4111111111111111\n"))
        .assert();
    fails(assert, 2, "金额最多两位小数");
    assert!(shop.rows().is_empty());
}

#[test]
fn journal_arguments_the_core_refuses_exit_2() {
    let shop = Shop::activated();
    fails(
        shop.run(&["journal", "--limit", "0"]),
        2,
        "invalid page size",
    );
    fails(
        shop.run(&["journal", "--batch", "12"]),
        2,
        "invalid batch number",
    );
    fails(
        shop.run(&["journal", "--date", "yesterday"]),
        2,
        "invalid date",
    );
    fails(
        shop.run(&["export", "--csv", "--voucher", "x"]),
        2,
        "invalid voucher number",
    );
    fails(
        shop.run(&["audit", "--limit", "501"]),
        2,
        "invalid page size",
    );
}

#[test]
fn an_export_refused_by_its_filter_creates_no_file() {
    let shop = Shop::activated();
    let out = shop.path("out.csv");
    fails(
        shop.run(&[
            "export",
            "--csv",
            "--batch",
            "x",
            "--out",
            out.to_str().unwrap(),
        ]),
        2,
        "invalid batch number",
    );
    assert!(!out.exists());
    fails(
        shop.run(&["export", "--csv", "--out", "/nonexistent/dir/out.csv"]),
        3,
        "cannot read or write /nonexistent/dir/out.csv",
    );
}

/// Exporting into a pipe (or a device such as /dev/null) writes into it; a finished
/// file renamed over the path would replace the pipe and never reach its reader.
#[test]
fn an_export_into_a_pipe_goes_through_the_pipe() {
    use std::os::unix::fs::FileTypeExt;
    let shop = Shop::activated();
    let fifo = shop.path("rows.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let (sent, received) = std::sync::mpsc::channel();
    let reader_path = fifo.clone();
    std::thread::spawn(move || {
        let text = std::fs::read_to_string(reader_path).unwrap_or_default();
        let _ = sent.send(text);
    });
    shop.run(&["export", "--csv", "--out", fifo.to_str().unwrap()])
        .success();
    let text = received
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the pipe's reader got nothing");
    assert!(text.starts_with("id,kind,voucher_no,"), "{text}");
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the pipe was replaced");
}

#[test]
fn the_back_office_checks_its_secret_and_request_code() {
    let shop = Shop::empty();
    let approve = |code: &str, secret: &str| {
        shop.run(&[
            "backoffice",
            "approve",
            code,
            "--action",
            "permit",
            "--secret-file",
            secret,
        ])
    };
    fails(
        approve("1234567890", "missing.hex"),
        2,
        "cannot read missing.hex",
    );
    std::fs::write(shop.path("bad.hex"), "zz").unwrap();
    fails(
        approve("1234567890", "bad.hex"),
        2,
        "the terminal secret must be hex of 16 to 64 bytes",
    );
    fails(
        approve("12345", "secret.hex"),
        2,
        "the request code must be 10 digits",
    );
    let code = stdout(approve("4830193722", "secret.hex").success());
    assert!(
        code.contains("Approval code to give the merchant: "),
        "{code}"
    );
}

#[test]
fn receipt_of_an_unknown_voucher_is_refused() {
    let shop = Shop::activated();
    fails(
        shop.run(&["receipt", "000001"]),
        1,
        "voucher 000001 is not in the journal",
    );
    fails(
        shop.run(&["--lang", "zh", "receipt", "000001"]),
        1,
        "流水中没有凭证号 000001",
    );
    fails(shop.run(&["receipt", "1x"]), 2, "invalid voucher number");
}

#[test]
fn commands_before_activation_say_so() {
    // A database the app created but nobody activated yet.
    let shop = Shop::empty();
    let keys = voidguard::KeyFileWrapper::open_or_create(&shop.key).unwrap();
    let mut config = voidguard::TerminalConfig::new(shop.db.to_string_lossy());
    config.kdf_iterations = 1000;
    let terminal = voidguard::Terminal::open_with(
        config,
        &keys,
        None,
        std::sync::Arc::new(voidguard::SystemClock),
    )
    .unwrap();
    drop(terminal);
    fails(
        shop.sell(&["--amount", "1"], "4111111111111111"),
        1,
        "the terminal is not activated: run `voidguard init` first",
    );
    let out = shop.ok(&["status"]);
    assert!(out.contains("Activated                 no"), "{out}");
    shop.ok(&[
        "init",
        "--merchant-no",
        MERCHANT_NO,
        "--terminal-id",
        TERMINAL_ID,
        "--secret-file",
        "secret.hex",
    ]);
    assert_eq!(shop.json(&["status", "--json"])["activated"], true);
}
