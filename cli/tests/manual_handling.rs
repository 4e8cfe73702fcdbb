//! The dead end an online transaction can reach — its answer lost, every reversal
//! failed — and the way out the tool offers: `voidguard resolve`, with what the
//! acquirer says happened. A void, a sale and a settlement can each end up there.

mod common;

use assert_cmd::assert::Assert;
use common::*;

/// A shop whose void of a 10.00 sale needs manual handling, reached as a merchant
/// would: the host times out on the void and on every reconciliation.
fn stuck() -> (Shop, String) {
    let shop = Shop::ready();
    let voucher = shop.sale("10");
    left_for_manual_handling(
        &shop,
        |shop| shop.void(&voucher, "10", PASSWORD),
        "the host did not answer the void",
    );
    (shop, voucher)
}

/// Runs `act` with a host that times out (the tool says `lost`), reconciles with it
/// still silent until the leg goes to manual handling, and lets the host approve again.
fn left_for_manual_handling(shop: &Shop, act: impl FnOnce(&Shop) -> Assert, lost: &str) {
    shop.host_answers("timeout");
    fails(act(shop), 1, lost);
    shop.reconcile_until_manual(5);
    shop.host_answers("approve");
}

fn manual_ids(shop: &Shop) -> Vec<i64> {
    shop.json(&["resolve", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["leg_id"].as_i64().unwrap())
        .collect()
}

/// `resolve ID` with `args`, the supervisor signed in: the void password twice.
fn resolve(shop: &Shop, id: i64, args: &[&str], password: &str) -> Assert {
    shop.cmd()
        .args(["resolve", &id.to_string()])
        .args(args)
        .arg("--password-stdin")
        .write_stdin(format!("{PASSWORD}\n{password}\n"))
        .assert()
}

#[test]
fn a_void_in_manual_handling_holds_voids_and_settlement_until_resolved_as_never_happened() {
    let (shop, voucher) = stuck();
    let next = shop.sale("20");
    let pending = "1 online transaction(s) (sale, void or settlement) await";
    let refused = fails(shop.void(&next, "20", PASSWORD), 1, pending);
    assert!(refused.contains("voidguard resolve"), "{refused}");
    fails(shop.settle(&[]), 1, pending);
    fails(
        shop.settle(&["--lang", "zh"]),
        1,
        "有 1 笔联机交易（消费、消费撤销或结算）等待",
    );
    assert_eq!(shop.ok(&["reconcile"]).trim(), "Nothing to reconcile.");

    let ids = manual_ids(&shop);
    assert_eq!(ids.len(), 1);
    let out = stdout(
        resolve(
            &shop,
            ids[0],
            &["--never-happened", "--note", "no record at the host"],
            PASSWORD,
        )
        .success(),
    );
    assert!(
        out.contains(&format!("voucher {voucher} stands and can be voided again")),
        "{out}"
    );
    assert!(manual_ids(&shop).is_empty());
    assert!(shop.open_legs().is_empty());

    shop.void(&voucher, "10", PASSWORD).success();
    shop.void(&next, "20", PASSWORD).success();
    let settled = stdout(shop.settle(&[]).success());
    assert!(
        settled.contains("Batch 000001 settled: 2 sale(s) RMB 30.00, 2 void(s) RMB 30.00"),
        "{settled}"
    );
    assert!(shop.acts().iter().any(|a| a == "void.resolved_manually 00"));
    assert!(shop.ok(&["audit", "verify"]).contains("intact"));
}

#[test]
fn a_void_the_acquirer_approved_is_journaled_with_its_numbers() {
    let (shop, voucher) = stuck();
    let listed = shop.ok(&["resolve"]);
    assert!(
        listed.contains(&format!("void of voucher {voucher} (RRN ")),
        "{listed}"
    );
    assert!(listed.contains("needs manual handling"), "{listed}");
    let zh = shop.ok(&["--lang", "zh", "resolve"]);
    assert!(
        zh.contains(&format!("消费撤销 原凭证号 {voucher}")) && zh.contains("需人工处理"),
        "{zh}"
    );
    let ids = manual_ids(&shop);
    let out = stdout(
        resolve(
            &shop,
            ids[0],
            &[
                "--rrn",
                "202612020042",
                "--auth-code",
                "H0T11E",
                "--note",
                "acquirer hotline, agent 0042",
            ],
            PASSWORD,
        )
        .success(),
    );
    assert!(out.contains(&format!("cancels voucher {voucher}")), "{out}");
    assert_eq!(shop.json(&["status", "--json"])["pending_host_work"], 0);
    let void = shop
        .rows()
        .into_iter()
        .find(|r| r["rrn"] == "202612020042")
        .expect("the resolved void is journaled with the acquirer's numbers");
    // Keyed by the cashier who keyed the void; the resolution is the supervisor's.
    assert_eq!(
        (&void["operator_no"], &void["authoriser_no"]),
        (&serde_json::json!(CASHIER), &serde_json::json!("00"))
    );
    assert_eq!(shop.rows().last().unwrap()["status"], "voided");
}

#[test]
fn a_sale_in_manual_handling_holds_voids_not_sales_and_is_journaled_when_approved() {
    let shop = Shop::ready();
    let earlier = shop.sale("30");
    left_for_manual_handling(
        &shop,
        |shop| shop.sell(&["--amount", "12.50"], CARD),
        "the host did not answer the sale: it is not journaled",
    );
    let legs = shop.open_legs();
    assert_eq!(legs.len(), 1, "{legs:?}");
    assert_eq!(
        (&legs[0]["kind"], &legs[0]["state"]),
        (&serde_json::json!("sale"), &serde_json::json!("manual"))
    );
    let sale_voucher = legs[0]["voucher_no"].as_str().unwrap().to_owned();

    // The shop keeps selling; a void would need the books to agree first.
    shop.sale("1");
    fails(
        shop.void(&earlier, "30", PASSWORD),
        1,
        "1 online transaction(s)",
    );
    let listed = shop.ok(&["resolve"]);
    assert!(
        listed.contains(&format!("sale voucher {sale_voucher} · RMB 12.50")),
        "{listed}"
    );
    assert!(
        shop.ok(&["--lang", "zh", "resolve"])
            .contains(&format!("消费 凭证号 {sale_voucher}")),
        "the Chinese list names the kind"
    );

    let id = manual_ids(&shop)[0];
    let out = stdout(
        resolve(
            &shop,
            id,
            &[
                "--rrn",
                "202612020077",
                "--auth-code",
                "A77B01",
                "--note",
                "acquirer hotline",
            ],
            PASSWORD,
        )
        .success(),
    );
    assert!(
        out.contains(&format!("journaled as voucher {sale_voucher}")),
        "{out}"
    );
    let row = shop
        .rows()
        .into_iter()
        .find(|r| r["voucher_no"] == sale_voucher.as_str())
        .expect("the resolved sale is journaled");
    assert_eq!(
        (&row["rrn"], &row["auth_code"], &row["amount"]),
        (
            &serde_json::json!("202612020077"),
            &serde_json::json!("A77B01"),
            &serde_json::json!("12.50")
        )
    );
    assert!(shop.acts().iter().any(|a| a == "sale.resolved_manually 00"));
    shop.void(&earlier, "30", PASSWORD).success();
}

#[test]
fn a_settlement_in_manual_handling_is_closed_as_approved_without_numbers() {
    let shop = Shop::ready();
    let voucher = shop.sale("40");
    left_for_manual_handling(
        &shop,
        |shop| shop.settle(&[]),
        "the host did not answer the settlement: the batch stays open",
    );
    assert_eq!(shop.json(&["status", "--json"])["batch_no"], "000001");
    let listed = shop.ok(&["resolve"]);
    assert!(
        listed.contains("settlement of batch 000001 · net RMB 40.00"),
        "{listed}"
    );
    assert!(shop
        .ok(&["--lang", "zh", "status"])
        .contains("结算 批次号 000001"));
    // Nothing moves money while the batch's settlement is open.
    fails(
        shop.sell(&["--amount", "1"], CARD),
        1,
        "1 online transaction(s)",
    );

    let id = manual_ids(&shop)[0];
    let out = stdout(
        resolve(
            &shop,
            id,
            &["--approved", "--note", "acquirer: batch 000001 closed"],
            PASSWORD,
        )
        .success(),
    );
    assert!(
        out.contains("batch 000001 is settled; the next batch is 000002"),
        "{out}"
    );
    assert_eq!(shop.json(&["status", "--json"])["batch_no"], "000002");
    assert_eq!(shop.rows()[0]["status"], "settled");
    fails(shop.void(&voucher, "40", PASSWORD), 1, "use a refund");
    shop.sale("2");
    assert!(shop
        .acts()
        .iter()
        .any(|a| a == "settlement.resolved_manually 00"));
}

#[test]
fn a_resolution_needs_an_outcome_a_note_and_the_void_password() {
    let (shop, _) = stuck();
    let id = manual_ids(&shop)[0];
    let before = shop.audit_len();
    fails(
        resolve(&shop, id, &["--note", "hotline"], PASSWORD),
        2,
        "--never-happened",
    );
    fails(
        resolve(&shop, id, &["--never-happened"], PASSWORD),
        2,
        "--note",
    );
    assert_eq!(shop.audit_len(), before, "a usage error writes nothing");
    fails(
        resolve(
            &shop,
            id,
            &["--rrn", "12345", "--auth-code", "H0T11E", "--note", "x"],
            PASSWORD,
        ),
        2,
        "reference number",
    );
    // Only a settlement's approval may come without the host's numbers.
    fails(
        resolve(&shop, id, &["--approved", "--note", "x"], PASSWORD),
        2,
        "invalid reference number (RRN): is empty",
    );
    fails(
        resolve(
            &shop,
            id,
            &["--never-happened", "--note", "x"],
            WRONG_PASSWORD,
        ),
        1,
        "attempt",
    );
    assert_eq!(
        manual_ids(&shop),
        vec![id],
        "still waiting for its resolution"
    );
    fails(
        resolve(
            &shop,
            id + 100,
            &["--never-happened", "--note", "x"],
            PASSWORD,
        ),
        1,
        "no online transaction with that id",
    );
}

#[test]
fn only_a_transaction_in_manual_handling_is_resolved() {
    let shop = Shop::ready();
    shop.host_answers("timeout");
    fails(shop.sell(&["--amount", "5"], CARD), 1, "did not answer");
    shop.host_answers("approve");
    let id = shop.open_legs()[0]["leg_id"].as_i64().unwrap();
    fails(
        resolve(&shop, id, &["--never-happened", "--note", "x"], PASSWORD),
        1,
        "that online transaction is not waiting for manual handling (awaiting reversal)",
    );
    fails(
        resolve(
            &shop,
            id,
            &["--lang", "zh", "--never-happened", "--note", "x"],
            PASSWORD,
        ),
        1,
        "该联机交易不在人工处理中（等待冲正）",
    );
    assert_eq!(
        shop.ok(&["resolve"]).trim(),
        "No online transaction needs manual handling."
    );
}
