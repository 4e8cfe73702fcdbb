//! Language of what the tool says: English by default, Chinese with `--lang zh`.
//! Core errors are turned into sentences in [`errors`]; short labels live here.

mod errors;
mod refusals;

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
        match kind {
            TransactionKind::Sale => self.pick("sale", "消费"),
            TransactionKind::Void => self.pick("void", "消费撤销"),
            TransactionKind::Refund => self.pick("refund", "退货"),
        }
    }

    pub fn status(self, status: TransactionStatus) -> &'static str {
        match status {
            TransactionStatus::Approved => self.pick("approved", "成功"),
            TransactionStatus::Voided => self.pick("voided", "已撤销"),
            TransactionStatus::Reversed => self.pick("reversed", "已冲正"),
            TransactionStatus::Settled => self.pick("settled", "已结算"),
        }
    }

    pub fn request_kind(self, kind: RequestKind) -> &'static str {
        match kind {
            RequestKind::VoidPermission => self.pick("void permission", "撤销权限"),
            RequestKind::RefundPermission => self.pick("refund permission", "退货权限"),
            RequestKind::PasswordReset => self.pick("password reset", "重置密码"),
            RequestKind::LiftRestriction => self.pick("lift restriction", "解除限制"),
        }
    }

    pub fn request_status(self, status: RequestStatus) -> &'static str {
        match status {
            RequestStatus::Open => self.pick("open", "待审批"),
            RequestStatus::Redeemed => self.pick("redeemed", "已通过"),
            RequestStatus::Closed => self.pick("closed", "已关闭"),
            RequestStatus::Expired => self.pick("expired", "已过期"),
        }
    }

    pub fn leg_state(self, state: LegState) -> &'static str {
        match state {
            LegState::AwaitingAnswer => self.pick("awaiting answer", "等待应答"),
            LegState::AwaitingReversal => self.pick("awaiting reversal", "等待冲正"),
            LegState::NeedsManualHandling => self.pick("needs manual handling", "需人工处理"),
            LegState::Approved => self.pick("approved", "成功"),
            LegState::Declined => self.pick("declined", "被拒绝"),
            LegState::Reversed => self.pick("reversed", "已冲正"),
        }
    }

    /// An online transaction's kind as the terminal's menu names it.
    pub fn leg_kind(self, kind: LegKind) -> &'static str {
        match kind {
            LegKind::Sale => self.pick("sale", "消费"),
            LegKind::Void => self.pick("void", "消费撤销"),
            LegKind::Settlement => self.pick("settlement", "结算"),
            LegKind::Refund => self.pick("refund", "退货"),
        }
    }

    /// An operator's role as the terminal names it (主管, 系统管理员, 收银员).
    pub fn role(self, role: Role) -> &'static str {
        match role {
            Role::Supervisor => self.pick("supervisor", "主管"),
            Role::Administrator => self.pick("administrator", "系统管理员"),
            Role::Cashier => self.pick("cashier", "收银员"),
        }
    }

    pub fn yes_no(self, yes: bool) -> &'static str {
        match (self, yes) {
            (Lang::En, true) => "yes",
            (Lang::En, false) => "no",
            (Lang::Zh, true) => "是",
            (Lang::Zh, false) => "否",
        }
    }
}
