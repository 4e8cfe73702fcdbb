//! A file that is not VoidGuard's, a wrong or missing key file, a newer schema or a
//! missing database: exit 3, one line, and the files exactly as they were. `init`
//! refuses bad input without leaving anything behind.

mod common;

use std::path::Path;

use common::*;

/// Runs read and write commands against the shop and expects each to be refused with
/// exit 3 while the folder stays byte-identical.
fn refused_untouched(shop: &Shop, needle: &str) {
    let snapshot = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        files_in(dir)
            .into_iter()
            .map(|f| {
                let bytes = std::fs::read(dir.join(&f)).unwrap();
                (f, bytes)
            })
            .collect()
    };
    let before = snapshot(shop.dir.path());
    let commands: [&[&str]; 6] = [
        &["status"],
        &["journal"],
        &["sale", "--amount", "1", "--card-stdin"],
        &["settle"],
        &["audit", "verify"],
        &["export", "--csv"],
    ];
    for args in commands {
        fails(shop.run(args), 3, needle);
    }
    let assert = shop
        .cmd()
        .args(["password", "set", "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert();
    fails(assert, 3, needle);
    assert_eq!(snapshot(shop.dir.path()), before, "files changed");
}

#[test]
fn a_file_that_is_not_a_database_is_left_untouched() {
    let shop = Shop::empty();
    std::fs::write(
        &shop.db,
        b"these are the shop's notes, not a database".repeat(100),
    )
    .unwrap();
    refused_untouched(&shop, "the file is not a database; it was left untouched");
}

#[test]
fn another_applications_database_is_left_untouched() {
    let shop = Shop::empty();
    let conn = rusqlite::Connection::open(&shop.db).unwrap();
    conn.execute_batch("CREATE TABLE customers (name TEXT); INSERT INTO customers VALUES ('Li');")
        .unwrap();
    drop(conn);
    refused_untouched(&shop, "the database belongs to another application");
}

#[test]
fn a_newer_schema_is_left_untouched() {
    let shop = Shop::activated();
    let conn = rusqlite::Connection::open(&shop.db).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    refused_untouched(
        &shop,
        "the database schema 99 is newer than this version knows",
    );
}

#[test]
fn another_key_file_is_refused() {
    let shop = Shop::ready();
    let other = Shop::activated();
    std::fs::copy(&other.key, &shop.key).unwrap();
    refused_untouched(
        &shop,
        "the key file does not open this database; it was left untouched (key file",
    );
}

#[test]
fn a_missing_key_file_is_refused_and_not_recreated() {
    let shop = Shop::ready();
    std::fs::remove_file(&shop.key).unwrap();
    refused_untouched(&shop, "the key is unavailable: cannot read key file");
}

#[cfg(unix)]
#[test]
fn a_key_file_others_can_read_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let shop = Shop::ready();
    std::fs::set_permissions(&shop.key, std::fs::Permissions::from_mode(0o644)).unwrap();
    refused_untouched(&shop, "key file is readable by others");
}

#[test]
fn a_missing_database_is_not_created() {
    let shop = Shop::empty();
    refused_untouched(&shop, "no VoidGuard database at");
    assert_eq!(files_in(shop.dir.path()), ["secret.hex"]);
}

fn init(shop: &Shop, merchant_no: &str, terminal_id: &str) -> assert_cmd::assert::Assert {
    shop.run(&[
        "init",
        "--merchant-no",
        merchant_no,
        "--terminal-id",
        terminal_id,
        "--secret-file",
        shop.secret_file.to_str().unwrap(),
    ])
}

#[test]
fn init_with_bad_input_leaves_nothing_behind() {
    let shop = Shop::empty();
    fails(
        init(&shop, "12345", TERMINAL_ID),
        2,
        "invalid merchant number: has the wrong length (expected 15 digits)",
    );
    fails(init(&shop, MERCHANT_NO, "LKL-42"), 2, "invalid terminal id");
    std::fs::write(&shop.secret_file, "not hex").unwrap();
    fails(
        init(&shop, MERCHANT_NO, TERMINAL_ID),
        2,
        "invalid terminal secret",
    );
    std::fs::write(&shop.secret_file, "abcd").unwrap();
    fails(
        init(&shop, MERCHANT_NO, TERMINAL_ID),
        2,
        "invalid terminal secret: has the wrong length",
    );
    assert_eq!(files_in(shop.dir.path()), ["secret.hex"]);
    let assert = shop
        .cmd()
        .args([
            "init",
            "--merchant-no",
            MERCHANT_NO,
            "--terminal-id",
            TERMINAL_ID,
        ])
        .assert();
    fails(assert, 2, "standard input ended before the terminal secret");
    fails(
        shop.run(&[
            "init",
            "--merchant-no",
            MERCHANT_NO,
            "--terminal-id",
            TERMINAL_ID,
            "--secret-file",
            "nope",
        ]),
        2,
        "cannot read nope",
    );
    assert_eq!(files_in(shop.dir.path()), ["secret.hex"]);
}

#[test]
fn init_removes_the_folders_it_made_when_refused() {
    let shop = Shop::empty();
    let db = shop.path("new/deeper/shop.db");
    let assert = shop
        .cmd()
        .env("VOIDGUARD_DB", &db)
        .args(["init", "--merchant-no", "1", "--terminal-id", TERMINAL_ID])
        .arg("--secret-file")
        .arg(&shop.secret_file)
        .assert();
    fails(assert, 2, "invalid merchant number");
    assert_eq!(files_in(shop.dir.path()), ["secret.hex"]);
    shop.cmd()
        .env("VOIDGUARD_DB", &db)
        .args([
            "init",
            "--merchant-no",
            MERCHANT_NO,
            "--terminal-id",
            TERMINAL_ID,
        ])
        .arg("--secret-file")
        .arg(&shop.secret_file)
        .assert()
        .success();
    assert_eq!(files_in(&shop.path("new/deeper")), ["shop.db", "shop.key"]);
}

#[test]
fn init_twice_is_refused() {
    let shop = Shop::activated();
    let before = std::fs::read(&shop.db).unwrap();
    fails(
        init(&shop, MERCHANT_NO, TERMINAL_ID),
        1,
        "the terminal is already activated",
    );
    assert_eq!(std::fs::read(&shop.db).unwrap(), before);
}

#[test]
fn init_on_another_applications_database_is_refused() {
    let shop = Shop::empty();
    let conn = rusqlite::Connection::open(&shop.db).unwrap();
    conn.execute_batch("CREATE TABLE t (x)").unwrap();
    drop(conn);
    let before = std::fs::read(&shop.db).unwrap();
    fails(
        init(&shop, MERCHANT_NO, TERMINAL_ID),
        3,
        "belongs to another application",
    );
    assert_eq!(std::fs::read(&shop.db).unwrap(), before);
    assert_eq!(files_in(shop.dir.path()), ["secret.hex", "shop.db"]);
}

#[test]
fn init_keeps_an_existing_key_file_given_with_key_file() {
    let shop = Shop::empty();
    let key = shop.path("kept.key");
    let other = Shop::activated();
    std::fs::copy(&other.key, &key).unwrap();
    let before = std::fs::read(&key).unwrap();
    shop.cmd()
        .args(["--key-file", key.to_str().unwrap()])
        .args([
            "init",
            "--merchant-no",
            MERCHANT_NO,
            "--terminal-id",
            TERMINAL_ID,
        ])
        .arg("--secret-file")
        .arg(&shop.secret_file)
        .assert()
        .success();
    assert_eq!(std::fs::read(&key).unwrap(), before);
    assert_eq!(
        files_in(shop.dir.path()),
        ["kept.key", "secret.hex", "shop.db"]
    );
    shop.cmd()
        .args(["--key-file", key.to_str().unwrap(), "status"])
        .assert()
        .success();
    fails(shop.run(&["status"]), 3, "the key is unavailable");
}

#[test]
fn an_edited_audit_entry_fails_verification_with_exit_3() {
    let shop = Shop::ready();
    shop.sale("20");
    let conn = rusqlite::Connection::open(&shop.db).unwrap();
    // As anyone editing the file would, the trigger that refuses it goes first.
    conn.execute_batch(
        "DROP TRIGGER audit_entries_are_never_changed;
         UPDATE audit SET detail = '{\"edited\":1}' WHERE seq = 2;",
    )
    .unwrap();
    drop(conn);
    fails(
        shop.run(&["audit", "verify"]),
        3,
        "the audit trail does not verify: entry 2 was altered",
    );
    fails(
        shop.run(&["--lang", "zh", "audit", "verify"]),
        3,
        "审计链校验失败：第 2 条被修改",
    );
    let report = shop
        .cmd()
        .args(["audit", "verify", "--json"])
        .assert()
        .code(3);
    let json: serde_json::Value = serde_json::from_str(&stdout(&report)).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(json["first_bad_seq"], 2);
}

#[test]
fn an_edited_lockout_row_stops_sales_with_exit_3_and_names_the_row() {
    let shop = Shop::ready();
    let conn = rusqlite::Connection::open(&shop.db).unwrap();
    conn.execute("UPDATE lockout SET failures = failures + 3", [])
        .unwrap();
    drop(conn);
    fails(
        shop.run(&["audit", "verify"]),
        3,
        "row 1 of lockout differs from its audit record",
    );
    let before = std::fs::read(&shop.db).unwrap();
    // The cashier's sign-in is refused before any password is checked or counted.
    let tampered = "the database is tampered with: row 1 of lockout differs from its audit record";
    let assert = shop
        .cmd()
        .args(["void", "--voucher", "000001", "--date", "0101"])
        .args(["--amount", "1.00", "--password-stdin"])
        .write_stdin(format!("{CASHIER_PASSWORD}\n{PASSWORD}\n"))
        .assert();
    fails(assert, 3, tampered);
    fails(shop.sell(&["--amount", "1"], CARD), 3, tampered);
    fails(shop.settle(&[]), 3, tampered);
    assert_eq!(std::fs::read(&shop.db).unwrap(), before);
    // The journal can still be taken off the terminal.
    shop.run(&["export", "--csv"]).success();
}

#[test]
fn a_database_restored_from_an_older_copy_is_refused_with_exit_3() {
    let shop = Shop::ready();
    let older = shop.dir.path().join("older.db");
    std::fs::copy(&shop.db, &older).unwrap();
    shop.sale("20");
    std::fs::copy(&older, &shop.db).unwrap();
    fails(shop.settle(&["--lang", "zh"]), 3, "数据库被回滚到旧副本");
    fails(
        shop.sell(&["--amount", "1"], CARD),
        3,
        "rolled back to an older copy",
    );
}
