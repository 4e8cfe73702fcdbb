//! Turning records into text: local times, money, aligned tables, CSV fields, JSON.

use serde_json::{json, Value};
use voidguard::dates::BusinessDate;
use voidguard::{Fen, HostLeg, LegDetail, TerminalConfig, Transaction};

use crate::messages::{key, Lang};

/// The offset business dates and slips use (the shipped configuration's, +08:00).
fn utc_offset_minutes() -> i32 {
    TerminalConfig::new("-").utc_offset_minutes
}

/// `YYYY-MM-DD HH:MM:SS` at the terminal's offset, as on the slip.
pub fn local_time(utc_ms: i64) -> String {
    let offset = utc_offset_minutes();
    let date = BusinessDate::from_instant(utc_ms, offset);
    let local = utc_ms.saturating_add(i64::from(offset) * 60_000);
    let secs = local.div_euclid(1000).rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}:{:02}",
        date.iso(),
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

pub fn money(amount: Fen) -> String {
    format!("RMB {amount}")
}

/// Columns on a terminal: CJK characters take two cells.
fn cells(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

/// Rows under a header, each column as wide as its widest cell.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| cells(h)).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cells(cell));
        }
    }
    let line = |cols: Vec<&str>| {
        let mut out = String::new();
        for (i, (cell, w)) in cols.iter().zip(&widths).enumerate() {
            out.push_str(cell);
            if i + 1 < cols.len() {
                out.push_str(&" ".repeat(w - cells(cell) + 2));
            }
        }
        let len = out.trim_end().len();
        out.truncate(len);
        out.push('\n');
        out
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// `label  value` lines with the values aligned.
pub fn pairs(rows: &[(&str, String)]) -> String {
    let width = rows.iter().map(|(l, _)| cells(l)).max().unwrap_or(0);
    rows.iter()
        .map(|(label, value)| format!("{label}{}  {value}\n", " ".repeat(width - cells(label))))
        .collect()
}

/// RFC 4180 quoting; a leading `=`, `+`, `-` or `@` is prefixed with `'` so a
/// spreadsheet never runs a cell as a formula.
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub fn transaction_json(t: &Transaction) -> Value {
    json!({
        "id": t.id,
        "kind": t.kind.as_str(),
        "voucher_no": t.voucher_no,
        "batch_no": t.batch_no,
        "rrn": t.rrn,
        "auth_code": t.auth_code,
        "amount": t.amount.to_decimal_string(),
        "amount_fen": t.amount.0,
        "currency": t.currency,
        "masked_pan": t.masked_pan,
        "card_scheme": t.card_scheme,
        "operator_no": t.operator_no,
        "authoriser_no": t.authoriser_no,
        "void_reason": t.void_reason,
        "business_date": t.business_date,
        "created_at_ms": t.created_at_ms,
        "status": t.status.as_str(),
        "original_voucher_no": t.original_voucher_no,
    })
}

/// An online transaction (host leg) as stored, for `--json`: kinds and states as
/// their stable codes, whatever the language.
pub fn leg_json(leg: &HostLeg) -> Value {
    let original_rrn = match &leg.request.detail {
        LegDetail::Void { original, .. } => Some(&original.rrn),
        _ => None,
    };
    json!({
        "leg_id": leg.leg_id,
        "kind": leg.kind.as_str(),
        "state": leg.state.as_str(),
        "voucher_no": leg.voucher_no,
        "original_voucher_no": leg.original_voucher_no,
        "original_rrn": original_rrn,
        "batch_no": leg.request.batch_no,
        "amount": leg.amount.to_decimal_string(),
        "amount_fen": leg.amount.0,
        "operator_no": leg.operator_no,
        "authoriser_no": leg.authoriser_no,
        "business_date": leg.business_date,
        "created_at_ms": leg.created_at_ms,
        "attempts": leg.attempts,
        "reversal_reason": leg.reversal_reason.map(|r| r.code()),
        "response_code": leg.response_code,
    })
}

/// One line per online transaction, with what the acquirer will ask about: its kind,
/// its voucher (a void's original and RRN too), amount, batch, who keyed it, where it
/// stands.
pub fn leg_line(lang: Lang, leg: &HostLeg) -> String {
    let (id, amount, batch) = (leg.leg_id, money(leg.amount), &leg.request.batch_no);
    let (kind, state) = (lang.leg_kind(leg.kind), lang.leg_state(leg.state));
    let voucher = leg.voucher_no.as_deref().unwrap_or("-");
    let what = match &leg.request.detail {
        LegDetail::Sale { masked_pan, .. } => lang.fill(
            key::CLI_LEG_SALE,
            &[&kind, &voucher, &amount, masked_pan, batch],
        ),
        LegDetail::Void { original, .. } => lang.fill(
            key::CLI_LEG_VOID,
            &[
                &kind,
                &original.voucher_no,
                &original.rrn,
                &voucher,
                &amount,
                batch,
            ],
        ),
        LegDetail::Settlement { .. } => {
            lang.fill(key::CLI_LEG_SETTLEMENT, &[&kind, batch, &amount])
        }
        LegDetail::Refund { original_rrn, .. } => lang.fill(
            key::CLI_LEG_REFUND,
            &[&kind, original_rrn, &voucher, &amount, batch],
        ),
    };
    let (operator, attempts) = (&leg.operator_no, leg.attempts);
    if attempts > 0 {
        lang.fill(
            key::CLI_LEG_LINE_ATTEMPTS,
            &[&id, &what, operator, &state, &attempts],
        )
    } else {
        lang.fill(key::CLI_LEG_LINE, &[&id, &what, operator, &state])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_is_beijing_time() {
        assert_eq!(local_time(0), "1970-01-01 08:00:00");
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("622202******1234"), "622202******1234");
    }

    #[test]
    fn tables_align_chinese_headers() {
        let t = table(&["凭证号", "x"], &[vec!["000001".into(), "y".into()]]);
        assert_eq!(t, "凭证号  x\n000001  y\n");
    }
}
