//! Language of what the tool says: English by default, Chinese with `--lang zh`.
//! Core errors are turned into sentences in [`errors`]; short labels live here.

mod catalogue;
mod errors;
#[cfg(test)]
mod glossary;
mod refusals;

pub use catalogue::{key, Text};
pub use errors::error;

use voidguard::{
    LegKind, LegState, RequestKind, RequestStatus, Role, TransactionKind, TransactionStatus,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    En,
    #[value(alias = "zh-cn", alias = "zh-CN")]
    Zh,
}

impl Lang {
    /// The text for this language.
    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    pub fn locale(self) -> voidguard::Locale {
        match self {
            Lang::En => voidguard::Locale::En,
            Lang::Zh => voidguard::Locale::ZhCn,
        }
    }

    pub fn kind(self, kind: TransactionKind) -> &'static str {
        self.text(match kind {
            TransactionKind::Sale => key::CLI_KIND_SALE,
            TransactionKind::Void => key::CLI_KIND_VOID,
            TransactionKind::Refund => key::CLI_KIND_REFUND,
        })
    }

    pub fn status(self, status: TransactionStatus) -> &'static str {
        self.text(match status {
            TransactionStatus::Approved => key::CLI_STATUS_APPROVED,
            TransactionStatus::Voided => key::CLI_STATUS_VOIDED,
            TransactionStatus::Reversed => key::CLI_STATUS_REVERSED,
            TransactionStatus::Settled => key::CLI_STATUS_SETTLED,
        })
    }

    pub fn request_kind(self, kind: RequestKind) -> &'static str {
        self.text(match kind {
            RequestKind::VoidPermission => key::CLI_REQUEST_KIND_VOID_PERMISSION,
            RequestKind::RefundPermission => key::CLI_REQUEST_KIND_REFUND_PERMISSION,
            RequestKind::PasswordReset => key::CLI_REQUEST_KIND_PASSWORD_RESET,
            RequestKind::LiftRestriction => key::CLI_REQUEST_KIND_LIFT_RESTRICTION,
        })
    }

    pub fn request_status(self, status: RequestStatus) -> &'static str {
        self.text(match status {
            RequestStatus::Open => key::CLI_REQUEST_STATUS_OPEN,
            RequestStatus::Redeemed => key::CLI_REQUEST_STATUS_REDEEMED,
            RequestStatus::Closed => key::CLI_REQUEST_STATUS_CLOSED,
            RequestStatus::Expired => key::CLI_REQUEST_STATUS_EXPIRED,
        })
    }

    pub fn leg_state(self, state: LegState) -> &'static str {
        self.text(match state {
            LegState::AwaitingAnswer => key::CLI_PENDING_AWAITING_ANSWER,
            LegState::AwaitingReversal => key::CLI_PENDING_AWAITING_REVERSAL,
            LegState::NeedsManualHandling => key::CLI_PENDING_NEEDS_MANUAL_HANDLING,
            LegState::Approved => key::CLI_PENDING_APPROVED,
            LegState::Declined => key::CLI_PENDING_DECLINED,
            LegState::Reversed => key::CLI_PENDING_REVERSED,
        })
    }

    /// An online transaction's kind as the terminal's menu names it.
    pub fn leg_kind(self, kind: LegKind) -> &'static str {
        self.text(match kind {
            LegKind::Sale => key::CLI_LEG_KIND_SALE,
            LegKind::Void => key::CLI_LEG_KIND_VOID,
            LegKind::Settlement => key::CLI_LEG_KIND_SETTLEMENT,
            LegKind::Refund => key::CLI_LEG_KIND_REFUND,
        })
    }

    /// An operator's role as the terminal names it (主管, 系统管理员, 收银员).
    pub fn role(self, role: Role) -> &'static str {
        self.text(match role {
            Role::Supervisor => key::CLI_ROLE_SUPERVISOR,
            Role::Administrator => key::CLI_ROLE_ADMINISTRATOR,
            Role::Cashier => key::CLI_ROLE_CASHIER,
        })
    }

    /// A configured reason code (void or refund) in words, from the same texts as the
    /// app's reason list; a code this version does not know is shown as it is.
    pub fn reason(self, code: &str) -> String {
        let t = match code {
            "customer_request" => key::REASON_CUSTOMER_REQUEST,
            "wrong_amount" => key::REASON_WRONG_AMOUNT,
            "duplicate_charge" => key::REASON_DUPLICATE_CHARGE,
            "goods_returned_same_day" => key::REASON_GOODS_RETURNED_SAME_DAY,
            "goods_returned" => key::REASON_GOODS_RETURNED,
            "service_not_provided" => key::REASON_SERVICE_NOT_PROVIDED,
            "price_adjustment" => key::REASON_PRICE_ADJUSTMENT,
            "other" => key::REASON_OTHER,
            _ => return code.to_owned(),
        };
        self.text(t).to_owned()
    }

    /// An audit entry's kind in words, from the app's audit texts; a kind this version
    /// does not know is shown as its code.
    pub fn audit_kind(self, kind: &str) -> String {
        audit_kind_text(kind).map_or_else(|| kind.to_owned(), |t| self.text(t).to_owned())
    }

    pub fn yes_no(self, yes: bool) -> &'static str {
        self.text(if yes { key::CLI_YES } else { key::CLI_NO })
    }
}

/// The audit kinds the core writes (`audit` module), each with the app's text for it.
fn audit_kind_text(kind: &str) -> Option<Text> {
    Some(match kind {
        "terminal.activated" => key::AUDIT_TERMINAL_ACTIVATED,
        "request.opened" => key::AUDIT_REQUEST_OPENED,
        "request.code_rejected" => key::AUDIT_REQUEST_CODE_REJECTED,
        "request.redeemed" => key::AUDIT_REQUEST_REDEEMED,
        "permission.granted" => key::AUDIT_PERMISSION_GRANTED,
        "refund_permission.granted" => key::AUDIT_REFUND_PERMISSION_GRANTED,
        "password.set" => key::AUDIT_PASSWORD_SET,
        "password.changed" => key::AUDIT_PASSWORD_CHANGED,
        "password.reset" => key::AUDIT_PASSWORD_RESET,
        "password.failed" => key::AUDIT_PASSWORD_FAILED,
        "lockout.started" => key::AUDIT_LOCKOUT_STARTED,
        "restriction.lifted" => key::AUDIT_RESTRICTION_LIFTED,
        "void.begun" => key::AUDIT_VOID_BEGUN,
        "void.approved" => key::AUDIT_VOID_APPROVED,
        "void.declined" => key::AUDIT_VOID_DECLINED,
        "void.unanswered" => key::AUDIT_VOID_UNANSWERED,
        "void.reversed" => key::AUDIT_VOID_REVERSED,
        "void.manual" => key::AUDIT_VOID_NEEDS_MANUAL_HANDLING,
        "void.resolved_manually" => key::AUDIT_VOID_RESOLVED_MANUALLY,
        "sale.begun" => key::AUDIT_SALE_BEGUN,
        "sale.approved" => key::AUDIT_SALE_APPROVED,
        "sale.declined" => key::AUDIT_SALE_DECLINED,
        "sale.unanswered" => key::AUDIT_SALE_UNANSWERED,
        "sale.reversed" => key::AUDIT_SALE_REVERSED,
        "sale.manual" => key::AUDIT_SALE_NEEDS_MANUAL_HANDLING,
        "sale.resolved_manually" => key::AUDIT_SALE_RESOLVED_MANUALLY,
        "refund.begun" => key::AUDIT_REFUND_BEGUN,
        "refund.approved" => key::AUDIT_REFUND_APPROVED,
        "refund.declined" => key::AUDIT_REFUND_DECLINED,
        "refund.unanswered" => key::AUDIT_REFUND_UNANSWERED,
        "refund.reversed" => key::AUDIT_REFUND_REVERSED,
        "refund.manual" => key::AUDIT_REFUND_NEEDS_MANUAL_HANDLING,
        "refund.resolved_manually" => key::AUDIT_REFUND_RESOLVED_MANUALLY,
        "settlement.begun" => key::AUDIT_SETTLEMENT_BEGUN,
        "settlement.approved" => key::AUDIT_SETTLEMENT_APPROVED,
        "settlement.declined" => key::AUDIT_SETTLEMENT_DECLINED,
        "settlement.unanswered" => key::AUDIT_SETTLEMENT_UNANSWERED,
        "settlement.reversed" => key::AUDIT_SETTLEMENT_REVERSED,
        "settlement.manual" => key::AUDIT_SETTLEMENT_NEEDS_MANUAL_HANDLING,
        "settlement.resolved_manually" => key::AUDIT_SETTLEMENT_RESOLVED_MANUALLY,
        "batch.settled" => key::AUDIT_BATCH_SETTLED,
        "schema.upgraded" => key::AUDIT_SCHEMA_UPGRADED,
        "approvals.blocked" => key::AUDIT_APPROVALS_BLOCKED,
        "operator.signed_in" => key::AUDIT_OPERATOR_SIGNED_IN,
        "operator.sign_in_failed" => key::AUDIT_OPERATOR_SIGN_IN_FAILED,
        "operator.signed_out" => key::AUDIT_OPERATOR_SIGNED_OUT,
        "operator.added" => key::AUDIT_OPERATOR_ADDED,
        "operator.removed" => key::AUDIT_OPERATOR_REMOVED,
        "operator.password_changed" => key::AUDIT_OPERATOR_PASSWORD_CHANGED,
        _ => return None,
    })
}
