//! Every refusal of the void flow ends the tool with exit 1 and one line saying which
//! rule refused; wrong answers end it with exit 2 and write nothing.

mod common;

use common::*;

#[test]
fn wrong_password_tells_the_attempts_left() {
    let shop = Shop::ready();
    let voucher = shop.sale("88");
    fails(
        shop.void(&voucher, "88", WRONG_PASSWORD),
        1,
        "wrong void password, 4 attempt(s) left",
    );
    assert_eq!(shop.rows()[0]["status"], "approved");
}

#[test]
fn refusals_are_explained_in_chinese_with_lang_zh() {
    let shop = Shop::ready();
    let voucher = shop.sale("88");
    let today = shop.today();
    let void_zh = |amount: &str, password: &str| {
        shop.cmd()
            .args([
                "--lang",
                "zh",
                "void",
                "--voucher",
                &voucher,
                "--date",
                &today,
            ])
            .args(["--amount", amount, "--password-stdin"])
            .write_stdin(format!("{CASHIER_PASSWORD}\n{password}\n"))
            .assert()
    };
    fails(
        void_zh("88", WRONG_PASSWORD),
        1,
        "撤销密码错误，还可尝试 4 次",
    );
    fails(void_zh("87", PASSWORD), 1, "输入的金额与原交易不符");
    void_zh("88", PASSWORD).success();
    fails(void_zh("88", PASSWORD), 1, "已被凭证号 000002 撤销");
}

#[test]
fn amount_and_date_must_match_the_original() {
    let shop = Shop::ready();
    let voucher = shop.sale("88");
    fails(
        shop.void(&voucher, "88.01", PASSWORD),
        1,
        "the amount entered does not match",
    );
    let assert = shop
        .cmd()
        .args([
            "void",
            "--voucher",
            &voucher,
            "--date",
            "2020-01-01",
            "--amount",
            "88",
        ])
        .arg("--password-stdin")
        .write_stdin(format!("{CASHIER_PASSWORD}\n{PASSWORD}\n"))
        .assert();
    fails(assert, 1, "the date entered does not match");
}

#[test]
fn unknown_and_already_voided_vouchers_are_refused() {
    let shop = Shop::ready();
    let voucher = shop.sale("20");
    fails(
        shop.void("000099", "20", PASSWORD),
        1,
        "voucher 000099 is not in the journal",
    );
    shop.void(&voucher, "20", PASSWORD).success();
    fails(
        shop.void(&voucher, "20", PASSWORD),
        1,
        "voucher 000001 was already voided by voucher 000002",
    );
    assert_eq!(shop.rows().len(), 2, "voided once only");
}

#[test]
fn a_settled_sale_points_to_a_refund() {
    let shop = Shop::ready();
    let voucher = shop.sale("20");
    shop.settle(&[]).success();
    fails(
        shop.void(&voucher, "20", PASSWORD),
        1,
        "settled in batch 000001: it cannot be voided, use a refund",
    );
}

#[test]
fn no_void_without_permission_or_password() {
    let shop = Shop::trading();
    let voucher = shop.sale("20");
    fails(
        shop.void(&voucher, "20", PASSWORD),
        1,
        "void permission has not been granted",
    );
    let code = shop.apply("permission");
    let approval = shop.approve(&code, "permit");
    let out = stdout(shop.redeem(&code, &approval).success());
    assert!(out.contains("void permission granted"), "{out}");
    fails(
        shop.void(&voucher, "20", PASSWORD),
        1,
        "no void password is set",
    );
}

#[test]
fn a_void_is_keyed_by_the_signed_in_cashier_and_authorised_by_the_supervisor() {
    let shop = Shop::ready();
    shop.add_cashier("03", "6058");
    let voucher = shop.sale("20");
    let out = stdout(
        shop.void_as("03", "6058", &voucher, "20", PASSWORD)
            .success(),
    );
    assert!(
        out.contains("Keyed by operator 03, authorised by operator 00"),
        "{out}"
    );
    let rows = shop.rows();
    let (void, sale) = (&rows[0], &rows[1]);
    assert_eq!(
        (&void["kind"], &void["operator_no"]),
        (&"void".into(), &"03".into())
    );
    assert_eq!(void["authoriser_no"], "00");
    assert_eq!(
        (&sale["operator_no"], &sale["authoriser_no"]),
        (&"01".into(), &serde_json::Value::Null)
    );
    let slip = shop.ok(&["receipt", void["voucher_no"].as_str().unwrap()]);
    assert!(slip.contains("OPERATOR: 03"), "{slip}");
    assert!(slip.contains("AUTHORISED BY: 00"), "{slip}");
    let slip = shop.ok(&["receipt", &voucher]);
    assert!(
        slip.contains("OPERATOR: 01") && !slip.contains("AUTHORISED BY"),
        "{slip}"
    );
}

#[test]
fn the_supervisor_keys_a_void_with_the_void_password_asked_again() {
    let shop = Shop::ready();
    let voucher = shop.sale("20");
    // Signing in proves who keys; the second void password authorises this void.
    fails(
        shop.void_as("00", PASSWORD, &voucher, "20", WRONG_PASSWORD),
        1,
        "wrong void password, 4 attempt(s) left",
    );
    shop.void_as("00", PASSWORD, &voucher, "20", PASSWORD)
        .success();
    let void = &shop.rows()[0];
    assert_eq!(
        (&void["operator_no"], &void["authoriser_no"]),
        (&"00".into(), &"00".into())
    );
    assert_eq!(shop.json(&["status", "--json"])["consecutive_failures"], 0);
}

#[test]
fn a_host_decline_leaves_the_sale_approved() {
    let shop = Shop::ready();
    let voucher = shop.sale("20");
    let today = shop.today();
    let assert = shop
        .cmd()
        .env("VOIDGUARD_SIMULATOR", "decline")
        .args([
            "void",
            "--voucher",
            &voucher,
            "--date",
            &today,
            "--amount",
            "20",
        ])
        .arg("--password-stdin")
        .write_stdin(format!("{CASHIER_PASSWORD}\n{PASSWORD}\n"))
        .assert();
    fails(assert, 1, "the host declined the void (response code 05)");
    assert_eq!(shop.rows().len(), 1);
    assert_eq!(shop.rows()[0]["status"], "approved");
}

#[test]
fn five_wrong_passwords_lock_until_a_lift_is_redeemed() {
    let shop = Shop::ready();
    let voucher = shop.sale("20");
    for left in (1..=4).rev() {
        fails(
            shop.void(&voucher, "20", WRONG_PASSWORD),
            1,
            &format!("{left} attempt(s) left"),
        );
    }
    fails(
        shop.void(&voucher, "20", WRONG_PASSWORD),
        1,
        "voiding is locked until",
    );
    fails(
        shop.void(&voucher, "20", PASSWORD),
        1,
        "voiding is locked until",
    );
    let s = shop.json(&["status", "--json"]);
    assert!(s["locked_until_ms"].is_i64(), "{s}");

    let code = shop.apply("lift");
    fails(
        shop.redeem(&code, "00000000"),
        1,
        "not valid for this request, 4 attempt(s) left",
    );
    let approval = shop.approve(&code, "lift");
    let out = stdout(shop.redeem(&code, &approval).success());
    assert!(out.contains("the restriction is lifted"), "{out}");
    shop.void(&voucher, "20", PASSWORD).success();
}

#[test]
fn nothing_to_lift_is_refused() {
    let shop = Shop::ready();
    let assert = shop.run(&[
        "request",
        "lift",
        "--reason",
        "x",
        "--id-number",
        "11010519491231002X",
        "--licence-no",
        "91110000802100433B",
        "--contact",
        "13800138000",
    ]);
    fails(assert, 1, "nothing to lift");
}

#[test]
fn declining_the_confirmation_voids_nothing() {
    let shop = Shop::ready();
    let voucher = shop.sale("20");
    let before = shop.acts();
    let assert = shop
        .cmd()
        .args(["void", "--password-stdin"])
        .write_stdin(format!(
            "{CASHIER_PASSWORD}\n{voucher}\n\n20\n1\nn\n{PASSWORD}\n"
        ))
        .assert();
    fails(assert, 1, "cancelled: nothing was voided");
    assert_eq!(shop.rows().len(), 1);
    // The cashier signed in and out again; nothing else happened.
    assert_eq!(
        shop.acts()[before.len()..],
        ["operator.signed_in 01", "operator.signed_out 01"]
    );
}

#[test]
fn a_malformed_answer_is_one_line_and_writes_nothing_but_the_sign_in() {
    let shop = Shop::ready();
    shop.sale("20");
    let before = shop.acts();
    let void_with = |answers: &str| {
        shop.cmd()
            .args(["void", "--password-stdin"])
            .write_stdin(format!("{CASHIER_PASSWORD}\n{answers}"))
            .assert()
    };
    fails(
        void_with("12ab\n\n20\n"),
        2,
        "invalid voucher number: must be digits only (expected 6 digits)",
    );
    fails(
        void_with("000001\n2026-02-30\n20\n"),
        2,
        "invalid date: is not a real date",
    );
    fails(
        void_with("000001\n\n20.001\n"),
        2,
        "invalid amount: has more than two decimals",
    );
    fails(void_with("000001\n\n20\n9\n"), 2, "no void reason '9'");
    fails(
        void_with("000001\n\n"),
        2,
        "standard input ended before the amount",
    );
    fails(
        void_with("000001\n\n20\n1\ny\n"),
        2,
        "standard input ended before the void password",
    );
    fails(
        void_with("000001\n\n20\n1\ny\n12345\n"),
        2,
        "invalid void password: has the wrong length (expected 6 digits)",
    );
    let assert = shop
        .cmd()
        .args(["--lang", "zh", "void", "--password-stdin"])
        .write_stdin(format!("{CASHIER_PASSWORD}\n000001\n\n-3\n"))
        .assert();
    fails(assert, 2, "金额不能为负");
    // Each run signed the cashier in and out, and did nothing else.
    let after = shop.acts();
    let pairs = ["operator.signed_in 01", "operator.signed_out 01"].repeat(8);
    assert_eq!(after[before.len()..], pairs);
    assert_eq!(shop.rows().len(), 1);
    assert_eq!(shop.json(&["status", "--json"])["consecutive_failures"], 0);
}

#[test]
fn malformed_passwords_of_a_scripted_void_write_nothing() {
    let shop = Shop::ready();
    let voucher = shop.sale("20");
    let before = (shop.audit_len(), std::fs::read(&shop.db).unwrap());
    let today = shop.today();
    let void_with = |operator: &str, lines: &str| {
        shop.cmd()
            .args(["void", "--operator", operator, "--voucher", &voucher])
            .args(["--date", &today, "--amount", "20", "--password-stdin"])
            .write_stdin(lines.to_owned())
            .assert()
    };
    for (operator, lines, needle) in [
        (
            "01",
            "739\n274816\n",
            "invalid cashier's password: has the wrong length",
        ),
        (
            "01",
            "73a1\n274816\n",
            "invalid cashier's password: must be digits only",
        ),
        (
            "01",
            "7391\n27481\n",
            "invalid void password: has the wrong length",
        ),
        (
            "01",
            "7391\n",
            "standard input ended before the void password",
        ),
        (
            "01",
            "",
            "standard input ended before the operator's password",
        ),
        ("01", "\n274816\n", "the operator's password is empty"),
        (
            "00",
            "27481\n274816\n",
            "invalid void password: has the wrong length",
        ),
        (
            "99",
            "4071825\n274816\n",
            "invalid administrator's password: has the wrong length",
        ),
    ] {
        fails(void_with(operator, lines), 2, needle);
    }
    assert_eq!((shop.audit_len(), std::fs::read(&shop.db).unwrap()), before);
}

#[test]
fn bad_flags_are_refused_and_count_no_failure() {
    let shop = Shop::ready();
    shop.sale("20");
    let today = shop.today();
    let void_by = |operator: &str, password: &str, reason: &str| {
        shop.cmd()
            .args([
                "void",
                "--voucher",
                "000001",
                "--date",
                &today,
                "--amount",
                "20",
            ])
            .args([
                "--operator",
                operator,
                "--reason",
                reason,
                "--password-stdin",
            ])
            .write_stdin(format!("{password}\n{PASSWORD}\n"))
            .assert()
    };
    fails(
        void_by("01", CASHIER_PASSWORD, "felt_like_it"),
        2,
        "invalid void reason: is not allowed",
    );
    // The administrator signs in but keys no void.
    fails(
        void_by("99", ADMIN_PASSWORD, "customer_request"),
        1,
        "operator 99 may not do this",
    );
    fails(
        shop.run(&["void", "--operator", "1", "--password-stdin"]),
        2,
        "invalid operator number",
    );
    assert_eq!(shop.json(&["status", "--json"])["consecutive_failures"], 0);
    assert_eq!(shop.rows().len(), 1);
}
