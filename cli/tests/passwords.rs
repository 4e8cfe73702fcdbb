//! The void password: set, changed and reset from stdin or a file, never from the
//! command line and never printed; back-office approvals for permission and reset.

mod common;

use common::*;

fn never_printed(assert: &assert_cmd::assert::Assert, secrets: &[&str]) {
    let out = assert.get_output();
    for secret in secrets {
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(!text.contains(secret), "{secret} was printed: {text}");
        }
    }
}

#[test]
fn set_reads_one_line_of_stdin_and_prints_no_secret() {
    let shop = Shop::activated();
    let assert = shop
        .cmd()
        .args(["password", "set", "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();
    never_printed(&assert, &[PASSWORD]);
    assert!(stdout(assert).contains("The void password is set"));
    assert_eq!(shop.json(&["status", "--json"])["password_set"], true);
}

#[test]
fn set_reads_a_password_file() {
    let shop = Shop::activated();
    let file = shop.path("pw.txt");
    std::fs::write(&file, format!("{PASSWORD}\r\n")).unwrap();
    shop.ok(&["password", "set", "--password-file", file.to_str().unwrap()]);
    fails(
        shop.run(&["password", "set", "--password-file", file.to_str().unwrap()]),
        1,
        "a void password is already set",
    );
}

#[test]
fn trivial_passwords_are_refused() {
    let shop = Shop::activated();
    for trivial in ["123456", "111111", "987654"] {
        let assert = shop
            .cmd()
            .args(["password", "set", "--password-stdin"])
            .write_stdin(format!("{trivial}\n"))
            .assert();
        fails(assert, 1, "too easy to guess");
    }
    let assert = shop
        .cmd()
        .args(["password", "set", "--password-stdin"])
        .write_stdin("12345\n")
        .assert();
    fails(
        assert,
        2,
        "invalid void password: has the wrong length (expected 6 digits)",
    );
    assert_eq!(shop.json(&["status", "--json"])["password_set"], false);
}

#[test]
fn change_takes_the_current_then_the_new_password() {
    let shop = Shop::ready();
    let file = shop.path("change.txt");
    std::fs::write(&file, format!("{PASSWORD}\n{NEW_PASSWORD}\n")).unwrap();
    let assert = shop
        .run(&[
            "password",
            "change",
            "--password-file",
            file.to_str().unwrap(),
        ])
        .success();
    never_printed(&assert, &[PASSWORD, NEW_PASSWORD]);
    let voucher = shop.sale("9");
    fails(shop.void(&voucher, "9", PASSWORD), 1, "wrong void password");
    shop.void(&voucher, "9", NEW_PASSWORD).success();
}

#[test]
fn change_with_a_wrong_current_password_counts_as_a_failure() {
    let shop = Shop::ready();
    let assert = shop
        .cmd()
        .args(["password", "change", "--password-stdin"])
        .write_stdin(format!("{WRONG_PASSWORD}\n{NEW_PASSWORD}\n"))
        .assert();
    fails(assert, 1, "wrong void password, 4 attempt(s) left");
    assert_eq!(shop.json(&["status", "--json"])["consecutive_failures"], 1);
}

#[test]
fn a_short_password_file_or_stdin_is_a_usage_error() {
    let shop = Shop::ready();
    let file = shop.path("one.txt");
    std::fs::write(&file, format!("{PASSWORD}\n")).unwrap();
    fails(
        shop.run(&[
            "password",
            "change",
            "--password-file",
            file.to_str().unwrap(),
        ]),
        2,
        "the password file has no line for the new password",
    );
    let assert = shop
        .cmd()
        .args(["password", "change", "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert();
    fails(assert, 2, "standard input ended before the new password");
    fails(
        shop.run(&["password", "change", "--password-file", "missing.txt"]),
        2,
        "cannot read missing.txt",
    );
}

#[test]
fn without_a_terminal_or_a_flag_no_password_is_asked() {
    let shop = Shop::ready();
    let voucher = shop.sale("9");
    let today = shop.today();
    for args in [
        vec!["password", "set"],
        vec!["password", "change"],
        vec![
            "void",
            "--voucher",
            &voucher,
            "--date",
            &today,
            "--amount",
            "9",
        ],
        vec!["settle"],
        vec!["sale", "--amount", "9", "--card-file", "card.txt"],
    ] {
        fails(
            shop.run(&args),
            2,
            "no terminal to ask without echo: use --password-stdin or --password-file",
        );
    }
}

#[test]
fn a_password_is_never_taken_as_an_argument() {
    let shop = Shop::ready();
    shop.run(&["password", "set", PASSWORD]).code(2);
    shop.run(&["password", "set", "--password", PASSWORD])
        .code(2);
    shop.run(&["void", "--password", PASSWORD]).code(2);
    shop.run(&[
        "password",
        "change",
        "--password-stdin",
        "--password-file",
        "x",
    ])
    .code(2);
}

#[test]
fn a_reset_redeems_with_the_new_password_from_stdin() {
    let shop = Shop::ready();
    let code = shop.apply("reset");
    let approval = shop.approve(&code, "reset");
    fails(
        shop.redeem(&code, &approval),
        2,
        "no terminal to ask without echo",
    );
    let assert = shop.redeem_reset(&code, &approval, NEW_PASSWORD).success();
    never_printed(&assert, &[NEW_PASSWORD, &approval]);
    assert!(stdout(assert).contains("the void password is reset"));
    let voucher = shop.sale("9");
    fails(shop.void(&voucher, "9", PASSWORD), 1, "wrong void password");
    shop.void(&voucher, "9", NEW_PASSWORD).success();
    fails(
        shop.redeem(&code, &approval),
        1,
        "this request was already redeemed",
    );
}

#[test]
fn a_reset_to_the_same_password_is_refused() {
    let shop = Shop::ready();
    let code = shop.apply("reset");
    let approval = shop.approve(&code, "reset");
    fails(
        shop.redeem_reset(&code, &approval, PASSWORD),
        1,
        "the new password must differ",
    );
}

#[test]
fn redeem_refuses_a_wrong_code_and_a_password_it_does_not_need() {
    let shop = Shop::activated();
    let code = shop.apply("permission");
    let approval = shop.approve(&code, "permit");
    let wrong_action = shop.approve(&code, "lift");
    fails(
        shop.redeem(&code, &wrong_action),
        1,
        "not valid for this request, 4 attempt(s) left",
    );
    fails(
        shop.redeem_reset(&code, &approval, PASSWORD),
        2,
        "only a password reset takes a new password",
    );
    fails(
        shop.redeem("0000000000", &approval),
        1,
        "no request with that code",
    );
    fails(
        shop.redeem(&code, "1234"),
        2,
        "invalid approval code: has the wrong length",
    );
    fails(
        shop.run(&[
            "request",
            "permission",
            "--reason",
            "again",
            "--id-number",
            "11010519491231002X",
            "--licence-no",
            "91110000802100433B",
            "--contact",
            "13800138000",
        ]),
        1,
        &format!("an open request of this kind exists already: {code}"),
    );
    shop.redeem(&code, &approval).success();
}

#[test]
fn the_back_office_labels_itself_and_binds_code_to_action() {
    let shop = Shop::activated();
    let code = shop.apply("permission");
    let out = shop.ok(&[
        "backoffice",
        "approve",
        &code,
        "--action",
        "permit",
        "--secret-file",
        shop.secret_file.to_str().unwrap(),
    ]);
    assert!(
        out.starts_with("ACQUIRER BACK OFFICE (simulated; not part of the terminal)"),
        "{out}"
    );
    let permit = shop.approve(&code, "permit");
    assert!(out.contains(&permit));
    assert_eq!(permit.len(), 8);
    assert_ne!(permit, shop.approve(&code, "reset"));
    let zh = shop.ok(&[
        "--lang",
        "zh",
        "backoffice",
        "approve",
        &code,
        "--action",
        "permit",
        "--secret-file",
        shop.secret_file.to_str().unwrap(),
    ]);
    assert!(zh.starts_with("收单机构后台（模拟，不属于终端）"), "{zh}");
}

#[test]
fn application_fields_are_checked() {
    let shop = Shop::activated();
    let assert = shop.run(&[
        "request",
        "permission",
        "--reason",
        "x",
        "--id-number",
        "11010519491231002X",
        "--licence-no",
        "123",
        "--contact",
        "13800138000",
    ]);
    fails(
        assert,
        2,
        "invalid business licence number: has the wrong length",
    );
    let assert = shop.run(&[
        "request",
        "permission",
        "--reason",
        "x",
        "--id-number",
        "11010519491231002X",
        "--licence-no",
        "91110000802100433B",
        "--contact",
        "call me",
    ]);
    fails(assert, 2, "invalid contact: is malformed");
    assert_eq!(shop.ok(&["request", "list"]).trim(), "No requests.");
}

#[test]
fn an_empty_or_overlong_password_is_named_and_nothing_is_set() {
    let shop = Shop::activated();
    let before = shop.audit_len();
    let set = |input: String| {
        shop.cmd()
            .args(["password", "set", "--password-stdin"])
            .write_stdin(input)
            .assert()
    };
    fails(set("\n".into()), 2, "the new password is empty");
    fails(
        set(format!("{}\n", "7".repeat(300))),
        2,
        "the new password is longer than 256 bytes",
    );
    std::fs::write(shop.path("empty.txt"), "").unwrap();
    fails(
        shop.run(&["password", "set", "--password-file", "empty.txt"]),
        2,
        "empty.txt is empty",
    );
    std::fs::write(shop.path("big.txt"), "1".repeat(5000)).unwrap();
    fails(
        shop.run(&["password", "set", "--password-file", "big.txt"]),
        2,
        "big.txt is larger than 4096 bytes",
    );
    assert_eq!(shop.json(&["status", "--json"])["password_set"], false);
    assert_eq!(shop.audit_len(), before);
}
