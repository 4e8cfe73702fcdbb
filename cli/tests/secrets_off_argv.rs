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
        assert!(!text.contains(secret), "{secret} was printed: {text}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_card_number_never_shows_in_argv_or_output() {
    let shop = Shop::activated();
    let (argv, output) = watched(
        &shop,
        &["sale", "--amount", "12.34", "--card-stdin", "--json"],
        &format!("{CARD}\n"),
    );
    assert!(argv.contains("sale --amount 12.34 --card-stdin"), "{argv}");
    assert!(!argv.contains(CARD), "the card number was in argv: {argv}");
    assert!(output.status.success(), "{output:?}");
    never_shown(&output, CARD);
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(out.contains("622202*********0123"), "{out}");
    assert_eq!(shop.rows().len(), 1);
}

#[test]
fn a_card_number_as_an_argument_is_refused_with_the_way_to_pass_it() {
    let shop = Shop::activated();
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
    let shop = Shop::activated();
    std::fs::write(shop.path("card.txt"), "4111111111111111\r\n").unwrap();
    let out = shop.ok(&["sale", "--amount", "88.00", "--card-file", "card.txt"]);
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
    let shop = Shop::activated();
    let before = shop.audit_len();
    let piped = |input: &str| {
        shop.cmd()
            .args(["sale", "--amount", "1", "--card-stdin"])
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

    let from_file = |name: &str| shop.run(&["sale", "--amount", "1", "--card-file", name]);
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
        shop.run(&["sale", "--amount", "1"]),
        2,
        "no terminal to ask without echo: use --card-stdin or --card-file",
    );
    shop.run(&["sale", "--amount", "1", "--card-stdin", "--card-file", "x"])
        .code(2);
    assert!(shop.rows().is_empty());
    assert_eq!(shop.audit_len(), before);
}
