//! The card read for an act goes to the acquirer in that act's ISO 8583 request, as a
//! CUPS terminal sends it (F2, F14, F22, F26, F35, F52), and nowhere else: not in the
//! persisted host-leg request, not in the journal, not in the reversal. The acquirer
//! (`voidguard-host`, over loopback TCP) keeps a keyed digest of a sale's number and
//! declines (14) a void or refund that carries another card.

mod common;

use std::io::Write;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::card::{TestReader, OTHER_PAN, PAN};
use common::{void_of, Fixture};
use voidguard::host::iso::read_frame;
use voidguard::{
    CardRead, CardReaderError, HostLink, RefundLookup, RefundRequest, SaleRequest, Transaction,
    VoidGuardError,
};
use voidguard_host::{AcquirerHost, Faults};
use voidguard_iso8583::crypto::Algorithm;
use voidguard_iso8583::Message;

const PIN_BLOCK: [u8; 8] = [0x3a, 0x91, 0x0c, 0x5e, 0x77, 0x12, 0xd4, 0x08];

fn track2(pan: &str) -> String {
    format!("{pan}=2912201000001230")
}

fn card(pan: &str, pin: bool) -> Result<CardRead, CardReaderError> {
    Ok(CardRead {
        pan: pan.into(),
        track2: Some(track2(pan)),
        expiry: Some("2912".into()),
        pin_block: pin.then(|| PIN_BLOCK.to_vec()),
    })
}

/// The acquirer behind a socket that keeps every request frame it was sent.
struct Recorded {
    host: Arc<AcquirerHost>,
    frames: Arc<Mutex<Vec<Vec<u8>>>>,
    addr: String,
}

impl Recorded {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let host = AcquirerHost::new(common::iso::master(Algorithm::Tdes)).unwrap();
        let frames = Arc::new(Mutex::new(Vec::new()));
        let (serving, kept) = (Arc::clone(&host), Arc::clone(&frames));
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                while let Ok(frame) = read_frame(&mut stream) {
                    kept.lock().unwrap().push(frame.clone());
                    if let Some(answer) = serving.handle(&frame) {
                        if stream.write_all(&answer).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Self { host, frames, addr }
    }

    /// The requests of money-moving kinds the host received, decoded, in order.
    fn money_requests(&self) -> Vec<Message> {
        self.frames
            .lock()
            .unwrap()
            .iter()
            .map(|f| Message::unpack(f).unwrap())
            .filter(|m| matches!(m.mti.as_str(), "0200" | "0220" | "0400"))
            .collect()
    }

    fn last(&self) -> Message {
        self.money_requests().pop().unwrap()
    }

    fn terminal(&self) -> (Fixture, Arc<TestReader>) {
        let link: Arc<dyn HostLink> = Arc::new(common::iso::link(
            &self.addr,
            Algorithm::Tdes,
            Duration::from_millis(500),
        ));
        let f = Fixture::ready_on_host_with_config(link, |c| {
            c.void_card_required = true;
            c.refund_card_required = true;
            c.unverified_refunds = true;
        });
        let reader = TestReader::new();
        f.terminal.set_card_reader(Some(reader.clone()));
        (f, reader)
    }
}

fn sale_read(f: &Fixture, reader: &TestReader, pan: &str, pin: bool, amount: &str) -> Transaction {
    reader.will_read(card(pan, pin));
    f.terminal
        .record_sale(SaleRequest {
            amount: amount.into(),
            card_number: String::new(),
            card_scheme: String::new(),
        })
        .unwrap()
}

/// The digits of `pan` packed two a byte, as F2 and F35 carry them.
fn bcd(pan: &str) -> Vec<u8> {
    pan.as_bytes()[..pan.len() & !1]
        .chunks(2)
        .map(|p| ((p[0] - b'0') << 4) | (p[1] - b'0'))
        .collect()
}

/// No card number (as text or packed), no track 2 and no PIN block in any file the
/// terminal keeps, nor in a persisted leg request.
fn assert_no_card_kept(f: &Fixture) {
    let middle = &PAN[6..15];
    let mut text: Vec<Vec<u8>> = [PAN, OTHER_PAN, middle, &OTHER_PAN[6..15]]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
    text.push(track2(PAN).into_bytes());
    text.push(bcd(PAN));
    text.push(bcd(OTHER_PAN));
    text.push(PIN_BLOCK.to_vec());
    let files = f.file_bytes();
    assert!(files.len() >= 2, "{files:?}");
    for (path, bytes) in &files {
        for needle in &text {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == &needle[..]),
                "card data in {}",
                path.display()
            );
        }
    }
    let conn = rusqlite::Connection::open(&f.db).unwrap();
    let requests: Vec<String> = conn
        .prepare("SELECT request FROM host_legs")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for r in &requests {
        assert!(!r.contains(middle) && !r.contains("2912201"), "{r}");
    }
}

#[test]
fn a_sale_read_from_the_card_carries_it_and_a_void_with_the_same_card_is_approved() {
    let acquirer = Recorded::start();
    let (f, reader) = acquirer.terminal();
    let sale = sale_read(&f, &reader, PAN, true, "88.00");

    let m = acquirer.last();
    assert_eq!((m.mti.as_str(), m.text(3)), ("0200", Some("000000")));
    assert_eq!(m.text(2), Some(PAN));
    assert_eq!(m.text(14), Some("2912"));
    // Swiped (track 2 read), a PIN entered.
    assert_eq!(m.text(22), Some("021"));
    assert_eq!(m.text(26), Some("12"));
    assert_eq!(m.text(35), Some(track2(PAN).as_str()));
    assert_eq!(m.get(52), Some(&PIN_BLOCK[..]));

    reader.will_read(card(PAN, false));
    let done = f.terminal.void_transaction(void_of(&sale)).unwrap();
    assert!(done.void_transaction.is_some());
    let m = acquirer.last();
    assert_eq!((m.mti.as_str(), m.text(3)), ("0200", Some("200000")));
    assert_eq!(m.text(2), Some(PAN));
    // No PIN this time: 022, and neither F26 nor F52.
    assert_eq!(m.text(22), Some("022"));
    assert_eq!((m.get(26), m.get(52)), (None, None));
    assert_no_card_kept(&f);
    assert!(f.terminal.verify_audit().unwrap().ok);
}

#[test]
fn a_keyed_sale_carries_no_card_and_a_wrong_card_is_refused_before_anything_is_sent() {
    let acquirer = Recorded::start();
    let (f, reader) = acquirer.terminal();
    // A number keyed by the cashier is not a card read: nothing of it is sent.
    let keyed = f.sale("20.00");
    let m = acquirer.last();
    assert_eq!(
        (m.get(2), m.get(14), m.get(22), m.get(35), m.get(52)),
        (None, None, None, None, None)
    );
    let sent = acquirer.money_requests().len();
    reader.will_read(card(OTHER_PAN, true));
    assert_eq!(
        f.terminal.void_transaction(void_of(&keyed)).map(drop),
        Err(VoidGuardError::CardMismatch)
    );
    assert_eq!(acquirer.money_requests().len(), sent);
}

#[test]
fn the_host_declines_a_void_whose_card_is_not_the_sales_though_the_journal_says_it_is() {
    let acquirer = Recorded::start();
    let (first, first_reader) = acquirer.terminal();
    sale_read(&first, &first_reader, PAN, true, "50.00");
    // A second file under the same terminal id (a reinstall): its first sale repeats
    // the first one's trace number, and the host answers what it answered, so this
    // journal holds the first sale's RRN with another card's hash.
    let (second, second_reader) = acquirer.terminal();
    let sale = sale_read(&second, &second_reader, OTHER_PAN, true, "50.00");
    second_reader.will_read(card(OTHER_PAN, true));
    assert_eq!(
        second.terminal.void_transaction(void_of(&sale)).map(drop),
        Err(VoidGuardError::HostDeclined {
            response_code: "14".into()
        })
    );
    assert_eq!(acquirer.last().text(2), Some(OTHER_PAN));
}

#[test]
fn a_refund_of_a_sale_not_in_this_journal_is_checked_by_the_host_and_its_row_keeps_the_hash() {
    let acquirer = Recorded::start();
    let (first, first_reader) = acquirer.terminal();
    // The sale in the first terminal's second batch, so that no trace number of the
    // other file's first batch repeats one of its.
    first.terminal.settle().unwrap();
    let sale = sale_read(&first, &first_reader, PAN, false, "60.00");
    assert_eq!(sale.batch_no, "000002");
    // The same terminal id on another file: the sale is not in this journal, so only
    // the acquirer can compare the card.
    let (second, reader) = acquirer.terminal();
    let refund = |amount: &str| RefundRequest {
        lookup: RefundLookup {
            rrn: Some(sale.rrn.clone()),
            date: Some(sale.business_date.replace('-', "")),
            original_amount: Some("60.00".into()),
            ..Default::default()
        },
        amount: amount.into(),
        password: common::PASSWORD.into(),
        reason: "goods_returned".into(),
    };
    second.clock.advance(common::DAY_MS);
    reader.will_read(card(OTHER_PAN, false));
    assert_eq!(
        second.terminal.refund(refund("10.00")).map(drop),
        Err(VoidGuardError::HostDeclined {
            response_code: "14".into()
        })
    );
    let m = acquirer.last();
    assert_eq!((m.mti.as_str(), m.text(2)), ("0220", Some(OTHER_PAN)));
    reader.will_read(card(PAN, false));
    let done = second.terminal.refund(refund("10.00")).unwrap();
    let row = done.refund.unwrap();
    assert_eq!(acquirer.last().text(2), Some(PAN));
    // The refund row keeps the card's keyed hash (32 bytes), bound to the trail.
    let conn = rusqlite::Connection::open(&second.db).unwrap();
    let hash: Option<Vec<u8>> = conn
        .query_row(
            "SELECT pan_hash FROM journal WHERE voucher_no = ?1 AND kind = 'refund'",
            [&row.voucher_no],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hash.map(|h| h.len()), Some(32));
    assert!(second.terminal.verify_audit().unwrap().ok);
    assert_no_card_kept(&second);
}

#[test]
fn a_reversal_goes_from_the_stored_request_without_the_card() {
    let acquirer = Recorded::start();
    let (f, reader) = acquirer.terminal();
    acquirer.host.set_faults(Faults {
        drop_answers: 1,
        ..Faults::default()
    });
    reader.will_read(card(PAN, true));
    assert_eq!(
        f.terminal
            .record_sale(SaleRequest {
                amount: "9.00".into(),
                card_number: String::new(),
                card_scheme: String::new(),
            })
            .map(drop),
        Err(VoidGuardError::HostReversed)
    );
    let sent = acquirer.money_requests();
    let (sale, reversal) = (&sent[sent.len() - 2], &sent[sent.len() - 1]);
    assert_eq!(sale.text(2), Some(PAN));
    assert_eq!(reversal.mti, "0400");
    assert_eq!(reversal.text(11), sale.text(11));
    for bit in [2, 14, 22, 26, 35, 52] {
        assert_eq!(reversal.get(bit), None, "F{bit} in the reversal");
    }
    // The next act, with no card read, carries none: the card went with its call.
    f.sale("1.00");
    assert_eq!(acquirer.last().get(2), None);
    assert_no_card_kept(&f);
}
