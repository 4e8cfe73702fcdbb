//! The acquirer's side of the host legs, with its own ledger: what it approved,
//! declined and reversed, keyed by the request (a sale's or void's batch and voucher,
//! a settlement's batch). The crash child's host and the host a restarted terminal
//! reconciles with answer from it, so what the terminal ends with can be compared
//! with what the acquirer did, transaction by transaction. Kept in a file (each
//! entry appended and fsync'ed before the answer leaves, as a host's own durable
//! ledger) or only in memory.
//!
//! Shared by `tests/crash_kill.rs`, `tests/concurrency.rs` and
//! `examples/crash_child.rs` (included by path).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Mutex;

use voidguard::{
    BatchTotals, Fen, HostError, HostReply, HostRequest, LegDetail, LegKind, ReversalReply,
};

/// A request as the acquirer files it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    Sale {
        batch_no: String,
        voucher_no: String,
    },
    Void {
        batch_no: String,
        voucher_no: String,
    },
    Settlement {
        batch_no: String,
    },
    Refund {
        batch_no: String,
        voucher_no: String,
    },
}

impl Key {
    pub fn of(request: &HostRequest) -> Self {
        let batch_no = request.batch_no.clone();
        match &request.detail {
            LegDetail::Sale { voucher_no, .. } => Key::Sale {
                batch_no,
                voucher_no: voucher_no.clone(),
            },
            LegDetail::Void { voucher_no, .. } => Key::Void {
                batch_no,
                voucher_no: voucher_no.clone(),
            },
            LegDetail::Settlement { .. } => Key::Settlement { batch_no },
            LegDetail::Refund { voucher_no, .. } => Key::Refund {
                batch_no,
                voucher_no: voucher_no.clone(),
            },
        }
    }

    pub fn kind(&self) -> LegKind {
        match self {
            Key::Sale { .. } => LegKind::Sale,
            Key::Void { .. } => LegKind::Void,
            Key::Settlement { .. } => LegKind::Settlement,
            Key::Refund { .. } => LegKind::Refund,
        }
    }

    fn words(&self) -> String {
        match self {
            Key::Sale {
                batch_no,
                voucher_no,
            } => format!("sale {batch_no} {voucher_no}"),
            Key::Void {
                batch_no,
                voucher_no,
            } => format!("void {batch_no} {voucher_no}"),
            Key::Settlement { batch_no } => format!("settlement {batch_no} -"),
            Key::Refund {
                batch_no,
                voucher_no,
            } => format!("refund {batch_no} {voucher_no}"),
        }
    }

    fn parse(kind: &str, batch_no: &str, voucher_no: &str) -> Self {
        let (batch_no, voucher_no) = (batch_no.to_owned(), voucher_no.to_owned());
        match kind {
            "sale" => Key::Sale {
                batch_no,
                voucher_no,
            },
            "void" => Key::Void {
                batch_no,
                voucher_no,
            },
            "settlement" => Key::Settlement { batch_no },
            "refund" => Key::Refund {
                batch_no,
                voucher_no,
            },
            other => panic!("the acquirer's ledger holds a {other:?}"),
        }
    }
}

/// Where a request stands at the acquirer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Approved with these numbers (a settlement's are empty), for this amount; a
    /// void names the sale it cancels, a settlement carries the totals it closed.
    Approved {
        rrn: String,
        auth_code: String,
        amount: Fen,
        original_voucher_no: Option<String>,
        totals: Option<BatchTotals>,
    },
    Declined,
    /// Approved once, then reversed (冲正): nothing happened.
    Reversed,
}

/// What the acquirer does with a request it receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Decline,
    /// Approves, then the answer is lost on the way back.
    ApproveAnswerLost,
    /// The request never reaches the acquirer.
    Lost,
}

/// The response code the acquirer declines with (51: insufficient funds).
pub const DECLINE_CODE: &str = "51";

pub struct Acquirer {
    book: Mutex<Book>,
}

struct Book {
    standing: BTreeMap<Key, Standing>,
    /// Every request that reached the acquirer, in order, with its amount.
    received: Vec<(Key, Fen)>,
    file: Option<File>,
    /// Numbers issued, so every approval has its own.
    issued: u64,
}

impl Acquirer {
    pub fn in_memory() -> Self {
        Self {
            book: Mutex::new(Book {
                standing: BTreeMap::new(),
                received: Vec::new(),
                file: None,
                issued: 0,
            }),
        }
    }

    /// The acquirer whose ledger is `path`, as far as it was written. A line cut short
    /// (the host died writing it) was never answered: it is dropped.
    pub fn open(path: &Path) -> Self {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .expect("the acquirer's ledger opens");
        let mut text = String::new();
        file.read_to_string(&mut text)
            .expect("the acquirer's ledger reads");
        let whole = text.rfind('\n').map_or(0, |at| at + 1);
        if whole < text.len() {
            file.set_len(whole as u64).expect("the cut line is dropped");
            file.seek(SeekFrom::End(0)).unwrap();
        }
        let acquirer = Self::in_memory();
        {
            let mut book = acquirer.book.lock().unwrap();
            for line in text[..whole].lines() {
                book.replay(line);
            }
            book.file = Some(file);
        }
        acquirer
    }

    /// A request arrives: the acquirer decides as told, unless it had decided about
    /// the same request before (it answers the same again). The entry is on disk
    /// before the answer leaves.
    pub fn receive(
        &self,
        request: &HostRequest,
        decision: Decision,
    ) -> Result<HostReply, HostError> {
        if decision == Decision::Lost {
            return Err(HostError::Timeout);
        }
        let key = Key::of(request);
        let mut book = self.book.lock().unwrap();
        book.received.push((key.clone(), request.amount));
        book.record(&format!("received {} {}", key.words(), request.amount.0));
        let earlier = book.standing.get(&key).cloned();
        let again = key.kind() != LegKind::Settlement;
        let standing = match earlier {
            Some(s @ Standing::Approved { .. }) => s,
            Some(Standing::Declined) if again => Standing::Declined,
            // A settlement refused or never made may be asked for again.
            _ => match decision {
                Decision::Decline => {
                    book.set(&key, Standing::Declined, "declined".into());
                    Standing::Declined
                }
                _ => book.approve(&key, request),
            },
        };
        match (standing, decision) {
            (_, Decision::ApproveAnswerLost) => Err(HostError::Timeout),
            (Standing::Approved { rrn, auth_code, .. }, _) => {
                Ok(HostReply::Approved { rrn, auth_code })
            }
            _ => Ok(HostReply::Declined {
                response_code: DECLINE_CODE.into(),
            }),
        }
    }

    /// A reversal (冲正) arrives. An approved sale or void is undone when `undo` says
    /// so, otherwise confirmed with its numbers; a settlement cannot be undone: it is
    /// confirmed if the acquirer closed that batch, and answered reversed if not.
    /// Anything else the acquirer never approved: reversed.
    pub fn reverse(&self, request: &HostRequest, undo: bool) -> ReversalReply {
        let key = Key::of(request);
        let mut book = self.book.lock().unwrap();
        match book.standing.get(&key).cloned() {
            Some(Standing::Approved { rrn, auth_code, .. })
                if !undo || key.kind() == LegKind::Settlement =>
            {
                ReversalReply::Approved { rrn, auth_code }
            }
            Some(Standing::Approved { .. }) => {
                book.set(&key, Standing::Reversed, "reversed".into());
                ReversalReply::Reversed
            }
            _ => ReversalReply::Reversed,
        }
    }

    pub fn standing(&self, request: &HostRequest) -> Option<Standing> {
        self.book
            .lock()
            .unwrap()
            .standing
            .get(&Key::of(request))
            .cloned()
    }

    /// Every request the acquirer filed, with where it stands.
    pub fn ledger(&self) -> BTreeMap<Key, Standing> {
        self.book.lock().unwrap().standing.clone()
    }

    /// Every request that reached the acquirer, in order.
    pub fn received(&self) -> Vec<(Key, Fen)> {
        self.book.lock().unwrap().received.clone()
    }
}

impl Book {
    fn record(&mut self, line: &str) {
        if let Some(file) = &mut self.file {
            let line = format!("{line}\n");
            file.write_all(line.as_bytes())
                .and_then(|()| file.sync_data())
                .expect("the acquirer's ledger is written");
        }
    }

    fn set(&mut self, key: &Key, standing: Standing, what: String) {
        self.record(&format!("{what} {}", key.words()));
        self.standing.insert(key.clone(), standing);
    }

    fn approve(&mut self, key: &Key, request: &HostRequest) -> Standing {
        self.issued += 1;
        let (rrn, auth_code) = match key {
            Key::Settlement { .. } => (String::new(), String::new()),
            _ => (
                format!("{:012}", self.issued % 1_000_000_000_000),
                format!("{:06}", self.issued % 1_000_000),
            ),
        };
        let (original_voucher_no, totals) = match &request.detail {
            LegDetail::Void { original, .. } => (Some(original.voucher_no.clone()), None),
            LegDetail::Settlement { totals } => (None, Some(*totals)),
            LegDetail::Refund {
                original_voucher_no,
                ..
            } => (original_voucher_no.clone(), None),
            LegDetail::Sale { .. } => (None, None),
        };
        let standing = Standing::Approved {
            rrn: rrn.clone(),
            auth_code: auth_code.clone(),
            amount: request.amount,
            original_voucher_no: original_voucher_no.clone(),
            totals,
        };
        let t = totals.unwrap_or_default();
        let what = format!(
            "approved {} {} {} {} {} {} {} {} {} {}",
            request.amount.0,
            or_dash(&rrn),
            or_dash(&auth_code),
            original_voucher_no.as_deref().unwrap_or("-"),
            t.sale_count,
            t.sale_total.0,
            t.void_count,
            t.void_total.0,
            t.refund_count,
            t.refund_total.0,
        );
        self.set(key, standing.clone(), what);
        standing
    }

    /// Rebuilds the state from one line of the file.
    fn replay(&mut self, line: &str) {
        let w: Vec<&str> = line.split_whitespace().collect();
        let fen = |s: &str| Fen(s.parse().expect("an amount in the acquirer's ledger"));
        let n = |s: &str| s.parse::<u32>().expect("a count in the acquirer's ledger");
        match w.as_slice() {
            ["received", kind, batch, voucher, amount] => {
                let key = Key::parse(kind, batch, voucher);
                self.received.push((key, fen(amount)));
            }
            ["approved", amount, rrn, auth, original, sales, sale_total, voids, void_total, refunds, refund_total, kind, batch, voucher] =>
            {
                self.issued += 1;
                let key = Key::parse(kind, batch, voucher);
                let totals = (key.kind() == LegKind::Settlement).then(|| BatchTotals {
                    sale_count: n(sales),
                    sale_total: fen(sale_total),
                    void_count: n(voids),
                    void_total: fen(void_total),
                    refund_count: n(refunds),
                    refund_total: fen(refund_total),
                });
                let standing = Standing::Approved {
                    rrn: from_dash(rrn),
                    auth_code: from_dash(auth),
                    amount: fen(amount),
                    original_voucher_no: (*original != "-").then(|| original.to_string()),
                    totals,
                };
                self.standing.insert(key, standing);
            }
            ["declined", kind, batch, voucher] => {
                let key = Key::parse(kind, batch, voucher);
                self.standing.insert(key, Standing::Declined);
            }
            ["reversed", kind, batch, voucher] => {
                let key = Key::parse(kind, batch, voucher);
                self.standing.insert(key, Standing::Reversed);
            }
            _ => panic!("the acquirer's ledger holds {line:?}"),
        }
    }
}

fn or_dash(s: &str) -> &str {
    if s.is_empty() {
        "-"
    } else {
        s
    }
}

fn from_dash(s: &str) -> String {
    if s == "-" {
        String::new()
    } else {
        s.to_owned()
    }
}
