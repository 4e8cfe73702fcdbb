//! `demo`: a merchant's day on a fresh terminal in a temporary folder, through the
//! same public API as every other command: activation, the void and refund
//! permissions, the void password, the administrator adding a cashier, the cashier
//! signing in and selling,
//! a void the supervisor's void password authorises with its slip, a wrong password,
//! refusals, settlement by the signed-in supervisor, a partial refund (退货) of a
//! settled sale with its slip, and the audit check.

use voidguard::backoffice;
use voidguard::operators::{SUPERVISOR, SYSTEM_ADMIN};
use voidguard::{
    Application, KeyFileWrapper, LegKind, RefundLookup, RefundRequest, RequestKind, SaleRequest,
    SimulatorMode, Terminal, Transaction, VoidGuardError, VoidRequest,
};

use super::{outln, Ctx};
use crate::error::CliError;
use crate::format::money;
use crate::messages::{self, Lang};
use crate::session;

const MERCHANT_NO: &str = "898340157220001";
const TERMINAL_ID: &str = "LKL00042";
const SECRET_HEX: &str = "7c1f9a2b5d3e4f60718293a4b5c6d7e8";
const PASSWORD: &str = "274816";
/// The administrator's (99) and cashier 01's passwords, for the demo only.
const ADMIN_PASSWORD: &str = "58204719";
const CASHIER_PASSWORD: &str = "3817";
const WRONG_PASSWORD: &str = "000111";
const CASHIER: &str = "01";

struct Say {
    lang: Lang,
}

impl Say {
    fn step(&self, en: &str, zh: &str) -> Result<(), CliError> {
        outln(&format!("\n▶ {}", self.lang.pick(en, zh)))
    }

    fn line(&self, en: &str, zh: &str) -> Result<(), CliError> {
        outln(&format!("  {}", self.lang.pick(en, zh)))
    }

    fn refused(&self, e: VoidGuardError) -> Result<(), CliError> {
        let text = messages::error(self.lang, &CliError::Core(e));
        self.line(&format!("refused: {text}"), &format!("被拒绝：{text}"))
    }
}

fn failed(what: impl Into<String>) -> CliError {
    CliError::DemoFailed(what.into())
}

pub fn run(ctx: &Ctx) -> Result<(), CliError> {
    let say = Say { lang: ctx.lang };
    let dir = tempfile::tempdir().map_err(|e| CliError::io(None, &e))?;
    let db = dir.path().join("voidguard.db");
    let key_file = dir.path().join("voidguard.key");
    let keys = KeyFileWrapper::open_or_create(&key_file).map_err(|e| failed(e.to_string()))?;
    let terminal = session::open_with(&ctx.global, &db, &keys, Some(&key_file))?;
    // With `--host` the day runs against that acquirer over ISO 8583; without, against
    // the built-in simulator, which can also be told to decline.
    let acquirer = ctx.global.host.as_deref();
    if acquirer.is_none() {
        terminal.set_simulator_mode(SimulatorMode::Approve)?;
    }
    let shown = db.display().to_string();
    outln(&match ctx.lang {
        Lang::En => format!("VoidGuard merchant day — database {shown}"),
        Lang::Zh => format!("VoidGuard 商户的一天 — 数据库 {shown}"),
    })?;
    set_up(&terminal, &say)?;
    let sales = sell(&terminal, &say, acquirer)?;
    void_and_settle(&terminal, &say, &sales)?;

    say.step("Audit trail", "审计链校验")?;
    let audit = terminal.verify_audit()?;
    if !audit.ok {
        return Err(CliError::AuditBroken(audit));
    }
    outln(&format!("  {}", super::audit::verified(say.lang, &audit)))?;
    say.line(
        "The day is done; the temporary database is removed.",
        "演示结束，临时数据库已删除。",
    )
}

fn set_up(terminal: &Terminal, say: &Say) -> Result<(), CliError> {
    say.step(
        "Activate the terminal (商户号 / 终端号)",
        "激活终端（商户号 / 终端号）",
    )?;
    let status = terminal.activate(MERCHANT_NO.into(), TERMINAL_ID.into(), SECRET_HEX.into())?;
    let (m, t, b) = (MERCHANT_NO, TERMINAL_ID, &status.batch_no);
    say.line(
        &format!("activated: merchant {m}, terminal {t}, batch {b}"),
        &format!("已激活：商户号 {m}，终端号 {t}，批次号 {b}"),
    )?;

    say.step("Apply for void permission (申请撤销权限)", "申请撤销权限")?;
    apply_and_redeem(
        terminal,
        say,
        RequestKind::VoidPermission,
        "开通消费撤销权限",
    )?;
    let granted = say.lang.yes_no(terminal.status()?.void_permitted);
    say.line(
        &format!("void permission granted: {granted}"),
        &format!("撤销权限已开通：{granted}"),
    )?;

    say.step("Apply for refund permission (申请退货权限)", "申请退货权限")?;
    apply_and_redeem(terminal, say, RequestKind::RefundPermission, "开通退货权限")?;
    let granted = say.lang.yes_no(terminal.status()?.refund_permitted);
    say.line(
        &format!("refund permission granted: {granted}"),
        &format!("退货权限已开通：{granted}"),
    )?;

    say.step("Set the void password (设置撤销密码)", "设置撤销密码")?;
    match terminal.set_void_password("123456".into()) {
        Err(e) => {
            let text = messages::error(say.lang, &CliError::Core(e));
            say.line(
                &format!("123456 refused: {text}"),
                &format!("123456 被拒绝：{text}"),
            )?;
        }
        Ok(_) => return Err(failed("a trivial password was accepted")),
    }
    terminal.set_void_password(PASSWORD.into())?;
    say.line("a six-digit password is set", "已设置 6 位撤销密码")?;

    say.step(
        "Operators (操作员): the administrator adds cashier 01",
        "操作员：系统管理员添加收银员 01",
    )?;
    terminal.set_admin_password(ADMIN_PASSWORD.into())?;
    terminal.sign_in(SYSTEM_ADMIN.into(), ADMIN_PASSWORD.into())?;
    terminal.add_operator(CASHIER.into(), CASHIER_PASSWORD.into())?;
    say.line(
        "the administrator (99) signs in and adds cashier 01 with a password of their own",
        "系统管理员（99）登录，添加收银员 01 并设置其密码",
    )?;
    match terminal.record_sale(sale_of("1", "4111111111111111")) {
        Err(e @ VoidGuardError::NotPermitted { .. }) => {
            let text = messages::error(say.lang, &CliError::Core(e));
            say.line(
                &format!("a sale by the administrator is refused: {text}"),
                &format!("系统管理员消费被拒绝：{text}"),
            )?;
        }
        other => {
            return Err(failed(format!(
                "expected the administrator's sale to be refused, got {other:?}"
            )))
        }
    }
    terminal.sign_out()?;
    match terminal.sign_in(CASHIER.into(), "9999".into()) {
        Err(e @ VoidGuardError::WrongOperatorPassword { .. }) => say.refused(e)?,
        other => {
            return Err(failed(format!(
                "expected a wrong operator password refusal, got {other:?}"
            )))
        }
    }
    let session = terminal.sign_in(CASHIER.into(), CASHIER_PASSWORD.into())?;
    let no = &session.operator_no;
    say.line(
        &format!("operator {no} signed in with their own password"),
        &format!("操作员 {no} 用自己的密码登录"),
    )
}

fn sale_of(amount: &str, card: &str) -> SaleRequest {
    SaleRequest {
        amount: amount.into(),
        card_number: card.into(),
        card_scheme: "UnionPay".into(),
    }
}

/// One application to the back office, approved by the simulated acquirer with the
/// demo's secret and redeemed: the same steps for each permission.
fn apply_and_redeem(
    terminal: &Terminal,
    say: &Say,
    kind: RequestKind,
    reason: &str,
) -> Result<(), CliError> {
    let ticket = terminal.apply_for(
        kind,
        Application {
            reason: reason.into(),
            id_type: "resident_id".into(),
            id_number: "11010519491231002X".into(),
            licence_no: "91110000802100433B".into(),
            contact: "138 0013 8000".into(),
        },
    )?;
    let (code, masked) = (&ticket.request_code, &ticket.id_number_masked);
    say.line(
        &format!("request code {code} (identity kept as {masked})"),
        &format!("申请编号 {code}（证件号码保存为 {masked}）"),
    )?;
    let secret =
        voidguard::crypto::from_hex(SECRET_HEX).ok_or_else(|| failed("bad demo secret"))?;
    let approval = backoffice::approval_code(&secret, kind.action(), &ticket.request_code);
    say.line(
        "[acquirer back office, simulated] reviews and approves; the code is given to the merchant",
        "[收单机构后台，模拟] 审核通过，审批码交给商户",
    )?;
    terminal.redeem_approval(ticket.request_code, approval, None)?;
    Ok(())
}

fn sell(
    terminal: &Terminal,
    say: &Say,
    acquirer: Option<&str>,
) -> Result<Vec<Transaction>, CliError> {
    say.step(
        "Sales (消费), keyed by the signed-in cashier",
        "消费：由已登录的收银员录入",
    )?;
    let mut sales = Vec::new();
    for (amount, card) in [
        ("12.34", "6222021234567890123"),
        ("８８.００", "4111111111111111"),
        ("5", "622202******4321"),
    ] {
        let sale = terminal.record_sale(sale_of(amount, card))?;
        let (v, a, p) = (&sale.voucher_no, money(sale.amount), &sale.masked_pan);
        let (op, rrn, auth) = (&sale.operator_no, &sale.rrn, &sale.auth_code);
        say.line(
            &format!("voucher {v} · {a} · card {p} · operator {op} · host RRN {rrn} auth {auth}"),
            &format!("凭证号 {v} · {a} · 卡号 {p} · 操作员 {op} · 主机参考号 {rrn} 授权码 {auth}"),
        )?;
        sales.push(sale);
    }
    if let Some(address) = acquirer {
        // A real acquirer declines on its own terms (`voidguard-host --decline CODE`).
        say.line(
            &format!("[host, ISO 8583 at {address}] approved each sale with its own RRN"),
            &format!("[主机，ISO 8583，{address}] 每笔消费由主机批准并给出参考号"),
        )?;
        return Ok(sales);
    }
    say.line(
        "[host, simulated] declines the next sale",
        "[主机，模拟] 拒绝下一笔消费",
    )?;
    terminal.set_simulator_mode(SimulatorMode::Decline)?;
    let declined = terminal.record_sale(sale_of("66", "4111111111111111"));
    terminal.set_simulator_mode(SimulatorMode::Approve)?;
    match declined {
        Err(e @ VoidGuardError::HostDeclined { .. }) => {
            let text = messages::error(
                say.lang,
                &CliError::Host {
                    kind: LegKind::Sale,
                    error: e,
                },
            );
            say.line(&format!("refused: {text}"), &format!("被拒绝：{text}"))?;
        }
        other => {
            return Err(failed(format!(
                "expected the host to decline the sale, got {other:?}"
            )))
        }
    }
    Ok(sales)
}

fn void_of(sale: &Transaction, password: &str) -> VoidRequest {
    VoidRequest {
        voucher_no: sale.voucher_no.clone(),
        date: sale.business_date.clone(),
        amount: sale.amount.to_decimal_string(),
        password: password.into(),
        reason: "customer_request".into(),
    }
}

fn void_and_settle(terminal: &Terminal, say: &Say, sales: &[Transaction]) -> Result<(), CliError> {
    let (first, lunch) = match sales {
        [first, lunch, ..] => (first, lunch),
        _ => return Err(failed("the sales were not recorded")),
    };
    let v = &lunch.voucher_no;
    say.step(
        &format!("Void voucher {v} (消费撤销) — first with a wrong password"),
        &format!("撤销凭证号 {v}（消费撤销）：先输错密码"),
    )?;
    match terminal.void_transaction(void_of(lunch, WRONG_PASSWORD)) {
        Err(e @ VoidGuardError::WrongPassword { .. }) => say.refused(e)?,
        other => {
            return Err(failed(format!(
                "expected a wrong-password refusal, got {other:?}"
            )))
        }
    }
    let outcome = terminal.void_transaction(void_of(lunch, PASSWORD))?;
    let void = outcome
        .void_transaction
        .ok_or_else(|| failed("approved void without its row"))?;
    let w = &void.voucher_no;
    say.line(
        &format!("撤销成功 (void successful) — void voucher {w} for original {v}"),
        &format!("撤销成功：撤销凭证号 {w}，原凭证号 {v}"),
    )?;
    let (by, authorised) = (
        &void.operator_no,
        void.authoriser_no.as_deref().unwrap_or("-"),
    );
    if (by.as_str(), authorised) != (CASHIER, SUPERVISOR) {
        return Err(failed(format!(
            "the void names operator {by} and authoriser {authorised}"
        )));
    }
    say.line(
        &format!(
            "keyed by operator {by}, authorised by operator {authorised} with the void password"
        ),
        &format!("操作员 {by} 录入，操作员 {authorised} 以撤销密码授权"),
    )?;
    let slip = terminal.receipt(void.voucher_no.clone(), say.lang.locale())?;
    let indented: Vec<String> = slip.text.lines().map(|l| format!("    {l}")).collect();
    outln(&indented.join("\n"))?;

    say.step("Void the same voucher again", "再次撤销同一凭证")?;
    match terminal.void_transaction(void_of(lunch, PASSWORD)) {
        Err(e) => say.refused(e)?,
        Ok(_) => return Err(failed("a sale was voided twice")),
    }

    say.step("Settlement (结算) by the supervisor", "结算：由主管完成")?;
    terminal.sign_out()?;
    terminal.sign_in(SUPERVISOR.into(), PASSWORD.into())?;
    say.line(
        "cashier 01 signs out; the supervisor (00) signs in with the void password",
        "收银员 01 签退；主管（00）以撤销密码登录",
    )?;
    let report = terminal.settle()?;
    outln(&format!(
        "  {}",
        super::books::settlement_line(say.lang, &report)
    ))?;

    let f = &first.voucher_no;
    say.step(
        &format!("Void voucher {f} after settlement"),
        &format!("结算后撤销凭证号 {f}"),
    )?;
    match terminal.void_transaction(void_of(first, PASSWORD)) {
        Err(e @ VoidGuardError::SettledUseRefund { .. }) => say.refused(e)?,
        other => {
            return Err(failed(format!(
                "expected settled-use-refund, got {other:?}"
            )))
        }
    }
    refund_part(terminal, say, first)?;
    terminal.sign_out()?;
    say.line("the supervisor signs out", "主管签退")
}

/// The day ends with a partial refund (退货) of the settled sale, by its reference
/// number and date, and its slip.
fn refund_part(terminal: &Terminal, say: &Say, sale: &Transaction) -> Result<(), CliError> {
    let (f, rrn) = (&sale.voucher_no, &sale.rrn);
    say.step(
        &format!("Refund (退货) RMB 5.00 of settled voucher {f} by its RRN {rrn}"),
        &format!("退货：按原参考号 {rrn} 退已结算凭证号 {f} 的 RMB 5.00"),
    )?;
    let lookup = RefundLookup {
        rrn: Some(rrn.clone()),
        date: Some(sale.business_date.clone()),
        ..Default::default()
    };
    let outcome = terminal.refund(RefundRequest {
        lookup: lookup.clone(),
        amount: "5.00".into(),
        password: PASSWORD.into(),
        reason: "goods_returned".into(),
    })?;
    let refund = outcome
        .refund
        .ok_or_else(|| failed("approved refund without its row"))?;
    let balance = terminal.refund_preview(lookup)?.balance;
    let r = &refund.voucher_no;
    say.line(
        &format!(
            "退货成功 (refund successful) — refund voucher {r} for original {f}; {} left to refund",
            money(balance)
        ),
        &format!(
            "退货成功：退货凭证号 {r}，原凭证号 {f}；还可退 {}",
            money(balance)
        ),
    )?;
    let slip = terminal.receipt(refund.voucher_no.clone(), say.lang.locale())?;
    let indented: Vec<String> = slip.text.lines().map(|l| format!("    {l}")).collect();
    outln(&indented.join("\n"))
}
