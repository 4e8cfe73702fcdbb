//! The acquirer's rules over the ledger: what a sale, void, refund, reversal,
//! settlement and sign-out change, each change noted for the commit that precedes
//! the answer.

use voidguard_iso8583::messages::{Answer, Kind, Request, Totals};

use crate::{card, Entry, EntryKey, State, Status};

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
                let ours = self.totals(&tid, &request.batch_no);
                let flag = if ours == *totals { 1 } else { 2 };
                let k = (tid, request.batch_no.clone());
                self.books.settled.insert(k.clone(), (*totals, flag));
                self.changed.settled.insert(k);
                answer.settlement_flag = Some(flag);
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
            Kind::SignOn { .. } | Kind::Echo | Kind::BatchUpload { .. } => {}
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
