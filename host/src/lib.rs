//! An acquirer host for terminals speaking ISO 8583 in the UnionPay POS dialect: it
//! signs terminals on (working keys under their master key) and out, answers echoes,
//! checks every MAC, keeps a ledger per terminal and applies the acquirer's rules — a
//! void must name an approved sale by RRN and auth code, a reversal undoes what it
//! names, a settlement compares the terminal's totals with the ledger's, and a void or
//! refund carrying a card must carry the sale's (kept as a keyed digest). A
//! settlement whose totals disagree is answered "not balanced" (F48 2) and the
//! terminal's batch upload that follows is recorded, each record checked against the
//! ledger, the batch settled with the terminal's figures when the upload ends
//! (`rules`). Faults can be injected for the next answers: drop it, corrupt its MAC,
//! decline with a code, answer a reversal without applying it.
//!
//! What it knows lives in a SQLite ledger (a file, or memory), every answer's change
//! committed before the answer is written (`ledger`).

mod card;
mod chance;
mod ledger;
mod rules;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use voidguard_iso8583::crypto::{Algorithm, Key, WorkingKeys};
use voidguard_iso8583::messages::{answer_mti, Answer, Kind, Request, Totals};
use voidguard_iso8583::Message;

pub use chance::{RandomFaults, RateError};
pub use ledger::LedgerError;
use ledger::{Books, Changed, Store, TerminalKeys};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Approved,
    Voided,
    /// Undone by a reversal, with its F39 reason kept beside.
    Reversed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// F60.1: 22 sale, 23 void.
    pub type_code: String,
    pub amount: u64,
    pub rrn: String,
    pub auth_code: String,
    pub status: Status,
    /// For a void: the sale's trace number.
    pub original_stan: Option<String>,
    /// A refund's original sale, by its RRN (a refund may name a sale of any batch).
    pub original_rrn: Option<String>,
    pub reversal_reason: Option<String>,
    /// For a sale that carried the card (F2): the keyed digest of its number, which a
    /// void or refund carrying a card is compared with.
    pub pan_digest: Option<[u8; 32]>,
}

/// (terminal id, batch, trace number).
pub type EntryKey = (String, String, String);

/// How a record of a batch upload compares with the ledger, for the acquirer's
/// reconciliation of a batch settled with the terminal's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadVerdict {
    /// The ledger has the transaction with this kind and amount.
    Agrees,
    /// The ledger has no such transaction, or has it reversed.
    Unknown,
    /// The ledger has it with another kind or amount.
    Differs,
    /// The ledger's transaction of the batch that the terminal did not upload (the
    /// row holds the ledger's kind and amount).
    NotUploaded,
}

/// One record of a batch upload (0320, 60.3 = 201), as the terminal sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedItem {
    /// F60.1 of the transaction: 22 sale, 23 void, 25 refund.
    pub type_code: String,
    pub amount: u64,
    /// Set when the upload ends (60.3 = 202).
    pub verdict: Option<UploadVerdict>,
}

#[derive(Debug, Default, Clone)]
pub struct Faults {
    /// Process the request but send no answer, this many times.
    pub drop_answers: u32,
    /// Send answers with a corrupted MAC, this many times.
    pub corrupt_macs: u32,
    /// Decline the next transactions with this code.
    pub decline_with: Option<String>,
    /// Answer A0 (MAC error) to this many requests whatever their MAC, as a host
    /// whose keys for the terminal went out of step would.
    pub reject_macs: u32,
    /// Answer this many reversals 00 without applying them, as a host whose
    /// reversal lost its way to the ledger would: the terminal's books then hold the
    /// act reversed and the host's approved, until settlement finds them apart.
    pub lose_reversals: u32,
    /// Answer this many batch-upload records (0320, 60.3 = 201) with a corrupted
    /// MAC, after recording them.
    pub corrupt_upload_macs: u32,
    /// Send no answer to this many ends of upload (0320, 60.3 = 202), after
    /// settling the batch.
    pub drop_upload_end_answers: u32,
    /// Hold this many answers back `delay_for` after they were committed: longer
    /// than the terminal's read timeout, each arrives when nobody waits for it.
    pub delay_answers: u32,
    pub delay_for: Duration,
    /// Write the first half of this many answers, then close the connection, as a
    /// line that drops in the middle of an answer does.
    pub cut_answers: u32,
    /// Drop or delay answers at random, from a seed (after the counted faults).
    pub random: Option<RandomFaults>,
}

/// How an answer goes out: held back this long, and whole or cut in the middle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Sending {
    delay: Duration,
    cut: bool,
}

pub(crate) struct State {
    books: Books,
    /// What the request being answered changed, not yet committed.
    changed: Changed,
    store: Store,
    /// A commit failed and the file could not be read back: memory may be ahead of
    /// the file, so nothing more is answered.
    broken: bool,
    sign_ons: u32,
    next_rrn: u64,
    faults: Faults,
}

impl State {
    /// Commits what the answer changed; false when it could not be, after which
    /// memory is read back from the file so it never runs ahead of it.
    fn commit(&mut self, master: &Key) -> bool {
        let changed = std::mem::take(&mut self.changed);
        if self.store.commit(&self.books, &changed, master).is_ok() {
            return true;
        }
        match self.store.load(master) {
            Ok(books) => {
                self.next_rrn = ledger::next_rrn(&books);
                self.books = books;
            }
            Err(_) => self.broken = true,
        }
        false
    }
}

pub struct AcquirerHost {
    master: Key,
    pan_key: card::PanKey,
    state: Mutex<State>,
}

/// A random working key of `algorithm`; none when the system cannot draw one (the
/// sign-on then gets no answer).
fn fresh_key(algorithm: Algorithm) -> Option<Key> {
    let mut b = zeroize::Zeroizing::new([0u8; 16]);
    getrandom::fill(&mut b[..]).ok()?;
    Key::new(algorithm, &b[..]).ok()
}

/// F39 of a sign-on asking for keys of an algorithm this host does not hand out:
/// 40, "requested function not supported" (ISO 8583 and the CUPS code list alike).
pub const ALGORITHM_REFUSED: &str = "40";

impl AcquirerHost {
    /// A host whose ledger is in memory: gone when the host is.
    pub fn new(master: Key) -> Result<Arc<Self>, LedgerError> {
        Self::open_ledger(master, None)
    }

    /// A host on the ledger file at `path`, created when missing or empty; what an
    /// earlier host on the file knew (keys, entries, settlements, audit heads) is
    /// known again. A file that is no ledger, of an unknown schema, or holding keys
    /// not under `master` is refused.
    pub fn open(master: Key, path: &Path) -> Result<Arc<Self>, LedgerError> {
        Self::open_ledger(master, Some(path))
    }

    fn open_ledger(master: Key, path: Option<&Path>) -> Result<Arc<Self>, LedgerError> {
        let store = Store::open(path)?;
        let books = store.load(&master)?;
        Ok(Arc::new(Self {
            pan_key: card::PanKey::derive(&master),
            master,
            state: Mutex::new(State {
                next_rrn: ledger::next_rrn(&books),
                books,
                changed: Changed::default(),
                store,
                broken: false,
                sign_ons: 0,
                faults: Faults::default(),
            }),
        }))
    }

    pub fn set_faults(&self, faults: Faults) {
        if let Ok(mut s) = self.state.lock() {
            s.faults = faults;
        }
    }

    pub fn ledger(&self) -> BTreeMap<EntryKey, Entry> {
        self.state
            .lock()
            .map(|s| s.books.ledger.clone())
            .unwrap_or_default()
    }

    /// The settlements seen: (terminal, batch) → (terminal's totals, 1 agree / 2 not).
    pub fn settlements(&self) -> BTreeMap<(String, String), (Totals, u8)> {
        self.state
            .lock()
            .map(|s| s.books.settled.clone())
            .unwrap_or_default()
    }

    /// The batch uploads received: (terminal, batch, voucher) → the record, with its
    /// verdict once the upload ended.
    pub fn uploads(&self) -> BTreeMap<EntryKey, UploadedItem> {
        self.state
            .lock()
            .map(|s| s.books.uploads.clone())
            .unwrap_or_default()
    }

    /// Whether the terminal's batch was settled by an upload that ended.
    pub fn settled_by_upload(&self, terminal_id: &str, batch_no: &str) -> bool {
        self.state
            .lock()
            .map(|s| {
                s.books
                    .upload_ended
                    .contains(&(terminal_id.to_owned(), batch_no.to_owned()))
            })
            .unwrap_or(false)
    }

    /// How many sign-ons this host answered (since it started).
    pub fn sign_ons(&self) -> u32 {
        self.state.lock().map(|s| s.sign_ons).unwrap_or(0)
    }

    /// Whether the terminal holds working keys that serve transactions.
    pub fn is_signed_on(&self, terminal_id: &str) -> bool {
        self.state
            .lock()
            .map(|s| s.books.keys.get(terminal_id).is_some_and(|k| !k.signed_out))
            .unwrap_or(false)
    }

    /// Listens until the listener fails; one thread per connection.
    pub fn serve(self: &Arc<Self>, listener: TcpListener) {
        for stream in listener.incoming().flatten() {
            let host = Arc::clone(self);
            std::thread::spawn(move || host.connection(stream));
        }
    }

    fn connection(&self, mut stream: TcpStream) {
        loop {
            let mut len = [0u8; 2];
            if stream.read_exact(&mut len).is_err() {
                return;
            }
            let mut frame = vec![0u8; 2 + usize::from(u16::from_be_bytes(len))];
            frame[..2].copy_from_slice(&len);
            if stream.read_exact(&mut frame[2..]).is_err() {
                return;
            }
            // No answer (unreadable, or dropped on purpose): the connection stays
            // open, so the terminal waits out its read timeout as with a lost answer.
            let mut sending = Sending::default();
            if let Some(answer) = self.answer(&frame, &mut sending) {
                // A delayed answer is held back outside the lock, so other terminals
                // are served meanwhile; it may find the terminal gone.
                std::thread::sleep(sending.delay);
                if sending.cut {
                    let _ = stream.write_all(&answer[..answer.len() / 2]);
                    let _ = stream.shutdown(std::net::Shutdown::Both);
                    return;
                }
                if stream.write_all(&answer).is_err() {
                    return;
                }
            }
        }
    }

    /// The answer frame to a request frame, or none (unreadable, an answer dropped
    /// on purpose, or a change that could not be committed). What the answer says is
    /// committed to the ledger before it is returned.
    pub fn handle(&self, frame: &[u8]) -> Option<Vec<u8>> {
        self.handle_timed(frame).0
    }

    /// Like [`AcquirerHost::handle`], with how long the answer is to be held back
    /// before it is written (zero unless random faults delay it).
    pub fn handle_timed(&self, frame: &[u8]) -> (Option<Vec<u8>>, Duration) {
        let mut sending = Sending::default();
        let answer = self.answer(frame, &mut sending);
        (answer, sending.delay)
    }

    fn answer(&self, frame: &[u8], sending: &mut Sending) -> Option<Vec<u8>> {
        let message = Message::unpack(frame).ok()?;
        let request = Request::from_message(&message).ok()?;
        let mut state = self.state.lock().ok()?;
        if state.broken {
            return None;
        }
        let tid = request.station.terminal_id.clone();
        let mut answer = Answer {
            mti: answer_mti(&message.mti).ok()?.to_owned(),
            stan: request.stan.clone(),
            response_code: "00".into(),
            rrn: None,
            auth_code: None,
            keys: None,
            settlement_flag: None,
            batch_no: request.batch_no.clone(),
        };
        if let Kind::SignOn { algorithm, .. } = request.kind {
            // The host hands out keys of its master key's algorithm only (`--algorithm`):
            // a terminal asking for the other is refused, its old keys left as they were.
            let ours = self.master.algorithm();
            if algorithm != ours {
                answer.response_code = ALGORITHM_REFUSED.into();
                return answer.to_message(&request.station).pack().ok();
            }
            let keys = WorkingKeys {
                pin: fresh_key(ours)?,
                mac: fresh_key(ours)?,
                track: Some(fresh_key(ours)?),
            };
            answer.keys = Some(keys.to_f62(&self.master).ok()?);
            let held = TerminalKeys {
                keys,
                signed_out: false,
            };
            state.books.keys.insert(tid.clone(), held);
            state.changed.keys.insert(tid);
            if !state.commit(&self.master) {
                return None;
            }
            state.sign_ons += 1;
            return answer.to_message(&request.station).pack().ok();
        }
        let held = state.books.keys.get(&tid)?;
        let (mac, signed_out) = (held.keys.mac.clone(), held.signed_out);
        if state.faults.reject_macs > 0 {
            state.faults.reject_macs -= 1;
            answer.response_code = "A0".into();
        } else if signed_out || Message::unpack_verified(frame, &mac).is_err() {
            // A0 (MAC error) also after a sign-out: the keys are no longer good,
            // and A0 is what makes a UnionPay terminal sign on again.
            answer.response_code = "A0".into();
        } else if let Some(code) = self.audit_head_refusal(&mut state, &request) {
            answer.response_code = code;
        } else {
            let card = request.card.as_ref().map(|c| self.pan_key.digest(&c.pan));
            state.apply(&request, card, &mut answer);
        }
        if !state.commit(&self.master) {
            return None;
        }
        if state.faults.drop_answers > 0 {
            state.faults.drop_answers -= 1;
            return None;
        }
        if matches!(request.kind, Kind::BatchUploadEnd { .. })
            && state.faults.drop_upload_end_answers > 0
        {
            state.faults.drop_upload_end_answers -= 1;
            return None;
        }
        if state.faults.delay_answers > 0 {
            state.faults.delay_answers -= 1;
            sending.delay = state.faults.delay_for;
        } else if state.faults.cut_answers > 0 {
            state.faults.cut_answers -= 1;
            sending.cut = true;
        } else if let Some(random) = state.faults.random.as_mut() {
            match random.draw() {
                chance::Fate::Drop => return None,
                chance::Fate::Delay(d) => sending.delay = d,
                chance::Fate::OnTime => {}
            }
        }
        let mut out = answer
            .to_message(&request.station)
            .pack_with_mac(&mac)
            .ok()?;
        let upload = matches!(request.kind, Kind::BatchUpload { .. });
        if state.faults.corrupt_macs > 0 || (upload && state.faults.corrupt_upload_macs > 0) {
            if state.faults.corrupt_macs > 0 {
                state.faults.corrupt_macs -= 1;
            } else {
                state.faults.corrupt_upload_macs -= 1;
            }
            let last = out.len() - 1;
            out[last] ^= 0x01;
        }
        Some(out)
    }

    /// F59 is `<sequence>:<mac>`; a sequence lower than one seen before means the
    /// terminal's file was rolled back: refused with A7 (security processing failed).
    fn audit_head_refusal(&self, state: &mut State, request: &Request) -> Option<String> {
        let seq: u64 = request
            .audit_head
            .as_ref()?
            .split(':')
            .next()?
            .parse()
            .ok()?;
        let tid = &request.station.terminal_id;
        let seen = state.books.audit_heads.get(tid).copied().unwrap_or(0);
        if seq < seen {
            return Some("A7".into());
        }
        if seq > seen || !state.books.audit_heads.contains_key(tid) {
            state.books.audit_heads.insert(tid.clone(), seq);
            state.changed.audit_heads.insert(tid.clone());
        }
        None
    }
}
