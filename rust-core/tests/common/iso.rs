//! An acquirer host on loopback and a ready terminal speaking ISO 8583 to it, for the
//! tests over TCP.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use voidguard::host::iso::{Iso8583HostLink, IsoLinkConfig};
use voidguard::HostLink;
use voidguard_host::AcquirerHost;
use voidguard_iso8583::crypto::{Algorithm, Key};

use super::Fixture;

/// The terminal master key both sides share.
pub const MASTER_HEX: &str = "0123456789ABCDEFFEDCBA9876543210";

/// A host serving on a free loopback port, with [`MASTER_HEX`] as an `algorithm` key.
pub fn start_host(algorithm: Algorithm) -> (Arc<AcquirerHost>, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let host = AcquirerHost::new(master(algorithm)).unwrap();
    let serving = Arc::clone(&host);
    std::thread::spawn(move || serving.serve(listener));
    (host, addr)
}

/// [`MASTER_HEX`] as an `algorithm` key.
pub fn master(algorithm: Algorithm) -> Key {
    Key::from_hex_as(algorithm, MASTER_HEX).unwrap()
}

/// An ISO 8583 link to `addr` signing on for `algorithm` keys under `master`,
/// waiting `read_timeout` for each answer.
pub fn link_with(
    addr: &str,
    algorithm: Algorithm,
    read_timeout: Duration,
    master: Key,
) -> Iso8583HostLink {
    let mut config = IsoLinkConfig::new(format!("tcp://{addr}"));
    config.read_timeout = read_timeout;
    config.algorithm = algorithm;
    Iso8583HostLink::new(config, master)
}

/// The same, under [`MASTER_HEX`] as an `algorithm` key.
pub fn link(addr: &str, algorithm: Algorithm, read_timeout: Duration) -> Iso8583HostLink {
    link_with(addr, algorithm, read_timeout, master(algorithm))
}

/// A ready terminal whose host link is ISO 8583 to `addr`, waiting `read_timeout` for
/// each answer, signing on for `algorithm` keys.
pub fn terminal_on(
    addr: &str,
    algorithm: Algorithm,
    read_timeout: Duration,
) -> (Fixture, Arc<Iso8583HostLink>) {
    let link = Arc::new(link(addr, algorithm, read_timeout));
    let as_link: Arc<dyn HostLink> = link.clone();
    let f = Fixture::with_host(Some(as_link));
    f.make_ready();
    (f, link)
}
