//! The slip (签购单) for a journal row, in Chinese or English. A void slip names the
//! original voucher (原凭证号), as the source material's void screen does; a refund
//! slip (退货签购单) its original's RRN (原参考号) and date (原交易日期), and its
//! voucher where the original is in this journal. A sale's reprint lists the refunds
//! against it.

use rusqlite::Connection;

use crate::context::Ctx;
use crate::dates::BusinessDate;
use crate::error::{Result, VoidGuardError};
use crate::journal::numbering::{BatchNo, VoucherNo};
use crate::journal::{self, Transaction, TransactionKind};
use crate::profile::{self, Profile};

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Locale {
    ZhCn,
    En,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReceiptLine {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Receipt {
    pub title: String,
    pub lines: Vec<ReceiptLine>,
    /// The slip as plain text, one `label: value` per line under the title.
    pub text: String,
}

struct Labels {
    title: &'static str,
    refund_title: &'static str,
    refund: &'static str,
    original_rrn: &'static str,
    original_date: &'static str,
    not_verified: &'static str,
    refund_reason: &'static str,
    refunded: &'static str,
    merchant_no: &'static str,
    terminal_id: &'static str,
    operator: &'static str,
    card: &'static str,
    scheme: &'static str,
    kind: &'static str,
    sale: &'static str,
    void: &'static str,
    batch: &'static str,
    voucher: &'static str,
    original_voucher: &'static str,
    auth_code: &'static str,
    rrn: &'static str,
    date_time: &'static str,
    amount: &'static str,
    authoriser: &'static str,
    reason: &'static str,
}

const ZH: Labels = Labels {
    title: "签购单",
    refund_title: "退货签购单",
    refund: "退货",
    original_rrn: "原参考号",
    original_date: "原交易日期",
    not_verified: "原交易未在本机核实",
    refund_reason: "退货原因",
    refunded: "已退货",
    merchant_no: "商户号",
    terminal_id: "终端号",
    operator: "操作员号",
    card: "卡号",
    scheme: "卡组织",
    kind: "交易类型",
    sale: "消费",
    void: "消费撤销",
    batch: "批次号",
    voucher: "凭证号",
    original_voucher: "原凭证号",
    auth_code: "授权码",
    rrn: "参考号",
    date_time: "日期/时间",
    amount: "金额",
    authoriser: "授权主管",
    reason: "撤销原因",
};

const EN: Labels = Labels {
    title: "SALES SLIP",
    refund_title: "REFUND SLIP",
    refund: "REFUND",
    original_rrn: "ORIG REF NO",
    original_date: "ORIG DATE",
    not_verified: "ORIGINAL NOT VERIFIED LOCALLY",
    refund_reason: "REFUND REASON",
    refunded: "REFUNDED",
    merchant_no: "MERCHANT NO",
    terminal_id: "TERMINAL ID",
    operator: "OPERATOR",
    card: "CARD NO",
    scheme: "CARD SCHEME",
    kind: "TRANS TYPE",
    sale: "SALE",
    void: "VOID",
    batch: "BATCH NO",
    voucher: "VOUCHER NO",
    original_voucher: "ORIG VOUCHER NO",
    auth_code: "AUTH CODE",
    rrn: "REF NO",
    date_time: "DATE/TIME",
    amount: "AMOUNT",
    authoriser: "AUTHORISED BY",
    reason: "VOID REASON",
};

/// The default void reasons (`config::DEFAULT_REASONS`) as a slip prints them, in the
/// Chinese of the app's catalogue (`reason_*` in values-zh-rCN/strings.xml); a reason
/// the acquirer configured beyond those prints as its code.
fn reason_text(code: &str, locale: Locale) -> &str {
    let (zh, en) = match code {
        "customer_request" => ("客户要求", "CUSTOMER REQUEST"),
        "wrong_amount" => ("金额错误", "WRONG AMOUNT"),
        "duplicate_charge" => ("重复扣款", "DUPLICATE CHARGE"),
        "goods_returned_same_day" => ("当日退货", "GOODS RETURNED SAME DAY"),
        "other" => ("其他", "OTHER"),
        "goods_returned" => ("顾客退货", "GOODS RETURNED"),
        "service_not_provided" => ("未提供服务", "SERVICE NOT PROVIDED"),
        "price_adjustment" => ("价格调整", "PRICE ADJUSTMENT"),
        _ => return code,
    };
    match locale {
        Locale::ZhCn => zh,
        Locale::En => en,
    }
}

fn local_time(utc_ms: i64, offset_minutes: i32) -> String {
    let date = BusinessDate::from_instant(utc_ms, offset_minutes);
    let local = utc_ms.saturating_add(i64::from(offset_minutes) * 60_000);
    let secs = local.div_euclid(1000).rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}:{:02}",
        date.iso(),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// The slip of the row with this voucher number in the open batch (or the latest
/// earlier one); a sale's slip lists the refunds against it.
pub fn of_voucher(
    conn: &Connection,
    ctx: &Ctx<'_>,
    voucher: VoucherNo,
    open_batch: BatchNo,
    locale: Locale,
) -> Result<Receipt> {
    let profile = profile::require(conn)?;
    let t = journal::by_voucher(conn, voucher, open_batch)?.ok_or_else(|| {
        VoidGuardError::TransactionNotFound {
            voucher_no: voucher.to_string(),
        }
    })?;
    let refunds = match t.kind {
        TransactionKind::Sale => journal::refunds_of(conn, t.id)?,
        _ => Vec::new(),
    };
    Ok(render(
        &t,
        &refunds,
        &profile,
        locale,
        ctx.config.utc_offset_minutes,
    ))
}

/// The slip of `t`; `refunds` are the refunds against it when `t` is a sale.
pub fn render(
    t: &Transaction,
    refunds: &[Transaction],
    profile: &Profile,
    locale: Locale,
    offset_minutes: i32,
) -> Receipt {
    let l = match locale {
        Locale::ZhCn => &ZH,
        Locale::En => &EN,
    };
    let mut lines = Vec::new();
    let mut add = |label: &str, value: String| {
        lines.push(ReceiptLine {
            label: label.to_owned(),
            value,
        })
    };
    add(l.merchant_no, profile.merchant_no.clone());
    add(l.terminal_id, profile.terminal_id.clone());
    add(l.operator, t.operator_no.clone());
    add(l.card, t.masked_pan.clone());
    add(l.scheme, t.card_scheme.clone());
    let kind = match t.kind {
        TransactionKind::Sale => l.sale,
        TransactionKind::Void => l.void,
        TransactionKind::Refund => l.refund,
    };
    add(l.kind, kind.to_owned());
    add(l.batch, t.batch_no.clone());
    add(l.voucher, t.voucher_no.clone());
    if let Some(original) = &t.original_voucher_no {
        add(l.original_voucher, original.clone());
    }
    if let Some(rrn) = &t.original_rrn {
        add(l.original_rrn, rrn.clone());
    }
    if let Some(date) = &t.original_business_date {
        add(l.original_date, date.clone());
    }
    if t.kind == TransactionKind::Refund && t.original_voucher_no.is_none() {
        add(l.not_verified, String::new());
    }
    add(l.auth_code, t.auth_code.clone());
    add(l.rrn, t.rrn.clone());
    add(l.date_time, local_time(t.created_at_ms, offset_minutes));
    let sign = if t.kind == TransactionKind::Sale {
        ""
    } else {
        "-"
    };
    add(l.amount, format!("RMB {sign}{}", t.amount));
    if let Some(by) = &t.authoriser_no {
        add(l.authoriser, by.clone());
    }
    if let Some(reason) = &t.void_reason {
        let label = if t.kind == TransactionKind::Refund {
            l.refund_reason
        } else {
            l.reason
        };
        add(label, reason_text(reason, locale).to_owned());
    }
    for refund in refunds {
        add(
            l.refunded,
            format!(
                "{} {} RMB -{}",
                refund.voucher_no, refund.business_date, refund.amount
            ),
        );
    }
    let title = if t.kind == TransactionKind::Refund {
        l.refund_title
    } else {
        l.title
    };
    let mut text = format!("{title}\n");
    for line in &lines {
        text.push_str(&format!("{}: {}\n", line.label, line.value));
    }
    Receipt {
        title: title.to_owned(),
        lines,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_applies_the_offset() {
        assert_eq!(local_time(0, 480), "1970-01-01 08:00:00");
        assert_eq!(local_time(86_399_000, 0), "1970-01-01 23:59:59");
    }

    #[test]
    fn every_default_reason_prints_in_words_and_others_as_their_code() {
        for code in crate::config::DEFAULT_REASONS {
            for locale in [Locale::ZhCn, Locale::En] {
                assert_ne!(reason_text(code, locale), code, "{code} {locale:?}");
            }
        }
        assert_eq!(
            reason_text("goods_returned_same_day", Locale::ZhCn),
            "当日退货"
        );
        assert_eq!(reason_text("store_policy", Locale::En), "store_policy");
    }
}
