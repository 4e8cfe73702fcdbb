package dev.voidguard.app.flow

import dev.voidguard.core.HostException
import dev.voidguard.core.SaleRequest
import dev.voidguard.core.TerminalInterface
import dev.voidguard.core.Transaction
import dev.voidguard.core.VoidGuardException
import dev.voidguard.core.Field
import dev.voidguard.core.Problem

/**
 * Record a sale (消费). With the built-in simulated host the merchant keys the card
 * number (masked at once by the core); with a payment app, the app reads the card and
 * the sale is journaled with the RRN and auth code it reports. The sale is keyed by
 * whoever is signed in; the form names them.
 */
class SaleFlow(
    private val terminal: TerminalInterface,
    private val cardLeg: CardLeg? = null,
) {
    sealed interface State {
        /**
         * [keyedCard] is false when a payment app reads the card. [operatorNo] is the
         * signed-in operator the sale will be keyed by (null: nobody, the core refuses).
         */
        data class Form(
            val keyedCard: Boolean,
            val operatorNo: String?,
            val amount: String = "",
            val cardScheme: String = DEFAULT_SCHEME,
            val notice: Notice? = null,
        ) : State

        data class Recorded(val transaction: Transaction) : State
    }

    sealed interface Event {
        /** [cardNumber] is ignored when a payment app reads the card. */
        data class Submit(val amount: String, val cardNumber: String, val cardScheme: String) : Event
        data object Again : Event
    }

    var state: State = form()
        private set

    private var orders = 0

    fun on(event: Event): State {
        val next = when (event) {
            Event.Again -> form()
            is Event.Submit -> {
                val form = state as? State.Form ?: return state
                val keyed = form.copy(amount = event.amount, cardScheme = event.cardScheme)
                val leg = cardLeg
                if (leg == null) record(keyed, SaleRequest(event.amount, event.cardNumber, event.cardScheme))
                else viaPaymentApp(keyed, leg, event.amount)
            }
        }
        state = next
        return next
    }

    private fun viaPaymentApp(form: State.Form, leg: CardLeg, amount: String): State {
        val fen = Money.parseFen(amount) ?: return form.copy(
            notice = Notice.Refused(VoidGuardException.InvalidInput(Field.AMOUNT, Problem.MALFORMED)),
        )
        val sale = try {
            leg.sale(fen, orderNo())
        } catch (e: HostException) {
            return form.copy(notice = Notice.CardLegFailed(e))
        }
        val request = SaleRequest(amount, sale.maskedPan, sale.cardScheme, sale.rrn, sale.authCode)
        return when (val result = attempt { terminal.recordSale(request) }) {
            is Attempt.Done -> State.Recorded(result.value)
            is Attempt.Failed -> form.copy(
                notice = result.notice.refusal?.let { Notice.SaleNotJournaled(sale.rrn, it) } ?: result.notice,
            )
        }
    }

    private fun record(form: State.Form, request: SaleRequest): State =
        when (val result = attempt { terminal.recordSale(request) }) {
            is Attempt.Done -> State.Recorded(result.value)
            is Attempt.Failed -> form.copy(notice = result.notice)
        }

    private fun form(): State.Form {
        val keyer = terminal.session()?.operatorNo
        return State.Form(keyedCard = cardLeg == null, operatorNo = keyer)
    }

    private fun orderNo(): String = "VG${System.currentTimeMillis()}${(++orders).toString().padStart(3, '0')}"

    companion object {
        const val DEFAULT_SCHEME = "UnionPay"
    }
}
