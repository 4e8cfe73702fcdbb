//! Network management on the host (0820 answered 0830, MAC'd both ways): an echo is
//! answered 00 and changes nothing; after a sign-out the old keys serve nothing — a
//! transaction under them is refused A0, MAC'd so the terminal can trust it — until
//! the terminal signs on again.

mod common;

use common::{master, request, send, send_with_bad_mac, sign_on};
use voidguard_host::AcquirerHost;
use voidguard_iso8583::messages::Kind;
use voidguard_iso8583::Message;

#[test]
fn an_echo_is_answered_0830_with_a_mac_and_changes_nothing() {
    let host = AcquirerHost::new(master()).unwrap();
    let keys = sign_on(&host);
    let answer = send(&host, &keys, &request("900001", 0, Kind::Echo));
    assert_eq!(
        (answer.mti.as_str(), answer.response_code.as_str()),
        ("0830", "00")
    );
    assert!(host.ledger().is_empty());
    assert!(host.is_signed_on("10000001"));
}

#[test]
fn an_echo_with_a_bad_mac_is_answered_a0() {
    let host = AcquirerHost::new(master()).unwrap();
    let keys = sign_on(&host);
    let m = send_with_bad_mac(&host, &keys, &request("900001", 0, Kind::Echo));
    assert_eq!(m.text(39), Some("A0"));
}

#[test]
fn after_a_sign_out_the_old_keys_are_refused_a0_until_the_terminal_signs_on_again() {
    let host = AcquirerHost::new(master()).unwrap();
    let keys = sign_on(&host);
    let out = send(&host, &keys, &request("900001", 0, Kind::SignOut));
    assert_eq!(
        (out.mti.as_str(), out.response_code.as_str()),
        ("0830", "00")
    );
    assert!(!host.is_signed_on("10000001"));
    // `send` verifies the answer's MAC under the old keys: the refusal is genuine.
    let refused = send(&host, &keys, &request("000001", 100, Kind::Sale));
    assert_eq!(refused.response_code, "A0");
    assert_eq!(
        send(&host, &keys, &request("900002", 0, Kind::Echo)).response_code,
        "A0"
    );
    assert!(host.ledger().is_empty());

    let fresh = sign_on(&host);
    assert_ne!(fresh.mac, keys.mac);
    assert!(send(&host, &fresh, &request("000001", 100, Kind::Sale)).approved());
    // The keys of before the sign-out stay retired; the refusal is MAC'd under the
    // new ones now, as for any terminal whose keys are out of step.
    let stale = request("000002", 100, Kind::Sale)
        .to_message()
        .pack_with_mac(&keys.mac)
        .unwrap();
    let reply = host.handle(&stale).unwrap();
    assert_eq!(
        Message::unpack_verified(&reply, &fresh.mac)
            .unwrap()
            .text(39),
        Some("A0")
    );
    assert_eq!(host.ledger().len(), 1);
}
