package dev.voidguard.app.flow

import dev.voidguard.core.TerminalInterface
import dev.voidguard.core.VaultStatus
import dev.voidguard.core.VoidGuardException

/**
 * Setting the first void password, or changing it (the current one first). Each entry
 * is six digits on the PIN pad and moves on by itself when complete; a new password is
 * keyed twice. Digits stay in [PinPad]s and char arrays that are wiped after use.
 */
class PasswordFlow(private val terminal: TerminalInterface) {
    enum class Mode { SET, CHANGE }

    enum class Step { CURRENT, NEW, CONFIRM }

    sealed interface State {
        data object Loading : State

        data class Entering(
            val mode: Mode,
            val step: Step,
            val filled: Int,
            val length: Int,
            val notice: Notice? = null,
        ) : State

        data class Done(val mode: Mode, val vault: VaultStatus) : State

        /** Nothing to key: not activated, locked, or the vault cannot be read. */
        data class Blocked(val notice: Notice) : State
    }

    sealed interface Event {
        data class Key(val key: PinKey) : Event
        data object Back : Event
    }

    private val pad = PinPad()
    private var current: CharArray? = null
    private var fresh: CharArray? = null
    private var mode = Mode.SET

    var state: State = State.Loading
        private set

    /** Chooses set or change from the vault. */
    fun start(): State {
        forget()
        return when (val vault = attempt { terminal.vaultStatus() }) {
            is Attempt.Failed -> move(State.Blocked(vault.notice))
            is Attempt.Done -> {
                mode = if (vault.value.passwordSet) Mode.CHANGE else Mode.SET
                enter(if (mode == Mode.CHANGE) Step.CURRENT else Step.NEW)
            }
        }
    }

    fun on(event: Event): State {
        val entering = state as? State.Entering ?: return state
        return when (event) {
            Event.Back -> when (entering.step) {
                Step.CONFIRM -> enter(Step.NEW)
                Step.NEW -> if (mode == Mode.CHANGE) enter(Step.CURRENT) else entering
                Step.CURRENT -> entering
            }
            is Event.Key -> {
                if (!pad.press(event.key)) return move(entering.copy(filled = pad.filled))
                completed(entering.step)
            }
        }
    }

    private fun completed(step: Step): State = when (step) {
        Step.CURRENT -> {
            current?.wipe()
            current = pad.take()
            enter(Step.NEW)
        }
        Step.NEW -> {
            fresh?.wipe()
            fresh = pad.take()
            enter(Step.CONFIRM)
        }
        Step.CONFIRM -> {
            val first = fresh
            val confirm = pad.take()
            try {
                if (first != null && first.contentEquals(confirm)) {
                    submit(first)
                } else {
                    enter(Step.NEW, Notice.PasswordsDiffer)
                }
            } finally {
                confirm.wipe()
            }
        }
    }

    private fun submit(newPassword: CharArray): State {
        val result = attempt {
            when (mode) {
                Mode.SET -> terminal.setVoidPassword(String(newPassword))
                Mode.CHANGE -> terminal.changeVoidPassword(String(current ?: CharArray(0)), String(newPassword))
            }
        }
        return when (result) {
            is Attempt.Done -> {
                forget()
                move(State.Done(mode, result.value))
            }
            is Attempt.Failed -> when (result.notice.refusal) {
                is VoidGuardException.WrongPassword -> {
                    forget()
                    enter(Step.CURRENT, result.notice)
                }
                is VoidGuardException.TrivialPassword,
                is VoidGuardException.PasswordReused,
                is VoidGuardException.InvalidInput,
                -> enter(Step.NEW, result.notice)
                else -> {
                    forget()
                    move(State.Blocked(result.notice))
                }
            }
        }
    }

    private fun enter(step: Step, notice: Notice? = null): State {
        pad.wipe()
        if (step == Step.NEW) {
            fresh?.wipe()
            fresh = null
        }
        return move(State.Entering(mode, step, 0, pad.length, notice))
    }

    private fun forget() {
        pad.wipe()
        current?.wipe()
        fresh?.wipe()
        current = null
        fresh = null
    }

    private fun move(next: State): State = next.also { state = it }
}
