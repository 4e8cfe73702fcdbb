package dev.voidguard.app

import android.os.Bundle
import dev.voidguard.app.flow.ActivationFlow

/** Terminal activation: merchant number, terminal id and the terminal secret. */
class ActivationActivity : ScreenActivity() {
    // The terminal secret is keyed here.
    override val secure = true

    private var flow: ActivationFlow? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.title_activation)
        onCore({ t -> ActivationFlow(t).also { flow = it }.start() }, ::render)
    }

    private fun send(event: ActivationFlow.Event) {
        onCore({ checkNotNull(flow).on(event) }, ::render)
    }

    private fun render(state: ActivationFlow.State) = show {
        when (state) {
            is ActivationFlow.State.Form -> {
                heading(str(R.string.title_activation))
                text(str(R.string.activation_help))
                notice(state.notice?.let { Texts.explain(this@ActivationActivity, it) })
                val merchant = field(str(R.string.field_merchant_no), R.id.field_merchant_no, FieldKind.DIGITS, state.merchantNo, 15)
                keypad()
                val terminal = field(str(R.string.field_terminal_id), R.id.field_terminal_id, FieldKind.TEXT, state.terminalId, 8)
                val secret = field(str(R.string.field_terminal_secret), R.id.field_terminal_secret, FieldKind.SECRET_TEXT, maxLength = 128)
                button(str(R.string.action_activate), R.id.action_activate) {
                    val event = ActivationFlow.Event.Submit(merchant.text.toString(), terminal.text.toString(), secret.text.toString())
                    secret.text.clear()
                    send(event)
                }
            }
            is ActivationFlow.State.Activated -> {
                heading(str(R.string.activation_done))
                info(str(R.string.activation_done_help), R.id.activation_done)
                row(str(R.string.label_merchant_no), state.status.merchantNo.orEmpty())
                row(str(R.string.label_terminal_id), state.status.terminalId.orEmpty())
                button(str(R.string.action_done), R.id.action_done) { finish() }
            }
        }
    }
}
