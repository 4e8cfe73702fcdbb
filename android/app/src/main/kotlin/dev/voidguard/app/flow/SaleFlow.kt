package dev.voidguard.app.flow

import dev.voidguard.core.SaleRequest
import dev.voidguard.core.TerminalInterface
import dev.voidguard.core.Transaction

/**
 * Record a sale (消费). The core sends it to the host (the built-in simulator, or the
 * acquirer's payment app, which reads the card) and journals it only when approved,
 * with the host's RRN and auth code. A decline, a lost answer and work left for the
 * host come back as the core's refusals on the form. The card number is keyed either
 * way — in full (masked by the core at once) or as the card shows it masked — since the
 * request the core keeps carries it. The sale is keyed by whoever is signed in; the form
 * names them.
 */
class SaleFlow(
    private val terminal: TerminalInterface,
    private val viaPaymentApp: Boolean = false,
) {
    sealed interface State {
        /**
         * [viaPaymentApp]: the acquirer's payment app reads the card and asks the host.
         * [operatorNo] is the signed-in operator the sale will be keyed by (null: nobody,
         * the core refuses).
         */
        data class Form(
            val viaPaymentApp: Boolean,
            val operatorNo: String?,
            val amount: String = "",
            val cardScheme: String = DEFAULT_SCHEME,
            val notice: Notice? = null,
        ) : State

        data class Recorded(val transaction: Transaction) : State
    }

    sealed interface Event {
        data class Submit(val amount: String, val cardNumber: String, val cardScheme: String) : Event
        data object Again : Event
    }

    var state: State = form()
        private set

    fun on(event: Event): State {
        val next = when (event) {
            Event.Again -> form()
            is Event.Submit -> {
                val form = state as? State.Form ?: return state
                val keyed = form.copy(amount = event.amount, cardScheme = event.cardScheme)
                when (val result = attempt { terminal.recordSale(SaleRequest(event.amount, event.cardNumber, event.cardScheme)) }) {
                    is Attempt.Done -> State.Recorded(result.value)
                    is Attempt.Failed -> keyed.copy(notice = result.notice)
                }
            }
        }
        state = next
        return next
    }

    private fun form(): State.Form = State.Form(viaPaymentApp, terminal.session()?.operatorNo)

    companion object {
        /** Blank: the core names the scheme by the card's BIN. */
        const val DEFAULT_SCHEME = ""
    }
}
