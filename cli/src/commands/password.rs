//! `password set|change`: the void password, from a no-echo prompt, stdin or a file.

use voidguard::VaultStatus;

use super::{outln, Ctx};
use crate::args::PasswordAction;
use crate::error::{Answer, CliError};
use crate::format;
use crate::messages::{key, Lang};
use crate::secrets::Secrets;
use crate::session;

pub fn run(ctx: &mut Ctx, action: &PasswordAction) -> Result<(), CliError> {
    let lang = ctx.lang;
    let terminal = session::open_existing(&ctx.global)?;
    let vault = match action {
        PasswordAction::Set(source) => {
            let mut secrets = Secrets::new(source, &ctx.input)?;
            let new = secrets.new_password(&mut ctx.input, lang)?;
            terminal.set_void_password(String::clone(&new))?
        }
        PasswordAction::Change(source) => {
            let mut secrets = Secrets::new(source, &ctx.input)?;
            let old = secrets.next(
                &mut ctx.input,
                lang.text(key::CLI_PROMPT_CURRENT_VOID_PASSWORD),
                Answer::CurrentPassword,
            )?;
            let new = secrets.new_password(&mut ctx.input, lang)?;
            terminal.change_void_password(String::clone(&old), String::clone(&new))?
        }
    };
    outln(&confirmation(lang, &vault))
}

pub fn confirmation(lang: Lang, vault: &VaultStatus) -> String {
    let expires = vault.expires_at_ms.map(format::local_time);
    match expires {
        Some(at) => lang.fill(key::CLI_PASSWORD_SET_UNTIL, &[&at]),
        None => lang.text(key::CLI_PASSWORD_SET).to_owned(),
    }
}
