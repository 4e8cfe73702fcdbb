//! `operator list`: every operator, the supervisor, the administrator and the
//! cashiers, with their role, state, failures and lock. Reading needs no password.

use serde_json::json;
use voidguard::{Operator, Role};

use super::{out, out_json, Ctx};
use crate::args::{JsonFlag, OperatorAction};
use crate::error::CliError;
use crate::format;
use crate::messages::Lang;
use crate::session;

pub fn run(ctx: &mut Ctx, action: &OperatorAction) -> Result<(), CliError> {
    match action {
        OperatorAction::List(json) => list(ctx, json),
    }
}

fn list(ctx: &Ctx, args: &JsonFlag) -> Result<(), CliError> {
    let lang = ctx.lang;
    let terminal = session::open_existing(&ctx.global)?;
    let all = terminal.operators()?;
    if args.json {
        let items: Vec<_> = all.iter().map(operator_json).collect();
        return out_json(&json!(items));
    }
    let header = match lang {
        Lang::En => ["NO", "ROLE", "STATE", "FAILURES", "LOCKED UNTIL"],
        Lang::Zh => ["操作员号", "角色", "状态", "密码错误次数", "锁定至"],
    };
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
        (true, _) => lang.pick("active", "在用"),
        (false, Role::Supervisor) => lang.pick("no password yet", "未设密码"),
        (false, _) => lang.pick("removed", "已删除"),
    }
}

/// A cashier's ten-in-a-row lock waits for the administrator's reset; the
/// supervisor's and the administrator's for the back office's lift.
fn locked(lang: Lang, o: &Operator) -> String {
    match (o.needs_reset, o.locked_until_ms, o.role) {
        (true, _, Role::Cashier) => lang
            .pick("until the administrator resets it", "须系统管理员重置")
            .to_owned(),
        (true, _, _) => lang
            .pick("until the back office lifts it", "须后台审批解除")
            .to_owned(),
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
