//! Sales and settlement go through the host like voids: `--simulator decline|timeout`
//! (or `VOIDGUARD_SIMULATOR`) makes the built-in host refuse or lose them, and the
//! tool says what became of each.

mod common;

use common::*;

#[test]
fn a_declined_sale_is_not_journaled_and_leaves_nothing_open() {
    let shop = Shop::ready();
    shop.host_answers("decline");
    fails(
        shop.sell(&["--amount", "12.34"], CARD),
        1,
        "the host declined the sale (response code 05): nothing was journaled",
    );
    fails(
        shop.sell(&["--lang", "zh", "--amount", "12.34"], CARD),
        1,
        "主机拒绝了该笔消费（应答码 05）：未记账",
    );
    assert!(shop.rows().is_empty());
    assert!(shop.open_legs().is_empty());
    assert!(shop.acts().iter().any(|a| a == "sale.declined 01"));
}

#[test]
fn a_sale_the_host_left_unanswered_is_not_journaled_until_reconcile_clears_it() {
    let shop = Shop::ready();
    shop.host_answers("timeout");
    let lost = fails(
        shop.sell(&["--amount", "12.34"], CARD),
        1,
        "the host did not answer the sale: it is not journaled",
    );
    assert!(lost.contains("voidguard reconcile"), "{lost}");
    assert!(shop.rows().is_empty(), "no journal row without an approval");

    let legs = shop.open_legs();
    assert_eq!(legs.len(), 1, "{legs:?}");
    assert_eq!(legs[0]["kind"], "sale");
    assert_eq!(legs[0]["state"], "awaiting_reversal");
    assert_eq!(legs[0]["amount"], "12.34");
    assert_eq!(legs[0]["reversal_reason"], "98");
    assert_eq!(shop.json(&["status", "--json"])["pending_host_work"], 1);
    let voucher = legs[0]["voucher_no"].as_str().unwrap().to_owned();
    let text = shop.ok(&["status"]);
    assert!(text.contains("Online transactions open  1"), "{text}");
    assert!(
        text.contains(&format!("sale voucher {voucher} · RMB 12.34")),
        "{text}"
    );
    assert!(text.contains("awaiting reversal"), "{text}");
    let zh = shop.ok(&["--lang", "zh", "status"]);
    assert!(
        zh.contains(&format!("消费 凭证号 {voucher}")) && zh.contains("等待冲正"),
        "{zh}"
    );
    // A card number never shows in full.
    assert!(!text.contains(CARD) && !zh.contains(CARD));

    shop.host_answers("approve");
    let out = shop.ok(&["reconcile"]);
    assert!(out.contains("1 reversed"), "{out}");
    assert!(shop.open_legs().is_empty());
    assert!(shop.rows().is_empty(), "a reversed sale is never journaled");
    assert!(shop.acts().iter().any(|a| a == "sale.reversed 01"));
    shop.sale("12.34");
    assert_eq!(shop.rows().len(), 1);
}

#[test]
fn a_declined_settlement_leaves_the_batch_open_and_its_sales_voidable() {
    let shop = Shop::ready();
    let first = shop.sale("10");
    shop.sale("25.50");
    shop.host_answers("decline");
    fails(
        shop.settle(&[]),
        1,
        "the host declined the settlement (response code 05): the batch stays open",
    );
    fails(
        shop.settle(&["--lang", "zh"]),
        1,
        "主机拒绝了结算（应答码 05）：批次仍未结算",
    );
    let status = shop.json(&["status", "--json"]);
    assert_eq!(status["batch_no"], "000001");
    assert_eq!(status["pending_host_work"], 0);
    assert!(shop.rows().iter().all(|r| r["status"] == "approved"));
    assert!(shop.acts().iter().any(|a| a == "settlement.declined 00"));
    assert!(!shop.acts().iter().any(|a| a.starts_with("batch.settled")));

    shop.host_answers("approve");
    shop.void(&first, "10", PASSWORD).success();
    let settled = stdout(shop.settle(&[]).success());
    assert!(
        settled.contains("Batch 000001 settled") && settled.contains("next batch 000002"),
        "{settled}"
    );
    assert_eq!(shop.json(&["status", "--json"])["batch_no"], "000002");
    let statuses: Vec<_> = shop.rows().iter().map(|r| r["status"].clone()).collect();
    // Newest first: the void, the sale left standing, the voided sale.
    assert_eq!(statuses, ["settled", "settled", "voided"]);
}

#[test]
fn a_settlement_the_host_left_unanswered_keeps_the_batch_until_reconciled() {
    let shop = Shop::ready();
    shop.sale("10");
    shop.host_answers("timeout");
    fails(
        shop.settle(&[]),
        1,
        "the host did not answer the settlement: the batch stays open",
    );
    let legs = shop.open_legs();
    assert_eq!(
        (&legs[0]["kind"], &legs[0]["batch_no"]),
        (
            &serde_json::json!("settlement"),
            &serde_json::json!("000001")
        )
    );
    assert!(shop.ok(&["status"]).contains("settlement of batch 000001"));
    fails(
        shop.sell(&["--amount", "1"], CARD),
        1,
        "1 online transaction(s)",
    );
    // The simulator has no such settlement once it answers: reversed, batch open.
    shop.host_answers("approve");
    assert!(shop.ok(&["reconcile"]).contains("1 reversed"));
    assert_eq!(shop.json(&["status", "--json"])["batch_no"], "000001");
    shop.settle(&[]).success();
    assert_eq!(shop.json(&["status", "--json"])["batch_no"], "000002");
}
