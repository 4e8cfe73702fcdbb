package dev.voidguard.app

import android.os.Bundle
import dev.voidguard.app.flow.PasswordFlow
import dev.voidguard.app.flow.PasswordFlow.Mode
import dev.voidguard.app.flow.PasswordFlow.Step

/** Set the first void password, or change it. Six digits on the PIN pad. */
class PasswordActivity : ScreenActivity() {
    override val secure = true

    private var flow: PasswordFlow? = null

    /** The state on screen (main thread). */
    private var shown: PasswordFlow.State? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.title_password)
        onCore({ t -> PasswordFlow(t).also { flow = it }.start() }, ::render)
    }

    override fun onBackPressed() {
        if (!idle) return
        val entering = shown as? PasswordFlow.State.Entering
        if (entering == null || entering.step == Step.CURRENT || (entering.step == Step.NEW && entering.mode == Mode.SET)) {
            super.onBackPressed()
        } else {
            send(PasswordFlow.Event.Back)
        }
    }

    private fun send(event: PasswordFlow.Event) {
        onCore({ checkNotNull(flow).on(event) }, ::render)
    }

    private fun render(state: PasswordFlow.State) = show {
        shown = state
        when (state) {
            PasswordFlow.State.Loading -> text(str(R.string.loading))
            is PasswordFlow.State.Entering -> {
                heading(str(if (state.mode == Mode.SET) R.string.password_set_title else R.string.password_change_title))
                text(
                    str(
                        when (state.step) {
                            Step.CURRENT -> R.string.password_step_current
                            Step.NEW -> R.string.password_step_new
                            Step.CONFIRM -> R.string.password_step_confirm
                        },
                    ),
                    R.id.password_step,
                )
                if (state.step == Step.NEW) text(str(R.string.password_rules))
                notice(state.notice?.let { Texts.explain(this@PasswordActivity, it) })
                pinPad(state.filled, state.length) { send(PasswordFlow.Event.Key(it)) }
            }
            is PasswordFlow.State.Done -> {
                heading(str(R.string.title_password))
                info(str(if (state.mode == Mode.SET) R.string.password_set_done else R.string.password_change_done), R.id.password_done)
                text(str(R.string.password_keep_safe))
                button(str(R.string.action_done), R.id.action_done) { finish() }
            }
            is PasswordFlow.State.Blocked -> {
                heading(str(R.string.title_password))
                notice(Texts.explain(this@PasswordActivity, state.notice))
                button(str(R.string.action_back), R.id.action_back, primary = false) { finish() }
            }
        }
    }
}
