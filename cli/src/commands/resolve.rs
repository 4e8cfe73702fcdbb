//! `resolve` (人工处理): the way out of an online transaction — a sale, void or
//! settlement — whose answer was lost and whose reversals kept failing. Without an id
//! it lists such transactions; with one it records what the acquirer says happened —
//! approved (with its RRN and auth code; a settlement may have none), or never
//! happened — signed in as `--operator` and authorised by the void password, with a
//! note that goes into the audit trail. Secrets, one per line from `--password-stdin`
//! or `--password-file`: the operator's password, then the void password.

use serde_json::json;
use voidguard::{HostLeg, LegKind, LegState, Resolution, Terminal};

use super::{out_json, outln, sign_in, Ctx};
use crate::args::ResolveArgs;
use crate::error::{CliError, Usage};
use crate::format;
use crate::messages::{key, Lang};
use crate::secrets::Secrets;
use crate::session;

pub fn run(ctx: &mut Ctx, args: &ResolveArgs) -> Result<(), CliError> {
    let Some(leg_id) = args.leg_id else {
        return list(ctx, args);
    };
    let resolution = resolution(args)?;
    let note = args.note.clone().ok_or(Usage::ResolutionIncomplete)?;
    let lang = ctx.lang;
    let operator_no = sign_in::operator_no(&args.operator)?;
    let terminal = session::open_existing(&ctx.global)?;
    let mut secrets = Secrets::new(&args.password, &ctx.input)?;
    let password = sign_in::read_password(&mut secrets, &mut ctx.input, lang, &operator_no)?;
    let void_password = sign_in::read_void_password(&mut secrets, &mut ctx.input, lang)?;
    let leg = sign_in::signed_in(&terminal, &operator_no, &password, |t: &Terminal| {
        t.resolve_leg(leg_id, resolution, String::clone(&void_password), note)
    })?;
    drop((password, void_password));
    if args.json.json {
        return out_json(&format::leg_json(&leg));
    }
    let next_batch = terminal.status()?.batch_no;
    outln(&resolved_line(lang, &leg, &next_batch))
}

/// What the acquirer said, from the flags: `--rrn R --auth-code A` (with or without
/// `--approved`), `--approved` alone (a settlement's approval carries no numbers), or
/// `--never-happened`.
fn resolution(args: &ResolveArgs) -> Result<Resolution, CliError> {
    match (
        &args.rrn,
        &args.auth_code,
        args.approved,
        args.never_happened,
    ) {
        (Some(rrn), Some(auth_code), _, false) => Ok(Resolution::Approved {
            rrn: rrn.clone(),
            auth_code: auth_code.clone(),
        }),
        (None, None, true, false) => Ok(Resolution::Approved {
            rrn: String::new(),
            auth_code: String::new(),
        }),
        (None, None, false, true) => Ok(Resolution::NeverHappened),
        _ => Err(Usage::ResolutionIncomplete.into()),
    }
}

/// What the resolution did, by kind: what is journaled or stands, and what goes on.
fn resolved_line(lang: Lang, leg: &HostLeg, next_batch: &str) -> String {
    let approved = leg.state == LegState::Approved;
    let voucher = leg.voucher_no.as_deref().unwrap_or("-");
    let original = leg.original_voucher_no.as_deref().unwrap_or("-");
    let batch = &leg.request.batch_no;
    match (leg.kind, approved) {
        (LegKind::Sale, true) => lang.fill(key::CLI_RESOLVED_SALE_APPROVED, &[&voucher]),
        (LegKind::Sale, false) => lang.fill(key::CLI_RESOLVED_SALE_NEVER, &[&voucher]),
        (LegKind::Void, true) => lang.fill(key::CLI_RESOLVED_VOIDED, &[&voucher, &original]),
        (LegKind::Void, false) => lang.fill(key::CLI_RESOLVED_STANDS, &[&original]),
        (LegKind::Settlement, true) => lang.fill(key::CLI_RESOLVED_SETTLED, &[batch, &next_batch]),
        (LegKind::Settlement, false) => lang.fill(key::CLI_RESOLVED_SETTLEMENT_NEVER, &[batch]),
        (LegKind::Refund, true) => lang.fill(key::CLI_RESOLVED_REFUND_APPROVED, &[&voucher]),
        (LegKind::Refund, false) => lang.text(key::CLI_RESOLVED_REFUND_NEVER).to_owned(),
    }
}

/// The online transactions waiting for manual handling, with what the acquirer will
/// ask about.
fn list(ctx: &Ctx, args: &ResolveArgs) -> Result<(), CliError> {
    let lang = ctx.lang;
    let terminal = session::open_existing(&ctx.global)?;
    let manual: Vec<HostLeg> = terminal
        .pending_host_work()?
        .into_iter()
        .filter(|p| p.state == LegState::NeedsManualHandling)
        .collect();
    if args.json.json {
        return out_json(&json!(manual
            .iter()
            .map(format::leg_json)
            .collect::<Vec<_>>()));
    }
    if manual.is_empty() {
        return outln(lang.text(key::CLI_ATTENTION_NONE));
    }
    for leg in &manual {
        outln(&format::leg_line(lang, leg))?;
    }
    outln(lang.text(key::CLI_ATTENTION_HELP))
}
