//! Card numbers and approval codes stay off the command line, where `ps` and the shell
//! history show them: they are asked without echo, piped in on stdin or read from a
//! file, the old argument forms are refused with the way to pass them instead, and
//! bad input is named with nothing written.

mod common;

use common::*;

/// Starts the tool with `args` and its stdin on a pipe this test holds open, waits
/// until it has the database open and is still running (waiting for its input),
/// reads the argv and environment the kernel shows for it, then feeds `input`.
/// Returns what `/proc` showed, NULs as spaces, and the finished run.
#[cfg(target_os = "linux")]
fn watched(shop: &Shop, args: &[&str], input: &str) -> (String, std::process::Output) {
    use std::io::Write;
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    let mut child = shop
        .process()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let proc_dir = std::path::PathBuf::from(format!("/proc/{}", child.id()));
    let db = std::fs::canonicalize(&shop.db).unwrap();
    let has_db_open = || {
        std::fs::read_dir(proc_dir.join("fd")).is_ok_and(|fds| {
            fds.filter_map(Result::ok)
                .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|target| target == db))
        })
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while !has_db_open() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "it ended before reading its input"
        );
        assert!(Instant::now() < deadline, "it never opened the database");
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut seen = std::fs::read(proc_dir.join("cmdline")).unwrap();
    seen.push(0);
    seen.extend(std::fs::read(proc_dir.join("environ")).unwrap());
    assert!(
        child.try_wait().unwrap().is_none(),
        "it must still be waiting for its input"
    );
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    (String::from_utf8_lossy(&seen).replace('\0', " "), output)
}

fn never_shown(output: &std::process::Output, secret: &str) {
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(!shows(&text, secret), "{secret} was printed: {text}");
    }
}

/// Whether `secret` stands in `text` on its own. A run of digits inside a longer one
/// is another number — the host draws RRNs and auth codes at random, and one in a
/// thousand holds a given four digits — not the secret printed.
fn shows(text: &str, secret: &str) -> bool {
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    text.match_indices(secret).any(|(i, _)| {
        let (before, after) = (
            text[..i].chars().next_back(),
            text[i + secret.len()..].chars().next(),
        );
        !(secret.chars().all(|c| c.is_ascii_digit()) && (digit(before) || digit(after)))
    })
}

#[test]
fn a_secret_inside_a_longer_number_is_not_the_secret_shown() {
    assert!(!shows("host RRN 744087391996 auth 123456", "7391"));
    assert!(shows("password 7391 accepted", "7391"));
    assert!(shows("7391", "7391"));
    assert!(shows("pw=7391\n", "7391"));
    assert!(
        shows("approval ABCD-EFGH", "ABCD"),
        "a secret of letters counts wherever it stands"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_card_number_and_the_cashiers_password_never_show_in_argv_or_output() {
    let shop = Shop::trading();
    let (argv, output) = watched(
        &shop,
        &[
            "sale",
            "--amount",
            "12.34",
            "--password-stdin",
            "--card-stdin",
            "--json",
        ],
        &format!("{CASHIER_PASSWORD}\n{CARD}\n"),
    );
    assert!(
        argv.contains("sale --amount 12.34 --password-stdin --card-stdin"),
        "{argv}"
    );
    for secret in [CARD, CASHIER_PASSWORD] {
        assert!(!argv.contains(secret), "{secret} was in argv: {argv}");
        never_shown(&output, secret);
    }
    assert!(output.status.success(), "{output:?}");
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(out.contains("622202*********0123"), "{out}");
    assert_eq!(shop.rows().len(), 1);
}

#[cfg(target_os = "linux")]
#[test]
fn the_operators_and_the_void_password_never_show_in_argv_or_output() {
    let shop = Shop::ready();
    let voucher = shop.sale("20");
    let today = shop.today();
    let (argv, output) = watched(
        &shop,
        &[
            "void",
            "--voucher",
            &voucher,
            "--date",
            &today,
            "--amount",
            "20",
            "--password-stdin",
        ],
        &format!("{CASHIER_PASSWORD}\n{PASSWORD}\n"),
    );
    for secret in [CASHIER_PASSWORD, PASSWORD] {
        assert!(!argv.contains(secret), "{secret} was in argv: {argv}");
        never_shown(&output, secret);
    }
    assert!(output.status.success(), "{output:?}");

    // A wrong one is not repeated in the refusal either.
    let (argv, output) = watched(
        &shop,
        &["settle", "--operator", "01", "--password-stdin"],
        &format!("{WRONG_CASHIER_PASSWORD}\n"),
    );
    assert!(!argv.contains(WRONG_CASHIER_PASSWORD), "{argv}");
    never_shown(&output, WRONG_CASHIER_PASSWORD);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let (_, output) = watched(
        &shop,
        &["settle", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    never_shown(&output, PASSWORD);
    assert!(output.status.success(), "{output:?}");
}

#[test]
fn a_card_number_as_an_argument_is_refused_with_the_way_to_pass_it() {
    let shop = Shop::trading();
    let before = shop.audit_len();
    for args in [
        &["sale", "--amount", "1", "--card", "4111111111111111"][..],
        &["sale", "--amount", "1", "--card=4111111111111111"],
        &[
            "sale",
            "--card",
            "4111111111111111",
            "--amount",
            "1",
            "--card-stdin",
        ],
        &["sale", "--amount", "1", "--card"],
    ] {
        let err = fails(
            shop.run(args),
            2,
            "the card number is not taken as an argument, where `ps` and the shell history \
             show it: type it when asked, or use --card-stdin or --card-file FILE",
        );
        assert!(!err.contains("4111111111111111"), "{err}");
    }
    // Refused before the database is even looked for.
    fails(
        voidguard()
            .args([
                "--db",
                "/nonexistent/shop.db",
                "sale",
                "--amount",
                "1",
                "--card",
                "4111111111111111",
            ])
            .assert(),
        2,
        "--card-stdin or --card-file",
    );
    fails(
        shop.run(&[
            "--lang",
            "zh",
            "sale",
            "--amount",
            "1",
            "--card",
            "4111111111111111",
        ]),
        2,
        "卡号不能写在命令行上",
    );
    assert!(shop.rows().is_empty());
    assert_eq!(shop.audit_len(), before);
}

#[test]
fn a_card_number_is_read_from_a_file_or_stdin() {
    let shop = Shop::trading();
    std::fs::write(shop.path("card.txt"), "4111111111111111\r\n").unwrap();
    std::fs::write(shop.path("pw.txt"), format!("{CASHIER_PASSWORD}\n")).unwrap();
    let out = shop.ok(&[
        "sale",
        "--amount",
        "88.00",
        "--password-file",
        "pw.txt",
        "--card-file",
        "card.txt",
    ]);
    assert!(out.contains("card 411111******1111"), "{out}");
    assert!(!out.contains("4111111111111111"), "{out}");
    // The simulator's test cards come through stdin too, a masked one kept as it is.
    let out = stdout(shop.sell(&["--amount", "5"], "622202******4321").success());
    assert!(out.contains("card 622202******4321"), "{out}");
    let masked: Vec<String> = shop
        .rows()
        .iter()
        .map(|r| r["masked_pan"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(masked, ["622202******4321", "411111******1111"]);
}

#[test]
fn bad_card_input_is_named_and_writes_nothing() {
    let shop = Shop::trading();
    let before = shop.audit_len();
    std::fs::write(shop.path("pw.txt"), format!("{CASHIER_PASSWORD}\n")).unwrap();
    let piped = |input: &str| {
        shop.cmd()
            .args(["sale", "--amount", "1", "--password-file", "pw.txt"])
            .arg("--card-stdin")
            .write_stdin(input.to_owned())
            .assert()
    };
    fails(piped("\n"), 2, "the card number is empty");
    fails(piped("  \n"), 2, "the card number is empty");
    fails(piped(""), 2, "standard input ended before the card number");
    fails(
        piped(&format!("{}\n", "4".repeat(300))),
        2,
        "the card number is longer than 256 bytes",
    );
    fails(piped("41111111111111111111\n"), 2, "invalid card number");
    // 256 bytes and a CR LF still fit the reader; the core judges the number.
    fails(
        piped(&format!("{}\r\n", "4".repeat(256))),
        2,
        "invalid card number",
    );

    let from_file = |name: &str| {
        shop.run(&[
            "sale",
            "--amount",
            "1",
            "--password-file",
            "pw.txt",
            "--card-file",
            name,
        ])
    };
    fails(from_file("missing.txt"), 2, "cannot read missing.txt");
    std::fs::write(shop.path("empty.txt"), "").unwrap();
    fails(from_file("empty.txt"), 2, "empty.txt is empty");
    std::fs::write(shop.path("blank.txt"), "\n").unwrap();
    fails(from_file("blank.txt"), 2, "the card number is empty");
    std::fs::write(shop.path("big.txt"), "4".repeat(5000)).unwrap();
    fails(
        from_file("big.txt"),
        2,
        "big.txt is larger than 4096 bytes: not a file of secrets",
    );

    fails(
        shop.run(&["sale", "--amount", "1", "--password-file", "pw.txt"]),
        2,
        "no terminal to ask without echo: use --card-stdin or --card-file",
    );
    fails(
        shop.run(&["sale", "--amount", "1", "--card-stdin"]),
        2,
        "no terminal to ask without echo: use --password-stdin or --password-file",
    );
    shop.run(&["sale", "--amount", "1", "--card-stdin", "--card-file", "x"])
        .code(2);
    assert!(shop.rows().is_empty());
    assert_eq!(shop.audit_len(), before);
}

/// The standing of the shop's only request, as `request list` shows it.
fn request_status(shop: &Shop) -> String {
    let list = shop.json(&["request", "list", "--json"]);
    list[0]["status"].as_str().unwrap().to_owned()
}

#[cfg(target_os = "linux")]
#[test]
fn an_approval_code_never_shows_in_argv_or_output() {
    let shop = Shop::activated();
    let opened = shop.ok(&[
        "request",
        "permission",
        "--reason",
        "开通消费撤销权限",
        "--id-number",
        "11010519491231002X",
        "--licence-no",
        "91110000802100433B",
        "--contact",
        "138 0013 8000",
    ]);
    let code = request_code(&opened);
    assert!(
        opened.contains(&format!(
            "When approved: voidguard redeem {code} (it asks for the approval code)"
        )),
        "{opened}"
    );
    let approval = shop.approve(&code, "permit");
    let (argv, output) = watched(
        &shop,
        &["redeem", &code, "--approval-code-stdin"],
        &format!("{approval}\n"),
    );
    assert!(
        argv.contains(&format!("redeem {code} --approval-code-stdin")),
        "{argv}"
    );
    assert!(
        !argv.contains(&approval),
        "the approval code was in argv: {argv}"
    );
    assert!(output.status.success(), "{output:?}");
    never_shown(&output, &approval);
    assert_eq!(shop.json(&["status", "--json"])["void_permitted"], true);
}

#[cfg(target_os = "linux")]
#[test]
fn a_reset_reads_the_approval_code_then_the_new_password_and_shows_neither() {
    let shop = Shop::ready();
    let code = shop.apply("reset");
    let approval = shop.approve(&code, "reset");
    let (argv, output) = watched(
        &shop,
        &["redeem", &code, "--approval-code-stdin", "--password-stdin"],
        &format!("{approval}\n{NEW_PASSWORD}\n"),
    );
    for secret in [&approval[..], NEW_PASSWORD] {
        assert!(!argv.contains(secret), "{secret} was in argv: {argv}");
        never_shown(&output, secret);
    }
    assert!(output.status.success(), "{output:?}");
    let voucher = shop.sale("9");
    shop.void(&voucher, "9", NEW_PASSWORD).success();
}

#[test]
fn an_approval_code_as_an_argument_is_refused_with_the_way_to_pass_it() {
    let shop = Shop::activated();
    let code = shop.apply("permission");
    let approval = shop.approve(&code, "permit");
    let before = shop.audit_len();
    for args in [
        &["redeem", &code, &approval][..],
        &["redeem", &code, &approval, "--approval-code-stdin"],
        &["redeem", &code, "--password-stdin", &approval],
    ] {
        let err = fails(
            shop.run(args),
            2,
            "the approval code is not taken as an argument, where `ps` and the shell history \
             show it: run `voidguard redeem <request code>` and type it when asked, or use \
             --approval-code-stdin or --approval-code-file FILE",
        );
        assert!(!err.contains(&approval), "{err}");
    }
    fails(
        voidguard()
            .args(["--db", "/nonexistent/shop.db", "redeem", &code, &approval])
            .assert(),
        2,
        "--approval-code-stdin or --approval-code-file",
    );
    fails(
        shop.run(&["--lang", "zh", "redeem", &code, &approval]),
        2,
        "审批码不能写在命令行上",
    );
    assert_eq!(request_status(&shop), "Open");
    assert_eq!(shop.audit_len(), before);
    // No refused form counted as a wrong code.
    fails(
        shop.redeem(&code, "00000000"),
        1,
        "not valid for this request, 4 attempt(s) left",
    );
}

#[test]
fn an_approval_code_and_a_new_password_are_read_from_their_files() {
    let shop = Shop::ready();
    let code = shop.apply("reset");
    let approval = shop.approve(&code, "reset");
    std::fs::write(shop.path("approval.txt"), format!("{approval}\n")).unwrap();
    std::fs::write(shop.path("new.txt"), format!("{NEW_PASSWORD}\n")).unwrap();
    let assert = shop
        .run(&[
            "redeem",
            &code,
            "--approval-code-file",
            "approval.txt",
            "--password-file",
            "new.txt",
        ])
        .success();
    assert!(stdout(assert).contains("the void password is reset"));
    let voucher = shop.sale("9");
    shop.void(&voucher, "9", NEW_PASSWORD).success();
}

#[test]
fn bad_approval_code_input_is_named_and_writes_nothing() {
    let shop = Shop::activated();
    let code = shop.apply("permission");
    let before = shop.audit_len();
    let piped = |input: &str| {
        shop.cmd()
            .args(["redeem", &code, "--approval-code-stdin"])
            .write_stdin(input.to_owned())
            .assert()
    };
    fails(piped("\n"), 2, "the approval code is empty");
    fails(
        piped(""),
        2,
        "standard input ended before the approval code",
    );
    fails(
        piped(&format!("{}\n", "1".repeat(257))),
        2,
        "the approval code is longer than 256 bytes",
    );

    let from_file = |name: &str| shop.run(&["redeem", &code, "--approval-code-file", name]);
    fails(from_file("missing.txt"), 2, "cannot read missing.txt");
    std::fs::write(shop.path("empty.txt"), "").unwrap();
    fails(from_file("empty.txt"), 2, "empty.txt is empty");
    std::fs::write(shop.path("big.txt"), "1".repeat(4097)).unwrap();
    fails(
        from_file("big.txt"),
        2,
        "big.txt is larger than 4096 bytes: not a file of secrets",
    );

    fails(
        shop.run(&["redeem", &code]),
        2,
        "no terminal to ask without echo: use --approval-code-stdin or --approval-code-file",
    );
    shop.run(&[
        "redeem",
        &code,
        "--approval-code-stdin",
        "--approval-code-file",
        "x",
    ])
    .code(2);
    assert_eq!(request_status(&shop), "Open");
    assert_eq!(shop.audit_len(), before);
    fails(
        shop.redeem(&code, "00000000"),
        1,
        "not valid for this request, 4 attempt(s) left",
    );
}

#[test]
fn a_reset_whose_stdin_ends_after_the_approval_code_changes_nothing() {
    let shop = Shop::ready();
    let code = shop.apply("reset");
    let approval = shop.approve(&code, "reset");
    let before = shop.audit_len();
    let assert = shop
        .cmd()
        .args(["redeem", &code, "--approval-code-stdin", "--password-stdin"])
        .write_stdin(format!("{approval}\n"))
        .assert();
    fails(assert, 2, "standard input ended before the new password");
    assert_eq!(request_status(&shop), "Open");
    assert_eq!(shop.audit_len(), before);
    let voucher = shop.sale("9");
    shop.void(&voucher, "9", PASSWORD).success();
}
