//! The reason of a void or a refund, as both ask it: a flag, or on the terminal a
//! number from the list, a reason code, or nothing for the first reason.

use super::Ctx;
use crate::error::{Answer, CliError, Usage};
use crate::messages::{key, Lang};

/// Whose reasons: each act has its own list (the core's defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Of {
    Void,
    Refund,
}

impl Of {
    pub fn list(self) -> &'static [&'static str] {
        match self {
            Of::Void => &voidguard::config::DEFAULT_REASONS,
            Of::Refund => &voidguard::config::DEFAULT_REFUND_REASONS,
        }
    }

    /// "void reason" / "撤销原因".
    pub fn name(self, lang: Lang) -> &'static str {
        lang.text(match self {
            Of::Void => key::CLI_INPUT_VOID_REASON,
            Of::Refund => key::CLI_INPUT_REFUND_REASON,
        })
    }
}

/// The flag's reason; without one, asked when `interactive`, else the first.
pub fn reason(
    ctx: &mut Ctx,
    of: Of,
    flag: Option<&String>,
    interactive: bool,
) -> Result<String, CliError> {
    match flag {
        Some(r) => Ok(r.clone()),
        None if interactive => choose(ctx, of),
        None => Ok(first(of)),
    }
}

fn first(of: Of) -> String {
    of.list()
        .first()
        .map_or_else(String::new, |r| (*r).to_owned())
}

fn choose(ctx: &mut Ctx, of: Of) -> Result<String, CliError> {
    let lang = ctx.lang;
    let name = of.name(lang);
    let mut prompt = match lang {
        Lang::En => {
            let mut title = name.to_owned();
            if let Some(c) = title.get_mut(..1) {
                c.make_ascii_uppercase();
            }
            format!("{title}:\n")
        }
        Lang::Zh => format!("{name}：\n"),
    };
    for (i, r) in of.list().iter().enumerate() {
        prompt.push_str(&format!("  {}) {} ({r})\n", i + 1, lang.reason(r)));
    }
    prompt.push_str(lang.text(key::CLI_PROMPT_CHOOSE_FIRST));
    let answer = ctx.input.ask(&prompt, Answer::Reason)?;
    if answer.is_empty() {
        return Ok(first(of));
    }
    let by_number = answer
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| of.list().get(i));
    let by_code = of.list().iter().find(|r| **r == answer);
    by_number
        .or(by_code)
        .map(|r| (*r).to_owned())
        .ok_or_else(|| Usage::NoSuchReason(answer, of).into())
}
