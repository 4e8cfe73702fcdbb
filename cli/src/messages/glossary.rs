//! The catalogue kept in step: every text in both languages with the same placeholders,
//! and the glossary's terms (DESIGN.md §1) spelled one way in every Chinese text.

use std::collections::BTreeSet;

use super::catalogue::{fill, EN, ZH};

/// The glossary (DESIGN.md §1), and the texts that are nothing but the term: each
/// must say it exactly so.
const GLOSSARY: &[(&str, &str, &[&str])] = &[
    (
        "sale",
        "消费",
        &[
            "kind_sale",
            "leg_kind_sale",
            "menu_sale",
            "cli_kind_sale",
            "cli_leg_kind_sale",
        ],
    ),
    (
        "void",
        "消费撤销",
        &[
            "kind_void",
            "leg_kind_void",
            "menu_void",
            "title_void",
            "void_menu_title",
            "label_voids",
            "cli_kind_void",
            "cli_leg_kind_void",
        ],
    ),
    (
        "refund",
        "退货",
        &[
            "kind_refund",
            "leg_kind_refund",
            "title_refund",
            "cli_kind_refund",
            "cli_leg_kind_refund",
        ],
    ),
    (
        "settlement",
        "结算",
        &[
            "leg_kind_settlement",
            "title_settlement",
            "cli_leg_kind_settlement",
        ],
    ),
    (
        "voucher number",
        "凭证号",
        &[
            "label_voucher_no",
            "field_voucher_no",
            "cli_input_voucher_no",
            "cli_col_voucher",
        ],
    ),
    (
        "batch number",
        "批次号",
        &[
            "label_batch_no",
            "field_batch_no",
            "cli_input_batch_no",
            "cli_col_batch",
        ],
    ),
    (
        "reference number (RRN)",
        "参考号",
        &["label_rrn", "field_rrn", "cli_input_rrn"],
    ),
    (
        "auth code",
        "授权码",
        &["label_auth_code", "field_auth_code", "cli_input_auth_code"],
    ),
    ("receipt slip", "签购单", &["title_slip"]),
    (
        "merchant number",
        "商户号",
        &["label_merchant_no", "cli_input_merchant_no"],
    ),
    (
        "terminal id",
        "终端号",
        &["label_terminal_id", "cli_input_terminal_id"],
    ),
    ("operator", "操作员", &["cli_col_op", "cli_col_operator"]),
];

/// Spellings of a glossary term (or of a word the texts settled on) that must not
/// appear anywhere: (wrong, right).
const WRONG: &[(&str, &str)] = &[
    ("撤消", "撤销"),
    ("退款", "退货"),
    ("冲销", "冲正"),
    ("反冲", "冲正"),
    ("凭证编号", "凭证号"),
    ("凭单号", "凭证号"),
    ("流水号", "凭证号"),
    ("批号", "批次号"),
    ("批次编号", "批次号"),
    ("检索参考号", "参考号"),
    ("系统参考号", "参考号"),
    ("参考编号", "参考号"),
    ("授权号", "授权码"),
    ("小票", "签购单"),
    ("收据", "签购单"),
    ("商户编号", "商户号"),
    ("终端编号", "终端号"),
    ("密码重置", "重置密码"),
    ("已兑换", "已通过"),
];

fn base(name: &str) -> &str {
    name.split('[').next().unwrap_or(name)
}

fn names(texts: &'static [(&'static str, &'static str)]) -> BTreeSet<&'static str> {
    texts.iter().map(|(n, _)| base(n)).collect()
}

#[test]
fn every_text_is_in_both_languages() {
    let en = names(EN);
    let zh = names(ZH);
    let only_en: Vec<_> = en.difference(&zh).collect();
    let only_zh: Vec<_> = zh.difference(&en).collect();
    assert!(only_en.is_empty(), "English only, no Chinese: {only_en:?}");
    assert!(only_zh.is_empty(), "Chinese only, no English: {only_zh:?}");
}

/// `%1$s`, `%2$d`… of a text, as a set.
fn placeholders(text: &str) -> BTreeSet<String> {
    let marks: Vec<String> = (1..=9).map(|n| format!("\u{1}{n}\u{1}")).collect();
    let args: Vec<&dyn std::fmt::Display> = marks.iter().map(|m| m as _).collect();
    let filled = fill(text, &args);
    (1..=9)
        .filter(|n| filled.contains(&format!("\u{1}{n}\u{1}")))
        .map(|n| n.to_string())
        .collect()
}

#[test]
fn both_languages_take_the_same_placeholders() {
    let mut differ = Vec::new();
    for (name, en) in EN {
        let zh = ZH
            .iter()
            .find(|(n, _)| base(n) == base(name))
            .map(|(_, t)| *t);
        if let Some(zh) = zh {
            if placeholders(en) != placeholders(zh) {
                differ.push(*name);
            }
        }
    }
    assert!(
        differ.is_empty(),
        "placeholders differ between the languages: {differ:?}"
    );
}

#[test]
fn a_text_that_names_a_glossary_term_says_it_exactly() {
    let mut wrong = Vec::new();
    for (en, zh, keys) in GLOSSARY {
        for key in *keys {
            match ZH.iter().find(|(n, _)| n == key) {
                Some((_, text)) if text == zh => {}
                Some((_, text)) => wrong.push(format!("{key} ({en}) says {text}, not {zh}")),
                None => wrong.push(format!("{key} ({en}) is not in the catalogue")),
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn no_text_spells_a_glossary_term_another_way() {
    let mut wrong = Vec::new();
    for (name, text) in ZH {
        for (bad, good) in WRONG {
            if text.contains(bad) {
                wrong.push(format!(
                    "{name}: {bad} where the glossary says {good}: {text}"
                ));
            }
        }
        // A void is 消费撤销: a text naming the kind alone never shortens it to 撤销.
        if *text == "撤销" {
            wrong.push(format!(
                "{name}: 撤销 alone where the glossary says 消费撤销"
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// A label (no placeholder, no sentence) the desktop tool words for itself in English
/// (`cli_x`, "voided" where the app says "Voided") names the same thing as the app's
/// label `x` in the same Chinese. Sentences differ: the tool's name its commands.
#[test]
fn the_tool_and_the_app_say_one_thing_one_way() {
    let is_label = |t: &str| !t.contains(['%', '。', '：', '，', '；', '？', '！']);
    let mut differ = Vec::new();
    for (name, text) in ZH {
        if let Some(app) = name.strip_prefix("cli_") {
            let app_text = ZH.iter().find(|(n, _)| *n == app).map(|(_, t)| *t);
            if let Some(app_text) = app_text.filter(|t| is_label(t)) {
                if app_text != *text {
                    differ.push(format!("{name} says {text}, {app} says {app_text}"));
                }
            }
        }
    }
    assert!(differ.is_empty(), "{differ:#?}");
}

#[test]
fn fill_puts_arguments_where_their_numbers_say() {
    assert_eq!(fill("%2$s then %1$d, 100%%", &[&7, &"b"]), "b then 7, 100%");
    assert_eq!(fill("%3$s stays", &[&1]), "%3$s stays");
}

#[test]
fn resource_escapes_are_resolved() {
    let (_, text) = EN
        .iter()
        .find(|(n, _)| *n == "contact_support")
        .copied()
        .unwrap_or_default();
    assert!(text.contains("acquirer's support"), "{text}");
}
