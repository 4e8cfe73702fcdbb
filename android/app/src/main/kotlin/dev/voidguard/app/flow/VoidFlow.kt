package dev.voidguard.app.flow

import dev.voidguard.core.Locale
import dev.voidguard.core.Receipt
import dev.voidguard.core.TerminalInterface
import dev.voidguard.core.Transaction
import dev.voidguard.core.TransactionKind
import dev.voidguard.core.TransactionStatus
import dev.voidguard.core.VoidGuardException
import dev.voidguard.core.VoidLookup
import dev.voidguard.core.VoidOutcome
import dev.voidguard.core.VoidPreview
import dev.voidguard.core.VoidRequest

/**
 * The void flow (消费撤销) as the merchant taps it: menu → voucher number → the
 * transaction → date and amount → reason → void password → result → slip.
 *
 * The void is keyed by whoever is signed in; the void password is the supervisor's, so
 * the authoriser is always operator 00. The confirmation before the password names both.
 */
class VoidFlow(
    private val terminal: TerminalInterface,
    private val reasons: List<String>,
    private val locale: Locale,
) {
    /** Why a transaction on screen cannot be voided, seen before anything is keyed. */
    enum class Blocker { IS_A_VOID, ALREADY_VOIDED, SETTLED, REVERSED }


    sealed interface State {
        /** 撤销交易 · 解除其他限制 */
        data object Menu : State

        data class VoucherEntry(val voucherNo: String = "", val notice: Notice? = null) : State

        data class TransactionShown(val transaction: Transaction, val blocker: Blocker?) : State

        data class DateAmountEntry(
            val transaction: Transaction,
            val date: String = "",
            val amount: String = "",
            val notice: Notice? = null,
        ) : State

        data class ReasonChoice(val preview: VoidPreview, val reasons: List<String>) : State

        /**
         * The confirmation and the void password: [operatorNo] keys the void (the
         * signed-in operator), [authoriserNo] authorises it with the password.
         */
        data class PasswordEntry(
            val transaction: Transaction,
            val reason: String,
            val operatorNo: String?,
            val filled: Int,
            val length: Int,
            val authoriserNo: String = SUPERVISOR,
        ) : State

        /** 撤销成功 */
        data class Voided(val outcome: VoidOutcome) : State

        /** The refusal explained; [retry] says what the screen offers next. */
        data class Refused(val notice: Notice, val retry: Retry) : State

        data class Slip(val receipt: Receipt) : State

        /** The merchant chose to lift a restriction: the requests screen takes over. */
        data object LiftRestriction : State

        /** A void in manual handling blocks this one: the needs-attention screen takes over. */
        data object NeedsAttention : State

        /** Back from the menu: the screen closes. */
        data object Exit : State
    }

    sealed interface Event {
        data object ChooseVoid : Event
        data object ChooseLift : Event
        data object ChooseAttention : Event
        data class SubmitVoucher(val voucherNo: String) : Event
        data object ConfirmTransaction : Event
        data class SubmitDateAmount(val date: String, val amount: String) : Event
        data class ChooseReason(val reason: String) : Event
        data class Key(val key: PinKey) : Event
        data object RetryPassword : Event
        data object ShowSlip : Event
        data object Back : Event
    }

    /**
     * What the merchant keyed to reach the current step, as plain strings: enough to
     * bring the step back when the screen is recreated (a language or font-size change)
     * or the app's process was ended. Never the password: a step at or past it comes
     * back as the password step with nothing keyed; a result comes back as the menu
     * (the journal has it).
     */
    data class Progress(
        val step: Int = 0,
        val voucherNo: String = "",
        val date: String = "",
        val amount: String = "",
        val reason: String = "",
    )

    /** The [Progress] of the current step. */
    fun progress(): Progress = when (val s = state) {
        is State.VoucherEntry -> Progress(VOUCHER)
        is State.TransactionShown -> Progress(SHOWN, s.transaction.voucherNo)
        is State.DateAmountEntry -> Progress(DATE_AMOUNT, s.transaction.voucherNo)
        is State.ReasonChoice -> Progress(REASON, s.preview.original.voucherNo, lookup?.date.orEmpty(), lookup?.amount.orEmpty())
        is State.PasswordEntry -> Progress(PASSWORD, s.transaction.voucherNo, lookup?.date.orEmpty(), lookup?.amount.orEmpty(), s.reason)
        else -> Progress()
    }

    /**
     * Brings back the step [saved] describes by replaying what was keyed, each step
     * checked by the core again; stops at the first step that no longer goes through
     * (the sale was voided meanwhile, nobody is signed in after a restart).
     */
    fun resume(saved: Progress): State {
        move(reset())
        val replay = listOf(
            Event.ChooseVoid,
            Event.SubmitVoucher(saved.voucherNo),
            Event.ConfirmTransaction,
            Event.SubmitDateAmount(saved.date, saved.amount),
            Event.ChooseReason(saved.reason),
        )
        for ((i, event) in replay.take(saved.step).withIndex()) {
            on(event)
            if (progress().step != i + 1) break
        }
        return state
    }

    private val pad = PinPad()
    private var lookup: VoidLookup? = null
    private var preview: VoidPreview? = null
    private var reason: String? = null

    var state: State = State.Menu
        private set

    fun on(event: Event): State = move(
        when (val s = state) {
            State.Menu -> when (event) {
                Event.ChooseVoid -> State.VoucherEntry()
                Event.ChooseLift -> State.LiftRestriction
                Event.Back -> State.Exit
                else -> s
            }
            is State.VoucherEntry -> when (event) {
                is Event.SubmitVoucher -> findVoucher(event.voucherNo)
                Event.Back -> State.Menu
                else -> s
            }
            is State.TransactionShown -> when (event) {
                Event.ConfirmTransaction -> if (s.blocker == null) State.DateAmountEntry(s.transaction) else s
                Event.Back -> State.VoucherEntry(s.transaction.voucherNo)
                else -> s
            }
            is State.DateAmountEntry -> when (event) {
                is Event.SubmitDateAmount -> checkDateAmount(s, event)
                Event.Back -> State.TransactionShown(s.transaction, blockerOf(s.transaction))
                else -> s
            }
            is State.ReasonChoice -> when (event) {
                is Event.ChooseReason -> if (event.reason in s.reasons) askPassword(event.reason) else s
                Event.Back -> State.DateAmountEntry(s.preview.original, lookup?.date.orEmpty(), lookup?.amount.orEmpty())
                else -> s
            }
            is State.PasswordEntry -> when (event) {
                is Event.Key -> if (pad.press(event.key)) submit() else s.copy(filled = pad.filled)
                Event.Back -> {
                    pad.wipe()
                    preview?.let { State.ReasonChoice(it, reasons) } ?: State.Menu
                }
                else -> s
            }
            is State.Voided -> when (event) {
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

    private fun findVoucher(voucherNo: String): State =
        when (val found = attempt { terminal.findTransaction(voucherNo.trim()) }) {
            is Attempt.Failed -> State.VoucherEntry(voucherNo, found.notice)
            is Attempt.Done -> found.value?.let { State.TransactionShown(it, blockerOf(it)) }
                ?: State.VoucherEntry(
                    voucherNo,
                    Notice.Refused(VoidGuardException.TransactionNotFound(voucherNo.trim())),
                )
        }

    private fun checkDateAmount(s: State.DateAmountEntry, event: Event.SubmitDateAmount): State {
        val keyed = VoidLookup(s.transaction.voucherNo, event.date.trim(), event.amount.trim())
        return when (val result = attempt { terminal.voidPreview(keyed) }) {
            is Attempt.Done -> {
                lookup = keyed
                preview = result.value
                State.ReasonChoice(result.value, reasons)
            }
            is Attempt.Failed -> when (val e = result.notice.refusal) {
                is VoidGuardException.DateMismatch,
                is VoidGuardException.AmountMismatch,
                -> s.copy(date = event.date, amount = event.amount, notice = result.notice)
                is VoidGuardException.InvalidInput -> s.copy(date = event.date, amount = event.amount, notice = result.notice)
                else -> refused(result.notice, e)
            }
        }
    }

    private fun askPassword(chosen: String?): State {
        val p = preview ?: return State.Menu
        val r = chosen ?: return State.ReasonChoice(p, reasons)
        reason = r
        pad.wipe()
        val keyer = terminal.session()?.operatorNo
        return State.PasswordEntry(p.original, r, keyer, 0, pad.length)
    }

    private fun submit(): State {
        val keyed = lookup ?: return reset()
        val password = pad.take()
        val request = VoidRequest(
            voucherNo = keyed.voucherNo,
            date = keyed.date,
            amount = keyed.amount,
            password = String(password),
            reason = reason.orEmpty(),
        )
        password.wipe()
        return when (val result = attempt { terminal.voidTransaction(request) }) {
            is Attempt.Done -> State.Voided(result.value)
            is Attempt.Failed -> refused(result.notice, result.notice.refusal)
        }
    }

    // The daily void limits are lifted by the same approval as a lockout.
    private fun refused(notice: Notice, error: VoidGuardException?): State = State.Refused(
        notice,
        retryAfter(terminal, error) {
            it is VoidGuardException.DailyCountLimitReached || it is VoidGuardException.DailyAmountLimitReached
        },
    )

    private fun slipFor(outcome: VoidOutcome): State {
        val voucher = outcome.voidTransaction?.voucherNo ?: outcome.original.voucherNo
        return when (val result = attempt { terminal.receipt(voucher, locale) }) {
            is Attempt.Done -> State.Slip(result.value)
            is Attempt.Failed -> State.Refused(result.notice, Retry.NONE)
        }
    }

    private fun reset(): State {
        pad.wipe()
        lookup = null
        preview = null
        reason = null
        return State.Menu
    }

    private fun move(next: State): State = next.also { state = it }

    companion object {
        private const val VOUCHER = 1
        private const val SHOWN = 2
        private const val DATE_AMOUNT = 3
        private const val REASON = 4
        private const val PASSWORD = 5

        /** Operator 00 holds the void password and so authorises every void. */
        const val SUPERVISOR = Operators.SUPERVISOR

        fun blockerOf(t: Transaction): Blocker? = when {
            t.kind == TransactionKind.VOID -> Blocker.IS_A_VOID
            t.status == TransactionStatus.VOIDED -> Blocker.ALREADY_VOIDED
            t.status == TransactionStatus.SETTLED -> Blocker.SETTLED
            t.status == TransactionStatus.REVERSED -> Blocker.REVERSED
            else -> null
        }
    }
}
