//! Operators: the list of who may sign in on the terminal, their roles and locks.

mod common;

use common::*;

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
    let all = shop.json(&["operator", "list", "--json"]);
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["operator_no"], "00");
    assert_eq!(all[0]["role"], "supervisor");
    assert_eq!(all[0]["active"], true);
    let table = shop.ok(&["--lang", "zh", "operator", "list"]);
    assert!(table.contains("00        主管  在用"), "{table}");
}
