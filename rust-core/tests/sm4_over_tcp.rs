//! The national-algorithm variant end to end: a terminal configured for SM4 signs on
//! against `voidguard-host` holding an SM4 master key over loopback TCP (F60.3 006,
//! SM4 working keys in F62), sells, voids and settles with SM4 MACs; a corrupted
//! answer MAC is an unknown answer reversed with A0, as under 3DES. A terminal and a
//! host on different algorithms never exchange a transaction.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::iso::start_host;
use common::{void_of, Fixture};
use voidguard::host::iso::Iso8583HostLink;
use voidguard::{HostLink, TransactionStatus, VoidGuardError};
use voidguard_host::{Faults, Status};
use voidguard_iso8583::crypto::Algorithm;

fn terminal_on(addr: &str, algorithm: Algorithm) -> (Fixture, Arc<Iso8583HostLink>) {
    common::iso::terminal_on(addr, algorithm, Duration::from_millis(500))
}

#[test]
fn an_sm4_terminal_signs_on_sells_voids_and_settles() {
    let (host, addr) = start_host(Algorithm::Sm4);
    let (f, link) = terminal_on(&addr, Algorithm::Sm4);

    let first = f.sale("12.34");
    assert!(link.is_signed_on(), "the first sale signed on by itself");
    assert_eq!(host.sign_ons(), 1);
    let second = f.sale("50.00");
    f.terminal.void_transaction(void_of(&second)).unwrap();

    // A corrupted SM4 answer MAC: unknown, reversed at once with reason A0.
    host.set_faults(Faults {
        corrupt_macs: 1,
        ..Faults::default()
    });
    assert!(matches!(
        f.terminal.record_sale(common::sale_request("7.00")),
        Err(VoidGuardError::HostReversed)
    ));
    host.set_faults(Faults::default());
    let reasons: Vec<_> = host
        .ledger()
        .values()
        .filter(|e| e.status == Status::Reversed)
        .map(|e| e.reversal_reason.clone().unwrap())
        .collect();
    assert_eq!(reasons, vec!["A0".to_owned()]);
    assert_eq!(
        host.ledger()
            .values()
            .filter(|e| e.status == Status::Voided)
            .count(),
        1
    );
    assert_eq!(first.status, TransactionStatus::Approved);

    f.terminal.settle().unwrap();
    let settlements = host.settlements();
    assert_eq!(settlements.len(), 1);
    let (totals, flag) = settlements.values().next().unwrap();
    assert_eq!(*flag, 1, "the totals agree: {totals:?}");
    assert_eq!((totals.debit_count, totals.debit_amount), (2, 1234 + 5000));
    assert_eq!((totals.credit_count, totals.credit_amount), (1, 5000));
    // One sign-on served the whole day: every SM4 MAC verified on both sides.
    assert_eq!(host.sign_ons(), 1);
}

#[test]
fn a_terminal_asking_for_the_other_algorithm_is_refused_with_40() {
    for (host_alg, terminal_alg) in [
        (Algorithm::Tdes, Algorithm::Sm4),
        (Algorithm::Sm4, Algorithm::Tdes),
    ] {
        let (host, addr) = start_host(host_alg);
        let (f, link) = terminal_on(&addr, terminal_alg);
        let err = f.terminal.record_sale(common::sale_request("1.00"));
        assert!(err.is_err(), "{host_alg:?} host, {terminal_alg:?} terminal");
        assert!(!link.is_signed_on());
        assert_eq!(host.sign_ons(), 0);
        assert!(host.ledger().is_empty());
    }
}

#[test]
fn a_master_key_of_the_other_algorithm_is_refused_before_sending() {
    let (host, addr) = start_host(Algorithm::Sm4);
    // A 3DES master key handed to a link configured for SM4.
    let link = Arc::new(common::iso::link_with(
        &addr,
        Algorithm::Sm4,
        Duration::from_millis(500),
        common::iso::master(Algorithm::Tdes),
    ));
    let as_link: Arc<dyn HostLink> = link.clone();
    let f = Fixture::with_host(Some(as_link));
    f.make_ready();
    assert!(f
        .terminal
        .record_sale(common::sale_request("1.00"))
        .is_err());
    assert!(!link.is_signed_on());
    assert_eq!(host.sign_ons(), 0);
}
