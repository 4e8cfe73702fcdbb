//! The dead end a void can reach — its answer lost, every reversal failed — and the
//! way out the tool offers: `voidguard resolve`, with what the acquirer says happened.

mod common;

use common::*;

/// A shop whose void of a 10.00 sale needs manual handling, reached as a merchant
/// would: the host times out on the void and on both reconciliations.
fn stuck() -> (Shop, String) {
    let shop = Shop::ready();
    let voucher = shop.sale("10");
    let today = shop.today();
    let assert = shop
        .cmd()
        .args(["--simulator", "timeout", "void", "--voucher", &voucher])
        .args(["--date", &today, "--amount", "10", "--password-stdin"])
        .write_stdin(format!("{CASHIER_PASSWORD}\n{PASSWORD}\n"))
        .assert();
    fails(assert, 1, "the host did not answer");
    shop.ok(&["--simulator", "timeout", "reconcile"]);
    let out = shop.ok(&["--simulator", "timeout", "reconcile"]);
    assert!(out.contains("1 need manual handling"), "{out}");
    (shop, voucher)
}

fn manual_ids(shop: &Shop) -> Vec<i64> {
    shop.json(&["resolve", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pending_id"].as_i64().unwrap())
        .collect()
}

/// `resolve ID` with `args`, the supervisor signed in: the void password twice.
fn resolve(shop: &Shop, id: i64, args: &[&str], password: &str) -> assert_cmd::assert::Assert {
    shop.cmd()
        .args(["resolve", &id.to_string()])
        .args(args)
        .arg("--password-stdin")
        .write_stdin(format!("{PASSWORD}\n{password}\n"))
        .assert()
}

#[test]
fn the_dead_end_ends_with_the_acquirers_answer_and_voids_and_settlement_work_again() {
    let (shop, voucher) = stuck();
    let next = shop.sale("20");
    // Nothing online works, and reconciling does nothing more.
    fails(shop.void(&next, "20", PASSWORD), 1, "voidguard resolve");
    fails(shop.settle(&[]), 1, "voidguard resolve");
    assert_eq!(shop.ok(&["reconcile"]).trim(), "Nothing to reconcile.");

    let listed = shop.ok(&["resolve"]);
    assert!(
        listed.contains(&format!("void of voucher {voucher}")),
        "{listed}"
    );
    let ids = manual_ids(&shop);
    assert_eq!(ids.len(), 1);

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
    assert!(manual_ids(&shop).is_empty());
    assert_eq!(shop.json(&["status", "--json"])["pending_host_work"], 0);

    shop.void(&next, "20", PASSWORD).success();
    let settled = stdout(shop.settle(&[]).success());
    assert!(settled.contains("2 void(s)"), "{settled}");
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
    assert!(shop.acts().iter().any(|a| a == "void.resolved_manually 00"));
    assert!(shop.ok(&["audit", "verify"]).contains("intact"));
}

#[test]
fn a_void_that_never_happened_leaves_the_sale_to_be_voided_again() {
    let (shop, voucher) = stuck();
    let id = manual_ids(&shop)[0];
    let out = stdout(
        resolve(
            &shop,
            id,
            &["--never-happened", "--note", "no record at the host"],
            PASSWORD,
        )
        .success(),
    );
    assert!(out.contains("never happened"), "{out}");
    shop.void(&voucher, "10", PASSWORD).success();
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
        "no pending void",
    );
}
