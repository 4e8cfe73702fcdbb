//! Storage faults (DESIGN §2 "nothing lost"): a full disk during a void leaves the
//! previous state and says so; a damaged file is refused without being modified; a
//! second opener is refused clearly while the first holds the database.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::*;
use voidguard::{TransactionStatus, VoidGuardError};

fn refused(result: Result<voidguard::Terminal, VoidGuardError>) -> VoidGuardError {
    match result {
        Ok(_) => panic!("the file was accepted"),
        Err(e) => e,
    }
}

/// A database with a day on it, closed cleanly (the WAL checkpointed away).
fn closed_db() -> (ClosedFixture, Vec<u8>) {
    let f = Fixture::ready();
    let sale = f.sale("42.00");
    f.terminal.void_transaction(void_of(&sale)).unwrap();
    f.sale("7.00");
    let closed = f.close();
    let bytes = std::fs::read(&closed.db).unwrap();
    (closed, bytes)
}

fn reopen(closed: &ClosedFixture) -> Result<voidguard::Terminal, VoidGuardError> {
    open(&closed.db, &closed.key_file, None, closed.clock.clone())
}

#[test]
fn a_second_opener_is_refused_while_the_first_holds_the_database() {
    let f = Fixture::ready();
    let sale = f.sale("12.00");
    let second = open(&f.db, &f.key_file, None, f.clock.clone());
    assert_eq!(refused(second), VoidGuardError::InUse);
    // The first goes on undisturbed, and once it closes the files open again.
    f.terminal.void_transaction(void_of(&sale)).unwrap();
    let closed = f.close();
    let again = reopen(&closed).unwrap();
    assert_eq!(
        again
            .find_transaction(sale.voucher_no)
            .unwrap()
            .unwrap()
            .status,
        TransactionStatus::Voided
    );
}

#[test]
fn a_truncated_database_is_refused_and_left_as_it_is() {
    let (closed, bytes) = closed_db();
    let cut = &bytes[..bytes.len() / 3];
    std::fs::write(&closed.db, cut).unwrap();
    let e = refused(reopen(&closed));
    assert!(
        matches!(
            e,
            VoidGuardError::Tampered { .. }
                | VoidGuardError::NotADatabase
                | VoidGuardError::WrongKey
        ),
        "{e:?}"
    );
    assert_eq!(std::fs::read(&closed.db).unwrap(), cut);
}

#[test]
fn a_flipped_bit_in_the_header_is_not_a_database_and_is_left_as_it_is() {
    let (closed, mut bytes) = closed_db();
    bytes[3] ^= 0x01; // "SQLite format 3" becomes something else
    std::fs::write(&closed.db, &bytes).unwrap();
    assert_eq!(refused(reopen(&closed)), VoidGuardError::NotADatabase);
    assert_eq!(std::fs::read(&closed.db).unwrap(), bytes);
}

#[test]
fn a_flipped_bit_in_the_wrapped_key_is_a_wrong_key_and_is_left_as_it_is() {
    let (closed, bytes) = closed_db();
    let wrapped = {
        let conn = rusqlite::Connection::open(&closed.db).unwrap();
        let w: Vec<u8> = conn
            .query_row("SELECT wrapped_key FROM keyring", [], |r| r.get(0))
            .unwrap();
        w
    };
    let at = bytes
        .windows(wrapped.len())
        .position(|w| w == wrapped.as_slice())
        .expect("the wrapped key is stored");
    let mut flipped = bytes.clone();
    flipped[at + 20] ^= 0x40;
    std::fs::write(&closed.db, &flipped).unwrap();
    assert_eq!(refused(reopen(&closed)), VoidGuardError::WrongKey);
    assert_eq!(std::fs::read(&closed.db).unwrap(), flipped);
}

/// A small filesystem (tmpfs) mounted for one test and unmounted after it.
struct SmallDisk(PathBuf);

impl SmallDisk {
    /// `name` keeps the mount points of tests running side by side apart.
    fn mount(name: &str, kib: u32) -> Option<Self> {
        let dir = std::env::temp_dir().join(format!("voidguard-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(&dir)
            .status()
            .ok()?
            .success();
        mounted.then_some(Self(dir))
    }

    /// Makes room, as a merchant does by deleting photos from the terminal.
    fn grow(&self, kib: u32) -> bool {
        Command::new("mount")
            .args(["-o", &format!("remount,size={kib}k")])
            .arg(&self.0)
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

#[test]
fn a_full_disk_during_a_void_keeps_the_previous_state_and_says_storage_full() {
    if !is_root() {
        eprintln!("skipped: mounting a small filesystem needs root");
        return;
    }
    let disk = SmallDisk::mount("full", 900).expect("root can mount a tmpfs");
    let db: PathBuf = disk.0.join("voidguard.db");
    let key_file = std::env::temp_dir().join(format!("voidguard-full-{}.key", std::process::id()));
    let _ = std::fs::remove_file(&key_file);
    let clock = TestClock::at(START_MS);
    let terminal = open(&db, &key_file, None, clock.clone()).unwrap();
    let f = Ready(terminal);
    f.make_ready();

    // Sell until the disk is full; every acknowledged sale is kept.
    let mut sales = Vec::new();
    let full = loop {
        match f.0.record_sale(sale_request(sales.len())) {
            Ok(sale) => sales.push(sale),
            Err(e) => break e,
        }
        assert!(sales.len() < 100_000, "the small disk never filled");
    };
    assert_eq!(full, VoidGuardError::StorageFull);
    assert!(sales.len() > 10, "only {} sales fit", sales.len());

    let target = &sales[sales.len() / 2];
    let attempt = f.0.void_transaction(void_of(target));
    assert_eq!(attempt.map(drop), Err(VoidGuardError::StorageFull));
    assert_eq!(
        f.0.find_transaction(target.voucher_no.clone())
            .unwrap()
            .unwrap()
            .status,
        TransactionStatus::Approved
    );
    assert!(f.0.pending_host_work().unwrap().is_empty());

    drop(f);
    let reopened = open(&db, &key_file, None, clock).unwrap();
    let rows = all_rows(&reopened);
    assert_eq!(
        rows.len(),
        sales.len(),
        "every acknowledged sale survives, nothing else"
    );
    assert!(rows.iter().all(|r| r.status == TransactionStatus::Approved));
    assert!(reopened.verify_audit().unwrap().ok);
    drop(reopened);
    let _ = std::fs::remove_file(&key_file);
}

#[test]
fn an_approval_that_could_not_be_recorded_is_reversed_by_the_next_call_without_a_restart() {
    if !is_root() {
        eprintln!("skipped: mounting a small filesystem needs root");
        return;
    }
    let disk = SmallDisk::mount("answer", 900).expect("root can mount a tmpfs");
    let db: PathBuf = disk.0.join("voidguard.db");
    let key_file =
        std::env::temp_dir().join(format!("voidguard-answer-{}.key", std::process::id()));
    let _ = std::fs::remove_file(&key_file);
    let _ = std::fs::remove_file(key_file.with_extension("mark"));
    let terminal = open(&db, &key_file, None, TestClock::at(START_MS)).unwrap();
    let f = Ready(terminal);
    f.make_ready();
    let sale = f.0.record_sale(sale_request(0)).unwrap();
    let pending = f.0.begin_void(void_of(&sale)).unwrap();
    // The disk fills while the host is asked; its approval cannot be written.
    let mut n = 1;
    let full = loop {
        match f.0.record_sale(sale_request(n)) {
            Ok(_) => n += 1,
            Err(e) => break e,
        }
        assert!(n < 100_000, "the small disk never filled");
    };
    assert_eq!(full, VoidGuardError::StorageFull);
    let approved = voidguard::HostReply::Approved {
        rrn: "202611300009".into(),
        auth_code: "F0LL00".into(),
    };
    assert_eq!(
        f.0.complete_void(pending.leg_id, approved).map(drop),
        Err(VoidGuardError::StorageFull)
    );

    // Room again: the same terminal, no restart, reverses the void it could not
    // record, and the sale stands as the host will have it after the reversal.
    assert!(disk.grow(8192));
    let report = f.0.reconcile().unwrap();
    assert_eq!(report.reversed, 1, "{report:?}");
    assert!(f.0.pending_host_work().unwrap().is_empty());
    assert_eq!(
        f.0.find_transaction(sale.voucher_no.clone())
            .unwrap()
            .unwrap()
            .status,
        TransactionStatus::Approved
    );
    assert!(f.0.verify_audit().unwrap().ok);
    drop(f);
    let _ = std::fs::remove_file(&key_file);
    let _ = std::fs::remove_file(key_file.with_extension("mark"));
}

struct Ready(voidguard::Terminal);

impl Ready {
    fn make_ready(&self) {
        let t = &self.0;
        t.activate(MERCHANT_NO.into(), TERMINAL_ID.into(), SECRET_HEX.into())
            .unwrap();
        let ticket = t
            .apply_for(voidguard::RequestKind::VoidPermission, application())
            .unwrap();
        let code = approval_for(voidguard::RequestKind::VoidPermission, &ticket.request_code);
        t.redeem_approval(ticket.request_code, code, None).unwrap();
        t.set_void_password(PASSWORD.into()).unwrap();
        // The supervisor keys the sales: no cashier accounts on this small disk.
        t.sign_in("00".into(), PASSWORD.into()).unwrap();
    }
}

fn sale_request(i: usize) -> voidguard::SaleRequest {
    voidguard::SaleRequest {
        amount: format!("{}.{:02}", 10 + i % 90, i % 100),
        card_number: "6222021234567890123".into(),
        card_scheme: "UnionPay".into(),
    }
}
