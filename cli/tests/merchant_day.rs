//! A merchant's day through the tool, one subcommand after another, each run as its
//! own process on the same database.

mod common;

use common::*;

#[test]
fn init_creates_an_owner_only_database_and_key_file() {
    let shop = Shop::activated();
    assert_eq!(
        files_in(shop.dir.path()),
        ["secret.hex", "shop.db", "shop.key"]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in [&shop.key, &shop.db] {
            let mode = std::fs::metadata(file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", file.display());
        }
    }
    let s = shop.json(&["status", "--json"]);
    assert_eq!(s["activated"], true);
    assert_eq!(s["merchant_no"], MERCHANT_NO);
    assert_eq!(s["terminal_id"], TERMINAL_ID);
    assert_eq!(s["void_permitted"], false);
    assert_eq!(s["password_set"], false);
}

#[test]
fn activate_is_init_and_takes_the_secret_on_stdin() {
    let shop = Shop::empty();
    let out = stdout(
        shop.cmd()
            .args([
                "activate",
                "--merchant-no",
                MERCHANT_NO,
                "--terminal-id",
                TERMINAL_ID,
            ])
            .write_stdin(format!("{SECRET_HEX}\n"))
            .assert()
            .success(),
    );
    assert!(
        out.contains("Terminal activated: merchant 898340157220001"),
        "{out}"
    );
    assert!(!out.contains(SECRET_HEX));
    assert_eq!(shop.json(&["status", "--json"])["activated"], true);
}

#[test]
fn the_database_lives_in_the_data_folder_by_default() {
    let home = tempfile::tempdir().unwrap();
    let shop = Shop::empty();
    let run = |args: &[&str]| {
        voidguard()
            .env("XDG_DATA_HOME", home.path())
            .env("HOME", home.path())
            .args(args)
            .assert()
    };
    run(&[
        "init",
        "--merchant-no",
        MERCHANT_NO,
        "--terminal-id",
        TERMINAL_ID,
        "--secret-file",
        shop.secret_file.to_str().unwrap(),
    ])
    .success();
    let folder = home.path().join("voidguard");
    assert_eq!(files_in(&folder), ["voidguard.db", "voidguard.key"]);
    let out = stdout(run(&["status"]).success());
    assert!(out.contains("yes: merchant 898340157220001"), "{out}");
}

#[test]
fn permission_password_sales_void_slip_settlement_and_audit() {
    let shop = Shop::ready();
    let s = shop.json(&["status", "--json"]);
    assert_eq!(
        (s["void_permitted"].clone(), s["password_set"].clone()),
        (true.into(), true.into())
    );

    let vouchers: Vec<String> = ["12.34", "８８.００", "5"]
        .iter()
        .map(|a| shop.sale(a))
        .collect();
    assert_eq!(vouchers, ["000001", "000002", "000003"]);

    let table = shop.ok(&["journal"]);
    assert!(table.starts_with("VOUCHER"), "{table}");
    assert!(table.contains("622202*********0123"), "{table}");
    assert!(
        !table.contains("6222021234567890123"),
        "a full PAN was shown: {table}"
    );
    assert!(shop.ok(&["--lang", "zh", "journal"]).starts_with("凭证号"));

    let out = stdout(shop.void("000002", "88.00", PASSWORD).success());
    assert!(
        out.contains("Void successful (撤销成功): void voucher 000004 cancels voucher 000002"),
        "{out}"
    );
    assert!(!out.contains(PASSWORD));

    let slip = shop.ok(&["receipt", "000004", "--lang", "zh"]);
    assert!(slip.starts_with("签购单"), "{slip}");
    assert!(
        slip.contains("交易类型: 消费撤销") && slip.contains("原凭证号: 000002"),
        "{slip}"
    );
    let slip = shop.ok(&["receipt", "000004"]);
    assert!(slip.contains("ORIG VOUCHER NO: 000002"), "{slip}");

    let out = stdout(shop.settle(&[]).success());
    assert!(
        out.contains(
            "Batch 000001 settled: 3 sale(s) RMB 105.34, 1 void(s) RMB 88.00, net RMB 17.34"
        ),
        "{out}"
    );
    let statuses: Vec<String> = shop
        .rows()
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_owned())
        .collect();
    // Newest first: the void, then sales 3, 2 (voided) and 1.
    assert_eq!(statuses, ["settled", "settled", "voided", "settled"]);

    let audit = shop.ok(&["audit"]);
    for act in [
        "terminal.activated",
        "permission.granted",
        "password.set",
        "operator.signed_in",
        "void.approved",
        "batch.settled",
        "operator.signed_out",
    ] {
        assert!(audit.contains(act), "{act} missing from {audit}");
    }
    let verified = shop.ok(&["audit", "verify"]);
    assert!(verified.contains("chain intact"), "{verified}");
}

#[test]
fn settle_in_json_and_chinese() {
    let shop = Shop::ready();
    shop.sale("10");
    let out = stdout(shop.settle(&["--lang", "zh"]).success());
    assert!(
        out.contains("批次 000001 已结算：消费 1 笔 RMB 10.00"),
        "{out}"
    );
    let r: serde_json::Value =
        serde_json::from_str(&stdout(shop.settle(&["--json"]).success())).unwrap();
    assert_eq!(r["batch_no"], "000002");
    assert_eq!(r["sale_count"], 0);
}

#[test]
fn journal_pages_through_a_cursor_and_filters() {
    let shop = Shop::ready();
    for amount in ["1", "2", "3"] {
        shop.sale(amount);
    }
    shop.add_cashier("02", "6058");
    shop.sale_by("4", "02", "6058");
    shop.void("000001", "1", PASSWORD).success();

    let first = shop.json(&["journal", "--limit", "2", "--json"]);
    let cursor = first["next_cursor"].as_i64().expect("a second page");
    let second = shop.json(&[
        "journal",
        "--limit",
        "2",
        "--cursor",
        &cursor.to_string(),
        "--json",
    ]);
    let third_cursor = second["next_cursor"].as_i64().expect("a third page");
    let third = shop.json(&[
        "journal",
        "--limit",
        "2",
        "--cursor",
        &third_cursor.to_string(),
        "--json",
    ]);
    assert!(third["next_cursor"].is_null());
    let ids: Vec<i64> = [&first, &second, &third]
        .iter()
        .flat_map(|p| {
            p["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_i64().unwrap())
        })
        .collect();
    assert_eq!(ids, [5, 4, 3, 2, 1]);

    let table = shop.ok(&["journal", "--limit", "2"]);
    assert!(table.contains(&format!("--cursor {cursor}")), "{table}");

    let count = |args: &[&str]| {
        let mut all = vec!["journal", "--json"];
        all.extend_from_slice(args);
        shop.json(&all)["items"].as_array().unwrap().len()
    };
    assert_eq!(count(&["--kind", "void"]), 1);
    assert_eq!(count(&["--kind", "sale"]), 4);
    assert_eq!(count(&["--operator", "02"]), 1);
    assert_eq!(count(&["--batch", "000001"]), 5);
    assert_eq!(count(&["--batch", "000002"]), 0);
    assert_eq!(count(&["--date", &shop.today()]), 5);
    assert_eq!(count(&["--voucher", "000003"]), 1);
    assert_eq!(
        shop.ok(&["journal", "--batch", "000002"]).trim(),
        "No transactions."
    );
}

#[test]
fn interactive_void_asks_then_reads_the_password_from_stdin() {
    let shop = Shop::ready();
    let voucher = shop.sale("88.00");
    // The cashier's password, voucher, date (empty: today), amount, reason 2,
    // confirmation, the void password.
    let answers = format!("{CASHIER_PASSWORD}\n{voucher}\n\n88.00\n2\ny\n{PASSWORD}\n");
    let assert = shop
        .cmd()
        .args(["void", "--password-stdin"])
        .write_stdin(answers)
        .assert()
        .success();
    let (out, err) = (stdout(&assert), stderr(&assert));
    assert!(out.contains("Original sale: voucher 000001"), "{out}");
    assert!(out.contains("Void successful"), "{out}");
    for secret in [PASSWORD, CASHIER_PASSWORD] {
        assert!(!out.contains(secret) && !err.contains(secret));
    }
    let void = &shop.rows()[0];
    assert_eq!(void["kind"], "void");
    assert_eq!(void["void_reason"], "wrong_amount");
    assert_eq!(void["operator_no"], "01");
    assert_eq!(void["authoriser_no"], "00");
}

#[test]
fn interactive_void_accepts_a_reason_code_and_flags_for_some_fields() {
    let shop = Shop::ready();
    let voucher = shop.sale("30");
    shop.cmd()
        .args(["void", "--voucher", &voucher, "--password-stdin"])
        .write_stdin(format!(
            "{CASHIER_PASSWORD}\n{}\n30\nduplicate_charge\ny\n{PASSWORD}\n",
            shop.today()
        ))
        .assert()
        .success();
    assert_eq!(shop.rows()[0]["void_reason"], "duplicate_charge");
}

#[test]
fn export_streams_the_whole_journal_as_csv() {
    let shop = Shop::ready();
    for amount in ["12.34", "5", "7.5"] {
        shop.sale(amount);
    }
    shop.void("000002", "5", PASSWORD).success();

    let csv = shop.ok(&["export", "--csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 5, "{csv}");
    assert!(lines[0].starts_with("id,kind,voucher_no,batch_no,business_date"));
    assert!(lines[1].starts_with("4,void,000004,000001,"), "{csv}");
    assert!(
        lines[4].contains(",12.34,156,622202*********0123,UnionPay,01,"),
        "{csv}"
    );

    let out = shop.path("journal.csv");
    let assert = shop
        .run(&["export", "--csv", "--out", out.to_str().unwrap()])
        .success();
    assert!(stdout(&assert).is_empty());
    // No progress bar when stderr is not a terminal: only the summary line.
    assert_eq!(
        stderr(&assert).trim(),
        format!("Exported 4 row(s) to {}", out.display())
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), csv);
    assert!(!files_in(shop.dir.path())
        .iter()
        .any(|f| f.starts_with(".voidguard-export")));

    let voids = shop.ok(&["export", "--csv", "--kind", "void"]);
    assert_eq!(voids.lines().count(), 2);
}

#[test]
fn status_in_text_json_and_chinese() {
    let shop = Shop::ready();
    let text = shop.ok(&["status"]);
    assert!(text.contains("Void permission           yes"), "{text}");
    assert!(text.contains("Refund permission         yes"), "{text}");
    assert!(text.contains("5 left before a lockout"), "{text}");
    let zh = shop.ok(&["--lang", "zh", "status"]);
    assert!(zh.contains("撤销权限") && zh.contains("退货权限"), "{zh}");
    assert!(zh.contains("已设置"), "{zh}");
    let s = shop.json(&["status", "--json"]);
    assert_eq!(s["batch_no"], "000001");
    assert_eq!(s["attempts_left"], 5);
    assert_eq!(s["refund_permitted"], true);
    assert_eq!(s["pending_host_work"], 0);
}

#[test]
fn requests_are_listed_with_their_standing() {
    let shop = Shop::ready();
    let list = shop.json(&["request", "list", "--json"]);
    // Newest first: the refund permission was applied for after the void permission.
    let kinds: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["kind"])
        .collect();
    assert_eq!(kinds, ["RefundPermission", "VoidPermission"]);
    let first = &list[0];
    assert_eq!(first["status"], "Redeemed");
    assert_eq!(first["id_number_masked"], "1*************002X");
    let table = shop.ok(&["request", "list"]);
    assert!(
        table.contains("refund permission")
            && table.contains("void permission")
            && table.contains("redeemed"),
        "{table}"
    );
}

#[test]
fn a_void_the_host_left_unanswered_is_reversed_by_reconcile() {
    let shop = Shop::ready();
    let voucher = shop.sale("10");
    let today = shop.today();
    let assert = shop
        .cmd()
        .args([
            "--simulator",
            "timeout",
            "void",
            "--voucher",
            &voucher,
            "--date",
            &today,
        ])
        .args(["--amount", "10", "--password-stdin"])
        .write_stdin(format!("{CASHIER_PASSWORD}\n{PASSWORD}\n"))
        .assert();
    fails(assert, 1, "the host did not answer");
    assert_eq!(shop.json(&["status", "--json"])["pending_host_work"], 1);

    let out = shop.ok(&["reconcile"]);
    assert!(out.contains("1 reversed"), "{out}");
    assert_eq!(shop.json(&["status", "--json"])["pending_host_work"], 0);
    assert_eq!(shop.ok(&["reconcile"]).trim(), "Nothing to reconcile.");

    shop.void(&voucher, "10", PASSWORD).success();
    assert_eq!(shop.rows()[1]["status"], "voided");
}

#[test]
fn a_sale_without_a_scheme_is_named_by_its_bin_on_the_slip() {
    let shop = Shop::trading();
    let out = stdout(
        shop.sell(&["--amount", "5.00", "--json"], "4111111111111111")
            .success(),
    );
    let sale: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(sale["card_scheme"], "Visa", "{out}");
    let voucher = sale["voucher_no"].as_str().unwrap();
    let slip = shop.ok(&["receipt", voucher]);
    assert!(
        slip.contains("Visa") && !slip.contains("UnionPay"),
        "{slip}"
    );
    // A scheme the acquirer's side names is kept as named.
    let out = stdout(
        shop.sell(
            &["--amount", "5.00", "--json", "--scheme", "UnionPay"],
            CARD,
        )
        .success(),
    );
    let sale: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(sale["card_scheme"], "UnionPay", "{out}");
}
