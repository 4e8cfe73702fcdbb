package dev.voidguard.app

import android.content.Context
import dev.voidguard.app.flow.HomeFlow
import dev.voidguard.app.flow.Money
import dev.voidguard.app.flow.Notice
import dev.voidguard.app.flow.TerminalTime
import dev.voidguard.app.flow.VoidFlow
import dev.voidguard.core.AuditProblem
import dev.voidguard.core.CardReadFailure
import dev.voidguard.core.Field
import dev.voidguard.core.HostLeg
import dev.voidguard.core.LegKind
import dev.voidguard.core.LegState
import dev.voidguard.core.Problem
import dev.voidguard.core.RequestKind
import dev.voidguard.core.RequestStatus
import dev.voidguard.core.Role
import dev.voidguard.core.TransactionKind
import dev.voidguard.core.TransactionStatus
import dev.voidguard.core.VoidGuardException

/** Words for what the flows report, all from the string resources. */
object Texts {
    fun money(context: Context, fen: Long): String = context.getString(R.string.money_cny, Money.format(fen))

    /** In the terminal's UTC offset, as the core prints slips ([TerminalTime]). */
    fun time(ms: Long): String = TerminalTime.format(ms)

    fun explain(context: Context, notice: Notice): String = when (notice) {
        is Notice.Refused -> refusal(context, notice.error)
        Notice.PasswordsDiffer -> context.getString(R.string.notice_passwords_differ)
        Notice.NotACashierNumber -> context.getString(R.string.notice_not_a_cashier_number)
        Notice.Unexpected -> context.getString(R.string.notice_unexpected)
    }

    fun refusal(context: Context, e: VoidGuardException): String {
        val c = context
        return when (e) {
            is VoidGuardException.InvalidInput -> c.getString(R.string.refusal_invalid_input, field(c, e.field), problem(c, e.problem))
            is VoidGuardException.NotActivated -> c.getString(R.string.refusal_not_activated)
            is VoidGuardException.AlreadyActivated -> c.getString(R.string.refusal_already_activated)
            is VoidGuardException.TerminalNotEmpty -> c.getString(R.string.refusal_terminal_not_empty)
            is VoidGuardException.PermissionNotGranted -> c.getString(R.string.refusal_permission_not_granted)
            is VoidGuardException.RefundPermissionNotGranted -> c.getString(R.string.refusal_refund_permission_not_granted)
            is VoidGuardException.PasswordNotSet -> c.getString(R.string.refusal_password_not_set)
            is VoidGuardException.PendingHostWork -> c.getString(R.string.refusal_pending_host_work, e.count.toInt())
            is VoidGuardException.TransactionNotFound -> c.getString(R.string.refusal_transaction_not_found, e.voucherNo)
            is VoidGuardException.NotVoidable -> c.getString(R.string.refusal_not_voidable, e.voucherNo)
            is VoidGuardException.AlreadyVoided -> c.getString(R.string.refusal_already_voided, e.voucherNo, e.voidVoucherNo)
            is VoidGuardException.SettledUseRefund -> c.getString(R.string.refusal_settled_use_refund, e.voucherNo, e.batchNo)
            is VoidGuardException.NotSameBusinessDate -> c.getString(R.string.refusal_not_same_business_date, e.businessDate)
            is VoidGuardException.DateMismatch -> c.getString(R.string.refusal_date_mismatch)
            is VoidGuardException.AmountMismatch -> c.getString(R.string.refusal_amount_mismatch)
            is VoidGuardException.VoidInProgress -> c.getString(R.string.refusal_void_in_progress, e.voucherNo)
            is VoidGuardException.DailyCountLimitReached -> c.getString(R.string.refusal_daily_count_limit, e.limit.toInt())
            is VoidGuardException.DailyAmountLimitReached ->
                c.getString(R.string.refusal_daily_amount_limit, money(c, e.used), money(c, e.limit))
            is VoidGuardException.WrongPassword -> c.resources.getQuantityString(
                R.plurals.refusal_wrong_password,
                e.attemptsLeft.toInt(),
                e.attemptsLeft.toInt(),
            )
            is VoidGuardException.LockedUntil -> c.getString(R.string.refusal_locked_until, time(e.untilMs))
            is VoidGuardException.LockedUntilLifted -> c.getString(R.string.refusal_locked_until_lifted)
            is VoidGuardException.HostDeclined -> c.getString(R.string.refusal_host_declined, e.responseCode)
            is VoidGuardException.HostUnreachable -> c.getString(R.string.refusal_host_unreachable)
            is VoidGuardException.HostReversed -> c.getString(R.string.refusal_host_reversed)
            is VoidGuardException.TrivialPassword -> c.getString(R.string.refusal_trivial_password)
            is VoidGuardException.PasswordAlreadySet -> c.getString(R.string.refusal_password_already_set)
            is VoidGuardException.PasswordReused -> c.getString(R.string.refusal_password_reused)
            is VoidGuardException.NewPasswordRequired -> c.getString(R.string.refusal_new_password_required)
            is VoidGuardException.UnknownRequest -> c.getString(R.string.refusal_unknown_request)
            is VoidGuardException.RequestAlreadyOpen -> c.getString(R.string.refusal_request_already_open, e.requestCode)
            is VoidGuardException.ApprovalCodeInvalid -> c.resources.getQuantityString(
                R.plurals.refusal_approval_code_invalid,
                e.attemptsLeft.toInt(),
                e.attemptsLeft.toInt(),
            )
            is VoidGuardException.ApprovalAlreadyUsed -> c.getString(R.string.refusal_approval_already_used)
            is VoidGuardException.ApprovalExpired -> c.getString(R.string.refusal_approval_expired)
            is VoidGuardException.RequestClosed -> c.getString(R.string.refusal_request_closed)
            is VoidGuardException.NothingToLift -> c.getString(R.string.refusal_nothing_to_lift)
            is VoidGuardException.ApprovalsBlocked -> c.getString(R.string.refusal_approvals_blocked, time(e.untilMs))
            is VoidGuardException.RequestLimitReached -> c.getString(R.string.refusal_request_limit_reached, e.limit.toInt())
            is VoidGuardException.UnknownOperator -> c.getString(R.string.refusal_unknown_operator, e.operatorNo)
            is VoidGuardException.WrongOperatorPassword -> c.resources.getQuantityString(
                R.plurals.refusal_wrong_operator_password,
                e.attemptsLeft.toInt(),
                e.operatorNo,
                e.attemptsLeft.toInt(),
            )
            is VoidGuardException.OperatorLocked -> e.untilMs?.let {
                c.getString(R.string.refusal_operator_locked_until, e.operatorNo, time(it))
            } ?: c.getString(R.string.refusal_operator_locked, e.operatorNo)
            is VoidGuardException.NotSignedIn -> c.getString(R.string.refusal_not_signed_in)
            is VoidGuardException.AlreadySignedIn -> c.getString(R.string.refusal_already_signed_in, e.operatorNo)
            is VoidGuardException.NotPermitted -> c.getString(R.string.refusal_not_permitted, e.operatorNo)
            is VoidGuardException.OperatorExists -> c.getString(R.string.refusal_operator_exists, e.operatorNo)
            is VoidGuardException.CannotRemove -> c.getString(R.string.refusal_cannot_remove, e.operatorNo)
            is VoidGuardException.AdminPasswordAlreadySet -> c.getString(R.string.refusal_admin_password_already_set)
            is VoidGuardException.UnknownHostLeg -> c.getString(R.string.refusal_unknown_host_leg)
            is VoidGuardException.AnswerTooLate -> c.getString(R.string.refusal_answer_too_late, pending(c, e.state))
            is VoidGuardException.NotInManualHandling ->
                c.getString(R.string.refusal_not_in_manual_handling, pending(c, e.state))
            is VoidGuardException.NotSimulated -> c.getString(R.string.refusal_not_simulated)
            is VoidGuardException.RefundOriginalNotFound -> c.getString(R.string.refusal_refund_original_not_found, e.reference)
            is VoidGuardException.RefundOfRefund -> c.getString(R.string.refusal_refund_of_refund, e.voucherNo)
            is VoidGuardException.RefundOfVoid -> c.getString(R.string.refusal_refund_of_void, e.voucherNo)
            is VoidGuardException.RefundOfVoidedSale -> c.getString(R.string.refusal_refund_of_voided_sale, e.voucherNo, e.voidVoucherNo)
            is VoidGuardException.RefundOfReversedSale -> c.getString(R.string.refusal_refund_of_reversed_sale, e.voucherNo)
            is VoidGuardException.RefundUseVoid -> c.getString(R.string.refusal_refund_use_void, e.voucherNo)
            is VoidGuardException.RefundOverBalance -> c.getString(R.string.refusal_refund_over_balance, money(c, e.balance))
            is VoidGuardException.RefundOverCap -> c.getString(R.string.refusal_refund_over_cap, money(c, e.cap))
            is VoidGuardException.DailyRefundCountLimitReached -> c.getString(R.string.refusal_daily_refund_count_limit, e.limit.toInt())
            is VoidGuardException.DailyRefundAmountLimitReached ->
                c.getString(R.string.refusal_daily_refund_amount_limit, money(c, e.used), money(c, e.limit))
            is VoidGuardException.NotADatabase -> c.getString(R.string.refusal_not_a_database)
            is VoidGuardException.ForeignDatabase -> c.getString(R.string.refusal_foreign_database)
            is VoidGuardException.SchemaTooNew -> c.getString(R.string.refusal_schema_too_new, e.found.toInt(), e.supported.toInt())
            is VoidGuardException.WrongKey -> c.getString(R.string.refusal_wrong_key)
            is VoidGuardException.MasterKeyRejected -> c.getString(R.string.refusal_master_key_rejected)
            is VoidGuardException.InUse -> c.getString(R.string.refusal_in_use)
            is VoidGuardException.KeyUnavailable -> c.getString(R.string.refusal_key_unavailable, e.reason)
            is VoidGuardException.Tampered -> c.getString(R.string.refusal_tampered, e.what)
            is VoidGuardException.TamperedRow ->
                c.getString(R.string.refusal_tampered_row, e.table, e.rowId, auditProblem(c, e.problem))
            is VoidGuardException.RolledBack -> c.getString(R.string.refusal_rolled_back, e.foundSeq.toLong(), e.markSeq.toLong())
            is VoidGuardException.MarkMissing -> c.getString(R.string.refusal_mark_missing)
            is VoidGuardException.StorageFull -> c.getString(R.string.refusal_storage_full)
            is VoidGuardException.Busy -> c.getString(R.string.refusal_busy)
            is VoidGuardException.Storage -> c.getString(R.string.refusal_storage, e.code)
            is VoidGuardException.CardReaderMissing -> c.getString(R.string.refusal_card_reader_missing)
            is VoidGuardException.CardNotRead -> c.getString(
                when (e.failure) {
                    CardReadFailure.NO_CARD -> R.string.refusal_card_not_read_no_card
                    CardReadFailure.CANCELLED -> R.string.refusal_card_not_read_cancelled
                    CardReadFailure.READER_FAULT -> R.string.refusal_card_not_read_fault
                },
            )
            is VoidGuardException.PinBlockRequired -> c.getString(R.string.refusal_pin_block_required)
            is VoidGuardException.CardMismatch -> c.getString(R.string.refusal_card_mismatch)
            is VoidGuardException.CardNotOnFile -> c.getString(R.string.refusal_card_not_on_file, e.voucherNo)
            is VoidGuardException.Internal -> c.getString(R.string.refusal_internal)
        }
    }

    fun field(context: Context, field: Field): String = context.getString(
        when (field) {
            Field.AMOUNT -> R.string.field_amount
            Field.VOUCHER_NO -> R.string.field_voucher_no
            Field.DATE -> R.string.field_date
            Field.PASSWORD -> R.string.field_password
            Field.OPERATOR_NO -> R.string.field_operator_no
            Field.VOID_REASON -> R.string.field_void_reason
            Field.MERCHANT_NO -> R.string.field_merchant_no
            Field.TERMINAL_ID -> R.string.field_terminal_id
            Field.TERMINAL_SECRET -> R.string.field_terminal_secret
            Field.CARD_NUMBER -> R.string.field_card_number
            Field.CARD_SCHEME -> R.string.field_card_scheme
            Field.RRN -> R.string.field_rrn
            Field.AUTH_CODE -> R.string.field_auth_code
            Field.REQUEST_CODE -> R.string.field_request_code
            Field.APPROVAL_CODE -> R.string.field_approval_code
            Field.APPLICATION_REASON -> R.string.field_application_reason
            Field.ID_TYPE -> R.string.field_id_type
            Field.ID_NUMBER -> R.string.field_id_number
            Field.LICENCE_NO -> R.string.field_licence_no
            Field.CONTACT -> R.string.field_contact
            Field.PAGE_SIZE -> R.string.field_page_size
            Field.BATCH_NO -> R.string.field_batch_no
            Field.CONFIG -> R.string.field_config
            Field.PENDING_ID -> R.string.field_pending_id
            Field.RESPONSE_CODE -> R.string.field_response_code
            Field.RESOLUTION_NOTE -> R.string.field_resolution_note
            Field.REFUND_REASON -> R.string.field_refund_reason
            Field.MASTER_KEY -> R.string.field_master_key
            Field.HOST_ADDRESS -> R.string.field_host_address
        },
    )

    fun problem(context: Context, problem: Problem): String = context.getString(
        when (problem) {
            Problem.EMPTY -> R.string.problem_empty
            Problem.TOO_LONG -> R.string.problem_too_long
            Problem.NOT_DIGITS -> R.string.problem_not_digits
            Problem.WRONG_LENGTH -> R.string.problem_wrong_length
            Problem.TOO_MANY_DECIMALS -> R.string.problem_too_many_decimals
            Problem.NEGATIVE -> R.string.problem_negative
            Problem.ZERO -> R.string.problem_zero
            Problem.OVER_CAP -> R.string.problem_over_cap
            Problem.OVERFLOW -> R.string.problem_overflow
            Problem.NO_SUCH_DATE -> R.string.problem_no_such_date
            Problem.NOT_ALLOWED -> R.string.problem_not_allowed
            Problem.MALFORMED -> R.string.problem_malformed
            Problem.IN_FUTURE -> R.string.problem_in_future
        },
    )

    fun role(context: Context, role: Role): String = context.getString(
        when (role) {
            Role.ADMINISTRATOR -> R.string.role_administrator
            Role.SUPERVISOR -> R.string.role_supervisor
            Role.CASHIER -> R.string.role_cashier
        },
    )

    fun kind(context: Context, kind: TransactionKind): String = context.getString(
        when (kind) {
            TransactionKind.SALE -> R.string.kind_sale
            TransactionKind.VOID -> R.string.kind_void
            TransactionKind.REFUND -> R.string.kind_refund
        },
    )

    fun status(context: Context, status: TransactionStatus): String = context.getString(
        when (status) {
            TransactionStatus.APPROVED -> R.string.status_approved
            TransactionStatus.VOIDED -> R.string.status_voided
            TransactionStatus.REVERSED -> R.string.status_reversed
            TransactionStatus.SETTLED -> R.string.status_settled
        },
    )

    fun pending(context: Context, state: LegState): String = context.getString(
        when (state) {
            LegState.AWAITING_ANSWER -> R.string.pending_awaiting_answer
            LegState.AWAITING_REVERSAL -> R.string.pending_awaiting_reversal
            LegState.NEEDS_MANUAL_HANDLING -> R.string.pending_needs_manual_handling
            LegState.APPROVED -> R.string.pending_approved
            LegState.DECLINED -> R.string.pending_declined
            LegState.REVERSED -> R.string.pending_reversed
        },
    )

    /** A host leg's kind in words: 消费 / 消费撤销 / 结算. */
    fun legKind(context: Context, kind: LegKind): String = context.getString(
        when (kind) {
            LegKind.SALE -> R.string.leg_kind_sale
            LegKind.VOID -> R.string.leg_kind_void
            LegKind.SETTLEMENT -> R.string.leg_kind_settlement
            LegKind.REFUND -> R.string.leg_kind_refund
        },
    )

    /** A leg as the acquirer finds it: its kind and voucher no., or a settlement's batch no. */
    fun legTitle(context: Context, leg: HostLeg): String = leg.voucherNo
        ?.let { context.getString(R.string.leg_title_voucher, legKind(context, leg.kind), it) }
        ?: context.getString(R.string.leg_title_batch, legKind(context, leg.kind), leg.request.batchNo)

    fun requestKind(context: Context, kind: RequestKind): String = context.getString(
        when (kind) {
            RequestKind.VOID_PERMISSION -> R.string.request_kind_void_permission
            RequestKind.REFUND_PERMISSION -> R.string.request_kind_refund_permission
            RequestKind.PASSWORD_RESET -> R.string.request_kind_password_reset
            RequestKind.LIFT_RESTRICTION -> R.string.request_kind_lift_restriction
        },
    )

    fun requestStatus(context: Context, status: RequestStatus): String = context.getString(
        when (status) {
            RequestStatus.OPEN -> R.string.request_status_open
            RequestStatus.REDEEMED -> R.string.request_status_redeemed
            RequestStatus.CLOSED -> R.string.request_status_closed
            RequestStatus.EXPIRED -> R.string.request_status_expired
        },
    )

    fun blocker(context: Context, blocker: VoidFlow.Blocker): String = context.getString(
        when (blocker) {
            VoidFlow.Blocker.IS_A_VOID -> R.string.blocker_is_a_void
            VoidFlow.Blocker.ALREADY_VOIDED -> R.string.blocker_already_voided
            VoidFlow.Blocker.SETTLED -> R.string.blocker_settled
            VoidFlow.Blocker.REVERSED -> R.string.blocker_reversed
        },
    )

    fun alert(context: Context, alert: HomeFlow.Alert): String = when (alert) {
        is HomeFlow.Alert.NeedsAttention -> context.getString(R.string.alert_needs_attention, alert.count)
        HomeFlow.Alert.PermissionMissing -> context.getString(R.string.alert_permission_missing)
        HomeFlow.Alert.RefundPermissionMissing -> context.getString(R.string.alert_refund_permission_missing)
        HomeFlow.Alert.PasswordNotSet -> context.getString(R.string.alert_password_not_set)
        is HomeFlow.Alert.PasswordChangeDue -> context.getString(R.string.alert_password_change_due)
        is HomeFlow.Alert.LockedUntil -> context.getString(R.string.refusal_locked_until, time(alert.untilMs))
        HomeFlow.Alert.LockedUntilLifted -> context.getString(R.string.refusal_locked_until_lifted)
        is HomeFlow.Alert.PendingHostWork -> context.getString(R.string.refusal_pending_host_work, alert.count)
    }

    /** A configured void reason code in words; a code this version does not know is shown as it is. */
    fun reason(context: Context, code: String): String = when (code) {
        "customer_request" -> context.getString(R.string.reason_customer_request)
        "wrong_amount" -> context.getString(R.string.reason_wrong_amount)
        "duplicate_charge" -> context.getString(R.string.reason_duplicate_charge)
        "goods_returned_same_day" -> context.getString(R.string.reason_goods_returned_same_day)
        "goods_returned" -> context.getString(R.string.reason_goods_returned)
        "service_not_provided" -> context.getString(R.string.reason_service_not_provided)
        "price_adjustment" -> context.getString(R.string.reason_price_adjustment)
        "other" -> context.getString(R.string.reason_other)
        else -> code
    }

    fun auditProblem(context: Context, problem: AuditProblem?): String = context.getString(
        when (problem) {
            AuditProblem.ALTERED -> R.string.audit_problem_altered
            AuditProblem.MISSING -> R.string.audit_problem_missing
            AuditProblem.TAIL_CUT -> R.string.audit_problem_tail_cut
            AuditProblem.HEAD_ALTERED -> R.string.audit_problem_head_altered
            AuditProblem.ROW_ALTERED -> R.string.audit_problem_row_altered
            AuditProblem.ROW_UNRECORDED -> R.string.audit_problem_row_unrecorded
            AuditProblem.ROW_DELETED -> R.string.audit_problem_row_deleted
            AuditProblem.ROW_REPLAYED -> R.string.audit_problem_row_replayed
            AuditProblem.ROLLED_BACK -> R.string.audit_problem_rolled_back
            null -> R.string.audit_problem_unknown
        },
    )

    /** An audit entry's kind in words; an unknown kind is shown as it is. */
    fun auditKind(context: Context, kind: String): String = AUDIT_KINDS[kind]?.let(context::getString) ?: kind

    private val AUDIT_KINDS = mapOf(
        "terminal.activated" to R.string.audit_terminal_activated,
        "request.opened" to R.string.audit_request_opened,
        "request.code_rejected" to R.string.audit_request_code_rejected,
        "request.redeemed" to R.string.audit_request_redeemed,
        "permission.granted" to R.string.audit_permission_granted,
        "refund_permission.granted" to R.string.audit_refund_permission_granted,
        "password.set" to R.string.audit_password_set,
        "password.changed" to R.string.audit_password_changed,
        "password.reset" to R.string.audit_password_reset,
        "password.failed" to R.string.audit_password_failed,
        "lockout.started" to R.string.audit_lockout_started,
        "restriction.lifted" to R.string.audit_restriction_lifted,
        "void.begun" to R.string.audit_void_begun,
        "void.approved" to R.string.audit_void_approved,
        "void.declined" to R.string.audit_void_declined,
        "void.unanswered" to R.string.audit_void_unanswered,
        "void.reversed" to R.string.audit_void_reversed,
        "void.manual" to R.string.audit_void_needs_manual_handling,
        "void.resolved_manually" to R.string.audit_void_resolved_manually,
        "sale.begun" to R.string.audit_sale_begun,
        "sale.approved" to R.string.audit_sale_approved,
        "sale.declined" to R.string.audit_sale_declined,
        "sale.unanswered" to R.string.audit_sale_unanswered,
        "sale.reversed" to R.string.audit_sale_reversed,
        "sale.manual" to R.string.audit_sale_needs_manual_handling,
        "sale.resolved_manually" to R.string.audit_sale_resolved_manually,
        "refund.begun" to R.string.audit_refund_begun,
        "refund.approved" to R.string.audit_refund_approved,
        "refund.declined" to R.string.audit_refund_declined,
        "refund.unanswered" to R.string.audit_refund_unanswered,
        "refund.reversed" to R.string.audit_refund_reversed,
        "refund.manual" to R.string.audit_refund_needs_manual_handling,
        "refund.resolved_manually" to R.string.audit_refund_resolved_manually,
        "settlement.begun" to R.string.audit_settlement_begun,
        "settlement.approved" to R.string.audit_settlement_approved,
        "settlement.declined" to R.string.audit_settlement_declined,
        "settlement.unanswered" to R.string.audit_settlement_unanswered,
        "settlement.reversed" to R.string.audit_settlement_reversed,
        "settlement.manual" to R.string.audit_settlement_needs_manual_handling,
        "settlement.resolved_manually" to R.string.audit_settlement_resolved_manually,
        "batch.settled" to R.string.audit_batch_settled,
        "schema.upgraded" to R.string.audit_schema_upgraded,
        "approvals.blocked" to R.string.audit_approvals_blocked,
        "operator.signed_in" to R.string.audit_operator_signed_in,
        "operator.sign_in_failed" to R.string.audit_operator_sign_in_failed,
        "operator.signed_out" to R.string.audit_operator_signed_out,
        "operator.added" to R.string.audit_operator_added,
        "operator.removed" to R.string.audit_operator_removed,
        "operator.password_changed" to R.string.audit_operator_password_changed,
    )
}
