//! `operator …`: the administrator's password, the list of operators, and the
//! administrator adding, removing and resetting cashiers. A session lives in one
//! `Terminal`, so each act signs in within this run and signs out at its end.
//!
//! Secrets are read in a fixed order, one per line from `--password-stdin` or
//! `--password-file`: the signing-in operator's password first (the administrator's,
//! or your current one), then the new password. Every secret is checked before
//! anyone signs in, so a malformed or trivial password writes nothing.

use serde_json::json;
use voidguard::operators::{accounts, SYSTEM_ADMIN};
use voidguard::{Operator, Role, VoidGuardError};

use super::sign_in::{check_current, operator_no, password_of, role_of, signed_in, whose};
use super::{out, out_json, outln, Ctx};
use crate::args::{JsonFlag, ManageArgs, OperatorAction, OwnPasswordArgs, PasswordSource};
use crate::error::{Answer, CliError, Usage};
use crate::format;
use crate::messages::{key, Lang};
use crate::secrets::{Secret, Secrets};
use crate::session;

pub fn run(ctx: &mut Ctx, action: &OperatorAction) -> Result<(), CliError> {
    match action {
        OperatorAction::AdminPassword(source) => admin_password(ctx, source),
        OperatorAction::List(json) => list(ctx, json),
        OperatorAction::Add(args) => manage(ctx, args, Act::Add),
        OperatorAction::Remove(args) => manage(ctx, args, Act::Remove),
        OperatorAction::Reset(args) => manage(ctx, args, Act::Reset),
        OperatorAction::Password(args) => own_password(ctx, args),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Act {
    Add,
    Remove,
    Reset,
}

/// Checks a password that is to be set for `role`: well formed and not trivial.
fn check_new(role: Role, password: &Secret) -> Result<(), CliError> {
    accounts::parse_new_password(role, password)
        .map(drop)
        .map_err(|e| whose(role, e.into()))
}

fn new_password_of(lang: Lang, operator_no: &str, role: Role) -> String {
    let digits = lang.text(match role {
        Role::Administrator => key::CLI_HINT_8_DIGITS,
        _ => key::CLI_HINT_4_TO_8_DIGITS,
    });
    lang.fill(
        key::CLI_PROMPT_NEW_OPERATOR_PASSWORD,
        &[&operator_no, &digits],
    )
}

fn admin_password(ctx: &mut Ctx, source: &PasswordSource) -> Result<(), CliError> {
    let lang = ctx.lang;
    let terminal = session::open_existing(&ctx.global)?;
    let mut secrets = Secrets::new(source, &ctx.input)?;
    let prompt = new_password_of(lang, SYSTEM_ADMIN, Role::Administrator);
    let new = secrets.new_password_asking(&mut ctx.input, lang, &prompt)?;
    check_new(Role::Administrator, &new)?;
    terminal.set_admin_password(String::clone(&new))?;
    outln(lang.text(key::CLI_ADMIN_PASSWORD_SET))
}

/// `add`, `remove`, `reset`: `--by` (the administrator) signs in with the first
/// secret; `add` and `reset` then read the cashier's new password.
fn manage(ctx: &mut Ctx, args: &ManageArgs, act: Act) -> Result<(), CliError> {
    let lang = ctx.lang;
    let target = operator_no(&args.operator_no)?;
    let by = operator_no(&args.by)?;
    let terminal = session::open_existing(&ctx.global)?;
    let mut secrets = Secrets::new(&args.password, &ctx.input)?;
    let password = secrets.next(
        &mut ctx.input,
        &password_of(lang, &by),
        Answer::OperatorPassword,
    )?;
    let new = match act {
        Act::Remove => None,
        Act::Add | Act::Reset => {
            let prompt = new_password_of(lang, &target, Role::Cashier);
            Some(secrets.new_password_asking(&mut ctx.input, lang, &prompt)?)
        }
    };
    check_current(role_of(&by), &password)?;
    if let Some(new) = &new {
        check_new(Role::Cashier, new)?;
    }
    let no = target.clone();
    signed_in(&terminal, &by, &password, |t| {
        let new = new.as_deref().cloned().unwrap_or_default();
        match act {
            Act::Add => t.add_operator(no, new).map(drop),
            Act::Remove => t.remove_operator(no),
            Act::Reset => t.reset_operator_password(no, new),
        }
    })?;
    let done = match act {
        Act::Add => key::CLI_OPERATOR_ADDED,
        Act::Remove => key::CLI_OPERATOR_REMOVED_DONE,
        Act::Reset => key::CLI_OPERATOR_RESET,
    };
    outln(&lang.fill(done, &[&target]))
}

/// A cashier or the administrator changes their own password: current, then new.
fn own_password(ctx: &mut Ctx, args: &OwnPasswordArgs) -> Result<(), CliError> {
    let lang = ctx.lang;
    let me = operator_no(&args.operator)?;
    let role = role_of(&me);
    if role == Role::Supervisor {
        return Err(Usage::SupervisorPassword.into());
    }
    let terminal = session::open_existing(&ctx.global)?;
    let mut secrets = Secrets::new(&args.password, &ctx.input)?;
    let current = secrets.next(
        &mut ctx.input,
        &lang.fill(key::CLI_PROMPT_CURRENT_OPERATOR_PASSWORD, &[&me]),
        Answer::CurrentPassword,
    )?;
    let prompt = new_password_of(lang, &me, role);
    let new = secrets.new_password_asking(&mut ctx.input, lang, &prompt)?;
    check_current(role, &current)?;
    check_new(role, &new)?;
    if *current == *new {
        return Err(VoidGuardError::PasswordReused.into());
    }
    signed_in(&terminal, &me, &current, |t| {
        t.change_operator_password(String::clone(&current), String::clone(&new))
    })?;
    outln(&lang.fill(key::CLI_OWN_PASSWORD_CHANGED, &[&me]))
}

fn list(ctx: &Ctx, args: &JsonFlag) -> Result<(), CliError> {
    let lang = ctx.lang;
    let terminal = session::open_existing(&ctx.global)?;
    let all = terminal.operators()?;
    if args.json {
        let items: Vec<_> = all.iter().map(operator_json).collect();
        return out_json(&json!(items));
    }
    let header = [
        key::CLI_COL_NO,
        key::CLI_COL_ROLE,
        key::CLI_COL_STATE,
        key::CLI_COL_FAILURES,
        key::CLI_COL_LOCKED_UNTIL,
    ]
    .map(|t| lang.text(t));
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|o| {
            vec![
                o.operator_no.clone(),
                lang.role(o.role).to_owned(),
                state(lang, o).to_owned(),
                o.consecutive_failures.to_string(),
                locked(lang, o),
            ]
        })
        .collect();
    out(&format::table(&header, &rows))
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Supervisor => "supervisor",
        Role::Administrator => "administrator",
        Role::Cashier => "cashier",
    }
}

/// The supervisor is "active" once the void password is set; an account is inactive
/// only when removed.
fn state(lang: Lang, o: &Operator) -> &'static str {
    match (o.active, o.role) {
        (true, _) => lang.text(key::CLI_OPERATOR_IN_USE),
        (false, Role::Supervisor) => lang.text(key::CLI_OPERATOR_NO_PASSWORD),
        (false, _) => lang.text(key::CLI_OPERATOR_REMOVED),
    }
}

/// A cashier's ten-in-a-row lock waits for the administrator's reset; the
/// supervisor's and the administrator's for the back office's lift.
fn locked(lang: Lang, o: &Operator) -> String {
    match (o.needs_reset, o.locked_until_ms, o.role) {
        (true, _, Role::Cashier) => lang.text(key::CLI_LOCKED_UNTIL_RESET).to_owned(),
        (true, _, _) => lang.text(key::CLI_LOCKED_UNTIL_LIFTED).to_owned(),
        (false, Some(until), _) => format::local_time(until),
        (false, None, _) => "-".to_owned(),
    }
}

fn operator_json(o: &Operator) -> serde_json::Value {
    json!({
        "operator_no": o.operator_no,
        "role": role_name(o.role),
        "active": o.active,
        "created_at_ms": o.created_at_ms,
        "consecutive_failures": o.consecutive_failures,
        "locked_until_ms": o.locked_until_ms,
        "needs_reset": o.needs_reset,
    })
}
