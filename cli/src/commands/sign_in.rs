//! Signing in for one run. A session lives in one `Terminal`, and every run opens its
//! own, so a command that acts as an operator reads that operator's password, signs
//! in, acts, and signs out before it ends — a refusal after sign-in included. The
//! password's format is checked before anyone signs in, so a malformed one writes
//! nothing and counts toward nobody's lockout.

pub use voidguard::operators::role_of;
use voidguard::operators::{self, accounts};
use voidguard::{Field, Role, Terminal, VoidGuardError};

use super::Ctx;
use crate::error::{Answer, CliError, Usage};
use crate::input::Input;
use crate::messages::{key, Lang};
use crate::secrets::{Secret, Secrets};

/// Two digits, as the core reads an operator number.
pub fn operator_no(input: &str) -> Result<String, CliError> {
    Ok(operators::parse(Field::OperatorNo, input)?)
}

/// The core names a malformed password the void password; an operator's has its own
/// length, so the message says whose it is.
pub fn whose(role: Role, e: CliError) -> CliError {
    match e {
        CliError::Core(VoidGuardError::InvalidInput {
            field: Field::Password,
            problem,
        }) if role != Role::Supervisor => Usage::OperatorPassword { role, problem }.into(),
        other => other,
    }
}

/// Checks a password `role` signs in with, as the core will, before anything is
/// written. The supervisor's is the void password.
pub fn check_current(role: Role, password: &Secret) -> Result<(), CliError> {
    let checked = match role {
        Role::Supervisor => voidguard::vault::policy::parse(password).map(drop),
        _ => accounts::parse_password(role, password).map(drop),
    };
    checked.map_err(|e| whose(role, e.into()))
}

pub fn password_of(lang: Lang, operator_no: &str) -> String {
    lang.fill(key::CLI_PROMPT_OPERATOR_PASSWORD, &[&operator_no])
}

/// The next secret from `secrets` as `operator_no`'s password, its format checked.
pub fn read_password(
    secrets: &mut Secrets,
    input: &mut Input,
    lang: Lang,
    operator_no: &str,
) -> Result<Secret, CliError> {
    let password = secrets.next(
        input,
        &password_of(lang, operator_no),
        Answer::OperatorPassword,
    )?;
    check_current(role_of(operator_no), &password)?;
    Ok(password)
}

/// Signs `operator_no` in, does `act`, and signs out again whether or not `act` was
/// refused; the act's refusal is the one reported.
pub fn signed_in<T, E: Into<CliError>>(
    terminal: &Terminal,
    operator_no: &str,
    password: &Secret,
    act: impl FnOnce(&Terminal) -> Result<T, E>,
) -> Result<T, CliError> {
    terminal.sign_in(operator_no.to_owned(), String::clone(password))?;
    let done = act(terminal);
    let signed_out = terminal.sign_out();
    let value = done.map_err(Into::into)?;
    signed_out?;
    Ok(value)
}

/// The last steps of a void or refund: the merchant's confirmation to `question`
/// when the flow is interactive and not told `--yes`, then the void password that
/// authorises the act, unless it was read already with the operator's.
pub fn confirm_and_authorise(
    ctx: &mut Ctx,
    question: &str,
    ask_confirmation: bool,
    secrets: &mut Secrets,
    void_password: Option<Secret>,
) -> Result<Secret, CliError> {
    if ask_confirmation {
        let answer = ctx.input.ask(question, Answer::Confirmation)?;
        if !matches!(answer.to_lowercase().as_str(), "y" | "yes" | "是") {
            return Err(CliError::Cancelled);
        }
    }
    match void_password {
        Some(password) => Ok(password),
        None => read_void_password(secrets, &mut ctx.input, ctx.lang),
    }
}

/// The void password, its format checked as the core will.
pub fn read_void_password(
    secrets: &mut Secrets,
    input: &mut Input,
    lang: Lang,
) -> Result<Secret, CliError> {
    let password = secrets.next(
        input,
        lang.text(key::CLI_PROMPT_VOID_PASSWORD),
        Answer::Password,
    )?;
    check_current(Role::Supervisor, &password)?;
    Ok(password)
}

/// What a void or a refund does before its own questions: the keying operator's
/// password is read, then — when every answer came as flags (`!interactive`) — the
/// void password, both checked before anyone signs in so a malformed one writes
/// nothing; unanswered legs are reconciled; then `act` runs signed in, and a host
/// failure is named after the leg's `kind`.
pub fn authorised_act<T>(
    ctx: &mut super::Ctx,
    operator: &str,
    source: &crate::args::PasswordSource,
    interactive: bool,
    kind: voidguard::LegKind,
    act: impl FnOnce(&Terminal, &mut super::Ctx, &mut Secrets, Option<Secret>) -> Result<T, CliError>,
) -> Result<T, CliError> {
    let lang = ctx.lang;
    let operator_no = operator_no(operator)?;
    let terminal = crate::session::open_existing(&ctx.global)?;
    let mut secrets = Secrets::new(source, &ctx.input)?;
    let password = read_password(&mut secrets, &mut ctx.input, lang, &operator_no)?;
    let void_password = if interactive {
        None
    } else {
        Some(read_void_password(&mut secrets, &mut ctx.input, lang)?)
    };
    super::status::reconcile_quietly(&terminal, lang)?;
    signed_in(&terminal, &operator_no, &password, |t| {
        act(t, ctx, &mut secrets, void_password)
    })
    .map_err(|e| e.of_leg(kind))
}
