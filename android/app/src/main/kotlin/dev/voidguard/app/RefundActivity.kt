package dev.voidguard.app

import android.content.Intent
import android.os.Bundle
import dev.voidguard.app.flow.Money
import dev.voidguard.app.flow.RefundFlow
import dev.voidguard.app.flow.RefundFlow.By
import dev.voidguard.app.flow.RefundFlow.Event
import dev.voidguard.app.flow.RefundFlow.State
import dev.voidguard.core.RefundPreview
import dev.voidguard.core.Role

/**
 * The refund flow (退货) as the merchant taps it. Every step is a state of
 * [RefundFlow]; this screen only draws it and forwards taps.
 */
class RefundActivity : FlowActivity<RefundFlow, Event, State>() {
    // The password is keyed and the slip shown here.
    override val secure = true

    /** The step reached, kept for a recreated screen; written on the core thread. */
    @Volatile private var kept = RefundFlow.Progress()

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.title_refund)
        val locale = slipLocale
        val saved = savedInstanceState?.getStringArray(KEPT)?.let(::progressOf)
        startFlow({ t -> RefundFlow(t, app.refundReasons(), locale) }) {
            (if (saved != null) resume(saved) else state).also { kept = progress() }
        }
    }

    /** What was keyed to reach this step, never the password ([RefundFlow.Progress]). */
    override fun onSaveInstanceState(outState: Bundle) {
        super.onSaveInstanceState(outState)
        val p = kept
        outState.putStringArray(KEPT, arrayOf(p.step.toString(), p.by.name, p.first, p.second, p.amount, p.reason))
    }

    private fun progressOf(a: Array<String>): RefundFlow.Progress? {
        if (a.size != 6) return null
        val by = By.values().firstOrNull { it.name == a[1] } ?: return null
        return RefundFlow.Progress(a[0].toIntOrNull() ?: return null, by, a[2], a[3], a[4], a[5])
    }

    override val back = Event.Back

    override fun RefundFlow.handle(event: Event): State = on(event).also { kept = progress() }

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
        val ctx = this@RefundActivity
        when (state) {
            State.Menu -> {
                heading(str(R.string.refund_menu_title))
                button(str(R.string.refund_menu_by_rrn), R.id.refund_menu_by_rrn) { send(Event.ChooseLookup(By.RRN)) }
                button(str(R.string.refund_menu_by_voucher), R.id.refund_menu_by_voucher) { send(Event.ChooseLookup(By.VOUCHER)) }
                button(str(R.string.void_menu_lift), R.id.void_menu_lift, primary = false) { send(Event.ChooseLift) }
                text(str(R.string.refund_menu_help))
            }
            is State.LookupEntry -> {
                notice(state.notice?.let { Texts.explain(ctx, it) })
                val (a, b) = when (state.by) {
                    By.RRN -> {
                        heading(str(R.string.refund_step_rrn))
                        text(str(R.string.refund_rrn_help))
                        field(str(R.string.label_rrn), R.id.field_rrn, FieldKind.CODE, state.first, 12) to
                            field(str(R.string.field_date_hint), R.id.field_date, FieldKind.DATE, state.second, 10)
                    }
                    By.VOUCHER -> {
                        heading(str(R.string.refund_step_voucher))
                        text(str(R.string.refund_voucher_help))
                        field(str(R.string.field_voucher_no), R.id.field_voucher_no, FieldKind.DIGITS, state.first, 6) to
                            field(str(R.string.label_batch_no), R.id.field_batch_no, FieldKind.DIGITS, state.second, 6)
                    }
                }
                keypad()
                button(str(R.string.action_next), R.id.action_next) { send(Event.SubmitLookup(a.text.toString(), b.text.toString())) }
                back()
            }
            is State.OriginalShown -> {
                heading(str(R.string.refund_step_original))
                original(state.preview)
                if (state.refundable) {
                    button(str(R.string.action_refund_this), R.id.action_confirm_transaction) { send(Event.ConfirmOriginal) }
                } else {
                    notice(str(R.string.refund_nothing_left))
                }
                back()
            }
            is State.AmountEntry -> {
                heading(str(R.string.refund_step_amount))
                row(str(R.string.label_refund_balance), Texts.money(ctx, state.preview.balance), R.id.refund_balance)
                text(str(R.string.refund_amount_help))
                notice(state.notice?.let { Texts.explain(ctx, it) })
                val amount = field(str(R.string.field_amount_hint), R.id.field_amount, FieldKind.AMOUNT, state.amount, 16)
                keypad()
                button(str(R.string.action_next), R.id.action_next) { send(Event.SubmitAmount(amount.text.toString())) }
                back()
            }
            is State.ReasonChoice -> {
                heading(str(R.string.refund_step_reason))
                row(str(R.string.label_refund_amount), Texts.money(ctx, state.amountFen))
                row(str(R.string.label_refunds_left_today), state.preview.refundCountLeftToday.toString())
                row(str(R.string.label_refund_amount_left_today), Texts.money(ctx, state.preview.refundAmountLeftToday))
                state.reasons.forEachIndexed { i, code ->
                    button(Texts.reason(ctx, code), REASON_IDS.getOrElse(i) { android.view.View.NO_ID }) { send(Event.ChooseReason(code)) }
                }
                back()
            }
            is State.PasswordEntry -> {
                heading(str(R.string.refund_step_password))
                row(str(R.string.label_rrn), state.preview.originalRrn)
                row(str(R.string.label_refund_amount), Texts.money(ctx, state.amountFen))
                state.operatorNo?.let { row(str(R.string.label_keyed_by), it, R.id.refund_keyed_by) }
                row(
                    str(R.string.label_authorised_by),
                    str(R.string.operator_line, state.authoriserNo, Texts.role(ctx, Role.SUPERVISOR)),
                    R.id.refund_authorised_by,
                )
                text(str(R.string.void_password_help))
                pinPad(state.filled, state.length) { send(Event.Key(it)) }
                back()
            }
            is State.Refunded -> {
                heading(str(R.string.refund_success), R.id.refund_result)
                info(str(R.string.refund_success_detail, Money.format(state.amountFen)), R.id.refund_success)
                state.outcome.refund?.let {
                    row(str(R.string.label_refund_voucher_no), it.voucherNo, R.id.refund_voucher_no)
                    row(str(R.string.label_keyed_by), it.operatorNo, R.id.refund_keyed_by)
                    it.authoriserNo?.let { by -> row(str(R.string.label_authorised_by), by, R.id.refund_authorised_by) }
                    it.originalRrn?.let { rrn -> row(str(R.string.label_rrn), rrn) }
                    it.originalVoucherNo?.let { no -> row(str(R.string.label_original_voucher_no), no) }
                }
                row(str(R.string.label_refund_amount), Texts.money(ctx, state.amountFen))
                button(str(R.string.action_show_slip), R.id.action_show_slip) { send(Event.ShowSlip) }
                button(str(R.string.action_done), R.id.action_done, primary = false) { send(Event.Back) }
            }
            is State.Refused -> refusedAct(
                str(R.string.refund_refused),
                R.id.refund_result to R.id.refund_refusal,
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

    /** The original as the refund sees it: from the journal, or as keyed when not verified here. */
    private fun Screen.original(p: RefundPreview) {
        val ctx = this@RefundActivity
        val t = p.original
        if (t != null) {
            row(str(R.string.label_original_voucher_no), t.voucherNo, R.id.transaction_voucher_no)
            row(str(R.string.label_batch_no), t.batchNo)
            row(str(R.string.label_card), t.maskedPan, R.id.transaction_card)
            row(str(R.string.label_time), Texts.time(t.createdAtMs), R.id.transaction_time)
        } else {
            notice(str(R.string.refund_not_verified))
        }
        row(str(R.string.label_rrn), p.originalRrn)
        row(str(R.string.label_original_date), p.originalBusinessDate)
        row(str(R.string.label_original_amount), Texts.money(ctx, p.originalAmount), R.id.transaction_amount)
        if (p.refunded > 0) row(str(R.string.label_refunded), Texts.money(ctx, p.refunded))
        if (p.pending > 0) row(str(R.string.label_refund_pending), Texts.money(ctx, p.pending))
        text(str(R.string.label_refund_balance))
        figure(Texts.money(ctx, p.balance), R.id.refund_balance)
    }

    companion object {
        private const val KEPT = "dev.voidguard.app.refund.progress"
        private val REASON_IDS = listOf(R.id.reason_0, R.id.reason_1, R.id.reason_2, R.id.reason_3, R.id.reason_4)
    }
}
