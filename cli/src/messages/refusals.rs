//! The core's refusals (`VoidGuardError`) as sentences. Every variant is named, so a
//! new refusal in the core does not compile until it has a message here. No message
//! carries a secret.

use voidguard::{Field, LegKind, Problem, VoidGuardError};

use super::Lang;
use crate::format;

fn field(lang: Lang, f: Field) -> (&'static str, &'static str) {
    // (name, what is expected)
    let (en, zh, hint_en, hint_zh) = match f {
        Field::Amount => (
            "amount",
            "金额",
            "yuan with at most 2 decimals, e.g. 12.34",
            "元，最多两位小数，如 12.34",
        ),
        Field::VoucherNo => ("voucher number", "凭证号", "6 digits", "6 位数字"),
        Field::Date => (
            "date",
            "日期",
            "YYYY-MM-DD, YYYYMMDD or MMDD",
            "YYYY-MM-DD、YYYYMMDD 或 MMDD",
        ),
        Field::Password => ("void password", "撤销密码", "6 digits", "6 位数字"),
        Field::OperatorNo => (
            "operator number",
            "操作员号",
            "2 digits, 00–98",
            "2 位数字，00–98",
        ),
        Field::VoidReason => (
            "void reason",
            "撤销原因",
            "one of the configured reason codes",
            "须为已配置的原因代码",
        ),
        Field::MerchantNo => ("merchant number", "商户号", "15 digits", "15 位数字"),
        Field::TerminalId => (
            "terminal id",
            "终端号",
            "8 letters or digits",
            "8 位字母或数字",
        ),
        Field::TerminalSecret => (
            "terminal secret",
            "终端密钥",
            "hex of 16 to 64 bytes",
            "16 至 64 字节的十六进制",
        ),
        Field::CardNumber => (
            "card number",
            "卡号",
            "12 to 19 digits, or masked as 622202******1234",
            "12 至 19 位数字，或 622202******1234 形式的掩码卡号",
        ),
        Field::CardScheme => ("card scheme", "卡组织", "e.g. UnionPay", "如 UnionPay"),
        Field::Rrn => (
            "reference number (RRN)",
            "参考号",
            "12 letters or digits",
            "12 位字母或数字",
        ),
        Field::AuthCode => (
            "authorisation code",
            "授权码",
            "6 letters or digits",
            "6 位字母或数字",
        ),
        Field::RefundReason => (
            "refund reason",
            "退货原因",
            "one of the configured reason codes",
            "已配置的原因代码之一",
        ),
        Field::MasterKey => (
            "master key",
            "主密钥",
            "32 hex digits, as the acquirer's key sheet prints them",
            "32 位十六进制数字，与收单机构密钥单一致",
        ),
        Field::HostAddress => (
            "host address",
            "主机地址",
            "host:port, such as 10.0.0.5:5000",
            "主机:端口，例如 10.0.0.5:5000",
        ),
        Field::ResolutionNote => (
            "note",
            "备注",
            "who at the acquirer said so, up to 200 characters",
            "收单机构的答复人等，不超过 200 字",
        ),
        Field::RequestCode => ("request code", "申请编号", "10 digits", "10 位数字"),
        Field::ApprovalCode => ("approval code", "审批码", "8 digits", "8 位数字"),
        Field::ApplicationReason => (
            "application reason",
            "申请原因",
            "up to 200 characters",
            "最多 200 字",
        ),
        Field::IdType => (
            "identity document type",
            "证件类型",
            "up to 32 characters",
            "最多 32 字",
        ),
        Field::IdNumber => (
            "identity number",
            "证件号码",
            "6 to 32 letters or digits",
            "6 至 32 位字母或数字",
        ),
        Field::LicenceNo => (
            "business licence number",
            "营业执照号",
            "15 or 18 letters or digits",
            "15 或 18 位字母或数字",
        ),
        Field::Contact => ("contact", "联系电话", "a telephone number", "电话号码"),
        Field::PageSize => ("page size", "每页条数", "1 to 500", "1 至 500"),
        Field::BatchNo => ("batch number", "批次号", "6 digits", "6 位数字"),
        Field::Config => ("configuration", "配置", "see --help", "见 --help"),
        Field::PendingId => (
            "online transaction id",
            "联机交易编号",
            "a listed id",
            "列出的编号",
        ),
        Field::ResponseCode => ("response code", "应答码", "2 characters", "2 位字符"),
    };
    match lang {
        Lang::En => (en, hint_en),
        Lang::Zh => (zh, hint_zh),
    }
}

pub fn problem(lang: Lang, p: Problem) -> &'static str {
    match p {
        Problem::Empty => lang.pick("is empty", "不能为空"),
        Problem::TooLong => lang.pick("is too long", "过长"),
        Problem::NotDigits => lang.pick("must be digits only", "只能是数字"),
        Problem::WrongLength => lang.pick("has the wrong length", "长度不对"),
        Problem::TooManyDecimals => lang.pick("has more than two decimals", "小数超过两位"),
        Problem::Negative => lang.pick("must not be negative", "不能为负"),
        Problem::Zero => lang.pick("must be more than zero", "必须大于零"),
        Problem::OverCap => lang.pick("is over the allowed maximum", "超过上限"),
        Problem::Overflow => lang.pick("is too large", "数值过大"),
        Problem::NoSuchDate => lang.pick("is not a real date", "不是有效日期"),
        Problem::NotAllowed => lang.pick("is not allowed", "不允许"),
        Problem::Malformed => lang.pick("is malformed", "格式不对"),
        Problem::InFuture => lang.pick("is in the future", "晚于今天"),
    }
}

pub fn core(lang: Lang, e: &VoidGuardError) -> String {
    use VoidGuardError as E;
    let zh = lang == Lang::Zh;
    let s = |en: &str, zh: &str| lang.pick(en, zh).to_owned();
    match e {
        E::InvalidInput { field: f, problem: p } => {
            let (name, hint) = field(lang, *f);
            let p = problem(lang, *p);
            if zh {
                format!("{name}{p}（应为{hint}）")
            } else {
                format!("invalid {name}: {p} (expected {hint})")
            }
        }
        E::NotActivated => s(
            "the terminal is not activated: run `voidguard init` first",
            "终端尚未激活：请先运行 voidguard init",
        ),
        E::AlreadyActivated => s("the terminal is already activated", "终端已激活"),
        E::TerminalNotEmpty => s(
            "the terminal holds data already: only an empty terminal can be activated",
            "终端中已有数据：只有空终端才能激活",
        ),
        E::PermissionNotGranted => s(
            "void permission has not been granted: apply with `voidguard request permission`",
            "尚未开通撤销权限：请用 voidguard request permission 申请",
        ),
        E::RefundPermissionNotGranted => s(
            "refund permission has not been granted: apply with `voidguard request refund-permission`",
            "尚未开通退货权限：请用 voidguard request refund-permission 申请",
        ),
        E::PasswordNotSet => s(
            "no void password is set: set one with `voidguard password set`",
            "尚未设置撤销密码：请用 voidguard password set 设置",
        ),
        E::PendingHostWork { count } if zh => format!(
            "有 {count} 笔联机交易（消费、消费撤销或结算）等待主机应答、冲正或人工处理：\
             请运行 voidguard reconcile（voidguard status 列出这些交易）；冲正不成功、\
             需人工处理的，向收单机构核实后用 voidguard resolve 处理"
        ),
        E::PendingHostWork { count } => format!(
            "{count} online transaction(s) (sale, void or settlement) await the host's answer, \
             a reversal or manual handling: run `voidguard reconcile` (`voidguard status` lists \
             them); one that needs manual handling is closed with `voidguard resolve` once the \
             acquirer says what happened"
        ),
        E::AnswerTooLate { state } if zh => format!(
            "该联机交易已转入冲正（{}）：迟到的主机应答不能再处理，请用 voidguard resolve",
            Lang::Zh.leg_state(*state)
        ),
        E::AnswerTooLate { state } => format!(
            "that online transaction was handed to reversal ({}): a late host answer cannot \
             close it; use `voidguard resolve`",
            Lang::En.leg_state(*state)
        ),
        E::NotInManualHandling { state } if zh => format!(
            "该联机交易不在人工处理中（{}）：只有需人工处理的才能用 voidguard resolve 处理",
            Lang::Zh.leg_state(*state)
        ),
        E::NotInManualHandling { state } => format!(
            "that online transaction is not waiting for manual handling ({}): only one that \
             needs it is closed with `voidguard resolve`",
            Lang::En.leg_state(*state)
        ),
        E::TransactionNotFound { voucher_no: v } if zh => format!("流水中没有凭证号 {v}"),
        E::TransactionNotFound { voucher_no: v } => format!("voucher {v} is not in the journal"),
        E::NotVoidable { voucher_no: v } if zh => format!("凭证号 {v} 不是可撤销的消费"),
        E::NotVoidable { voucher_no: v } => format!("voucher {v} is not a sale that can be voided"),
        E::AlreadyVoided { voucher_no: v, void_voucher_no: w } if zh => {
            format!("凭证号 {v} 已被凭证号 {w} 撤销")
        }
        E::AlreadyVoided { voucher_no: v, void_voucher_no: w } => {
            format!("voucher {v} was already voided by voucher {w}")
        }
        E::SettledUseRefund { voucher_no: v, batch_no: b } if zh => {
            format!("凭证号 {v} 已在批次 {b} 结算，不能撤销，请做退货")
        }
        E::SettledUseRefund { voucher_no: v, batch_no: b } => {
            format!("voucher {v} is settled in batch {b}: it cannot be voided, use a refund")
        }
        E::NotSameBusinessDate { business_date: d } if zh => {
            format!("该消费的交易日期为 {d}：只能撤销当日消费，请做退货")
        }
        E::NotSameBusinessDate { business_date: d } => format!(
            "the sale is from business date {d}: only same-day sales can be voided, use a refund"
        ),
        E::DateMismatch => s(
            "the date entered does not match the original transaction",
            "输入的日期与原交易不符",
        ),
        E::AmountMismatch => s(
            "the amount entered does not match the original transaction",
            "输入的金额与原交易不符",
        ),
        E::VoidInProgress { voucher_no: v } if zh => format!("凭证号 {v} 的撤销正在处理中"),
        E::VoidInProgress { voucher_no: v } => format!("a void of voucher {v} is already in progress"),
        E::DailyCountLimitReached { limit } if zh => {
            format!("已达每日撤销笔数上限 {limit} 笔：可用 voidguard request lift 申请解除")
        }
        E::DailyCountLimitReached { limit } => format!(
            "the daily limit of {limit} voids is reached: apply with `voidguard request lift`"
        ),
        E::DailyAmountLimitReached { limit, used } => {
            let (limit, used) = (format::money(*limit), format::money(*used));
            if zh {
                format!("将超过每日撤销金额上限 {limit}（已用 {used}）")
            } else {
                format!("the daily void amount limit of {limit} would be exceeded ({used} used)")
            }
        }
        E::WrongPassword { attempts_left: n } if zh => {
            format!("撤销密码错误，还可尝试 {n} 次，之后将被锁定")
        }
        E::WrongPassword { attempts_left: n } => {
            format!("wrong void password, {n} attempt(s) left before a lockout")
        }
        E::LockedUntil { until_ms } => {
            let at = format::local_time(*until_ms);
            if zh {
                format!("密码错误次数过多，撤销已锁定至 {at}")
            } else {
                format!("voiding is locked until {at} after too many wrong passwords")
            }
        }
        E::LockedUntilLifted => s(
            "voiding is locked until the back office lifts the restriction: apply with `voidguard request lift`",
            "撤销已锁定，须后台审批解除：请用 voidguard request lift 申请",
        ),
        E::HostDeclined { response_code: rc } if zh => format!("主机拒绝了该交易（应答码 {rc}）"),
        E::HostDeclined { response_code: rc } => {
            format!("the host declined it (response code {rc})")
        }
        E::HostUnreachable => s(
            "the host did not answer: it will be reversed or confirmed (`voidguard reconcile`)",
            "主机无应答：该交易将被冲正或确认（voidguard reconcile）",
        ),
        E::HostReversed => s(
            "the host did not answer and the transaction was reversed: nothing happened; try again",
            "主机无应答，该交易已冲正：未发生任何交易，可重试",
        ),
        E::CardReaderMissing => s(
            "the configuration requires the card, and no card reader is installed",
            "配置要求读卡，但未安装读卡器",
        ),
        E::CardNotRead { failure } => match failure {
            voidguard::CardReadFailure::NoCard => s("no card was presented", "未检测到卡片"),
            voidguard::CardReadFailure::Cancelled => s("the card read was cancelled", "读卡已取消"),
            voidguard::CardReadFailure::ReaderFault => s("the card reader failed", "读卡器故障"),
        },
        E::PinBlockRequired => s(
            "the configuration requires the PIN, and none was entered",
            "配置要求持卡人输入密码，但未输入密码",
        ),
        E::CardMismatch => s(
            "this is not the card of the original sale",
            "该卡不是原交易所用的卡",
        ),
        E::CardNotOnFile { voucher_no: v } if zh => {
            format!("凭证号 {v} 的原交易未记录可比对的卡，无法与此卡核对")
        }
        E::CardNotOnFile { voucher_no: v } => format!(
            "voucher {v} was recorded without a card that can be compared: it cannot be checked against the card presented"
        ),
        E::RefundOriginalNotFound { reference: r } if zh => {
            format!("流水中没有 {r} 对应的消费：请核对参考号与原交易日期")
        }
        E::RefundOriginalNotFound { reference: r } => format!(
            "no sale {r} in the journal: check the reference number and the original date"
        ),
        E::RefundOfRefund { voucher_no: v } if zh => {
            format!("凭证号 {v} 是退货：退货为最终交易，不能再退货或撤销")
        }
        E::RefundOfRefund { voucher_no: v } => {
            format!("voucher {v} is a refund: a refund is final, it cannot be refunded or voided")
        }
        E::RefundOfVoid { voucher_no: v } if zh => format!("凭证号 {v} 是撤销，不是消费"),
        E::RefundOfVoid { voucher_no: v } => format!("voucher {v} is a void, not a sale"),
        E::RefundOfVoidedSale { voucher_no: v, void_voucher_no: w } if zh => {
            format!("凭证号 {v} 已被凭证号 {w} 撤销：无可退金额")
        }
        E::RefundOfVoidedSale { voucher_no: v, void_voucher_no: w } => {
            format!("voucher {v} was voided by voucher {w}: nothing to refund")
        }
        E::RefundOfReversedSale { voucher_no: v } if zh => format!("凭证号 {v} 已冲正：无可退金额"),
        E::RefundOfReversedSale { voucher_no: v } => {
            format!("voucher {v} was reversed: nothing to refund")
        }
        E::RefundUseVoid { voucher_no: v } if zh => {
            format!("凭证号 {v} 是当日未结算的消费：请做消费撤销（voidguard void）")
        }
        E::RefundUseVoid { voucher_no: v } => format!(
            "voucher {v} is a sale of today's open batch: void it instead (`voidguard void`)"
        ),
        E::RefundOverBalance { balance } if zh => {
            format!("该笔消费最多还可退 {}", format::money(*balance))
        }
        E::RefundOverBalance { balance } => {
            format!("at most {} can still be refunded on this sale", format::money(*balance))
        }
        E::RefundOverCap { cap } if zh => format!("单笔退货不能超过 {}", format::money(*cap)),
        E::RefundOverCap { cap } => format!("a single refund may be at most {}", format::money(*cap)),
        E::DailyRefundCountLimitReached { limit } if zh => {
            format!("已达每日退货笔数上限 {limit} 笔")
        }
        E::DailyRefundCountLimitReached { limit } => {
            format!("the daily limit of {limit} refunds is reached")
        }
        E::DailyRefundAmountLimitReached { limit, used } => {
            let (limit, used) = (format::money(*limit), format::money(*used));
            if zh {
                format!("将超过每日退货金额上限 {limit}（已用 {used}）")
            } else {
                format!("the daily refund amount limit of {limit} would be exceeded ({used} used)")
            }
        }
        E::TrivialPassword => s(
            "the password is too easy to guess (repeated digits, runs and 123456 are refused)",
            "密码过于简单（相同数字、连续数字和 123456 不可用）",
        ),
        E::PasswordAlreadySet => s(
            "a void password is already set: change it with `voidguard password change`",
            "已设置撤销密码：请用 voidguard password change 修改",
        ),
        E::PasswordReused => s(
            "the new password must differ from the current one",
            "新密码不能与当前密码相同",
        ),
        E::NewPasswordRequired => s(
            "a reset needs the new password (--password-stdin or --password-file)",
            "重置需要提供新密码（--password-stdin 或 --password-file）",
        ),
        E::UnknownRequest => s("no request with that code", "没有该申请编号"),
        E::RequestAlreadyOpen { request_code: c } if zh => format!("已有同类待审批申请：{c}"),
        E::RequestAlreadyOpen { request_code: c } => {
            format!("an open request of this kind exists already: {c}")
        }
        E::ApprovalCodeInvalid { attempts_left: n } if zh => {
            format!("审批码与该申请不符，还可尝试 {n} 次")
        }
        E::ApprovalCodeInvalid { attempts_left: n } => {
            format!("the approval code is not valid for this request, {n} attempt(s) left")
        }
        E::ApprovalAlreadyUsed => s("this request was already redeemed", "该申请已审批并使用"),
        E::ApprovalExpired => s("this request expired: apply again", "该申请已过期：请重新申请"),
        E::RequestClosed => s(
            "this request was closed after too many wrong codes: apply again",
            "审批码错误次数过多，该申请已关闭：请重新申请",
        ),
        E::NothingToLift => s(
            "nothing to lift: no restriction is active",
            "无需解除：当前没有限制",
        ),
        E::ApprovalsBlocked { until_ms } => {
            let until = format::local_time(*until_ms);
            if zh {
                format!("审批码错误过多：{until} 之前不能申请或兑换审批")
            } else {
                format!("too many wrong approval codes: no request or approval until {until}")
            }
        }
        E::RequestLimitReached { limit } if zh => format!("今天已提交 {limit} 个申请，已达上限：请明天再申请"),
        E::RequestLimitReached { limit } => {
            format!("{limit} requests were opened today, the most allowed: apply again tomorrow")
        }
        E::UnknownOperator { operator_no } if zh => format!("没有操作员 {operator_no}"),
        E::UnknownOperator { operator_no } => format!("there is no operator {operator_no}"),
        E::WrongOperatorPassword {
            operator_no,
            attempts_left,
        } if zh => format!("操作员 {operator_no} 密码错误，还可尝试 {attempts_left} 次"),
        E::WrongOperatorPassword {
            operator_no,
            attempts_left,
        } => format!(
            "wrong password for operator {operator_no}, {attempts_left} attempt(s) left before a lockout"
        ),
        E::OperatorLocked {
            operator_no,
            until_ms: Some(until_ms),
        } => {
            let at = format::local_time(*until_ms);
            if zh {
                format!("操作员 {operator_no} 密码错误次数过多，已锁定至 {at}")
            } else {
                format!("operator {operator_no} is locked until {at} after wrong passwords")
            }
        }
        E::OperatorLocked {
            operator_no,
            until_ms: None,
        } if zh => format!("操作员 {operator_no} 已锁定：请系统管理员重置密码"),
        E::OperatorLocked {
            operator_no,
            until_ms: None,
        } => format!("operator {operator_no} is locked until the administrator resets the password"),
        E::NotSignedIn => s("no operator is signed in", "没有操作员登录"),
        E::AlreadySignedIn { operator_no } if zh => {
            format!("操作员 {operator_no} 已登录：请先签退")
        }
        E::AlreadySignedIn { operator_no } => {
            format!("operator {operator_no} is signed in already: sign out first")
        }
        E::NotPermitted { operator_no } if zh => format!("操作员 {operator_no} 无权执行此操作"),
        E::NotPermitted { operator_no } => format!("operator {operator_no} may not do this"),
        E::OperatorExists { operator_no } if zh => format!("操作员 {operator_no} 已存在"),
        E::OperatorExists { operator_no } => format!("operator {operator_no} exists already"),
        E::CannotRemove { operator_no } if zh => format!("操作员 {operator_no} 不能删除"),
        E::CannotRemove { operator_no } => format!("operator {operator_no} cannot be removed"),
        E::AdminPasswordAlreadySet => s(
            "the administrator's password is set already",
            "系统管理员密码已设置",
        ),
        E::UnknownHostLeg => s(
            "no online transaction with that id: `voidguard resolve` lists those that need manual handling",
            "没有该编号的联机交易：voidguard resolve 列出需人工处理的交易",
        ),
        E::NotSimulated => s(
            "the built-in simulator is not the host link in use",
            "当前未使用内置模拟主机",
        ),
        E::NotADatabase => s(
            "the file is not a database; it was left untouched",
            "该文件不是数据库，未作任何改动",
        ),
        E::ForeignDatabase => s(
            "the database belongs to another application; it was left untouched",
            "该数据库属于其他应用，未作任何改动",
        ),
        E::SchemaTooNew { found, supported } if zh => {
            format!("数据库版本 {found} 高于本程序支持的版本 {supported}，未作任何改动")
        }
        E::SchemaTooNew { found, supported } => format!(
            "the database schema {found} is newer than this version knows ({supported}); it was left untouched"
        ),
        E::WrongKey => s(
            "the key file does not open this database; it was left untouched",
            "密钥文件打不开该数据库，未作任何改动",
        ),
        E::MasterKeyRejected => s(
            "the stored master key does not open with this key store; install it again",
            "已保存的主密钥无法用本密钥库打开，请重新灌装",
        ),
        E::InUse => s(
            "the database is open in another process; close it there first",
            "数据库正被另一个进程使用，请先在那里关闭",
        ),
        E::KeyUnavailable { reason } if zh => format!("密钥不可用：{reason}"),
        E::KeyUnavailable { reason } => format!("the key is unavailable: {reason}"),
        E::Tampered { what } if zh => format!("数据库被篡改：{what}"),
        E::Tampered { what } => format!("the database is tampered with: {what}"),
        E::TamperedRow { table, row_id, problem } => {
            let what = super::errors::audit_problem(lang, *problem);
            if zh {
                format!("数据库被篡改：表 {table} 第 {row_id} 行{what}。交易已停止；可导出和校验以保全证据，并联系收单机构")
            } else {
                format!("the database is tampered with: row {row_id} of {table} {what}. Transactions are stopped; export and verify to keep the evidence, and contact the acquirer")
            }
        }
        E::RolledBack { mark_seq, found_seq } if zh => format!(
            "数据库被回滚到旧副本（审计第 {found_seq} 条，标记为第 {mark_seq} 条）。交易已停止；请联系收单机构"
        ),
        E::RolledBack { mark_seq, found_seq } => format!(
            "the database was rolled back to an older copy (audit entry {found_seq}, mark at {mark_seq}). Transactions are stopped; contact the acquirer"
        ),
        E::MarkMissing => s(
            "the high-water mark beside the key file is missing or damaged: transactions are stopped; contact the acquirer",
            "密钥文件旁的高水位标记缺失或损坏：交易已停止；请联系收单机构",
        ),
        E::StorageFull => s("the storage is full", "存储空间已满"),
        E::Busy => s("the database is busy: try again", "数据库忙：请重试"),
        E::Storage { code } if zh => format!("存储错误（{code}）"),
        E::Storage { code } => format!("storage error ({code})"),
        E::Internal { reason } if zh => format!("内部错误：{reason}"),
        E::Internal { reason } => format!("internal error: {reason}"),
    }
}

/// The host's refusal or silence, said of the act it was about and what became of it.
pub fn host(lang: Lang, kind: LegKind, e: &VoidGuardError) -> String {
    use LegKind as K;
    let zh = lang == Lang::Zh;
    match (e, kind) {
        (VoidGuardError::HostDeclined { response_code: rc }, K::Sale) if zh => {
            format!("主机拒绝了该笔消费（应答码 {rc}）：未记账，请换卡或改用其他方式付款")
        }
        (VoidGuardError::HostDeclined { response_code: rc }, K::Sale) => format!(
            "the host declined the sale (response code {rc}): nothing was journaled; \
             ask for another card or another way to pay"
        ),
        (VoidGuardError::HostDeclined { response_code: rc }, K::Void) if zh => {
            format!("主机拒绝了撤销（应答码 {rc}）：原消费仍有效")
        }
        (VoidGuardError::HostDeclined { response_code: rc }, K::Void) => {
            format!("the host declined the void (response code {rc}): the sale stands")
        }
        (VoidGuardError::HostDeclined { response_code: rc }, K::Settlement) if zh => {
            format!("主机拒绝了结算（应答码 {rc}）：批次仍未结算，可继续撤销，稍后请重新结算")
        }
        (VoidGuardError::HostDeclined { response_code: rc }, K::Settlement) => format!(
            "the host declined the settlement (response code {rc}): the batch stays open and \
             its sales can still be voided; settle again later"
        ),
        (VoidGuardError::HostUnreachable, K::Sale) => lang
            .pick(
                "the host did not answer the sale: it is not journaled and will be reversed \
                 or confirmed (`voidguard reconcile`); do not hand over the goods on it",
                "主机未应答该笔消费：未记账，将被冲正或确认（voidguard reconcile）；\
                 请勿凭此笔交付商品",
            )
            .to_owned(),
        (VoidGuardError::HostReversed, K::Sale) => lang
            .pick(
                "the host did not answer the sale and it was reversed: nothing was charged \
                 or journaled; try the card again",
                "主机未应答该笔消费，已冲正：未扣款、未记账，可重新刷卡",
            )
            .to_owned(),
        (VoidGuardError::HostReversed, K::Void) => lang
            .pick(
                "the host did not answer the void and it was reversed: the sale stands; \
                 void it again",
                "主机未应答该笔撤销，已冲正：原消费仍有效，可重新撤销",
            )
            .to_owned(),
        (VoidGuardError::HostReversed, K::Settlement) => lang
            .pick(
                "the host did not answer the settlement and has no such settlement: the \
                 batch stays open; settle again",
                "主机未应答该次结算，且无此结算：批次仍未结算，请重新结算",
            )
            .to_owned(),
        (VoidGuardError::HostUnreachable, K::Void) => lang
            .pick(
                "the host did not answer the void: it will be reversed or confirmed \
                 (`voidguard reconcile`)",
                "主机未应答该笔撤销：将被冲正或确认（voidguard reconcile）",
            )
            .to_owned(),
        (VoidGuardError::HostUnreachable, K::Settlement) => lang
            .pick(
                "the host did not answer the settlement: the batch stays open until \
                 `voidguard reconcile` confirms or reverses it",
                "主机未应答该次结算：批次保持未结算，直到 voidguard reconcile 确认或冲正",
            )
            .to_owned(),
        (other, _) => core(lang, other),
    }
}
