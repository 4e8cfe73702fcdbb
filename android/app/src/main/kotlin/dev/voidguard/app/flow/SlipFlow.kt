package dev.voidguard.app.flow

import dev.voidguard.core.Locale
import dev.voidguard.core.Receipt
import dev.voidguard.core.TerminalInterface

/** One slip (签购单) from the journal, in the merchant's language. */
class SlipFlow(private val terminal: TerminalInterface, private val locale: Locale) {
    sealed interface State {
        data object Loading : State
        data class Shown(val receipt: Receipt) : State
        data class Failed(val notice: Notice) : State
    }

    var state: State = State.Loading
        private set

    fun load(voucherNo: String): State {
        val next = when (val result = attempt { terminal.receipt(voucherNo, locale) }) {
            is Attempt.Done -> State.Shown(result.value)
            is Attempt.Failed -> State.Failed(result.notice)
        }
        state = next
        return next
    }
}
