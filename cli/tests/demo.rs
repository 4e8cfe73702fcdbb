//! `voidguard demo`: the scripted merchant day ends with the audit verified and exit 0,
//! and shows no secret.

mod common;

use common::*;

const STEPS_EN: [&str; 10] = [
    "▶ Activate the terminal",
    "▶ Apply for void permission",
    "▶ Set the void password",
    "▶ Operators",
    "▶ Sales",
    "▶ Void voucher 000002",
    "▶ Void the same voucher again",
    "▶ Settlement",
    "▶ Void voucher 000001 after settlement",
    "▶ Audit trail",
];

/// The output with the simulated host's RRNs and auth codes blanked.
fn without_host_numbers(out: &str) -> String {
    let mut blanked = String::with_capacity(out.len());
    for line in out.lines() {
        let host_line =
            line.contains("host RRN") || line.contains("AUTH CODE:") || line.contains("REF NO:");
        let mut number_next = false;
        let words: Vec<&str> = line
            .split(' ')
            .map(|word| {
                let shown = if number_next { "#" } else { word };
                number_next = host_line && matches!(word, "RRN" | "auth" | "CODE:" | "NO:");
                shown
            })
            .collect();
        blanked.push_str(&words.join(" "));
        blanked.push('\n');
    }
    blanked
}

fn in_order(out: &str, steps: &[&str]) {
    let mut from = 0;
    for step in steps {
        let at = out[from..]
            .find(step)
            .unwrap_or_else(|| panic!("{step} missing or out of order in:\n{out}"));
        from += at + step.len();
    }
}

#[test]
fn the_demo_walks_the_merchant_day_and_ends_verified() {
    let assert = voidguard().arg("demo").assert().success();
    let out = stdout(&assert);
    in_order(&out, &STEPS_EN);
    in_order(
        &out,
        &[
            "123456 refused: the password is too easy to guess",
            "the administrator (99) signs in and adds cashier 01",
            "a sale by the administrator is refused: operator 99 may not do this",
            "refused: wrong password for operator 01, 4 attempt(s) left before a lockout",
            "operator 01 signed in with their own password",
            "voucher 000001 · RMB 12.34 · card 622202*********0123 · operator 01 · host RRN ",
            "refused: the host declined the sale (response code 05): nothing was journaled",
            "refused: wrong void password, 4 attempt(s) left",
            "撤销成功 (void successful) — void voucher 000005 for original 000002",
            "keyed by operator 01, authorised by operator 00 with the void password",
            "OPERATOR: 01",
            "TRANS TYPE: VOID",
            "AUTHORISED BY: 00",
            "refused: voucher 000002 was already voided by voucher 000005",
            "cashier 01 signs out; the supervisor (00) signs in with the void password",
            "Batch 000001 settled: 3 sale(s) RMB 105.34, 1 void(s) RMB 88.00, net RMB 17.34",
            "refused: voucher 000001 is settled in batch 000001",
            "Refund (退货) RMB 5.00 of settled voucher 000001 by its RRN ",
            "退货成功 (refund successful) — refund voucher 000006 for original 000001; RMB 7.34 left to refund",
            "REFUND SLIP",
            "TRANS TYPE: REFUND",
            "ORIG VOUCHER NO: 000001",
            "AMOUNT: RMB -5.00",
            "the supervisor signs out",
            "Audit trail verified: 64 entries, chain intact; 15 covered rows match their records",
        ],
    );
    // The host's numbers are random digits that may hold a password by chance.
    let without_host_numbers = without_host_numbers(&out);
    for password in [PASSWORD, "58204719", "3817", "9999"] {
        assert!(
            !without_host_numbers.contains(password),
            "the demo printed a password"
        );
    }
    assert!(
        !out.contains("Approval code"),
        "the demo printed an approval code"
    );
    assert!(stderr(&assert).is_empty(), "{}", stderr(&assert));
}

#[test]
fn the_demo_speaks_chinese_with_lang_zh() {
    let out = stdout(
        voidguard()
            .args(["--lang", "zh", "demo"])
            .assert()
            .success(),
    );
    in_order(
        &out,
        &[
            "▶ 激活终端",
            "▶ 申请撤销权限",
            "▶ 设置撤销密码",
            "▶ 操作员",
            "系统管理员消费被拒绝：操作员 99 无权执行此操作",
            "操作员 01 用自己的密码登录",
            "▶ 消费",
            "主机参考号",
            "主机拒绝了该笔消费（应答码 05）：未记账",
            "▶ 撤销凭证号 000002",
            "被拒绝：撤销密码错误",
            "撤销成功：撤销凭证号 000005",
            "操作员 01 录入，操作员 00 以撤销密码授权",
            "交易类型: 消费撤销",
            "授权主管: 00",
            "▶ 再次撤销同一凭证",
            "▶ 结算",
            "主管（00）以撤销密码登录",
            "▶ 结算后撤销凭证号 000001",
            "请做退货",
            "▶ 审计链校验",
            "审计链校验通过",
        ],
    );
}

#[test]
fn the_demo_leaves_the_given_database_alone() {
    let shop = Shop::empty();
    shop.run(&["demo"]).success();
    assert_eq!(files_in(shop.dir.path()), ["secret.hex"]);
}
