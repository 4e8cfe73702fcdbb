//! An acquirer host for terminals speaking ISO 8583 in the UnionPay POS dialect: it
//! signs terminals on (working keys under their master key), checks every MAC, keeps
//! a ledger per terminal and applies the acquirer's rules — a void must name an
//! approved sale by RRN and auth code, a reversal undoes what it names, a settlement
//! compares the terminal's totals with the ledger's. Faults can be injected for the
//! next answers: drop it, corrupt its MAC, decline with a code.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use voidguard_iso8583::crypto::{Key, WorkingKeys};
use voidguard_iso8583::messages::{answer_mti, Answer, Kind, Request, Totals};
use voidguard_iso8583::Message;

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
}

/// (terminal id, batch, trace number).
pub type EntryKey = (String, String, String);

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
}

#[derive(Default)]
struct State {
    keys: BTreeMap<String, WorkingKeys>,
    ledger: BTreeMap<EntryKey, Entry>,
    settled: BTreeMap<(String, String), (Totals, u8)>,
    audit_heads: BTreeMap<String, u64>,
    sign_ons: u32,
    next_rrn: u64,
    faults: Faults,
}

pub struct AcquirerHost {
    master: Key,
    state: Mutex<State>,
}

/// A random working key; none when the system cannot draw one (the sign-on then
/// gets no answer).
fn fresh_key() -> Option<Key> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).ok()?;
    Key::from_bytes(&b).ok()
}

impl AcquirerHost {
    pub fn new(master: Key) -> Arc<Self> {
        Arc::new(Self {
            master,
            state: Mutex::new(State {
                next_rrn: 1,
                ..State::default()
            }),
        })
    }

    pub fn set_faults(&self, faults: Faults) {
        if let Ok(mut s) = self.state.lock() {
            s.faults = faults;
        }
    }

    pub fn ledger(&self) -> BTreeMap<EntryKey, Entry> {
        self.state
            .lock()
            .map(|s| s.ledger.clone())
            .unwrap_or_default()
    }

    /// The settlements seen: (terminal, batch) → (terminal's totals, 1 agree / 2 not).
    pub fn settlements(&self) -> BTreeMap<(String, String), (Totals, u8)> {
        self.state
            .lock()
            .map(|s| s.settled.clone())
            .unwrap_or_default()
    }

    /// How many sign-ons were answered.
    pub fn sign_ons(&self) -> u32 {
        self.state.lock().map(|s| s.sign_ons).unwrap_or(0)
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
            if let Some(answer) = self.handle(&frame) {
                if stream.write_all(&answer).is_err() {
                    return;
                }
            }
        }
    }

    /// The answer frame to a request frame, or none (unreadable, or an answer
    /// dropped on purpose).
    pub fn handle(&self, frame: &[u8]) -> Option<Vec<u8>> {
        let message = Message::unpack(frame).ok()?;
        let request = Request::from_message(&message).ok()?;
        let mut state = self.state.lock().ok()?;
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
        if let Kind::SignOn { .. } = request.kind {
            let keys = WorkingKeys {
                pin: fresh_key()?,
                mac: fresh_key()?,
                track: Some(fresh_key()?),
            };
            answer.keys = Some(keys.to_f62(&self.master));
            state.keys.insert(tid, keys);
            state.sign_ons += 1;
            return answer.to_message(&request.station).pack().ok();
        }
        let mac = state.keys.get(&tid)?.mac.clone();
        if state.faults.reject_macs > 0 {
            state.faults.reject_macs -= 1;
            answer.response_code = "A0".into();
        } else if Message::unpack_verified(frame, &mac).is_err() {
            answer.response_code = "A0".into();
        } else if let Some(code) = self.audit_head_refusal(&mut state, &request) {
            answer.response_code = code;
        } else {
            state.apply(&request, &mut answer);
        }
        if state.faults.drop_answers > 0 {
            state.faults.drop_answers -= 1;
            return None;
        }
        let mut out = answer
            .to_message(&request.station)
            .pack_with_mac(&mac)
            .ok()?;
        if state.faults.corrupt_macs > 0 {
            state.faults.corrupt_macs -= 1;
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
        let seen = state
            .audit_heads
            .entry(request.station.terminal_id.clone())
            .or_insert(0);
        if seq < *seen {
            return Some("A7".into());
        }
        *seen = seq;
        None
    }
}

impl State {
    fn apply(&mut self, request: &Request, answer: &mut Answer) {
        let tid = request.station.terminal_id.clone();
        let key = (tid.clone(), request.batch_no.clone(), request.stan.clone());
        let moves_money = matches!(
            request.kind,
            Kind::Sale | Kind::Void { .. } | Kind::Refund { .. }
        );
        if moves_money {
            if let Some(code) = self.faults.decline_with.take() {
                answer.response_code = code;
                return;
            }
            if let Some(done) = self.ledger.get(&key) {
                // A repeated trace number: answer what was answered.
                answer.rrn = Some(done.rrn.clone());
                answer.auth_code = Some(done.auth_code.clone());
                return;
            }
        }
        match &request.kind {
            Kind::Sale => self.approve(key, "22", request.amount, None, answer),
            Kind::Void { original } => {
                let found = self.ledger.iter().find(|((t, b, _), e)| {
                    *t == tid
                        && *b == original.batch_no
                        && e.type_code == "22"
                        && e.rrn == original.rrn
                        && e.auth_code == original.auth_code
                });
                match found {
                    Some(((_, _, stan), e))
                        if e.status == Status::Approved && e.amount == request.amount =>
                    {
                        let stan = stan.clone();
                        let k = (tid.clone(), original.batch_no.clone(), stan.clone());
                        if let Some(e) = self.ledger.get_mut(&k) {
                            e.status = Status::Voided;
                        }
                        self.approve(key, "23", request.amount, Some(stan), answer);
                    }
                    // 25: original not found; 12: invalid transaction (already voided,
                    // reversed, or a different amount).
                    None => answer.response_code = "25".into(),
                    Some(_) => answer.response_code = "12".into(),
                }
            }
            Kind::Reversal { reason, .. } => {
                if let Some(e) = self.ledger.get_mut(&key) {
                    if e.status != Status::Reversed {
                        e.status = Status::Reversed;
                        e.reversal_reason = Some(reason.clone());
                        if let Some(orig) = e.original_stan.clone() {
                            let k = (tid, request.batch_no.clone(), orig);
                            if let Some(o) = self.ledger.get_mut(&k) {
                                o.status = Status::Approved;
                            }
                        }
                    }
                }
            }
            Kind::Settlement { totals } => {
                let ours = self.totals(&tid, &request.batch_no);
                let flag = if ours == *totals { 1 } else { 2 };
                self.settled
                    .insert((tid, request.batch_no.clone()), (*totals, flag));
                answer.settlement_flag = Some(flag);
            }
            Kind::Refund { original } => self.refund(key, &original.rrn, request.amount, answer),
            Kind::SignOn { .. } | Kind::SignOut | Kind::Echo | Kind::BatchUpload { .. } => {}
        }
    }

    fn approve(
        &mut self,
        key: EntryKey,
        type_code: &str,
        amount: u64,
        original_stan: Option<String>,
        answer: &mut Answer,
    ) {
        let n = self.next_rrn;
        self.next_rrn += 1;
        let rrn = format!("{n:012}");
        let auth_code = format!("{:06}", n % 1_000_000);
        answer.rrn = Some(rrn.clone());
        answer.auth_code = Some(auth_code.clone());
        self.ledger.insert(
            key,
            Entry {
                type_code: type_code.into(),
                amount,
                rrn,
                auth_code,
                status: Status::Approved,
                original_stan,
                original_rrn: None,
                reversal_reason: None,
            },
        );
    }

    /// A refund (退货) of this terminal's sale named by RRN, of any batch: refused 25
    /// when there is no such sale, 12 when it was voided or reversed, 64 (original
    /// amount incorrect) when it would take back more than the sale less the refunds
    /// not reversed. The host's own check, beside the terminal's.
    fn refund(&mut self, key: EntryKey, original_rrn: &str, amount: u64, answer: &mut Answer) {
        let tid = key.0.clone();
        let sale = self
            .ledger
            .iter()
            .find(|((t, _, _), e)| *t == tid && e.type_code == "22" && e.rrn == original_rrn)
            .map(|(_, e)| (e.status, e.amount));
        let Some((status, paid)) = sale else {
            answer.response_code = "25".into();
            return;
        };
        if status != Status::Approved {
            answer.response_code = "12".into();
            return;
        }
        let refunded: u64 = self
            .ledger
            .iter()
            .filter(|((t, _, _), e)| {
                *t == tid
                    && e.type_code == "25"
                    && e.status != Status::Reversed
                    && e.original_rrn.as_deref() == Some(original_rrn)
            })
            .map(|(_, e)| e.amount)
            .sum();
        if refunded.saturating_add(amount) > paid {
            answer.response_code = "64".into();
            return;
        }
        self.approve(key.clone(), "25", amount, None, answer);
        if let Some(e) = self.ledger.get_mut(&key) {
            e.original_rrn = Some(original_rrn.to_owned());
        }
    }

    /// Sales not reversed (voided ones included, as the terminal counts them) and
    /// voids and refunds not reversed (the credits).
    fn totals(&self, tid: &str, batch: &str) -> Totals {
        let mut t = Totals::default();
        for ((t_id, b, _), e) in &self.ledger {
            if t_id != tid || b != batch || e.status == Status::Reversed {
                continue;
            }
            match e.type_code.as_str() {
                "22" => {
                    t.debit_count += 1;
                    t.debit_amount += e.amount;
                }
                "23" | "25" => {
                    t.credit_count += 1;
                    t.credit_amount += e.amount;
                }
                _ => {}
            }
        }
        t
    }
}
