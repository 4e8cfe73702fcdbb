package dev.voidguard.app.flow

import dev.voidguard.core.Field
import dev.voidguard.core.Locale
import dev.voidguard.core.Problem
import dev.voidguard.core.Receipt
import dev.voidguard.core.RefundLookup
import dev.voidguard.core.RefundOutcome
import dev.voidguard.core.RefundPreview
import dev.voidguard.core.RefundRequest
import dev.voidguard.core.TerminalInterface
import dev.voidguard.core.VoidGuardException

/**
 * The refund flow (退货) as the merchant taps it: menu → the original by its reference
 * number (参考号) and date, or by voucher and batch → the original with what is left to
 * refund → amount → reason → void password → result → slip.
 *
 * Like a void, the refund is keyed by whoever is signed in and authorised by the void
 * password, the supervisor's (operator 00). It goes through the configured host link
 * ([TerminalInterface.refund]), the acquirer's payment app included, as a void does.
 */
class RefundFlow(
    private val terminal: TerminalInterface,
    private val reasons: List<String>,
    private val locale: Locale,
) {
    /** How the merchant names the original. */
    enum class By { RRN, VOUCHER }


    sealed interface State {
        /** 按参考号退货 · 按凭证号退货 */
        data object Menu : State

        /**
         * The original's reference: for [By.RRN] [first] is the RRN (12 characters) and
         * [second] the original date (MMDD or YYYYMMDD); for [By.VOUCHER] the voucher
         * number and the batch number.
         */
        data class LookupEntry(
            val by: By,
            val first: String = "",
            val second: String = "",
            val notice: Notice? = null,
        ) : State

        /** The original and its refundable balance; nothing is left to refund when [preview]'s balance is 0. */
        data class OriginalShown(val preview: RefundPreview) : State {
            val refundable: Boolean get() = preview.balance > 0
        }

        data class AmountEntry(val preview: RefundPreview, val amount: String = "", val notice: Notice? = null) : State

        data class ReasonChoice(val preview: RefundPreview, val amountFen: Long, val reasons: List<String>) : State

        /**
         * The confirmation and the void password: [operatorNo] keys the refund (the
         * signed-in operator), [authoriserNo] authorises it with the password.
         */
        data class PasswordEntry(
            val preview: RefundPreview,
            val amountFen: Long,
            val reason: String,
            val operatorNo: String?,
            val filled: Int,
            val length: Int,
            val authoriserNo: String = SUPERVISOR,
        ) : State

        /** 退货成功 */
        data class Refunded(val outcome: RefundOutcome, val amountFen: Long) : State

        /** The refusal explained; [retry] says what the screen offers next. */
        data class Refused(val notice: Notice, val retry: Retry) : State

        data class Slip(val receipt: Receipt) : State

        /** The merchant chose to lift a restriction: the requests screen takes over. */
        data object LiftRestriction : State

        /** A leg in manual handling blocks this one: the needs-attention screen takes over. */
        data object NeedsAttention : State

        /** Back from the menu: the screen closes. */
        data object Exit : State
    }

    sealed interface Event {
        data class ChooseLookup(val by: By) : Event
        data object ChooseLift : Event
        data object ChooseAttention : Event
        data class SubmitLookup(val first: String, val second: String) : Event
        data object ConfirmOriginal : Event
        data class SubmitAmount(val amount: String) : Event
        data class ChooseReason(val reason: String) : Event
        data class Key(val key: PinKey) : Event
        data object RetryPassword : Event
        data object ShowSlip : Event
        data object Back : Event
    }

    /**
     * What the merchant keyed to reach the current step, as plain strings, to bring it
     * back on a recreated screen or after the app's process was ended. Never the
     * password: a step at or past it comes back as the password step with nothing
     * keyed; a result comes back as the menu (the journal has it).
     */
    data class Progress(
        val step: Int = 0,
        val by: By = By.RRN,
        val first: String = "",
        val second: String = "",
        val amount: String = "",
        val reason: String = "",
    )

    /** The [Progress] of the current step. */
    fun progress(): Progress = when (val s = state) {
        is State.LookupEntry -> Progress(LOOKUP, s.by)
        is State.OriginalShown -> keyedProgress(SHOWN)
        is State.AmountEntry -> keyedProgress(AMOUNT)
        is State.ReasonChoice -> keyedProgress(REASON).copy(amount = amount.orEmpty())
        is State.PasswordEntry -> keyedProgress(PASSWORD).copy(amount = amount.orEmpty(), reason = s.reason)
        else -> Progress()
    }

    private fun keyedProgress(step: Int) = Progress(step, by, first, second)

    /**
     * Brings back the step [saved] describes by replaying what was keyed, each step
     * checked by the core again; stops at the first step that no longer goes through
     * (the sale was refunded in full meanwhile, nobody is signed in after a restart).
     */
    fun resume(saved: Progress): State {
        move(reset())
        val replay = listOf(
            Event.ChooseLookup(saved.by),
            Event.SubmitLookup(saved.first, saved.second),
            Event.ConfirmOriginal,
            Event.SubmitAmount(saved.amount),
            Event.ChooseReason(saved.reason),
        )
        for ((i, event) in replay.take(saved.step).withIndex()) {
            on(event)
            if (progress().step != i + 1) break
        }
        return state
    }

    private val pad = PinPad()
    private var by: By = By.RRN
    private var first: String = ""
    private var second: String = ""
    private var lookup: RefundLookup? = null
    private var preview: RefundPreview? = null
    private var amount: String? = null
    private var amountFen: Long = 0
    private var reason: String? = null

    var state: State = State.Menu
        private set

    fun on(event: Event): State = move(
        when (val s = state) {
            State.Menu -> when (event) {
                is Event.ChooseLookup -> State.LookupEntry(event.by).also { by = event.by }
                Event.ChooseLift -> State.LiftRestriction
                Event.Back -> State.Exit
                else -> s
            }
            is State.LookupEntry -> when (event) {
                is Event.SubmitLookup -> find(s, event)
                Event.Back -> State.Menu
                else -> s
            }
            is State.OriginalShown -> when (event) {
                Event.ConfirmOriginal -> if (s.refundable) State.AmountEntry(s.preview) else s
                Event.Back -> State.LookupEntry(by, first, second)
                else -> s
            }
            is State.AmountEntry -> when (event) {
                is Event.SubmitAmount -> checkAmount(s, event.amount)
                Event.Back -> State.OriginalShown(s.preview)
                else -> s
            }
            is State.ReasonChoice -> when (event) {
                is Event.ChooseReason -> if (event.reason in s.reasons) askPassword(event.reason) else s
                Event.Back -> State.AmountEntry(s.preview, amount.orEmpty())
                else -> s
            }
            is State.PasswordEntry -> when (event) {
                is Event.Key -> if (pad.press(event.key)) submit() else s.copy(filled = pad.filled)
                Event.Back -> {
                    pad.wipe()
                    preview?.let { State.ReasonChoice(it, amountFen, reasons) } ?: State.Menu
                }
                else -> s
            }
            is State.Refunded -> when (event) {
                Event.ShowSlip -> slipFor(s.outcome)
                Event.Back -> reset()
                else -> s
            }
            is State.Refused -> when (event) {
                Event.RetryPassword -> if (s.retry == Retry.PASSWORD) askPassword(reason) else s
                Event.ChooseLift -> if (s.retry == Retry.LIFT_RESTRICTION) State.LiftRestriction else s
                Event.ChooseAttention -> if (s.retry == Retry.NEEDS_ATTENTION) State.NeedsAttention else s
                Event.Back -> reset()
                else -> s
            }
            is State.Slip -> if (event == Event.Back) reset() else s
            State.LiftRestriction, State.NeedsAttention, State.Exit -> s
        },
    )

    private fun find(s: State.LookupEntry, event: Event.SubmitLookup): State {
        val a = event.first.trim()
        val b = event.second.trim()
        val keyed = when (s.by) {
            By.RRN -> RefundLookup(voucherNo = null, batchNo = null, rrn = a, date = b, originalAmount = null)
            By.VOUCHER -> RefundLookup(voucherNo = a, batchNo = b, rrn = null, date = null, originalAmount = null)
        }
        return when (val result = attempt { terminal.refundPreview(keyed) }) {
            is Attempt.Done -> {
                first = event.first
                second = event.second
                lookup = keyed
                preview = result.value
                State.OriginalShown(result.value)
            }
            is Attempt.Failed -> when (result.notice.refusal) {
                // Nobody signed in, or no refund permission (the home screen offers to
                // apply): nothing to correct on this step.
                is VoidGuardException.NotSignedIn,
                is VoidGuardException.RefundPermissionNotGranted,
                -> refused(result.notice, result.notice.refusal)
                else -> s.copy(first = event.first, second = event.second, notice = result.notice)
            }
        }
    }

    /**
     * The amount against the balance on screen, so an amount above it is explained
     * before the password is asked for; the core checks it again (and the cap, the
     * daily limits and the format) when the refund is submitted.
     */
    private fun checkAmount(s: State.AmountEntry, keyed: String): State {
        val fen = Money.parseFen(keyed)
            ?: return s.copy(amount = keyed, notice = Notice.Refused(VoidGuardException.InvalidInput(Field.AMOUNT, problemOf(keyed))))
        if (fen > s.preview.balance) {
            return s.copy(amount = keyed, notice = Notice.Refused(VoidGuardException.RefundOverBalance(s.preview.balance)))
        }
        amount = keyed.trim()
        amountFen = fen
        return State.ReasonChoice(s.preview, amountFen, reasons)
    }

    /** Why [Money.parseFen] did not take [keyed], in the core's words for it. */
    private fun problemOf(keyed: String): Problem {
        val t = keyed.trim()
        return when {
            t.isEmpty() -> Problem.EMPTY
            t.startsWith("-") -> Problem.NEGATIVE
            Regex("""[0-9０-９]+[.．][0-9０-９]{3,}""").matches(t) -> Problem.TOO_MANY_DECIMALS
            Regex("""[0０]*([.．][0０]*)?""").matches(t) -> Problem.ZERO
            else -> Problem.MALFORMED
        }
    }

    private fun askPassword(chosen: String?): State {
        val p = preview ?: return State.Menu
        val r = chosen ?: return State.ReasonChoice(p, amountFen, reasons)
        reason = r
        pad.wipe()
        val keyer = terminal.session()?.operatorNo
        return State.PasswordEntry(p, amountFen, r, keyer, 0, pad.length)
    }

    private fun submit(): State {
        val keyed = lookup ?: return reset()
        val password = pad.take()
        val request = RefundRequest(
            lookup = keyed,
            amount = amount.orEmpty(),
            password = String(password),
            reason = reason.orEmpty(),
        )
        password.wipe()
        return when (val result = attempt { terminal.refund(request) }) {
            is Attempt.Done -> State.Refunded(result.value, result.value.refund?.amount ?: amountFen)
            is Attempt.Failed -> refused(result.notice, result.notice.refusal)
        }
    }

    private fun refused(notice: Notice, error: VoidGuardException?): State =
        State.Refused(notice, retryAfter(terminal, error))

    private fun slipFor(outcome: RefundOutcome): State {
        val voucher = outcome.refund?.voucherNo
            ?: return State.Refused(Notice.Unexpected, Retry.NONE)
        return when (val result = attempt { terminal.receipt(voucher, locale) }) {
            is Attempt.Done -> State.Slip(result.value)
            is Attempt.Failed -> State.Refused(result.notice, Retry.NONE)
        }
    }

    private fun reset(): State {
        pad.wipe()
        first = ""
        second = ""
        lookup = null
        preview = null
        amount = null
        amountFen = 0
        reason = null
        return State.Menu
    }

    private fun move(next: State): State = next.also { state = it }

    companion object {
        private const val LOOKUP = 1
        private const val SHOWN = 2
        private const val AMOUNT = 3
        private const val REASON = 4
        private const val PASSWORD = 5

        /** Operator 00 holds the void password and so authorises every refund. */
        const val SUPERVISOR = Operators.SUPERVISOR
    }
}
