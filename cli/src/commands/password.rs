//! `password set|change`: the void password, from a no-echo prompt, stdin or a file.

use voidguard::VaultStatus;

use super::{outln, Ctx};
use crate::args::PasswordAction;
use crate::error::{Answer, CliError};
use crate::format;
use crate::messages::Lang;
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
                lang.pick("Current void password: ", "当前撤销密码："),
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
    match (lang, expires) {
        (Lang::En, Some(at)) => {
            format!(
                "The void password is set; change it before {at}. Keep it safe and never share it."
            )
        }
        (Lang::En, None) => "The void password is set. Keep it safe and never share it.".into(),
        (Lang::Zh, Some(at)) => {
            format!("撤销密码已设置，请在 {at} 前修改。请妥善保管，切勿告知他人。")
        }
        (Lang::Zh, None) => "撤销密码已设置。请妥善保管，切勿告知他人。".into(),
    }
}
