package dev.voidguard.app

import android.content.Intent
import android.os.Bundle
import android.view.View
import dev.voidguard.app.flow.AttentionFlow
import dev.voidguard.app.flow.AttentionFlow.Answer
import dev.voidguard.app.flow.AttentionFlow.Event
import dev.voidguard.app.flow.AttentionFlow.State
import dev.voidguard.core.PendingVoid
import dev.voidguard.core.RequestKind
import dev.voidguard.core.Role

/**
 * Needs attention (需人工处理): record what the acquirer says happened to a void whose
 * host answer was lost. Every step is a state of [AttentionFlow]; this screen only draws
 * it and forwards taps.
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
            State.LiftRestriction -> {
                startActivity(
                    Intent(this, RequestsActivity::class.java).putExtra(RequestsActivity.EXTRA_FOCUS, RequestKind.LIFT_RESTRICTION.name),
                )
                return finish()
            }
            else -> show { draw(state) }
        }
    }

    private fun Screen.draw(state: State) {
        val ctx = this@AttentionActivity
        when (state) {
            State.Loading -> text(str(R.string.loading))
            is State.Voids -> {
                heading(str(R.string.attention_list_title))
                notice(state.notice?.let { Texts.explain(ctx, it) })
                if (state.voids.isEmpty()) {
                    info(str(R.string.attention_none), R.id.attention_empty)
                } else {
                    text(str(R.string.attention_list_help))
                }
                for (p in state.voids) {
                    pendingRows(p, ids = false)
                    button(str(R.string.action_resolve_void, p.originalVoucherNo), View.NO_ID) { send(Event.Choose(p.pendingId)) }
                        .apply { tag = pendingTag(p.pendingId) }
                }
                back()
            }
            is State.AnswerChoice -> {
                heading(str(R.string.attention_step_answer))
                pendingRows(state.pending)
                text(str(R.string.attention_answer_help))
                button(str(R.string.attention_answer_approved), R.id.action_answer_approved) { send(Event.ChooseAnswer(Answer.APPROVED)) }
                button(str(R.string.attention_answer_never_happened), R.id.action_answer_never_happened) {
                    send(Event.ChooseAnswer(Answer.NEVER_HAPPENED))
                }
                back()
            }
            is State.ApprovalEntry -> {
                heading(str(R.string.attention_step_approval))
                row(str(R.string.label_original_voucher_no), state.pending.originalVoucherNo)
                text(str(R.string.attention_approval_help))
                notice(state.notice?.let { Texts.explain(ctx, it) })
                val rrn = field(str(R.string.field_rrn), R.id.field_rrn, FieldKind.CODE, state.rrn, RRN_LENGTH)
                val auth = field(str(R.string.field_auth_code), R.id.field_auth_code, FieldKind.CODE, state.authCode, AUTH_CODE_LENGTH)
                button(str(R.string.action_next), R.id.action_next) { send(Event.SubmitApproval(rrn.text.toString(), auth.text.toString())) }
                back()
            }
            is State.NoteEntry -> {
                heading(str(R.string.attention_step_note))
                row(str(R.string.label_original_voucher_no), state.pending.originalVoucherNo)
                row(str(R.string.label_acquirer_says), says(state.answer))
                text(str(R.string.attention_note_help))
                notice(state.notice?.let { Texts.explain(ctx, it) })
                val note = field(str(R.string.field_resolution_note), R.id.field_resolution_note, FieldKind.TEXT, state.note, NOTE_LENGTH)
                button(str(R.string.action_next), R.id.action_next) { send(Event.SubmitNote(note.text.toString())) }
                back()
            }
            is State.Confirm -> {
                heading(str(R.string.attention_step_confirm))
                pendingRows(state.pending)
                row(str(R.string.label_acquirer_says), says(state.answer), R.id.attention_answer)
                state.rrn?.let { row(str(R.string.label_rrn), it) }
                state.authCode?.let { row(str(R.string.label_auth_code), it) }
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
                row(str(R.string.label_original_voucher_no), state.pending.originalVoucherNo)
                row(str(R.string.label_acquirer_says), says(state.answer))
                text(str(R.string.attention_password_help))
                notice(state.notice?.let { Texts.explain(ctx, it) })
                pinPad(state.filled, state.length) { send(Event.Key(it)) }
                back()
            }
            is State.Resolved -> {
                val o = state.outcome
                heading(str(R.string.attention_resolved), R.id.attention_result)
                val void = o.voidTransaction
                if (void != null) {
                    info(str(R.string.attention_resolved_voided, void.voucherNo, o.original.voucherNo), R.id.attention_resolved)
                    row(str(R.string.label_void_voucher_no), void.voucherNo, R.id.attention_void_voucher_no)
                } else {
                    info(str(R.string.attention_resolved_stands, o.original.voucherNo), R.id.attention_resolved)
                }
                row(str(R.string.label_original_voucher_no), o.original.voucherNo, R.id.attention_original_voucher_no)
                row(str(R.string.label_status), Texts.status(ctx, o.original.status))
                row(str(R.string.label_amount), Texts.money(ctx, o.original.amount))
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

    /** What the acquirer will ask about: the void, the sale it cancels, and how it got here. */
    private fun Screen.pendingRows(p: PendingVoid, ids: Boolean = true) {
        val ctx = this@AttentionActivity
        row(str(R.string.label_original_voucher_no), p.originalVoucherNo, if (ids) R.id.attention_original_voucher_no else View.NO_ID)
        row(str(R.string.label_rrn), p.request.originalRrn)
        figure(Texts.money(ctx, p.amount))
        row(str(R.string.label_void_voucher_no), p.voidVoucherNo, if (ids) R.id.attention_void_voucher_no else View.NO_ID)
        row(str(R.string.label_batch_no), p.request.batchNo)
        row(str(R.string.label_failed_attempts), p.attempts.toString())
        row(str(R.string.label_original_date), p.request.originalBusinessDate)
        row(str(R.string.label_time), Texts.time(p.createdAtMs))
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

        /** The tag of the button that opens the void [pendingId] on the list. */
        fun pendingTag(pendingId: Long): String = "pending_$pendingId"
    }
}
