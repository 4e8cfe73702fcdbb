//! The desktop tool against an acquirer speaking ISO 8583 over loopback TCP
//! (`--host tcp://…`, `--master-key-file`): each command is its own process, signs on
//! by itself, and the host's ledger ends with what the terminal's journal says.

mod common;

use std::net::TcpListener;
use std::sync::Arc;

use common::*;
use voidguard_host::{AcquirerHost, Status};
use voidguard_iso8583::crypto::Key;

const MASTER_HEX: &str = "0123456789ABCDEFFEDCBA9876543210";

fn start_host() -> (Arc<AcquirerHost>, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let host = AcquirerHost::new(Key::from_hex(MASTER_HEX).unwrap()).unwrap();
    let serving = Arc::clone(&host);
    std::thread::spawn(move || serving.serve(listener));
    (host, addr)
}

#[test]
fn sales_a_void_and_settlement_go_to_the_acquirer_and_both_books_agree() {
    let (host, addr) = start_host();
    let shop = Shop::ready();
    shop.use_acquirer(&addr, MASTER_HEX);
    let first = shop.sale("12.34");
    let second = shop.sale("50.00");
    shop.void(&second, "50.00", PASSWORD).success();
    assert!(host.sign_ons() >= 3, "each run signed on by itself");

    let ledger = host.ledger();
    let rows = shop.rows();
    for row in &rows {
        let (_, entry) = ledger
            .iter()
            .find(|((_, _, stan), _)| stan == row["voucher_no"].as_str().unwrap())
            .unwrap_or_else(|| panic!("{row} unknown to the host: {ledger:?}"));
        assert_eq!(entry.rrn, row["rrn"].as_str().unwrap());
        assert_eq!(entry.auth_code, row["auth_code"].as_str().unwrap());
    }
    let voided = |voucher: &str| {
        ledger
            .iter()
            .find(|((_, _, stan), _)| stan == voucher)
            .map(|(_, e)| e.status)
    };
    assert_eq!(voided(&first), Some(Status::Approved));
    assert_eq!(voided(&second), Some(Status::Voided));

    shop.settle(&[]).success();
    let settlements = host.settlements();
    let (totals, flag) = settlements.values().next().unwrap();
    assert_eq!(
        *flag, 1,
        "the host agrees with the terminal's totals: {totals:?}"
    );
    assert_eq!((totals.debit_count, totals.credit_count), (2, 1));
}

#[test]
fn a_host_without_a_master_key_file_is_refused_before_anything_is_sent() {
    let (host, addr) = start_host();
    let shop = Shop::ready();
    let out = shop
        .cmd()
        .args(["status", "--host", &format!("tcp://{addr}")])
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("--master-key-file"), "{err}");
    assert_eq!(host.sign_ons(), 0);
}

#[test]
fn the_merchant_day_demo_runs_against_the_acquirer_over_iso_8583() {
    let (host, addr) = start_host();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("master.key");
    std::fs::write(&key, MASTER_HEX).unwrap();
    let out = voidguard()
        .args(["--host", &format!("tcp://{addr}"), "--master-key-file"])
        .arg(&key)
        .arg("demo")
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains(&format!("ISO 8583 at tcp://{addr}")),
        "{text}"
    );
    assert!(
        !text.contains("[host, simulated]"),
        "no step leans on the host simulator: {text}"
    );
    assert!(host.sign_ons() >= 1);
    // The host approved what the day sold, voided, refunded and settled: three sales
    // (one voided), the void and a refund, and the batch settled balanced.
    let ledger = host.ledger();
    let voided = ledger
        .values()
        .filter(|e| e.status == Status::Voided)
        .count();
    assert_eq!(voided, 1, "{ledger:?}");
    assert!(ledger.len() >= 5, "{ledger:?}");
    let settlements = host.settlements();
    assert_eq!(
        settlements
            .values()
            .map(|(_, flag)| *flag)
            .collect::<Vec<_>>(),
        vec![1]
    );
}

#[test]
fn key_algorithm_sm4_signs_on_for_sm4_keys_and_3des_is_refused_by_an_sm4_host() {
    use voidguard_iso8583::crypto::Algorithm;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let host = AcquirerHost::new(Key::from_hex_as(Algorithm::Sm4, MASTER_HEX).unwrap()).unwrap();
    let serving = Arc::clone(&host);
    std::thread::spawn(move || serving.serve(listener));
    let shop = Shop::ready();
    shop.use_acquirer(&addr, MASTER_HEX);
    // Without the flag the terminal asks for 3DES keys: refused (40), nothing sold.
    shop.sell(&["--amount", "1.00", "--json"], CARD).failure();
    assert_eq!(host.sign_ons(), 0);
    assert!(host.ledger().is_empty());
    shop.sell(
        &["--amount", "12.34", "--json", "--key-algorithm", "sm4"],
        CARD,
    )
    .success();
    assert_eq!(host.sign_ons(), 1);
    let ledger = host.ledger();
    assert_eq!(ledger.len(), 1);
    assert!(ledger
        .values()
        .all(|e| e.amount == 1234 && e.status == Status::Approved));
}
