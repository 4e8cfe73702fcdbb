package dev.voidguard.app

import android.os.Bundle
import dev.voidguard.app.flow.SignInFlow
import dev.voidguard.app.flow.SignInFlow.Event
import dev.voidguard.app.flow.SignInFlow.State
import dev.voidguard.core.Role

/** Signing in: the operator number, then the password, on the keypad. Closes once signed in. */
class SignInActivity : FlowActivity<SignInFlow, Event, State>() {
    // A password is keyed here.
    override val secure = true


    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.title_sign_in)
        startFlow({ t -> SignInFlow(t) }) { start() }
    }

    override val back = Event.Back

    override fun SignInFlow.handle(event: Event): State = on(event)

    override fun render(state: State) {
        when (state) {
            is State.SignedIn, State.Exit -> return finish()
            else -> show { draw(state) }
        }
    }

    private fun Screen.draw(state: State) {
        val ctx = this@SignInActivity
        when (state) {
            State.Loading -> text(str(R.string.loading))
            is State.OperatorEntry -> {
                heading(str(R.string.title_sign_in))
                text(str(R.string.sign_in_step_operator), R.id.sign_in_step)
                notice(state.notice?.let { Texts.explain(ctx, it) })
                digitPad(state.operatorNo, state.length) { send(Event.Key(it)) }
                text(str(R.string.sign_in_help))
            }
            is State.PasswordEntry -> {
                heading(str(R.string.title_sign_in))
                text(str(R.string.sign_in_step_password, state.operatorNo, Texts.role(ctx, state.role)), R.id.sign_in_step)
                text(
                    str(
                        when (state.role) {
                            Role.SUPERVISOR -> R.string.sign_in_password_supervisor
                            Role.ADMINISTRATOR -> R.string.sign_in_password_administrator
                            Role.CASHIER -> R.string.sign_in_password_cashier
                        },
                    ),
                )
                notice(state.notice?.let { Texts.explain(ctx, it) })
                val ok = if (state.needsOk) ({ send(Event.Submit) }) else null
                pinPad(state.filled, state.maxLength, ok, state.canSubmit) { send(Event.Key(it)) }
                button(str(R.string.action_back), R.id.action_back, primary = false) { send(Event.Back) }
            }
            is State.Blocked -> {
                heading(str(R.string.title_sign_in))
                notice(Texts.explain(ctx, state.notice))
                button(str(R.string.action_back), R.id.action_back, primary = false) { finish() }
            }
            is State.SignedIn, State.Exit -> Unit
        }
    }
}
