//! `Iso8583HostLink`'s sign-out and echo against `voidguard-host` over loopback TCP:
//! an echo is answered and its answer's MAC checked; after a sign-out the next leg
//! signs on by itself, and a link still holding the old keys is refused A0 and
//! recovers by signing on.

mod common;

use std::sync::Arc;
use std::time::Duration;

use voidguard::host::iso::{Iso8583HostLink, NetworkMessageError, NetworkStation};
use voidguard::{Fen, HostError, HostLink, HostReply, HostRequest, LegDetail, LegKind};
use voidguard_host::{AcquirerHost, Faults};
use voidguard_iso8583::crypto::Algorithm;

const TID: &str = "10000001";

fn start_host() -> (Arc<AcquirerHost>, Iso8583HostLink) {
    let (host, addr) = common::iso::start_host(Algorithm::Tdes);
    let link = common::iso::link(&addr, Algorithm::Tdes, Duration::from_millis(300));
    (host, link)
}

fn station() -> NetworkStation {
    NetworkStation {
        terminal_id: TID.into(),
        merchant_no: "898000000000001".into(),
        batch_no: "000001".into(),
    }
}

fn sale(voucher_no: &str) -> HostRequest {
    HostRequest {
        processing_code: LegKind::Sale.processing_code().into(),
        amount: Fen(100),
        currency: 156,
        batch_no: "000001".into(),
        business_date: "2026-12-03".into(),
        merchant_no: "898000000000001".into(),
        terminal_id: TID.into(),
        operator_no: "01".into(),
        detail: LegDetail::Sale {
            voucher_no: voucher_no.into(),
            masked_pan: "622202******0123".into(),
            card_scheme: "CUP".into(),
        },
    }
}

fn approved(reply: Result<HostReply, HostError>) -> bool {
    matches!(reply, Ok(HostReply::Approved { .. }))
}

#[test]
fn an_echo_signs_on_when_needed_and_is_answered() {
    let (host, link) = start_host();
    assert_eq!(link.echo(&station()), Ok(()));
    assert!(link.is_signed_on());
    assert_eq!(link.echo(&station()), Ok(()));
    assert_eq!(host.sign_ons(), 1, "the second echo used the same keys");
    assert!(host.ledger().is_empty());
}

#[test]
fn an_echo_whose_answer_mac_is_corrupted_is_bad_mac() {
    let (host, link) = start_host();
    link.echo(&station()).unwrap();
    host.set_faults(Faults {
        corrupt_macs: 1,
        ..Faults::default()
    });
    assert_eq!(
        link.echo(&station()),
        Err(NetworkMessageError::Host(HostError::BadMac))
    );
    // The keys are not the fault: the next echo passes on them.
    assert_eq!(link.echo(&station()), Ok(()));
    assert_eq!(host.sign_ons(), 1);
}

#[test]
fn after_a_sign_out_the_next_leg_signs_on_by_itself() {
    let (host, link) = start_host();
    assert!(approved(link.send(sale("000001"))));
    assert_eq!(link.sign_out(&station()), Ok(()));
    assert!(!link.is_signed_on());
    assert!(!host.is_signed_on(TID));
    assert!(approved(link.send(sale("000002"))));
    assert_eq!(host.sign_ons(), 2);
    assert!(host.is_signed_on(TID));
    assert_eq!(host.ledger().len(), 2);
}

#[test]
fn a_link_not_signed_on_has_nothing_to_sign_out() {
    let (host, link) = start_host();
    assert_eq!(
        link.sign_out(&station()),
        Err(NetworkMessageError::NotSignedOn)
    );
    assert_eq!(host.sign_ons(), 0);
}

#[test]
fn old_keys_after_a_sign_out_whose_answer_was_lost_are_refused_and_the_link_signs_on() {
    let (host, link) = start_host();
    assert!(approved(link.send(sale("000001"))));
    // The host signs the terminal out, but the answer never arrives: the link keeps
    // its keys, which the host has retired.
    host.set_faults(Faults {
        drop_answers: 1,
        ..Faults::default()
    });
    assert_eq!(
        link.sign_out(&station()),
        Err(NetworkMessageError::Host(HostError::Timeout))
    );
    assert!(link.is_signed_on());
    assert!(!host.is_signed_on(TID));
    // The sale under the old keys is refused A0 (MAC'd under them, so believed); the
    // link signs on and sends it again.
    assert!(approved(link.send(sale("000002"))));
    assert_eq!(host.sign_ons(), 2);
    assert_eq!(host.ledger().len(), 2);
}
