//! Random faults from a seed (`--random-faults SEED --drop-rate P --delay-rate P
//! --delay-ms MS`): every answer dropped at rate 1, every answer late at rate 1 yet
//! committed before it was held back, the same seed giving the same fates, and
//! rates that make no sense refused with exit code 2.

mod common;

use std::time::{Duration, Instant};

use common::binary::{exchange, key_file, master, refused, Binary};
use common::{request, send, sign_on};
use voidguard_host::{AcquirerHost, Faults, RandomFaults};
use voidguard_iso8583::crypto::WorkingKeys;
use voidguard_iso8583::messages::{Answer, Kind};
use voidguard_iso8583::Message;

fn start(dir: &std::path::Path, faults: &[&str]) -> Binary {
    Binary::on_ledger(&key_file(dir), &dir.join("host.ledger"), faults)
}

fn sale_frame(keys: &WorkingKeys, stan: &str) -> Vec<u8> {
    request(stan, 1000, Kind::Sale)
        .to_message()
        .pack_with_mac(&keys.mac)
        .unwrap()
}

#[test]
fn at_drop_rate_one_no_answer_comes_but_the_sale_is_in_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let host = start(dir.path(), &["--random-faults", "5", "--drop-rate", "1"]);
    let keys = host.sign_on();
    let answer = exchange(
        &host.addr,
        &sale_frame(&keys, "000001"),
        Duration::from_millis(600),
    );
    host.stop();
    assert!(answer.is_none(), "the answer was dropped");
    // Committed before it was dropped: a restarted host on the file knows it.
    let reopened = AcquirerHost::open(master(), &dir.path().join("host.ledger")).unwrap();
    assert_eq!(reopened.ledger().len(), 1);
}

#[test]
fn at_delay_rate_one_every_answer_arrives_after_the_delay() {
    let dir = tempfile::tempdir().unwrap();
    let host = start(
        dir.path(),
        &[
            "--random-faults",
            "9",
            "--delay-rate",
            "1",
            "--delay-ms",
            "700",
        ],
    );
    let keys = host.sign_on();
    // A terminal that waits 300 ms sees nothing ...
    let early = exchange(
        &host.addr,
        &sale_frame(&keys, "000001"),
        Duration::from_millis(300),
    );
    // ... one that waits long enough sees the answer, no sooner than the delay.
    let started = Instant::now();
    let late = exchange(
        &host.addr,
        &sale_frame(&keys, "000002"),
        Duration::from_secs(5),
    );
    let waited = started.elapsed();
    host.stop();
    assert!(early.is_none());
    let late = late.expect("a delayed answer still comes");
    let answer =
        Answer::from_message(&Message::unpack_verified(&late, &keys.mac).unwrap()).unwrap();
    assert!(answer.approved());
    assert!(waited >= Duration::from_millis(700), "{waited:?}");
}

#[test]
fn without_faults_drawn_the_answer_is_on_time() {
    let dir = tempfile::tempdir().unwrap();
    let host = start(
        dir.path(),
        &[
            "--random-faults",
            "3",
            "--drop-rate",
            "0",
            "--delay-rate",
            "0",
        ],
    );
    let keys = host.sign_on();
    let answer = exchange(
        &host.addr,
        &sale_frame(&keys, "000001"),
        Duration::from_secs(2),
    );
    host.stop();
    assert!(answer.is_some());
}

/// Which of 200 sales get an answer, and how late.
fn fates(seed: u64) -> Vec<(bool, Duration)> {
    let host = AcquirerHost::new(common::master()).unwrap();
    let keys = sign_on(&host);
    let random = RandomFaults::new(seed, 0.3, 0.3, Duration::from_millis(50)).unwrap();
    host.set_faults(Faults {
        random: Some(random),
        ..Faults::default()
    });
    (0..200)
        .map(|i| {
            let (answer, delay) = host.handle_timed(&sale_frame(&keys, &format!("{:06}", i + 1)));
            (answer.is_some(), delay)
        })
        .collect()
}

#[test]
fn the_same_seed_gives_the_same_fates_and_another_seed_others() {
    let a = fates(42);
    assert_eq!(a, fates(42));
    assert_ne!(a, fates(43));
    let dropped = a.iter().filter(|(answered, _)| !answered).count();
    let delayed = a.iter().filter(|(_, d)| !d.is_zero()).count();
    assert!((30..90).contains(&dropped), "{dropped}");
    assert!((30..90).contains(&delayed), "{delayed}");
    // A dropped answer is never also delayed.
    assert!(a.iter().all(|(answered, d)| *answered || d.is_zero()));
}

#[test]
fn counted_faults_still_come_first() {
    let host = AcquirerHost::new(common::master()).unwrap();
    let keys = sign_on(&host);
    host.set_faults(Faults {
        drop_answers: 1,
        random: Some(RandomFaults::new(1, 0.0, 0.0, Duration::ZERO).unwrap()),
        ..Faults::default()
    });
    assert!(host.handle(&sale_frame(&keys, "000001")).is_none());
    let second = send(&host, &keys, &request("000002", 1000, Kind::Sale));
    assert!(second.approved());
}

#[test]
fn rates_that_make_no_sense_are_refused_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = key_file(dir.path());
    for args in [
        &["--random-faults", "1", "--drop-rate", "1.5"][..],
        &[
            "--random-faults",
            "1",
            "--drop-rate",
            "0.7",
            "--delay-rate",
            "0.7",
        ],
        &["--random-faults", "x"],
        &["--random-faults", "1", "--delay-ms", "-3"],
        &["--drop-rate", "0.5"],
    ] {
        let (code, stderr) = refused(&key_file, args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
    }
}
