package dev.voidguard.app

import android.content.Intent
import android.os.Bundle
import dev.voidguard.app.flow.Money
import dev.voidguard.app.flow.VoidFlow
import dev.voidguard.app.flow.VoidFlow.Event
import dev.voidguard.app.flow.VoidFlow.State
import dev.voidguard.core.Role
import dev.voidguard.core.Transaction

/**
 * The void flow (消费撤销) as the merchant taps it. Every step is a state of
 * [VoidFlow]; this screen only draws it and forwards taps.
 */
class VoidActivity : FlowActivity<VoidFlow, Event, State>() {
    // The password is keyed and the slip shown here.
    override val secure = true

    /** The step reached, kept for a recreated screen; written on the core thread. */
    @Volatile private var kept = VoidFlow.Progress()

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.title_void)
        val locale = slipLocale
        val saved = savedInstanceState?.getStringArray(KEPT)?.let(::progressOf)
        startFlow({ t -> VoidFlow(t, app.voidReasons(), locale) }) {
            (if (saved != null) resume(saved) else state).also { kept = progress() }
        }
    }

    /** What was keyed to reach this step, never the password ([VoidFlow.Progress]). */
    override fun onSaveInstanceState(outState: Bundle) {
        super.onSaveInstanceState(outState)
        val p = kept
        outState.putStringArray(KEPT, arrayOf(p.step.toString(), p.voucherNo, p.date, p.amount, p.reason))
    }

    private fun progressOf(a: Array<String>): VoidFlow.Progress? {
        if (a.size != 5) return null
        return VoidFlow.Progress(a[0].toIntOrNull() ?: return null, a[1], a[2], a[3], a[4])
    }

    override val back = Event.Back

    override fun VoidFlow.handle(event: Event): State = on(event).also { kept = progress() }

    override fun render(state: State) {
        when (state) {
            State.Exit -> return finish()
            State.LiftRestriction -> return RequestsActivity.openLiftInstead(this)
            State.NeedsAttention -> {
                startActivity(Intent(this, AttentionActivity::class.java))
                return finish()
            }
            else -> show { draw(state) }
        }
    }

    private fun Screen.draw(state: State) {
        val ctx = this@VoidActivity
        when (state) {
            State.Menu -> {
                heading(str(R.string.void_menu_title))
                button(str(R.string.void_menu_void), R.id.void_menu_void) { send(Event.ChooseVoid) }
                button(str(R.string.void_menu_lift), R.id.void_menu_lift, primary = false) { send(Event.ChooseLift) }
                text(str(R.string.void_menu_help))
            }
            is State.VoucherEntry -> {
                heading(str(R.string.void_step_voucher))
                text(str(R.string.void_voucher_help))
                notice(state.notice?.let { Texts.explain(ctx, it) })
                val voucher = field(str(R.string.field_voucher_no), R.id.field_voucher_no, FieldKind.DIGITS, state.voucherNo, 6)
                keypad()
                button(str(R.string.action_next), R.id.action_next) { send(Event.SubmitVoucher(voucher.text.toString())) }
                back()
            }
            is State.TransactionShown -> {
                heading(str(R.string.void_step_transaction))
                transaction(state.transaction)
                val blocker = state.blocker
                if (blocker != null) {
                    notice(Texts.blocker(ctx, blocker))
                } else {
                    button(str(R.string.action_void_this), R.id.action_confirm_transaction) { send(Event.ConfirmTransaction) }
                }
                back()
            }
            is State.DateAmountEntry -> {
                heading(str(R.string.void_step_date_amount))
                text(str(R.string.void_date_amount_help))
                notice(state.notice?.let { Texts.explain(ctx, it) })
                val date = field(str(R.string.field_date_hint), R.id.field_date, FieldKind.DATE, state.date, 10)
                val amount = field(str(R.string.field_amount_hint), R.id.field_amount, FieldKind.AMOUNT, state.amount, 16)
                keypad()
                button(str(R.string.action_next), R.id.action_next) {
                    send(Event.SubmitDateAmount(date.text.toString(), amount.text.toString()))
                }
                back()
            }
            is State.ReasonChoice -> {
                heading(str(R.string.void_step_reason))
                transaction(state.preview.original)
                row(str(R.string.label_voids_left_today), state.preview.voidCountLeftToday.toString())
                row(str(R.string.label_void_amount_left_today), Texts.money(ctx, state.preview.voidAmountLeftToday))
                state.reasons.forEachIndexed { i, code ->
                    button(Texts.reason(ctx, code), REASON_IDS.getOrElse(i) { android.view.View.NO_ID }) { send(Event.ChooseReason(code)) }
                }
                back()
            }
            is State.PasswordEntry -> {
                heading(str(R.string.void_step_password))
                row(str(R.string.label_voucher_no), state.transaction.voucherNo)
                row(str(R.string.label_amount), Texts.money(ctx, state.transaction.amount))
                state.operatorNo?.let { row(str(R.string.label_keyed_by), it, R.id.void_keyed_by) }
                row(
                    str(R.string.label_authorised_by),
                    str(R.string.operator_line, state.authoriserNo, Texts.role(ctx, Role.SUPERVISOR)),
                    R.id.void_authorised_by,
                )
                text(str(R.string.void_password_help))
                pinPad(state.filled, state.length) { send(Event.Key(it)) }
                back()
            }
            is State.Voided -> {
                heading(str(R.string.void_success), R.id.void_result)
                info(str(R.string.void_success_detail, Money.format(state.outcome.original.amount)), R.id.void_success)
                state.outcome.voidTransaction?.let {
                    row(str(R.string.label_void_voucher_no), it.voucherNo, R.id.void_voucher_no)
                    row(str(R.string.label_keyed_by), it.operatorNo, R.id.void_keyed_by)
                    it.authoriserNo?.let { by -> row(str(R.string.label_authorised_by), by, R.id.void_authorised_by) }
                }
                row(str(R.string.label_original_voucher_no), state.outcome.original.voucherNo)
                row(str(R.string.label_amount), Texts.money(ctx, state.outcome.original.amount))
                button(str(R.string.action_show_slip), R.id.action_show_slip) { send(Event.ShowSlip) }
                button(str(R.string.action_done), R.id.action_done, primary = false) { send(Event.Back) }
            }
            is State.Refused -> refusedAct(
                str(R.string.void_refused),
                R.id.void_result to R.id.void_refusal,
                Texts.explain(ctx, state.notice),
                state.retry,
                onPassword = { send(Event.RetryPassword) },
                onLift = { send(Event.ChooseLift) },
                onAttention = { send(Event.ChooseAttention) },
                onDone = { send(Event.Back) },
            )
            is State.Slip -> {
                slip(state.receipt)
                button(str(R.string.action_done), R.id.action_done) { send(Event.Back) }
            }
            State.LiftRestriction, State.NeedsAttention, State.Exit -> Unit
        }
    }

    private fun Screen.back() {
        button(str(R.string.action_back), R.id.action_back, primary = false) { send(Event.Back) }
    }

    private fun Screen.transaction(t: Transaction) {
        val ctx = this@VoidActivity
        row(str(R.string.label_voucher_no), t.voucherNo, R.id.transaction_voucher_no)
        row(str(R.string.label_kind), Texts.kind(ctx, t.kind))
        row(str(R.string.label_card), t.maskedPan, R.id.transaction_card)
        figure(Texts.money(ctx, t.amount), R.id.transaction_amount)
        row(str(R.string.label_time), Texts.time(t.createdAtMs), R.id.transaction_time)
        row(str(R.string.label_status), Texts.status(ctx, t.status))
    }

    companion object {
        private const val KEPT = "dev.voidguard.app.void.progress"
        private val REASON_IDS = listOf(R.id.reason_0, R.id.reason_1, R.id.reason_2, R.id.reason_3, R.id.reason_4)
    }
}
