//! The card-reader seam: a terminal configured to require the card reads it through
//! the installed `CardReader`, compares the keyed hash of its number with the one
//! kept with the sale, and refuses a wrong or missing card (or PIN block) with
//! nothing written and no password attempt counted. The number itself is never in
//! the file, the trail or an error.

mod common;

use common::card::{read, TestReader, OTHER_PAN, PAN};
use common::*;
use voidguard::{
    CardPurpose, CardReadFailure, CardReaderError, RefundLookup, RefundRequest, SaleRequest,
    Transaction, VoidGuardError,
};

fn card_required() -> (Fixture, std::sync::Arc<TestReader>) {
    let f = Fixture::ready_with_config(|c| {
        c.void_card_required = true;
        c.refund_card_required = true;
    });
    let reader = TestReader::new();
    f.terminal.set_card_reader(Some(reader.clone()));
    (f, reader)
}

/// A sale whose card the reader reads (no number keyed).
fn sale_read_from(f: &Fixture, reader: &TestReader, pan: &str, amount: &str) -> Transaction {
    reader.will_read(read(pan, false));
    f.terminal
        .record_sale(SaleRequest {
            amount: amount.into(),
            card_number: String::new(),
            card_scheme: String::new(),
        })
        .unwrap()
}

/// Every entry of the trail, the ones that record rows included.
fn audit_len(f: &Fixture) -> u64 {
    f.terminal.verify_audit().unwrap().entries_checked
}

fn refund_of(sale: &Transaction, amount: &str) -> RefundRequest {
    RefundRequest {
        lookup: RefundLookup {
            voucher_no: Some(sale.voucher_no.clone()),
            batch_no: Some(sale.batch_no.clone()),
            ..Default::default()
        },
        amount: amount.into(),
        password: PASSWORD.into(),
        reason: "goods_returned".into(),
    }
}

/// What a refusal must leave: the books, the trail and the password's count.
fn assert_nothing_written(f: &Fixture, before: &Untouched, audit_before: u64) {
    assert_eq!(&untouched(f), before);
    assert_eq!(audit_len(f), audit_before);
    assert_eq!(f.terminal.vault_status().unwrap().consecutive_failures, 0);
}

#[test]
fn a_void_with_the_sales_card_goes_through() {
    let (f, reader) = card_required();
    let sale = sale_read_from(&f, &reader, PAN, "88.00");
    assert_eq!(sale.masked_pan, "622202*********0123");
    assert_eq!(sale.card_scheme, "UnionPay");
    reader.will_read(read(PAN, false));
    let done = f.terminal.void_transaction(void_of(&sale)).unwrap();
    assert!(done.void_transaction.is_some());
    assert_eq!(reader.asked(), [CardPurpose::Sale, CardPurpose::Void]);
    assert!(f.terminal.verify_audit().unwrap().ok);
}

#[test]
fn a_keyed_card_number_is_hashed_too_and_its_card_voids_the_sale() {
    let (f, reader) = card_required();
    let sale = f.sale("30.00");
    reader.will_read(read(PAN, false));
    assert!(f
        .terminal
        .void_transaction(void_of(&sale))
        .unwrap()
        .void_transaction
        .is_some());
    // A keyed number is not read again.
    assert_eq!(reader.asked(), [CardPurpose::Void]);
}

#[test]
fn a_different_card_is_refused_and_nothing_changes_nor_counts() {
    let (f, reader) = card_required();
    let sale = sale_read_from(&f, &reader, PAN, "88.00");
    let before = untouched(&f);
    let audit_before = audit_len(&f);
    for _ in 0..6 {
        reader.will_read(read(OTHER_PAN, true));
        assert_eq!(
            f.terminal.void_transaction(void_of(&sale)).map(drop),
            Err(VoidGuardError::CardMismatch)
        );
        assert_nothing_written(&f, &before, audit_before);
    }
    // Six wrong cards locked nothing: the right one voids at once.
    reader.will_read(read(PAN, false));
    assert!(f.terminal.void_transaction(void_of(&sale)).is_ok());
}

#[test]
fn a_void_that_needs_the_pin_refuses_a_read_without_a_pin_block() {
    let f = Fixture::ready_with_config(|c| c.void_pin_required = true);
    let reader = TestReader::new();
    f.terminal.set_card_reader(Some(reader.clone()));
    let sale = f.sale("12.00");
    let before = untouched(&f);
    let audit_before = audit_len(&f);
    reader.will_read(read(PAN, false));
    assert_eq!(
        f.terminal.void_transaction(void_of(&sale)).map(drop),
        Err(VoidGuardError::PinBlockRequired)
    );
    reader.will_read(Ok(voidguard::CardRead {
        pin_block: Some(Vec::new()),
        ..read(PAN, false).unwrap()
    }));
    assert_eq!(
        f.terminal.begin_void(void_of(&sale)).map(drop),
        Err(VoidGuardError::PinBlockRequired)
    );
    assert_nothing_written(&f, &before, audit_before);
    // The PIN switch reads the card, and a card read is compared with the sale's.
    reader.will_read(read(OTHER_PAN, true));
    assert_eq!(
        f.terminal.void_transaction(void_of(&sale)).map(drop),
        Err(VoidGuardError::CardMismatch)
    );
    reader.will_read(read(PAN, true));
    assert!(f.terminal.void_transaction(void_of(&sale)).is_ok());
}

#[test]
fn with_a_switch_on_and_no_reader_installed_voids_and_refunds_are_refused() {
    let f = Fixture::ready_with_config(|c| {
        c.void_card_required = true;
        c.refund_card_required = true;
    });
    let sale = f.sale("20.00");
    let before = untouched(&f);
    let audit_before = audit_len(&f);
    assert_eq!(
        f.terminal.void_transaction(void_of(&sale)).map(drop),
        Err(VoidGuardError::CardReaderMissing)
    );
    assert_eq!(
        f.terminal.begin_void(void_of(&sale)).map(drop),
        Err(VoidGuardError::CardReaderMissing)
    );
    assert_eq!(
        f.terminal.refund(refund_of(&sale, "5.00")).map(drop),
        Err(VoidGuardError::CardReaderMissing)
    );
    assert_nothing_written(&f, &before, audit_before);
    // A reader installed and taken away again: refused as before.
    let reader = TestReader::new();
    f.terminal.set_card_reader(Some(reader.clone()));
    f.terminal.set_card_reader(None);
    assert_eq!(
        f.terminal.void_transaction(void_of(&sale)).map(drop),
        Err(VoidGuardError::CardReaderMissing)
    );
    assert!(reader.asked().is_empty());
}

#[test]
fn with_the_switches_off_no_card_is_asked_for() {
    let f = Fixture::ready();
    let reader = TestReader::new();
    f.terminal.set_card_reader(Some(reader.clone()));
    let sale = f.sale("20.00");
    assert!(f.terminal.void_transaction(void_of(&sale)).is_ok());
    assert!(reader.asked().is_empty());
}

#[test]
fn a_read_that_ends_without_a_card_refuses_the_void_and_says_why() {
    let (f, reader) = card_required();
    let sale = f.sale("20.00");
    let before = untouched(&f);
    let audit_before = audit_len(&f);
    for (answer, failure) in [
        (CardReaderError::NoCard, CardReadFailure::NoCard),
        (CardReaderError::Cancelled, CardReadFailure::Cancelled),
        (
            CardReaderError::ReaderFault {
                reason: format!("chip error reading {PAN}"),
            },
            CardReadFailure::ReaderFault,
        ),
    ] {
        reader.will_read(Err(answer));
        let refused = f.terminal.void_transaction(void_of(&sale)).unwrap_err();
        assert_eq!(refused, VoidGuardError::CardNotRead { failure });
        assert!(!format!("{refused:?} {refused}").contains(PAN));
    }
    assert_nothing_written(&f, &before, audit_before);
}

#[test]
fn a_sale_keyed_with_a_masked_number_cannot_be_voided_where_the_card_is_required() {
    let (f, reader) = card_required();
    let sale = f
        .terminal
        .record_sale(SaleRequest {
            amount: "15.00".into(),
            card_number: "622202*********0123".into(),
            card_scheme: String::new(),
        })
        .unwrap();
    let before = untouched(&f);
    reader.will_read(read(PAN, false));
    assert_eq!(
        f.terminal.void_transaction(void_of(&sale)).map(drop),
        Err(VoidGuardError::CardNotOnFile {
            voucher_no: sale.voucher_no.clone()
        })
    );
    assert_eq!(untouched(&f), before);
}

#[test]
fn a_refund_where_the_card_is_required_compares_it_with_the_sales() {
    let (f, reader) = card_required();
    let sale = sale_read_from(&f, &reader, PAN, "100.00");
    f.terminal.settle().unwrap();
    let before = untouched(&f);
    let audit_before = audit_len(&f);
    reader.will_read(read(OTHER_PAN, false));
    assert_eq!(
        f.terminal.refund(refund_of(&sale, "40.00")).map(drop),
        Err(VoidGuardError::CardMismatch)
    );
    reader.will_read(Err(CardReaderError::Cancelled));
    assert_eq!(
        f.terminal.begin_refund(refund_of(&sale, "40.00")).map(drop),
        Err(VoidGuardError::CardNotRead {
            failure: CardReadFailure::Cancelled
        })
    );
    assert_nothing_written(&f, &before, audit_before);
    reader.will_read(read(PAN, false));
    let done = f.terminal.refund(refund_of(&sale, "40.00")).unwrap();
    assert_eq!(done.refund.unwrap().amount.to_decimal_string(), "40.00");
    assert_eq!(
        reader.asked(),
        [
            CardPurpose::Sale,
            CardPurpose::Refund,
            CardPurpose::Refund,
            CardPurpose::Refund
        ]
    );
}

/// An original not in this journal has no hash to compare: the card is read (the
/// cardholder is there) and the refund goes to the acquirer, which knows the sale.
#[test]
fn a_refund_of_an_original_not_verified_locally_reads_the_card_without_comparing() {
    let f = Fixture::ready_with_config(|c| {
        c.refund_card_required = true;
        c.unverified_refunds = true;
    });
    let reader = TestReader::new();
    f.terminal.set_card_reader(Some(reader.clone()));
    let request = RefundRequest {
        lookup: RefundLookup {
            rrn: Some("330912345678".into()),
            date: Some(f.today()),
            original_amount: Some("80.00".into()),
            ..Default::default()
        },
        amount: "30.00".into(),
        password: PASSWORD.into(),
        reason: "goods_returned".into(),
    };
    assert_eq!(
        f.terminal.refund(request.clone()).map(drop),
        Err(VoidGuardError::CardNotRead {
            failure: CardReadFailure::NoCard
        })
    );
    reader.will_read(read(OTHER_PAN, false));
    let done = f.terminal.refund(request).unwrap();
    assert!(done.original.is_none());
    assert!(done.refund.is_some());
    assert_eq!(reader.asked(), [CardPurpose::Refund, CardPurpose::Refund]);
}

/// Someone with the file swaps two sales' hashes so that the second card voids the
/// first sale: the sale's row no longer matches its audit entry.
#[test]
fn a_card_hash_swapped_in_the_file_is_tampering() {
    let (f, reader) = card_required();
    let first = sale_read_from(&f, &reader, PAN, "50.00");
    let second = sale_read_from(&f, &reader, OTHER_PAN, "60.00");
    let conn = rusqlite::Connection::open(&f.db).unwrap();
    drop_guards(&conn);
    conn.execute_batch(&format!(
        "UPDATE journal SET pan_hash = (SELECT pan_hash FROM journal WHERE id = {b})
             WHERE id = {a};",
        a = first.id,
        b = second.id
    ))
    .unwrap();
    drop(conn);
    reader.will_read(read(OTHER_PAN, false));
    let refused = f.terminal.void_transaction(void_of(&first)).unwrap_err();
    assert!(
        matches!(&refused, VoidGuardError::TamperedRow { table, .. } if table == "journal"),
        "{refused:?}"
    );
}

#[test]
fn the_card_number_is_never_in_the_file_the_trail_or_an_error() {
    let (f, reader) = card_required();
    let mut refusals = Vec::new();
    let sale = sale_read_from(&f, &reader, PAN, "88.00");
    let keyed = f.sale("21.00");
    reader.will_read(read(OTHER_PAN, true));
    refusals.push(f.terminal.void_transaction(void_of(&sale)).unwrap_err());
    reader.will_read(Err(CardReaderError::ReaderFault {
        reason: format!("track {PAN}=2912"),
    }));
    refusals.push(f.terminal.void_transaction(void_of(&sale)).unwrap_err());
    f.terminal.set_card_reader(None);
    refusals.push(f.terminal.void_transaction(void_of(&keyed)).unwrap_err());
    f.terminal.set_card_reader(Some(reader.clone()));
    reader.will_read(read(PAN, true));
    f.terminal.void_transaction(void_of(&sale)).unwrap();
    let unread = f
        .terminal
        .record_sale(SaleRequest {
            amount: "1.00".into(),
            card_number: String::new(),
            card_scheme: String::new(),
        })
        .unwrap_err();
    refusals.push(unread);
    f.terminal.settle().unwrap();
    reader.will_read(read(PAN, false));
    f.terminal.refund(refund_of(&keyed, "1.00")).unwrap();
    assert_eq!(refusals.len(), 4);

    let middle = &PAN[6..15];
    let other_middle = &OTHER_PAN[6..15];
    for e in &refusals {
        let text = format!("{e:?} {e}");
        assert!(
            !text.contains(middle) && !text.contains(other_middle),
            "{text}"
        );
    }
    let trail = format!("{:?}", f.terminal.audit(None, 100).unwrap());
    assert!(!trail.contains(middle) && !trail.contains(other_middle));
    let slip = format!("{:?}", all_rows(&f.terminal));
    assert!(!slip.contains(middle));
    let shown = format!("{:?}", read(PAN, true).unwrap());
    assert!(!shown.contains(middle), "{shown}");

    let mut files = 0;
    let mut masked_seen = false;
    for entry in std::fs::read_dir(f.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        files += 1;
        let masked = b"622202*********0123";
        masked_seen |= bytes.windows(masked.len()).any(|w| w == masked);
        for pan in [PAN, OTHER_PAN, middle, other_middle] {
            assert!(
                !bytes.windows(pan.len()).any(|w| w == pan.as_bytes()),
                "{pan} is in {}",
                path.display()
            );
        }
    }
    // The database, its write-ahead log and the key file; the rows are in them, as
    // their masked numbers show.
    assert!(files >= 2, "{files}");
    assert!(masked_seen);
}
