package dev.voidguard.app

import android.os.Bundle
import dev.voidguard.app.flow.OwnPasswordFlow
import dev.voidguard.app.flow.OwnPasswordFlow.Event
import dev.voidguard.app.flow.OwnPasswordFlow.State
import dev.voidguard.app.flow.OwnPasswordFlow.Step
import dev.voidguard.core.Role

/** The signed-in cashier or administrator changes their own password on the keypad. */
class OwnPasswordActivity : FlowActivity<OwnPasswordFlow, Event, State>() {
    // Passwords are keyed here.
    override val secure = true


    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.title_own_password)
        startFlow({ t -> OwnPasswordFlow(t) }) { start() }
    }

    override val back = Event.Back

    override fun OwnPasswordFlow.handle(event: Event): State = on(event)

    override fun render(state: State) {
        if (state == State.Exit) return finish()
        show { draw(state) }
    }

    private fun Screen.draw(state: State) {
        val ctx = this@OwnPasswordActivity
        when (state) {
            State.Loading -> text(str(R.string.loading))
            is State.Entering -> {
                heading(str(R.string.own_password_title, state.operatorNo, Texts.role(ctx, state.role)))
                text(
                    str(
                        when (state.step) {
                            Step.CURRENT -> R.string.own_password_step_current
                            Step.NEW -> R.string.own_password_step_new
                            Step.CONFIRM -> R.string.own_password_step_confirm
                        },
                    ),
                    R.id.own_password_step,
                )
                text(str(if (state.role == Role.CASHIER) R.string.own_password_length_cashier else R.string.own_password_length_administrator))
                if (state.step == Step.NEW) text(str(R.string.own_password_rules))
                notice(state.notice?.let { Texts.explain(ctx, it) })
                val ok = if (state.needsOk) ({ send(Event.Submit) }) else null
                pinPad(state.filled, state.maxLength, ok, state.canSubmit) { send(Event.Key(it)) }
                button(str(R.string.action_back), R.id.action_back, primary = false) { send(Event.Back) }
            }
            is State.Done -> {
                heading(str(R.string.title_own_password))
                info(str(R.string.own_password_done, state.operatorNo), R.id.own_password_done)
                text(str(R.string.password_keep_safe))
                button(str(R.string.action_done), R.id.action_done) { finish() }
            }
            is State.Blocked -> {
                heading(str(R.string.title_own_password))
                notice(Texts.explain(ctx, state.notice))
                button(str(R.string.action_back), R.id.action_back, primary = false) { finish() }
            }
            State.Exit -> Unit
        }
    }
}
