//! `refund` through the tool: the refund permission is its own approval, so a
//! terminal permitted to void is refused a refund until it is granted.

mod common;

use common::*;

fn refund(shop: &Shop, voucher: &str, amount: &str) -> assert_cmd::assert::Assert {
    shop.cmd()
        .args([
            "refund",
            "--voucher",
            voucher,
            "--amount",
            amount,
            "--password-stdin",
        ])
        .write_stdin(format!("{CASHIER_PASSWORD}\n{PASSWORD}\n"))
        .assert()
}

#[test]
fn a_refund_waits_for_the_refund_permission_and_not_the_void_permission() {
    let shop = Shop::voids_only().staffed();
    let voucher = shop.sale("20");
    shop.settle(&[]).success();
    let before = shop.rows().len();
    fails(
        refund(&shop, &voucher, "5"),
        1,
        "refund permission has not been granted: apply with `voidguard request refund-permission`",
    );
    assert_eq!(shop.rows().len(), before, "nothing journaled");

    // The void permission's code does not open refunds.
    let code = shop.apply("refund-permission");
    let wrong = shop.approve(&code, "permit");
    shop.redeem(&code, &wrong).failure();
    let right = shop.approve(&code, "permit-refund");
    let out = stdout(shop.redeem(&code, &right).success());
    assert!(out.contains("refund permission granted"), "{out}");
    let status = shop.json(&["status", "--json"]);
    assert_eq!(status["refund_permitted"], true);

    let out = stdout(refund(&shop, &voucher, "5").success());
    assert!(out.contains("Refund successful"), "{out}");
    assert_eq!(shop.rows().len(), before + 1);
}
