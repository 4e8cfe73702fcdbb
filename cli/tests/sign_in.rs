//! Sales, voids and settlement are keyed by the operator who signs in for the run:
//! `--operator` names them, their password is the first secret read, a wrong one is
//! refused and counted toward that operator's lockout, and the run signs out again
//! whatever the outcome. The administrator manages but never transacts.

mod common;

use common::*;
use serde_json::Value;

const OTHER_CASHIER: &str = "02";
const OTHER_PASSWORD: &str = "6058";

fn operator(shop: &Shop, operator_no: &str) -> Value {
    shop.json(&["operator", "list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["operator_no"] == operator_no)
        .unwrap()
        .clone()
}

fn failures(shop: &Shop, operator_no: &str) -> Value {
    operator(shop, operator_no)["consecutive_failures"].clone()
}

fn settle_as(shop: &Shop, operator_no: &str, password: &str) -> assert_cmd::assert::Assert {
    shop.cmd()
        .args(["settle", "--operator", operator_no, "--password-stdin"])
        .write_stdin(format!("{password}\n"))
        .assert()
}

#[test]
fn each_act_signs_its_operator_in_and_out_again() {
    let shop = Shop::ready();
    let start = shop.acts().len();
    let voucher = shop.sale("20");
    assert_eq!(
        shop.acts()[start..],
        // The simulator answers in the commit that began the sale: one entry says it.
        [
            "operator.signed_in 01",
            "sale.approved 01",
            "operator.signed_out 01"
        ]
    );
    let start = shop.acts().len();
    shop.void(&voucher, "20", PASSWORD).success();
    let acts = shop.acts()[start..].to_vec();
    assert_eq!(acts.first().unwrap(), "operator.signed_in 01");
    assert_eq!(acts.last().unwrap(), "operator.signed_out 01");
    assert!(acts.contains(&"void.approved 01".to_owned()), "{acts:?}");
    let start = shop.acts().len();
    shop.settle(&[]).success();
    let acts = shop.acts()[start..].to_vec();
    assert_eq!(acts.first().unwrap(), "operator.signed_in 00");
    assert!(acts.contains(&"batch.settled 00".to_owned()), "{acts:?}");
    assert_eq!(acts.last().unwrap(), "operator.signed_out 00");
    shop.run(&["audit", "verify"]).success();
}

#[test]
fn a_wrong_operator_password_is_refused_and_counts_toward_their_lockout() {
    let shop = Shop::ready();
    let voucher = shop.sale("20");
    let before = shop.rows();

    fails(
        shop.sell_as(CASHIER, WRONG_CASHIER_PASSWORD, &["--amount", "5"], CARD),
        1,
        "wrong password for operator 01, 4 attempt(s) left before a lockout",
    );
    assert_eq!(failures(&shop, CASHIER), 1);
    fails(
        shop.void_as(CASHIER, WRONG_CASHIER_PASSWORD, &voucher, "20", PASSWORD),
        1,
        "wrong password for operator 01, 3 attempt(s) left",
    );
    fails(
        settle_as(&shop, CASHIER, WRONG_CASHIER_PASSWORD),
        1,
        "wrong password for operator 01, 2 attempt(s) left",
    );
    assert_eq!(failures(&shop, CASHIER), 3);
    // The void password was never tried: the supervisor's count is untouched.
    assert_eq!(shop.json(&["status", "--json"])["consecutive_failures"], 0);
    assert_eq!(shop.rows(), before);

    // The supervisor settles with the void password, and shares its lockout.
    fails(
        settle_as(&shop, "00", WRONG_PASSWORD),
        1,
        "wrong void password, 4 attempt(s) left",
    );
    assert_eq!(shop.json(&["status", "--json"])["consecutive_failures"], 1);
    assert_eq!(failures(&shop, "00"), 1);
    assert_eq!(shop.json(&["status", "--json"])["batch_no"], "000001");

    // The right password clears the cashier's count.
    shop.sale("5");
    assert_eq!(failures(&shop, CASHIER), 0);
}

#[test]
fn a_wrong_password_is_explained_in_chinese() {
    let shop = Shop::ready();
    let assert = shop
        .cmd()
        .args(["--lang", "zh", "sale", "--amount", "5"])
        .args(["--password-stdin", "--card-stdin"])
        .write_stdin(format!("{WRONG_CASHIER_PASSWORD}\n{CARD}\n"))
        .assert();
    let err = fails(assert, 1, "操作员 01 密码错误，还可尝试 4 次");
    assert!(!err.contains(WRONG_CASHIER_PASSWORD) && !err.contains(CARD));
}

#[test]
fn five_wrong_passwords_lock_only_that_cashier_until_a_reset() {
    let shop = Shop::ready();
    shop.add_cashier(OTHER_CASHIER, OTHER_PASSWORD);
    for left in (1..=4).rev() {
        fails(
            shop.sell_as(CASHIER, WRONG_CASHIER_PASSWORD, &["--amount", "5"], CARD),
            1,
            &format!("{left} attempt(s) left"),
        );
    }
    fails(
        shop.sell_as(CASHIER, WRONG_CASHIER_PASSWORD, &["--amount", "5"], CARD),
        1,
        "operator 01 is locked until",
    );
    fails(
        shop.sell_as(CASHIER, CASHIER_PASSWORD, &["--amount", "5"], CARD),
        1,
        "operator 01 is locked until",
    );
    // Another cashier keeps selling; the terminal is not locked.
    shop.sale_by("5", OTHER_CASHIER, OTHER_PASSWORD);
    assert!(operator(&shop, CASHIER)["locked_until_ms"].is_i64());

    shop.cmd()
        .args(["operator", "reset", CASHIER, "--password-stdin"])
        .write_stdin(format!("{ADMIN_PASSWORD}\n{OTHER_PASSWORD}\n"))
        .assert()
        .success();
    shop.sale_by("5", CASHIER, OTHER_PASSWORD);
    let keyed: Vec<Value> = shop
        .rows()
        .iter()
        .map(|r| r["operator_no"].clone())
        .collect();
    assert_eq!(keyed, ["01", "02"]);
}

#[test]
fn the_administrator_manages_but_never_transacts() {
    let shop = Shop::ready();
    let voucher = shop.sale("20");
    let start = shop.acts().len();
    fails(
        shop.sell_as("99", ADMIN_PASSWORD, &["--amount", "5"], CARD),
        1,
        "operator 99 may not do this",
    );
    fails(
        settle_as(&shop, "99", ADMIN_PASSWORD),
        1,
        "operator 99 may not do this",
    );
    fails(
        shop.void_as("99", ADMIN_PASSWORD, &voucher, "20", PASSWORD),
        1,
        "operator 99 may not do this",
    );
    // Signed in, refused, signed out, three times; nothing keyed, nothing counted.
    assert_eq!(
        shop.acts()[start..],
        ["operator.signed_in 99", "operator.signed_out 99"].repeat(3)
    );
    assert_eq!(shop.rows().len(), 1);
    assert_eq!(shop.rows()[0]["status"], "approved");
    assert_eq!(shop.json(&["status", "--json"])["batch_no"], "000001");
    assert_eq!(failures(&shop, "99"), 0);
    fails(
        shop.cmd()
            .args(["--lang", "zh", "sale", "--operator", "99", "--amount", "5"])
            .args(["--password-stdin", "--card-stdin"])
            .write_stdin(format!("{ADMIN_PASSWORD}\n{CARD}\n"))
            .assert(),
        1,
        "操作员 99 无权执行此操作",
    );
}

#[test]
fn a_cashier_settles_with_their_own_password() {
    let shop = Shop::ready();
    shop.sale("20");
    let out = stdout(settle_as(&shop, CASHIER, CASHIER_PASSWORD).success());
    assert!(
        out.contains("Batch 000001 settled: 1 sale(s) RMB 20.00"),
        "{out}"
    );
    assert!(shop.acts().contains(&"batch.settled 01".to_owned()));
}

#[test]
fn the_supervisor_may_key_a_sale() {
    let shop = Shop::ready();
    shop.sale_by("20", "00", PASSWORD);
    assert_eq!(shop.rows()[0]["operator_no"], "00");
}

#[test]
fn an_unknown_or_removed_cashier_cannot_sign_in() {
    let shop = Shop::ready();
    fails(
        shop.sell_as("07", CASHIER_PASSWORD, &["--amount", "5"], CARD),
        1,
        "there is no operator 07",
    );
    shop.cmd()
        .args(["operator", "remove", CASHIER, "--password-stdin"])
        .write_stdin(format!("{ADMIN_PASSWORD}\n"))
        .assert()
        .success();
    fails(
        shop.sell(&["--amount", "5"], CARD),
        1,
        "there is no operator 01",
    );
    assert!(shop.rows().is_empty());
}

#[test]
fn one_stdin_carries_the_password_first_then_the_card_number() {
    let shop = Shop::ready();
    let before = (shop.audit_len(), std::fs::read(&shop.db).unwrap());
    // The wrong way round: the card number is no cashier's password, and is not shown.
    let assert = shop
        .cmd()
        .args(["sale", "--amount", "5", "--password-stdin", "--card-stdin"])
        .write_stdin(format!("{CARD}\n{CASHIER_PASSWORD}\n"))
        .assert();
    let err = fails(
        assert,
        2,
        "invalid cashier's password: has the wrong length (expected 4 to 8 digits)",
    );
    assert!(!err.contains(CARD), "{err}");
    let assert = shop
        .cmd()
        .args(["sale", "--amount", "5", "--password-stdin", "--card-stdin"])
        .write_stdin(format!("{CASHIER_PASSWORD}\n"))
        .assert();
    fails(assert, 2, "standard input ended before the card number");
    assert_eq!((shop.audit_len(), std::fs::read(&shop.db).unwrap()), before);
    shop.sell(&["--amount", "5"], CARD).success();
}

#[test]
fn a_malformed_password_or_card_number_writes_nothing() {
    let shop = Shop::ready();
    let before = (shop.audit_len(), std::fs::read(&shop.db).unwrap());
    for (operator_no, password, card, needle) in [
        (
            CASHIER,
            "739",
            CARD,
            "invalid cashier's password: has the wrong length",
        ),
        (
            CASHIER,
            "73x1",
            CARD,
            "invalid cashier's password: must be digits only",
        ),
        (CASHIER, "  ", CARD, "the operator's password is empty"),
        (
            "00",
            "7391",
            CARD,
            "invalid void password: has the wrong length",
        ),
        ("99", "7391", CARD, "invalid administrator's password"),
        (
            CASHIER,
            CASHIER_PASSWORD,
            "4111-1111",
            "invalid card number",
        ),
    ] {
        fails(
            shop.sell_as(operator_no, password, &["--amount", "5"], card),
            2,
            needle,
        );
    }
    let settle = |lines: &str| {
        shop.cmd()
            .args(["settle", "--password-stdin"])
            .write_stdin(lines.to_owned())
            .assert()
    };
    fails(
        settle("27481\n"),
        2,
        "invalid void password: has the wrong length",
    );
    fails(
        settle(""),
        2,
        "standard input ended before the operator's password",
    );
    std::fs::write(shop.path("empty.txt"), "").unwrap();
    fails(
        shop.run(&["settle", "--password-file", "empty.txt"]),
        2,
        "empty.txt is empty",
    );
    assert_eq!((shop.audit_len(), std::fs::read(&shop.db).unwrap()), before);
    assert_eq!(failures(&shop, CASHIER), 0);
}
