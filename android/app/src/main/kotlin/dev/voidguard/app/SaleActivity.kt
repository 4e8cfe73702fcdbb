package dev.voidguard.app

import android.os.Bundle
import dev.voidguard.app.flow.HostChoice
import dev.voidguard.app.flow.SaleFlow
import dev.voidguard.app.flow.SaleFlow.Event
import dev.voidguard.app.flow.SaleFlow.State

/**
 * Record a sale. The card number is keyed (the core masks it at once), so the screen is
 * secure; the core then asks the host — the simulator, or the payment app, which reads
 * the card — and journals the sale only when it is approved.
 */
class SaleActivity : ScreenActivity() {
    // The keyed card number is a full PAN until the core masks it (PCI DSS 3.4).
    override val secure = true

    private var flow: SaleFlow? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.title_sale)
        onCore({ t -> SaleFlow(t, app.viaPaymentApp()).also { flow = it }.state }, ::render)
    }

    private fun send(event: Event) {
        onCore({ checkNotNull(flow).on(event) }, ::render)
    }

    private fun render(state: State) = show {
        val ctx = this@SaleActivity
        heading(str(R.string.title_sale))
        when (state) {
            is State.Form -> {
                state.operatorNo?.let { row(str(R.string.label_keyed_by), it, R.id.sale_operator) }
                text(
                    str(
                        when {
                            state.viaPaymentApp -> R.string.sale_payment_app_help
                            app.settings.hostChoice == HostChoice.ACQUIRER_HOST -> R.string.sale_acquirer_help
                            else -> R.string.sale_simulated_help
                        },
                    ),
                )
                notice(state.notice?.let { Texts.explain(ctx, it) })
                val amount = field(str(R.string.field_amount_hint), R.id.field_amount, FieldKind.AMOUNT, state.amount, 16)
                val card = field(str(R.string.field_card_number), R.id.field_card_number, FieldKind.SECRET_DIGITS, maxLength = 19)
                keypad()
                val scheme = field(str(R.string.field_card_scheme), R.id.field_card_scheme, FieldKind.TEXT, state.cardScheme, 20)
                button(str(R.string.action_record_sale), R.id.action_record_sale) {
                    val event = Event.Submit(amount.text.toString(), card.text.toString(), scheme.text.toString())
                    card.text.clear()
                    send(event)
                }
            }
            is State.Recorded -> {
                info(str(R.string.sale_recorded), R.id.sale_recorded)
                row(str(R.string.label_voucher_no), state.transaction.voucherNo, R.id.sale_voucher_no)
                row(str(R.string.label_card), state.transaction.maskedPan)
                figure(Texts.money(ctx, state.transaction.amount))
                row(str(R.string.label_business_date), state.transaction.businessDate, R.id.sale_business_date)
                row(str(R.string.label_rrn), state.transaction.rrn)
                row(str(R.string.label_auth_code), state.transaction.authCode)
                row(str(R.string.label_keyed_by), state.transaction.operatorNo, R.id.sale_operator)
                button(str(R.string.action_another_sale), R.id.action_another_sale) { send(Event.Again) }
            }
        }
        button(str(R.string.action_back), R.id.action_back, primary = false) { finish() }
    }
}
