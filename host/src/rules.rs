//! The acquirer's rules over the ledger: what a sale, void, refund, reversal,
//! settlement and sign-out change, each change noted for the commit that precedes
//! the answer.
//!
//! Settlement and batch upload (结算, 批上送) as the UnionPay POS terminal
//! specification has them and public UnionPay terminal code implements them (the
//! settlement and `PosBatchUp` of CaoEnXin/LiaoYang_POS `Src/tranproc.c`, which read
//! F48's result code after a 00 and upload on 2): the 0510 is approved (00) whatever
//! the comparison, and F48's 对账应答代码 says it — 1 balanced, 2 not balanced. A refusal would leave the terminal no way to close a
//! batch whose money has already moved; "not balanced" instead asks for the
//! terminal's batch (0320, 60.3 = 201, several records each), then for its end
//! (60.3 = 202 with the count of records), after which the acquirer settles the batch
//! with the terminal's figures and reconciles the differences on its side. So a
//! not-balanced settlement starts a fresh upload (what an earlier, broken-off one
//! sent is dropped), the records are kept as they come (a record sent again replaces
//! itself), and the end checks the count, gives every record its verdict against
//! the ledger, notes the ledger's entries the terminal did not upload, and marks the
//! batch settled: the same settlement asked again is then answered balanced, which
//! is how a terminal whose answer to the end was lost learns that its batch closed.

use voidguard_iso8583::messages::{Answer, Kind, Request, Totals, BALANCED, NOT_BALANCED};

use crate::{card, Entry, EntryKey, State, Status, UploadVerdict, UploadedItem};

/// F39 for a batch upload that is not asked for (no not-balanced settlement of the
/// batch is open) or whose end counts other records than were received: 12, invalid
/// transaction, as for any request out of its place. The terminal's settlement is
/// then not closed, and it settles (and uploads) again.
pub const UPLOAD_OUT_OF_PLACE: &str = "12";

/// F39 for a void or refund whose card (F2) is not the original sale's: 14, invalid
/// card number (无效卡号), as the CUPS response-code tables of public UnionPay POS
/// code list it (e.g. `TRN_INVALID_PAN = "14"` beside 25 original not found and 12
/// invalid transaction). Not 25: the original was found, the card is what is wrong.
pub const CARD_MISMATCH: &str = "14";

/// Whether a card carried by a void or refund may stand for the sale's: none carried
/// (a terminal that does not read the card for these) or a sale that carried none
/// has nothing to compare; otherwise the digests must agree.
fn same_card(carried: Option<&[u8; 32]>, sale: Option<&[u8; 32]>) -> bool {
    match (carried, sale) {
        (Some(c), Some(s)) => card::same(c, s),
        _ => true,
    }
}

impl State {
    /// Applies a request whose MAC checked; `card` is the keyed digest of the number
    /// it carried in F2, if any.
    pub(crate) fn apply(&mut self, request: &Request, card: Option<[u8; 32]>, answer: &mut Answer) {
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
            if let Some(done) = self.books.ledger.get(&key) {
                // A repeated trace number: answer what was answered.
                answer.rrn = Some(done.rrn.clone());
                answer.auth_code = Some(done.auth_code.clone());
                return;
            }
        }
        match &request.kind {
            Kind::Sale => {
                self.approve(key.clone(), "22", request.amount, None, answer);
                if let Some(e) = self.books.ledger.get_mut(&key) {
                    e.pan_digest = card;
                }
            }
            Kind::Void { original } => {
                let found = self.books.ledger.iter().find(|((t, b, _), e)| {
                    *t == tid
                        && *b == original.batch_no
                        && e.type_code == "22"
                        && e.rrn == original.rrn
                        && e.auth_code == original.auth_code
                });
                match found {
                    Some((_, e)) if !same_card(card.as_ref(), e.pan_digest.as_ref()) => {
                        answer.response_code = CARD_MISMATCH.into();
                    }
                    Some(((_, _, stan), e))
                        if e.status == Status::Approved && e.amount == request.amount =>
                    {
                        let stan = stan.clone();
                        let k = (tid.clone(), original.batch_no.clone(), stan.clone());
                        if let Some(e) = self.books.ledger.get_mut(&k) {
                            e.status = Status::Voided;
                            self.changed.entries.insert(k);
                        }
                        self.approve(key, "23", request.amount, Some(stan), answer);
                    }
                    // 25: original not found; 12: invalid transaction (already voided,
                    // reversed, or a different amount).
                    None => answer.response_code = "25".into(),
                    Some(_) => answer.response_code = "12".into(),
                }
            }
            Kind::Reversal { .. } if self.faults.lose_reversals > 0 => {
                self.faults.lose_reversals -= 1;
            }
            Kind::Reversal { reason, .. } => {
                if let Some(e) = self.books.ledger.get_mut(&key) {
                    if e.status != Status::Reversed {
                        self.changed.entries.insert(key.clone());
                        e.status = Status::Reversed;
                        e.reversal_reason = Some(reason.clone());
                        if let Some(orig) = e.original_stan.clone() {
                            let k = (tid, request.batch_no.clone(), orig);
                            if let Some(o) = self.books.ledger.get_mut(&k) {
                                o.status = Status::Approved;
                                self.changed.entries.insert(k);
                            }
                        }
                    }
                }
            }
            Kind::Settlement { totals } => {
                let k = (tid.clone(), request.batch_no.clone());
                let uploaded = self.books.upload_ended.contains(&k)
                    && self.books.settled.get(&k).is_some_and(|(t, _)| t == totals);
                if uploaded {
                    // Settled by its upload already: the terminal asks again.
                    answer.settlement_flag = Some(BALANCED);
                    return;
                }
                let ours = self.totals(&tid, &request.batch_no);
                let flag = if ours == *totals {
                    BALANCED
                } else {
                    NOT_BALANCED
                };
                if flag == NOT_BALANCED {
                    self.start_upload(&k);
                }
                self.books.settled.insert(k.clone(), (*totals, flag));
                self.changed.settled.insert(k);
                answer.settlement_flag = Some(flag);
            }
            Kind::BatchUpload { items } => {
                let k = (tid.clone(), request.batch_no.clone());
                if !self.upload_open(&k) {
                    answer.response_code = UPLOAD_OUT_OF_PLACE.into();
                    return;
                }
                for i in items {
                    let key = (tid.clone(), request.batch_no.clone(), i.voucher_no.clone());
                    self.books.uploads.insert(
                        key.clone(),
                        UploadedItem {
                            type_code: i.type_code.clone(),
                            amount: i.amount,
                            verdict: None,
                        },
                    );
                    self.changed.uploads.insert(key);
                }
            }
            Kind::BatchUploadEnd { count } => {
                let k = (tid.clone(), request.batch_no.clone());
                if self.books.upload_ended.contains(&k) {
                    // The end sent again after its answer was lost.
                    return;
                }
                let received = self.upload_of(&k).count();
                if !self.upload_open(&k) || u32::try_from(received).ok() != Some(*count) {
                    answer.response_code = UPLOAD_OUT_OF_PLACE.into();
                    return;
                }
                self.end_upload(&k);
            }
            Kind::Refund { original } => {
                self.refund(key, &original.rrn, request.amount, card.as_ref(), answer)
            }
            // Sign-out (0820, 60.3 = 002): the keys stop serving transactions; the
            // next one is refused A0 and the terminal signs on again.
            Kind::SignOut => {
                if let Some(s) = self.books.keys.get_mut(&tid) {
                    s.signed_out = true;
                    self.changed.keys.insert(tid);
                }
            }
            // Echo (0820, 60.3 = 301): a MAC'd 00, nothing kept.
            Kind::SignOn { .. } | Kind::Echo => {}
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
        self.changed.entries.insert(key.clone());
        self.books.ledger.insert(
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
                pan_digest: None,
            },
        );
    }

    /// A refund (退货) of this terminal's sale named by RRN, of any batch: refused 25
    /// when there is no such sale, 14 when it carries another card than the sale's,
    /// 12 when it was voided or reversed, 64 (original
    /// amount incorrect) when it would take back more than the sale less the refunds
    /// not reversed. The host's own check, beside the terminal's.
    fn refund(
        &mut self,
        key: EntryKey,
        original_rrn: &str,
        amount: u64,
        card: Option<&[u8; 32]>,
        answer: &mut Answer,
    ) {
        let tid = key.0.clone();
        let sale = self
            .books
            .ledger
            .iter()
            .find(|((t, _, _), e)| *t == tid && e.type_code == "22" && e.rrn == original_rrn)
            .map(|(_, e)| (e.status, e.amount, e.pan_digest));
        let Some((status, paid, sale_card)) = sale else {
            answer.response_code = "25".into();
            return;
        };
        if !same_card(card, sale_card.as_ref()) {
            answer.response_code = CARD_MISMATCH.into();
            return;
        }
        if status != Status::Approved {
            answer.response_code = "12".into();
            return;
        }
        let refunded: u64 = self
            .books
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
        if let Some(e) = self.books.ledger.get_mut(&key) {
            e.original_rrn = Some(original_rrn.to_owned());
            self.changed.entries.insert(key);
        }
    }

    fn upload_open(&self, k: &(String, String)) -> bool {
        !self.books.upload_ended.contains(k)
            && self
                .books
                .settled
                .get(k)
                .is_some_and(|(_, flag)| *flag == NOT_BALANCED)
    }

    /// The keys of the batch's upload rows.
    fn upload_of<'a>(&'a self, k: &'a (String, String)) -> impl Iterator<Item = EntryKey> + 'a {
        self.books
            .uploads
            .keys()
            .filter(move |(t, b, _)| *t == k.0 && *b == k.1)
            .cloned()
    }

    /// A not-balanced settlement: whatever an earlier upload of the batch left is
    /// dropped, the terminal sends the whole batch again.
    fn start_upload(&mut self, k: &(String, String)) {
        let old: Vec<EntryKey> = self.upload_of(k).collect();
        for key in old {
            self.books.uploads.remove(&key);
            self.changed.uploads.insert(key);
        }
        self.books.upload_ended.remove(k);
    }

    /// The end of the upload: every record's verdict, the ledger's entries the
    /// terminal did not upload added, and the batch settled.
    fn end_upload(&mut self, k: &(String, String)) {
        let keys: Vec<EntryKey> = self.upload_of(k).collect();
        for key in &keys {
            let verdict = match (self.books.ledger.get(key), self.books.uploads.get(key)) {
                (Some(e), Some(u)) if e.status != Status::Reversed => {
                    if e.type_code == u.type_code && e.amount == u.amount {
                        UploadVerdict::Agrees
                    } else {
                        UploadVerdict::Differs
                    }
                }
                _ => UploadVerdict::Unknown,
            };
            if let Some(u) = self.books.uploads.get_mut(key) {
                u.verdict = Some(verdict);
            }
            self.changed.uploads.insert(key.clone());
        }
        let missing: Vec<(EntryKey, UploadedItem)> = self
            .books
            .ledger
            .iter()
            .filter(|((t, b, _), e)| *t == k.0 && *b == k.1 && e.status != Status::Reversed)
            .filter(|(key, _)| !self.books.uploads.contains_key(*key))
            .map(|(key, e)| {
                (
                    key.clone(),
                    UploadedItem {
                        type_code: e.type_code.clone(),
                        amount: e.amount,
                        verdict: Some(UploadVerdict::NotUploaded),
                    },
                )
            })
            .collect();
        for (key, item) in missing {
            self.books.uploads.insert(key.clone(), item);
            self.changed.uploads.insert(key);
        }
        self.books.upload_ended.insert(k.clone());
        self.changed.settled.insert(k.clone());
    }

    /// Sales not reversed (voided ones included, as the terminal counts them) and
    /// voids and refunds not reversed (the credits).
    fn totals(&self, tid: &str, batch: &str) -> Totals {
        let mut t = Totals::default();
        for ((t_id, b, _), e) in &self.books.ledger {
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
