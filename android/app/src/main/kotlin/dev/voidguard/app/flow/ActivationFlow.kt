package dev.voidguard.app.flow

import dev.voidguard.core.TerminalInterface
import dev.voidguard.core.TerminalStatus

/**
 * Terminal activation: the merchant number (15 digits), the terminal id (8 characters)
 * and the terminal secret the acquirer provisions. The secret is never kept in a state.
 */
class ActivationFlow(private val terminal: TerminalInterface) {
    sealed interface State {
        /** The form, refilled with what was keyed (never the secret) after a refusal. */
        data class Form(
            val merchantNo: String = "",
            val terminalId: String = "",
            val notice: Notice? = null,
        ) : State

        data class Activated(val status: TerminalStatus) : State
    }

    sealed interface Event {
        data class Submit(val merchantNo: String, val terminalId: String, val terminalSecret: String) : Event
    }

    var state: State = State.Form()
        private set

    fun start(): State = move(
        when (val status = attempt { terminal.status() }) {
            is Attempt.Done -> if (status.value.activated) State.Activated(status.value) else State.Form()
            is Attempt.Failed -> State.Form(notice = status.notice)
        },
    )

    fun on(event: Event): State = move(
        when (event) {
            is Event.Submit -> when (
                val result = attempt {
                    terminal.activate(event.merchantNo.trim(), event.terminalId.trim(), event.terminalSecret.trim())
                }
            ) {
                is Attempt.Done -> State.Activated(result.value)
                is Attempt.Failed -> State.Form(event.merchantNo, event.terminalId, result.notice)
            }
        },
    )

    private fun move(next: State): State = next.also { state = it }
}
