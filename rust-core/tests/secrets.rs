//! No secret leaks (DESIGN §2): every log record and every error message produced by
//! a day that touches each secret — passwords right and wrong, approval codes, the
//! terminal secret, the key file, a full PAN — is captured and searched for them.

mod common;

use std::sync::{Arc, Mutex, OnceLock};

use common::*;
use voidguard::{
    HostError, HostLink, HostReply, HostRequest, KeyFileWrapper, LegDetail, Locale, RequestKind,
    ReversalReason, ReversalReply, SaleRequest, SimulatorMode, Terminal, VoidGuardError,
};

const FULL_PAN: &str = "6222021234567890123";

/// Every record any code in this process logs, at every level.
struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        if let Ok(mut lines) = self.0.lock() {
            lines.push(format!(
                "{} {} {}",
                record.level(),
                record.target(),
                record.args()
            ));
        }
    }
    fn flush(&self) {}
}

fn capture() -> &'static Capture {
    static CAPTURE: OnceLock<&'static Capture> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture: &'static Capture = Box::leak(Box::new(Capture(Mutex::new(Vec::new()))));
        log::set_logger(capture).expect("the only logger");
        log::set_max_level(log::LevelFilter::Trace);
        capture
    })
}

/// A host that approves sales and loses every other answer, so the reversal paths
/// log too.
struct Silent;

impl HostLink for Silent {
    fn send(&self, request: HostRequest) -> Result<HostReply, HostError> {
        match request.detail {
            LegDetail::Sale { .. } => Ok(HostReply::Approved {
                rrn: "202612010001".into(),
                auth_code: "000001".into(),
            }),
            _ => Err(HostError::Timeout),
        }
    }
    fn reverse(&self, _: HostRequest, _: ReversalReason) -> Result<ReversalReply, HostError> {
        Err(HostError::Unreachable {
            reason: "no route".into(),
        })
    }
}

/// Collects what a call answered, as text a screen or log could show.
#[derive(Default)]
struct Said(Vec<String>);

impl Said {
    fn note<T: std::fmt::Debug>(&mut self, result: Result<T, VoidGuardError>) -> Option<T> {
        match result {
            Ok(value) => {
                self.0.push(format!("{value:?}"));
                Some(value)
            }
            Err(e) => {
                self.0.push(format!("{e} {e:?}"));
                None
            }
        }
    }
}

#[test]
fn no_secret_reaches_a_log_line_an_error_or_a_returned_record() {
    let lines = capture();
    let mut said = Said::default();
    let f = Fixture::fresh();
    let t = &f.terminal;
    let mut codes = Vec::new();

    said.note(t.activate(MERCHANT_NO.into(), TERMINAL_ID.into(), SECRET_HEX.into()));
    said.note(t.activate(MERCHANT_NO.into(), TERMINAL_ID.into(), SECRET_HEX.into()));
    let ticket = said
        .note(t.apply_for(RequestKind::VoidPermission, application()))
        .unwrap();
    let wrong_code = "00000000".to_string();
    said.note(t.redeem_approval(ticket.request_code.clone(), wrong_code.clone(), None));
    let code = approval_for(RequestKind::VoidPermission, &ticket.request_code);
    said.note(t.redeem_approval(ticket.request_code.clone(), code.clone(), None));
    said.note(t.redeem_approval(ticket.request_code.clone(), code.clone(), None));
    codes.extend([code, wrong_code]);
    said.note(t.set_void_password("123456".into()));
    said.note(t.set_void_password(PASSWORD.into()));
    // Operators' passwords, right and wrong: long enough not to turn up by chance.
    let (cashier, wrong_admin, wrong_cashier) = ("70613928", "61829374", "49271635");
    said.note(t.set_admin_password(ADMIN_PASSWORD.into()));
    said.note(t.sign_in("99".into(), wrong_admin.into()));
    said.note(t.sign_in("99".into(), ADMIN_PASSWORD.into()));
    said.note(t.add_operator(CASHIER.into(), cashier.into()));
    said.note(t.sign_out());
    said.note(t.sign_in(CASHIER.into(), wrong_cashier.into()));
    said.note(t.sign_in(CASHIER.into(), cashier.into()));
    said.note(t.operators());

    let sale = said
        .note(t.record_sale(SaleRequest {
            amount: "88.00".into(),
            card_number: FULL_PAN.into(),
            card_scheme: "UnionPay".into(),
        }))
        .unwrap();
    let second = f.sale("12.00");
    // A sale whose answer is lost is reversed: the card goes down those paths too.
    said.note(t.set_simulator_mode(SimulatorMode::Timeout));
    said.note(t.record_sale(SaleRequest {
        amount: "7.00".into(),
        card_number: FULL_PAN.into(),
        card_scheme: "UnionPay".into(),
    }));
    said.note(t.pending_host_work());
    said.note(t.set_simulator_mode(SimulatorMode::Approve));
    said.note(t.reconcile());
    for password in [WRONG_PASSWORD, "000111", "919191"] {
        said.note(t.void_transaction(voidguard::VoidRequest {
            password: password.into(),
            ..void_of(&sale)
        }));
    }
    said.note(t.void_transaction(void_of(&sale)));
    said.note(t.set_simulator_mode(SimulatorMode::Decline));
    said.note(t.void_transaction(void_of(&second)));
    said.note(t.set_simulator_mode(SimulatorMode::Timeout));
    said.note(t.void_transaction(void_of(&second)));
    said.note(t.reconcile());
    said.note(t.set_simulator_mode(SimulatorMode::Approve));
    said.note(t.reconcile());
    said.note(t.receipt(sale.voucher_no.clone(), Locale::ZhCn));
    said.note(t.change_void_password(WRONG_PASSWORD.into(), NEW_PASSWORD.into()));
    said.note(t.change_void_password(PASSWORD.into(), NEW_PASSWORD.into()));

    let reset = said
        .note(t.apply_for(RequestKind::PasswordReset, application()))
        .unwrap();
    let reset_code = approval_for(RequestKind::PasswordReset, &reset.request_code);
    said.note(t.redeem_approval(
        reset.request_code.clone(),
        reset_code.clone(),
        Some(NEW_PASSWORD.into()),
    ));
    said.note(t.redeem_approval(
        reset.request_code.clone(),
        reset_code.clone(),
        Some(PASSWORD.into()),
    ));
    codes.push(reset_code);
    for _ in 0..5 {
        said.note(t.void_transaction(voidguard::VoidRequest {
            password: WRONG_PASSWORD.into(),
            ..void_of(&second)
        }));
    }
    let lift = said
        .note(t.apply_for(RequestKind::LiftRestriction, application()))
        .unwrap();
    let lift_code = approval_for(RequestKind::LiftRestriction, &lift.request_code);
    said.note(t.redeem_approval(lift.request_code.clone(), lift_code.clone(), None));
    codes.push(lift_code);
    said.note(t.settle());
    said.note(t.audit(None, 500));
    said.note(t.journal(voidguard::JournalQuery {
        limit: 500,
        ..Default::default()
    }));
    said.note(t.status());

    // A host that never answers, and the refusals of a wrong key and a bad file.
    let dir = tempfile::tempdir().unwrap();
    let other_key = KeyFileWrapper::open_or_create(dir.path().join("other.key")).unwrap();
    said.note(
        Terminal::open_with(config(&f.db), &other_key, None, f.clock.clone())
            .map_err(VoidGuardError::from),
    );
    let junk = dir.path().join("junk.db");
    std::fs::write(
        &junk,
        b"not a database, but 100 bytes long..........................................",
    )
    .unwrap();
    said.note(
        Terminal::open_with(config(&junk), &other_key, None, f.clock.clone())
            .map_err(VoidGuardError::from),
    );
    let silent = Fixture::with_host(Some(Arc::new(Silent)));
    silent.make_ready();
    let lost = silent.sale("5.00");
    said.note(silent.terminal.void_transaction(void_of(&lost)));
    said.note(silent.terminal.pending_host_work());

    let key_file_hex = voidguard::crypto::to_hex(&std::fs::read(&f.key_file).unwrap());
    let mut secrets: Vec<String> = vec![
        PASSWORD.into(),
        NEW_PASSWORD.into(),
        WRONG_PASSWORD.into(),
        "000111".into(),
        "919191".into(),
        ADMIN_PASSWORD.into(),
        cashier.into(),
        wrong_admin.into(),
        wrong_cashier.into(),
        SECRET_HEX.into(),
        SECRET_HEX.to_uppercase(),
        key_file_hex.clone(),
        key_file_hex[..16].into(),
        FULL_PAN.into(),
        FULL_PAN[6..15].into(),
    ];
    secrets.extend(codes);

    let logged = lines.0.lock().unwrap().clone();
    assert!(
        logged.iter().any(|l| l.contains("void password refused")),
        "the scenario logs: {logged:?}"
    );
    assert!(
        logged.iter().any(|l| l.contains("no answer")),
        "the host paths log: {logged:?}"
    );
    let mut leaks = Vec::new();
    for text in logged.iter().chain(&said.0) {
        for secret in &secrets {
            if text.contains(secret.as_str()) {
                leaks.push(format!("{secret:?} in {text:.120}"));
            }
        }
    }
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
    eprintln!(
        "{} log records and {} answers scanned for {} secrets: none found",
        logged.len(),
        said.0.len(),
        secrets.len()
    );
}
