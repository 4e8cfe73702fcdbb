//! A merchant's day on a fresh terminal, through the same public API the app uses:
//! activation, void permission, the void password, sales, a void with its slip, a
//! wrong password, refusals, settlement and the audit check. The database is a
//! SQLite file in a temporary folder; the host is the built-in simulator.

use std::process::ExitCode;

use voidguard::backoffice::{self, Action};
use voidguard::{
    Application, KeyFileWrapper, Locale, RequestKind, SaleRequest, SystemClock, Terminal,
    TerminalConfig, VoidGuardError, VoidRequest,
};

const SECRET_HEX: &str = "7c1f9a2b5d3e4f60718293a4b5c6d7e8";
const PASSWORD: &str = "274816";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("demo failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn say(step: &str) {
    println!("\n▶ {step}");
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("voidguard.db");
    let keys = KeyFileWrapper::open_or_create(dir.path().join("voidguard.key"))?;
    let terminal = Terminal::open_with(
        TerminalConfig::new(db.to_string_lossy()),
        &keys,
        None,
        std::sync::Arc::new(SystemClock),
    )
    .map_err(VoidGuardError::from)?;
    println!("VoidGuard merchant day — database {}", db.display());

    say("Activate the terminal (商户号 / 终端号)");
    let status = terminal.activate(
        "898340157220001".into(),
        "LKL00042".into(),
        SECRET_HEX.into(),
    )?;
    println!(
        "  activated: merchant {:?}, terminal {:?}, batch {}",
        status.merchant_no, status.terminal_id, status.batch_no
    );

    say("Apply for void permission (申请撤销权限)");
    let application = Application {
        reason: "开通消费撤销权限".into(),
        id_type: "resident_id".into(),
        id_number: "11010519491231002X".into(),
        licence_no: "91110000802100433B".into(),
        contact: "138 0013 8000".into(),
    };
    let ticket = terminal.apply_for(RequestKind::VoidPermission, application.clone())?;
    println!(
        "  request code {} (identity kept as {})",
        ticket.request_code, ticket.id_number_masked
    );
    let secret = voidguard::crypto::from_hex(SECRET_HEX).ok_or("bad demo secret")?;
    let code = backoffice::approval_code(&secret, Action::Permit, &ticket.request_code);
    println!("  [acquirer back office, simulated] reviews and approves; the code is given to the merchant");
    terminal.redeem_approval(ticket.request_code, code, None)?;
    println!(
        "  void permission granted: {}",
        terminal.status()?.void_permitted
    );

    say("Set the void password (设置撤销密码)");
    match terminal.set_void_password("123456".into()) {
        Err(e) => println!("  123456 refused: {e}"),
        Ok(_) => return Err("a trivial password was accepted".into()),
    }
    terminal.set_void_password(PASSWORD.into())?;
    println!("  a six-digit password is set");

    say("Sales (消费)");
    let mut sales = Vec::new();
    for (amount, card) in [
        ("12.34", "6222021234567890123"),
        ("８８.００", "4111111111111111"),
        ("5", "622202******4321"),
    ] {
        let sale = terminal.record_sale(SaleRequest {
            amount: amount.into(),
            card_number: card.into(),
            card_scheme: "UnionPay".into(),
            operator_no: "01".into(),
            rrn: None,
            auth_code: None,
        })?;
        println!(
            "  voucher {} · RMB {} · card {}",
            sale.voucher_no, sale.amount, sale.masked_pan
        );
        sales.push(sale);
    }
    let lunch = &sales[1];
    let void_request = |password: &str| VoidRequest {
        voucher_no: lunch.voucher_no.clone(),
        date: lunch.business_date.clone(),
        amount: lunch.amount.to_decimal_string(),
        password: password.into(),
        operator_no: "01".into(),
        authoriser_no: "00".into(),
        reason: "customer_request".into(),
    };

    say(&format!(
        "Void voucher {} (消费撤销) — first with a wrong password",
        lunch.voucher_no
    ));
    match terminal.void_transaction(void_request("000111")) {
        Err(e @ VoidGuardError::WrongPassword { .. }) => println!("  refused: {e}"),
        other => return Err(format!("expected a wrong-password refusal, got {other:?}").into()),
    }
    let outcome = terminal.void_transaction(void_request(PASSWORD))?;
    let void = outcome
        .void_transaction
        .ok_or("approved void without its row")?;
    println!(
        "  撤销成功 — void voucher {} for original {}",
        void.voucher_no, lunch.voucher_no
    );
    println!(
        "{}",
        indent(
            &terminal
                .receipt(void.voucher_no.clone(), Locale::ZhCn)?
                .text
        )
    );

    say("Void the same voucher again");
    match terminal.void_transaction(void_request(PASSWORD)) {
        Err(e) => println!("  refused: {e}"),
        Ok(_) => return Err("a sale was voided twice".into()),
    }

    say("Settlement (结算)");
    let report = terminal.settle("00".into())?;
    println!(
        "  batch {}: {} sale(s) RMB {}, {} void(s) RMB {}, net RMB {}; next batch {}",
        report.batch_no,
        report.sale_count,
        report.sale_total,
        report.void_count,
        report.void_total,
        report.net_total,
        report.next_batch_no
    );

    say(&format!(
        "Void voucher {} after settlement",
        sales[0].voucher_no
    ));
    match terminal.void_transaction(VoidRequest {
        voucher_no: sales[0].voucher_no.clone(),
        date: sales[0].business_date.clone(),
        amount: sales[0].amount.to_decimal_string(),
        ..void_request(PASSWORD)
    }) {
        Err(e @ VoidGuardError::SettledUseRefund { .. }) => println!("  refused: {e}"),
        other => return Err(format!("expected settled-use-refund, got {other:?}").into()),
    }

    say("Audit trail");
    let audit = terminal.verify_audit()?;
    if !audit.ok {
        return Err(format!("audit trail does not verify: {audit:?}").into());
    }
    println!(
        "  audit verified: {} entries, chain intact",
        audit.entries_checked
    );
    Ok(())
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
