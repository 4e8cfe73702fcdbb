package dev.voidguard.app.flow

import dev.voidguard.core.Field
import dev.voidguard.core.Role
import dev.voidguard.core.Session
import dev.voidguard.core.TerminalInterface
import dev.voidguard.core.VoidGuardException

/**
 * Signing in (登录): the operator number, then that operator's password, both on the
 * on-screen keypad. The number moves on by itself once two digits are keyed; a password
 * of fixed length (the supervisor's six, the administrator's eight) submits by itself,
 * a cashier's (four to eight digits) with the OK key. Every refusal the core gives comes
 * back as a notice on the step it concerns: a wrong password on the password step, with
 * the attempts left; an unknown or locked operator on the number step.
 */
class SignInFlow(private val terminal: TerminalInterface) {
    sealed interface State {
        data object Loading : State

        /** [operatorNo] is what has been keyed so far (no secret). */
        data class OperatorEntry(val operatorNo: String = "", val notice: Notice? = null) : State {
            val length: Int get() = Operators.NUMBER_LENGTH
        }

        data class PasswordEntry(
            val operatorNo: String,
            val role: Role,
            val filled: Int,
            val minLength: Int,
            val maxLength: Int,
            val notice: Notice? = null,
        ) : State {
            /** The OK key is offered only for passwords whose length varies. */
            val needsOk: Boolean get() = minLength != maxLength
            val canSubmit: Boolean get() = filled >= minLength
        }

        /** Someone is signed in: the screen closes and home shows their menu. */
        data class SignedIn(val session: Session) : State

        /** Nobody can sign in here: not activated, or the terminal refuses. */
        data class Blocked(val notice: Notice) : State

        /** Back from the number step: the screen closes, nobody signed in. */
        data object Exit : State
    }

    sealed interface Event {
        data class Key(val key: PinKey) : Event

        /** The OK key: submits a password of at least its minimum length. */
        data object Submit : Event

        /** From the password step back to the number; from the number, out. */
        data object Back : Event
    }

    private val number = DigitEntry(Operators.NUMBER_LENGTH)
    private val pad = PinPad(Operators.CASHIER_MAX_LENGTH)

    var state: State = State.Loading
        private set

    fun start(): State {
        pad.wipe()
        number.clear()
        val result = attempt { terminal.status() to terminal.session() }
        return move(
            when (result) {
                is Attempt.Failed -> State.Blocked(result.notice)
                is Attempt.Done -> {
                    val (status, session) = result.value
                    when {
                        !status.activated -> State.Blocked(Notice.Refused(VoidGuardException.NotActivated()))
                        session != null -> State.SignedIn(session)
                        else -> State.OperatorEntry()
                    }
                }
            },
        )
    }

    fun on(event: Event): State = move(
        when (val s = state) {
            is State.OperatorEntry -> when (event) {
                is Event.Key -> if (number.press(event.key)) checkOperator(number.text) else s.copy(operatorNo = number.text)
                Event.Back -> State.Exit
                Event.Submit -> s
            }
            is State.PasswordEntry -> when (event) {
                is Event.Key -> {
                    pad.press(event.key)
                    if (pad.filled >= s.maxLength) submit(s) else s.copy(filled = pad.filled)
                }
                Event.Submit -> if (pad.filled >= s.minLength) submit(s) else s
                Event.Back -> operatorEntry()
            }
            is State.Blocked -> if (event == Event.Back) State.Exit else s
            State.Loading, is State.SignedIn, State.Exit -> s
        },
    )

    /**
     * Looks the number up before the password is asked for: an unknown, removed or
     * locked operator is told so at once. The core checks all of it again at sign-in.
     */
    private fun checkOperator(operatorNo: String): State {
        val operators = when (val result = attempt { terminal.operators() }) {
            is Attempt.Failed -> return operatorEntry(result.notice)
            is Attempt.Done -> result.value
        }
        val role = Operators.roleOf(operatorNo)
        val account = operators.firstOrNull { it.operatorNo == operatorNo && it.active }
        val lockedUntil = account?.lockedUntilMs
        val refusal = when {
            account == null && role == Role.SUPERVISOR -> VoidGuardException.PasswordNotSet()
            account == null -> VoidGuardException.UnknownOperator(operatorNo)
            // The supervisor's lock is the void password's: the back office lifts it.
            role == Role.SUPERVISOR && account.needsReset -> VoidGuardException.LockedUntilLifted()
            role == Role.SUPERVISOR && lockedUntil != null -> VoidGuardException.LockedUntil(lockedUntil)
            account.needsReset -> VoidGuardException.OperatorLocked(operatorNo, null)
            lockedUntil != null -> VoidGuardException.OperatorLocked(operatorNo, lockedUntil)
            else -> null
        }
        if (refusal != null) return operatorEntry(Notice.Refused(refusal))
        return passwordEntry(operatorNo, role)
    }

    private fun submit(s: State.PasswordEntry): State {
        val password = pad.take()
        val result = try {
            attempt { terminal.signIn(s.operatorNo, String(password)) }
        } finally {
            password.wipe()
        }
        return when (result) {
            is Attempt.Done -> State.SignedIn(result.value)
            is Attempt.Failed -> when (val e = result.notice.refusal) {
                is VoidGuardException.WrongOperatorPassword,
                is VoidGuardException.WrongPassword,
                -> passwordEntry(s.operatorNo, s.role, result.notice)
                is VoidGuardException.InvalidInput ->
                    if (e.field == Field.PASSWORD) passwordEntry(s.operatorNo, s.role, result.notice) else operatorEntry(result.notice)
                is VoidGuardException.UnknownOperator,
                is VoidGuardException.OperatorLocked,
                is VoidGuardException.LockedUntil,
                is VoidGuardException.LockedUntilLifted,
                is VoidGuardException.PasswordNotSet,
                is VoidGuardException.AlreadySignedIn,
                -> operatorEntry(result.notice)
                else -> State.Blocked(result.notice)
            }
        }
    }

    private fun operatorEntry(notice: Notice? = null): State {
        pad.wipe()
        number.clear()
        return State.OperatorEntry(notice = notice)
    }

    private fun passwordEntry(operatorNo: String, role: Role, notice: Notice? = null): State {
        pad.wipe()
        return State.PasswordEntry(
            operatorNo = operatorNo,
            role = role,
            filled = 0,
            minLength = Operators.minPasswordLength(role),
            maxLength = Operators.maxPasswordLength(role),
            notice = notice,
        )
    }

    private fun move(next: State): State = next.also { state = it }
}
