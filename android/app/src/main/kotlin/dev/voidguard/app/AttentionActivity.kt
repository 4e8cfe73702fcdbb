package dev.voidguard.app

import android.os.Bundle
import android.view.View
import dev.voidguard.app.flow.AttentionFlow
import dev.voidguard.app.flow.AttentionFlow.Answer
import dev.voidguard.app.flow.AttentionFlow.Event
import dev.voidguard.app.flow.AttentionFlow.State
import dev.voidguard.core.HostLeg
import dev.voidguard.core.LegDetail
import dev.voidguard.core.LegKind
import dev.voidguard.core.LegState
import dev.voidguard.core.Role

/**
 * Needs attention (需人工处理): record what the acquirer says happened to a sale, void
 * or settlement whose host answer was lost. Every step is a state of [AttentionFlow];
 * this screen only draws it and forwards taps.
 */
class AttentionActivity : FlowActivity<AttentionFlow, Event, State>() {
    // The void password is keyed here.
    override val secure = true


    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.title_attention)
        startFlow({ t -> AttentionFlow(t) }) { start() }
    }

    override val back = Event.Back

    override fun AttentionFlow.handle(event: Event): State = on(event)

    override fun render(state: State) {
        when (state) {
            State.Exit -> return finish()
            State.LiftRestriction -> return RequestsActivity.openLiftInstead(this)
            else -> show { draw(state) }
        }
    }

    private fun Screen.draw(state: State) {
        val ctx = this@AttentionActivity
        when (state) {
            State.Loading -> text(str(R.string.loading))
            is State.Legs -> {
                heading(str(R.string.attention_list_title))
                notice(state.notice?.let { Texts.explain(ctx, it) })
                if (state.legs.isEmpty()) {
                    info(str(R.string.attention_none), R.id.attention_empty)
                } else {
                    text(str(R.string.attention_list_help))
                }
                for (leg in state.legs) {
                    legRows(leg, ids = false)
                    button(str(R.string.action_resolve_leg, Texts.legTitle(ctx, leg)), View.NO_ID) { send(Event.Choose(leg.legId)) }
                        .apply { tag = legTag(leg.legId) }
                }
                back()
            }
            is State.AnswerChoice -> {
                heading(str(R.string.attention_step_answer))
                legRows(state.leg)
                text(str(R.string.attention_answer_help))
                button(str(R.string.attention_answer_approved), R.id.action_answer_approved) { send(Event.ChooseAnswer(Answer.APPROVED)) }
                button(str(R.string.attention_answer_never_happened), R.id.action_answer_never_happened) {
                    send(Event.ChooseAnswer(Answer.NEVER_HAPPENED))
                }
                back()
            }
            is State.ApprovalEntry -> {
                heading(str(R.string.attention_step_approval))
                row(str(R.string.label_kind), Texts.legTitle(ctx, state.leg))
                text(str(R.string.attention_approval_help))
                notice(state.notice?.let { Texts.explain(ctx, it) })
                val rrn = field(str(R.string.field_rrn), R.id.field_rrn, FieldKind.CODE, state.rrn, RRN_LENGTH)
                val auth = field(str(R.string.field_auth_code), R.id.field_auth_code, FieldKind.CODE, state.authCode, AUTH_CODE_LENGTH)
                button(str(R.string.action_next), R.id.action_next) { send(Event.SubmitApproval(rrn.text.toString(), auth.text.toString())) }
                back()
            }
            is State.NoteEntry -> {
                heading(str(R.string.attention_step_note))
                row(str(R.string.label_kind), Texts.legTitle(ctx, state.leg))
                row(str(R.string.label_acquirer_says), says(state.answer))
                text(str(R.string.attention_note_help))
                notice(state.notice?.let { Texts.explain(ctx, it) })
                val note = field(str(R.string.field_resolution_note), R.id.field_resolution_note, FieldKind.TEXT, state.note, NOTE_LENGTH)
                button(str(R.string.action_next), R.id.action_next) { send(Event.SubmitNote(note.text.toString())) }
                back()
            }
            is State.Confirm -> {
                heading(str(R.string.attention_step_confirm))
                legRows(state.leg)
                row(str(R.string.label_acquirer_says), says(state.answer), R.id.attention_answer)
                state.rrn?.takeIf { it.isNotEmpty() }?.let { row(str(R.string.label_rrn), it) }
                state.authCode?.takeIf { it.isNotEmpty() }?.let { row(str(R.string.label_auth_code), it) }
                row(str(R.string.field_resolution_note), state.note, R.id.attention_note)
                state.operatorNo?.let { row(str(R.string.label_keyed_by), it, R.id.attention_keyed_by) }
                row(
                    str(R.string.label_authorised_by),
                    str(R.string.operator_line, state.authoriserNo, Texts.role(ctx, Role.SUPERVISOR)),
                    R.id.attention_authorised_by,
                )
                button(str(R.string.action_confirm_resolution), R.id.action_confirm_resolution) { send(Event.ConfirmResolution) }
                back()
            }
            is State.PasswordEntry -> {
                heading(str(R.string.void_step_password))
                row(str(R.string.label_kind), Texts.legTitle(ctx, state.leg))
                row(str(R.string.label_acquirer_says), says(state.answer))
                text(str(R.string.attention_password_help))
                notice(state.notice?.let { Texts.explain(ctx, it) })
                pinPad(state.filled, state.length) { send(Event.Key(it)) }
                back()
            }
            is State.Resolved -> {
                val leg = state.leg
                heading(str(R.string.attention_resolved), R.id.attention_result)
                info(resolvedText(leg), R.id.attention_resolved)
                legRows(leg)
                row(str(R.string.label_status), Texts.pending(ctx, leg.state), R.id.attention_state)
                button(str(R.string.action_done), R.id.action_done) { send(Event.Back) }
            }
            is State.Refused -> {
                heading(str(R.string.attention_refused), R.id.attention_result)
                notice(Texts.explain(ctx, state.notice), R.id.attention_refusal)
                if (state.retry == AttentionFlow.Retry.LIFT_RESTRICTION) {
                    button(str(R.string.action_lift_restriction), R.id.action_lift_restriction) { send(Event.ChooseLift) }
                }
                text(str(R.string.contact_support))
                button(str(R.string.action_done), R.id.action_done, primary = false) { send(Event.Back) }
            }
            is State.Blocked -> {
                heading(str(R.string.title_attention))
                notice(Texts.explain(ctx, state.notice))
                button(str(R.string.action_back), R.id.action_back, primary = false) { finish() }
            }
            State.LiftRestriction, State.Exit -> Unit
        }
    }

    /** What the acquirer will ask about: the leg, what it points at, and how it got here. */
    private fun Screen.legRows(leg: HostLeg, ids: Boolean = true) {
        val ctx = this@AttentionActivity
        fun id(id: Int) = if (ids) id else View.NO_ID
        row(str(R.string.label_kind), Texts.legKind(ctx, leg.kind), id(R.id.attention_kind))
        leg.voucherNo?.let { row(str(R.string.label_voucher_no), it, id(R.id.attention_voucher_no)) }
        leg.originalVoucherNo?.let { row(str(R.string.label_original_voucher_no), it, id(R.id.attention_original_voucher_no)) }
        (leg.request.detail as? LegDetail.Void)?.let { row(str(R.string.label_rrn), it.original.rrn) }
        figure(Texts.money(ctx, leg.amount))
        row(str(R.string.label_batch_no), leg.request.batchNo)
        row(str(R.string.label_business_date), leg.businessDate)
        row(str(R.string.label_failed_attempts), leg.attempts.toString())
        row(str(R.string.label_time), Texts.time(leg.createdAtMs))
    }

    /** What the recorded answer did, in the leg's own terms. */
    private fun Screen.resolvedText(leg: HostLeg): String {
        val approved = leg.state == LegState.APPROVED
        return when (leg.kind) {
            LegKind.SALE -> str(if (approved) R.string.attention_resolved_sale_approved else R.string.attention_resolved_sale_never, leg.voucherNo.orEmpty())
            LegKind.VOID -> if (approved) {
                str(R.string.attention_resolved_voided, leg.voucherNo.orEmpty(), leg.originalVoucherNo.orEmpty())
            } else {
                str(R.string.attention_resolved_stands, leg.originalVoucherNo.orEmpty())
            }
            LegKind.SETTLEMENT -> str(
                if (approved) R.string.attention_resolved_settled else R.string.attention_resolved_settlement_never,
                leg.request.batchNo,
            )
            LegKind.REFUND -> str(
                if (approved) R.string.attention_resolved_refund_approved else R.string.attention_resolved_refund_never,
                leg.voucherNo.orEmpty(),
            )
        }
    }

    private fun Screen.says(answer: Answer): String = str(
        when (answer) {
            Answer.APPROVED -> R.string.attention_says_approved
            Answer.NEVER_HAPPENED -> R.string.attention_says_never_happened
        },
    )

    private fun Screen.back() {
        button(str(R.string.action_back), R.id.action_back, primary = false) { send(Event.Back) }
    }

    companion object {
        const val RRN_LENGTH = 12
        const val AUTH_CODE_LENGTH = 6
        const val NOTE_LENGTH = 200

        /** The tag of the button that opens the leg [legId] on the list. */
        fun legTag(legId: Long): String = "leg_$legId"
    }
}
