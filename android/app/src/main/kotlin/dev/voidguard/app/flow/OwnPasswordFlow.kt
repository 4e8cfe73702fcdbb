package dev.voidguard.app.flow

import dev.voidguard.core.Field
import dev.voidguard.core.Role
import dev.voidguard.core.TerminalInterface
import dev.voidguard.core.VoidGuardException

/**
 * The signed-in operator changes their own password (修改我的密码): the current one, then
 * the new one twice, all on the on-screen keypad. A cashier's (four to eight digits) is
 * submitted with the OK key, the administrator's (eight) by itself. The supervisor (00)
 * has no password of their own here: theirs is the void password, changed on its screen.
 * A wrong current password counts toward the operator's lockout and comes back on the
 * current step with the attempts left; a new one the core refuses (too easy, the same as
 * the current) on the new step, the current one kept. Digits stay in a [PinPad] and char
 * arrays wiped after use; no state holds them.
 */
class OwnPasswordFlow(private val terminal: TerminalInterface) {
    enum class Step { CURRENT, NEW, CONFIRM }

    sealed interface State {
        data object Loading : State

        data class Entering(
            val operatorNo: String,
            val role: Role,
            val step: Step,
            val filled: Int,
            val notice: Notice? = null,
        ) : State {
            val minLength: Int get() = Operators.minPasswordLength(role)
            val maxLength: Int get() = Operators.maxPasswordLength(role)

            /** The OK key is offered only for passwords whose length varies (a cashier's). */
            val needsOk: Boolean get() = minLength != maxLength
            val canSubmit: Boolean get() = filled >= minLength
        }

        /** The password is changed: the operator signs in with the new one from now on. */
        data class Done(val operatorNo: String) : State

        /** Nothing to change here: nobody signed in, the supervisor, a lock, or the terminal refuses. */
        data class Blocked(val notice: Notice) : State

        /** Back from the current password: the screen closes. */
        data object Exit : State
    }

    sealed interface Event {
        data class Key(val key: PinKey) : Event

        /** The OK key: submits an entry of at least the minimum length. */
        data object Submit : Event

        /** One step back; from the current password, out. */
        data object Back : Event
    }

    private val pad = PinPad(Operators.CASHIER_MAX_LENGTH)
    private var current: CharArray? = null
    private var fresh: CharArray? = null

    var state: State = State.Loading
        private set

    fun start(): State {
        forget()
        return move(
            when (val result = attempt { terminal.session() }) {
                is Attempt.Failed -> State.Blocked(result.notice)
                is Attempt.Done -> {
                    val session = result.value
                    when {
                        session == null -> State.Blocked(Notice.Refused(VoidGuardException.NotSignedIn()))
                        !offeredTo(session.role) ->
                            State.Blocked(Notice.Refused(VoidGuardException.NotPermitted(session.operatorNo)))
                        else -> State.Entering(session.operatorNo, session.role, Step.CURRENT, 0)
                    }
                }
            },
        )
    }

    fun on(event: Event): State = move(
        when (val s = state) {
            is State.Entering -> when (event) {
                is Event.Key -> {
                    pad.press(event.key)
                    if (pad.filled >= s.maxLength) keyed(s) else s.copy(filled = pad.filled)
                }
                Event.Submit -> if (pad.filled >= s.minLength) keyed(s) else s
                Event.Back -> when (s.step) {
                    Step.CONFIRM -> enter(s, Step.NEW)
                    Step.NEW -> enter(s, Step.CURRENT)
                    Step.CURRENT -> exit()
                }
            }
            is State.Done, is State.Blocked -> if (event == Event.Back) exit() else s
            State.Loading, State.Exit -> s
        },
    )

    private fun keyed(s: State.Entering): State = when (s.step) {
        Step.CURRENT -> {
            current?.wipe()
            current = pad.take()
            enter(s, Step.NEW)
        }
        Step.NEW -> {
            fresh?.wipe()
            fresh = pad.take()
            enter(s, Step.CONFIRM)
        }
        Step.CONFIRM -> {
            val first = fresh
            val confirm = pad.take()
            try {
                if (first != null && first.contentEquals(confirm)) submit(s, first) else enter(s, Step.NEW, Notice.PasswordsDiffer)
            } finally {
                confirm.wipe()
            }
        }
    }

    private fun submit(s: State.Entering, newPassword: CharArray): State {
        val result = attempt { terminal.changeOperatorPassword(String(current ?: CharArray(0)), String(newPassword)) }
        return when (result) {
            is Attempt.Done -> {
                forget()
                State.Done(s.operatorNo)
            }
            is Attempt.Failed -> when (val e = result.notice.refusal) {
                is VoidGuardException.WrongOperatorPassword -> enter(s, Step.CURRENT, result.notice)
                is VoidGuardException.TrivialPassword,
                is VoidGuardException.PasswordReused,
                -> enter(s, Step.NEW, result.notice)
                // The keypad keeps every entry to the role's length; should the core still
                // find one malformed, everything is keyed again.
                is VoidGuardException.InvalidInput ->
                    if (e.field == Field.PASSWORD) enter(s, Step.CURRENT, result.notice) else blocked(result.notice)
                else -> blocked(result.notice)
            }
        }
    }

    /** [step] afresh: the pad wiped, and whatever was keyed for it and after it forgotten. */
    private fun enter(s: State.Entering, step: Step, notice: Notice? = null): State {
        pad.wipe()
        if (step != Step.CONFIRM) {
            fresh?.wipe()
            fresh = null
        }
        if (step == Step.CURRENT) {
            current?.wipe()
            current = null
        }
        return State.Entering(s.operatorNo, s.role, step, 0, notice)
    }

    private fun blocked(notice: Notice): State {
        forget()
        return State.Blocked(notice)
    }

    private fun exit(): State {
        forget()
        return State.Exit
    }

    private fun forget() {
        pad.wipe()
        current?.wipe()
        fresh?.wipe()
        current = null
        fresh = null
    }

    private fun move(next: State): State = next.also { state = it }

    companion object {
        /** Who changes their own password here: a cashier or the administrator, not the supervisor. */
        fun offeredTo(role: Role): Boolean = role != Role.SUPERVISOR
    }
}
