//! Operators: the administrator (99) sets a password once, then adds, resets and
//! removes cashiers, signing in within each run; cashiers and the administrator change
//! their own passwords. Passwords come from stdin or a file, never from the command
//! line, and are never printed.

mod common;

use std::path::Path;

use assert_cmd::assert::Assert;
use common::*;
use serde_json::Value;

const WRONG_ADMIN_PASSWORD: &str = "40718254";
const CASHIER_NEW_PASSWORD: &str = "58204";

const ALL_PASSWORDS: [&str; 5] = [
    ADMIN_PASSWORD,
    WRONG_ADMIN_PASSWORD,
    CASHIER_PASSWORD,
    CASHIER_NEW_PASSWORD,
    PASSWORD,
];

fn never_printed(assert: &Assert) {
    let out = assert.get_output();
    for secret in ALL_PASSWORDS {
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(!text.contains(secret), "{secret} was printed: {text}");
        }
    }
}

/// `voidguard operator <args> --password-stdin` with `lines` on standard input.
fn operator(shop: &Shop, args: &[&str], lines: &[&str]) -> Assert {
    let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let assert = shop
        .cmd()
        .arg("operator")
        .args(args)
        .arg("--password-stdin")
        .write_stdin(input)
        .assert();
    never_printed(&assert);
    assert
}

/// Permitted to void, with the administrator's password set and no cashier yet.
fn with_admin() -> Shop {
    let shop = Shop::permitted();
    operator(&shop, &["admin-password"], &[ADMIN_PASSWORD]).success();
    shop
}

fn with_cashier() -> Shop {
    let shop = with_admin();
    operator(&shop, &["add", "03"], &[ADMIN_PASSWORD, CASHIER_PASSWORD]).success();
    shop
}

fn operators(shop: &Shop) -> Vec<Value> {
    shop.json(&["operator", "list", "--json"])
        .as_array()
        .unwrap()
        .clone()
}

fn find(shop: &Shop, operator_no: &str) -> Option<Value> {
    operators(shop)
        .into_iter()
        .find(|o| o["operator_no"] == operator_no)
}

/// Every file of the shop's folder and its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files_in(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

#[test]
fn the_list_shows_the_supervisor_once_the_void_password_is_set() {
    let shop = Shop::activated();
    let table = shop.ok(&["operator", "list"]);
    assert!(table.contains("00  supervisor  no password yet"), "{table}");
    shop.cmd()
        .args(["password", "set", "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();
    let all = operators(&shop);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["operator_no"], "00");
    assert_eq!(all[0]["role"], "supervisor");
    assert_eq!(all[0]["active"], true);
    let table = shop.ok(&["--lang", "zh", "operator", "list"]);
    assert!(table.contains("00        主管  在用"), "{table}");
}

#[test]
fn help_names_every_operator_command_and_the_line_order() {
    let out = stdout(voidguard().args(["operator", "--help"]).assert().success());
    for command in [
        "admin-password",
        "list",
        "add",
        "remove",
        "reset",
        "password",
    ] {
        assert!(out.contains(&format!("  {command}")), "{command}: {out}");
    }
    let add = stdout(
        voidguard()
            .args(["operator", "add", "--help"])
            .assert()
            .success(),
    );
    assert!(add.contains("the administrator's password, then the cashier's first"));
}

#[test]
fn the_administrator_adds_resets_and_removes_a_cashier() {
    let shop = Shop::permitted();
    let set = operator(&shop, &["admin-password"], &[ADMIN_PASSWORD]).success();
    assert!(stdout(set).contains("The administrator's (99) password is set"));

    let added = operator(&shop, &["add", "03"], &[ADMIN_PASSWORD, CASHIER_PASSWORD]).success();
    assert!(stdout(added).contains("Operator 03 (cashier) added."));

    let numbers: Vec<Value> = operators(&shop)
        .iter()
        .map(|o| o["operator_no"].clone())
        .collect();
    assert_eq!(numbers, ["00", "03", "99"]);
    let table = shop.ok(&["operator", "list"]);
    for line in ["00  supervisor", "03  cashier", "99  administrator"] {
        assert!(table.contains(line), "{line:?} not in {table}");
    }
    assert!(table.contains("active"));

    let reset = operator(
        &shop,
        &["reset", "03"],
        &[ADMIN_PASSWORD, CASHIER_NEW_PASSWORD],
    )
    .success();
    assert!(stdout(reset).contains("Operator 03's password is reset"));
    // The reset password is the one the cashier now signs in with.
    operator(
        &shop,
        &["password", "--operator", "03"],
        &[CASHIER_NEW_PASSWORD, CASHIER_PASSWORD],
    )
    .success();

    let removed = operator(&shop, &["remove", "03"], &[ADMIN_PASSWORD]).success();
    assert!(stdout(removed).contains("Operator 03 removed"));
    let cashier = find(&shop, "03").unwrap();
    assert_eq!(cashier["active"], false);
    assert_eq!(cashier["role"], "cashier");
    let table = shop.ok(&["operator", "list"]);
    let row = table.lines().find(|l| l.starts_with("03")).unwrap();
    assert!(row.contains("removed"), "{row}");

    // A number once used is not given to someone else.
    fails(
        operator(&shop, &["add", "03"], &[ADMIN_PASSWORD, CASHIER_PASSWORD]),
        1,
        "operator 03 exists already",
    );
    shop.run(&["audit", "verify"]).success();
}

#[test]
fn a_wrong_administrator_password_is_refused_and_counted() {
    let shop = with_admin();
    let err = fails(
        operator(
            &shop,
            &["add", "03"],
            &[WRONG_ADMIN_PASSWORD, CASHIER_PASSWORD],
        ),
        1,
        "wrong password for operator 99, 4 attempt(s) left before a lockout",
    );
    assert!(!err.contains(WRONG_ADMIN_PASSWORD));
    assert_eq!(find(&shop, "99").unwrap()["consecutive_failures"], 1);
    assert!(find(&shop, "03").is_none());
    fails(
        operator(&shop, &["remove", "03"], &[WRONG_ADMIN_PASSWORD]),
        1,
        "3 attempt(s) left",
    );
    assert_eq!(find(&shop, "99").unwrap()["consecutive_failures"], 2);
    // The right password clears the count.
    operator(&shop, &["add", "03"], &[ADMIN_PASSWORD, CASHIER_PASSWORD]).success();
    assert_eq!(find(&shop, "99").unwrap()["consecutive_failures"], 0);
}

#[test]
fn a_cashier_may_not_do_the_administrators_acts() {
    let shop = with_cashier();
    for (act, lines) in [
        ("add", &[CASHIER_PASSWORD, CASHIER_NEW_PASSWORD][..]),
        ("reset", &[CASHIER_PASSWORD, CASHIER_NEW_PASSWORD][..]),
        ("remove", &[CASHIER_PASSWORD][..]),
    ] {
        fails(
            operator(&shop, &[act, "04", "--by", "03"], lines),
            1,
            "operator 03 may not do this",
        );
    }
    assert!(find(&shop, "04").is_none());
    // Nor are the supervisor and the administrator anyone's cashiers.
    fails(
        operator(
            &shop,
            &["reset", "99"],
            &[ADMIN_PASSWORD, CASHIER_NEW_PASSWORD],
        ),
        1,
        "operator 99 may not do this",
    );
    fails(
        operator(
            &shop,
            &["add", "00"],
            &[ADMIN_PASSWORD, CASHIER_NEW_PASSWORD],
        ),
        1,
        "operator 00 may not do this",
    );
}

#[test]
fn removing_the_supervisor_or_the_administrator_is_refused() {
    let shop = with_admin();
    for no in ["00", "99"] {
        fails(
            operator(&shop, &["remove", no], &[ADMIN_PASSWORD]),
            1,
            &format!("operator {no} cannot be removed"),
        );
    }
    assert!(operators(&shop).iter().all(|o| o["active"] == true));
}

#[test]
fn trivial_and_malformed_passwords_write_nothing() {
    let shop = Shop::permitted();
    let before = snapshot(shop.dir.path());
    for (password, code, needle) in [
        ("12345678", 1, "too easy to guess"),
        ("11111111", 1, "too easy to guess"),
        (
            "4071825",
            2,
            "invalid administrator's password: has the wrong length (expected 8 digits)",
        ),
        ("4071825x", 2, "must be digits only"),
    ] {
        fails(
            operator(&shop, &["admin-password"], &[password]),
            code,
            needle,
        );
        assert_eq!(snapshot(shop.dir.path()), before, "{password} wrote");
    }
    operator(&shop, &["admin-password"], &[ADMIN_PASSWORD]).success();

    let before = snapshot(shop.dir.path());
    for (admin, cashier, code, needle) in [
        (ADMIN_PASSWORD, "1234", 1, "too easy to guess"),
        (ADMIN_PASSWORD, "0000", 1, "too easy to guess"),
        (
            ADMIN_PASSWORD,
            "739",
            2,
            "invalid cashier's password: has the wrong length (expected 4 to 8 digits)",
        ),
        (ADMIN_PASSWORD, "739a", 2, "must be digits only"),
        (
            "4071825",
            CASHIER_PASSWORD,
            2,
            "invalid administrator's password: has the wrong length",
        ),
        // A wrong administrator's password is not even tried while the new one is bad.
        (WRONG_ADMIN_PASSWORD, "123", 2, "invalid cashier's password"),
    ] {
        for act in ["add", "reset"] {
            fails(
                operator(&shop, &[act, "03"], &[admin, cashier]),
                code,
                needle,
            );
            assert_eq!(snapshot(shop.dir.path()), before, "{act} {cashier} wrote");
        }
    }
    assert_eq!(find(&shop, "99").unwrap()["consecutive_failures"], 0);
}

#[test]
fn the_administrators_password_is_set_once() {
    let shop = with_admin();
    fails(
        operator(&shop, &["admin-password"], &[CASHIER_NEW_PASSWORD]),
        2,
        "expected 8 digits",
    );
    fails(
        operator(&shop, &["admin-password"], &["62953081"]),
        1,
        "the administrator's password is set already",
    );
}

#[test]
fn a_cashier_changes_their_own_password() {
    let shop = with_cashier();
    let file = shop.path("change.txt");
    std::fs::write(
        &file,
        format!("{CASHIER_PASSWORD}\n{CASHIER_NEW_PASSWORD}\n"),
    )
    .unwrap();
    let changed = shop
        .run(&[
            "operator",
            "password",
            "--operator",
            "03",
            "--password-file",
            file.to_str().unwrap(),
        ])
        .success();
    never_printed(&changed);
    assert!(stdout(changed).contains("Operator 03's password is changed"));

    fails(
        operator(
            &shop,
            &["password", "--operator", "03"],
            &[CASHIER_PASSWORD, "8642"],
        ),
        1,
        "wrong password for operator 03, 4 attempt(s) left",
    );
    assert_eq!(find(&shop, "03").unwrap()["consecutive_failures"], 1);
    fails(
        operator(
            &shop,
            &["password", "--operator", "03"],
            &[CASHIER_NEW_PASSWORD, CASHIER_NEW_PASSWORD],
        ),
        1,
        "the new password must differ from the current one",
    );
    // The administrator changes theirs the same way.
    operator(
        &shop,
        &["password", "--operator", "99"],
        &[ADMIN_PASSWORD, "62953081"],
    )
    .success();
    // The supervisor's password is the void password.
    fails(
        operator(
            &shop,
            &["password", "--operator", "00"],
            &[PASSWORD, NEW_PASSWORD],
        ),
        2,
        "`voidguard password change`",
    );
}

#[test]
fn secrets_come_in_order_and_never_from_a_missing_source() {
    let shop = with_admin();
    fails(
        operator(&shop, &["add", "03"], &[ADMIN_PASSWORD]),
        2,
        "standard input ended before the new password",
    );
    let file = shop.path("admin.txt");
    std::fs::write(&file, format!("{ADMIN_PASSWORD}\n")).unwrap();
    fails(
        shop.run(&[
            "operator",
            "reset",
            "03",
            "--password-file",
            file.to_str().unwrap(),
        ]),
        2,
        "the password file has no line for the new password",
    );
    fails(
        shop.run(&["operator", "remove", "03"]),
        2,
        "no terminal to ask without echo",
    );
    fails(
        shop.run(&["operator", "add", "3x", "--password-stdin"]),
        2,
        "invalid operator number",
    );
    assert!(find(&shop, "03").is_none());
}

#[test]
fn chinese_names_roles_states_and_refusals() {
    let shop = with_cashier();
    operator(&shop, &["remove", "03"], &[ADMIN_PASSWORD]).success();
    let table = shop.ok(&["--lang", "zh", "operator", "list"]);
    for word in ["操作员号", "主管", "系统管理员", "收银员", "在用", "已删除"] {
        assert!(table.contains(word), "{word} not in {table}");
    }
    let added = operator(
        &shop,
        &["--lang", "zh", "add", "05"],
        &[ADMIN_PASSWORD, CASHIER_PASSWORD],
    )
    .success();
    assert!(stdout(added).contains("已添加操作员 05（收银员）"));
    fails(
        operator(
            &shop,
            &["--lang", "zh", "remove", "05"],
            &[WRONG_ADMIN_PASSWORD],
        ),
        1,
        "操作员 99 密码错误，还可尝试 4 次",
    );
    fails(
        operator(
            &shop,
            &["--lang", "zh", "reset", "05"],
            &[ADMIN_PASSWORD, "73"],
        ),
        2,
        "收银员密码长度不正确（应为4 至 8 位数字）",
    );
    fails(
        operator(&shop, &["--lang", "zh", "remove", "00"], &[ADMIN_PASSWORD]),
        1,
        "操作员 00 不能删除",
    );
}
