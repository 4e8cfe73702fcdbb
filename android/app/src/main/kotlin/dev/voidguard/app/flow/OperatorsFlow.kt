package dev.voidguard.app.flow

import dev.voidguard.core.Operator
import dev.voidguard.core.Role
import dev.voidguard.core.TerminalInterface
import dev.voidguard.core.VoidGuardException

/**
 * The system administrator's screen (系统管理员, operator 99). On a fresh terminal,
 * right after activation, it sets the administrator's own eight-digit password, once.
 * Afterwards, with the administrator signed in, it lists every operator and adds a
 * cashier (01–98) with a first password, removes one, or gives one a new password
 * (which also opens a lock). Numbers and passwords are keyed on the on-screen keypad;
 * each new password twice. Passwords stay in [PinPad]s and char arrays wiped after use.
 */
class OperatorsFlow(private val terminal: TerminalInterface) {
    enum class Step { NEW, CONFIRM }

    /** What a password is keyed for. */
    enum class Purpose { ADD, RESET }

    /** What the administrator just did, confirmed above the list. */
    data class Change(val kind: Kind, val operatorNo: String) {
        enum class Kind { ADDED, REMOVED, PASSWORD_RESET }
    }

    sealed interface State {
        data object Loading : State

        /** A fresh terminal: the administrator's own password, eight digits, keyed twice. */
        data class AdminPassword(
            val step: Step,
            val filled: Int,
            val length: Int,
            val notice: Notice? = null,
        ) : State

        /** The administrator's password is set: they sign in as 99 to add cashiers. */
        data object AdminPasswordSet : State

        data class Listing(
            val operators: List<Operator>,
            val change: Change? = null,
            val notice: Notice? = null,
        ) : State {
            /** The cashiers the administrator may act on. */
            val cashiers: List<Operator> get() = operators.filter { it.role == Role.CASHIER && it.active }
        }

        /** A new cashier's number, as keyed so far (no secret). */
        data class NumberEntry(val operatorNo: String = "", val notice: Notice? = null) : State {
            val length: Int get() = Operators.NUMBER_LENGTH
        }

        data class PasswordEntry(
            val purpose: Purpose,
            val operatorNo: String,
            val step: Step,
            val filled: Int,
            val notice: Notice? = null,
        ) : State {
            val minLength: Int get() = Operators.CASHIER_MIN_LENGTH
            val maxLength: Int get() = Operators.CASHIER_MAX_LENGTH
            val canSubmit: Boolean get() = filled >= minLength
        }

        /** One cashier, chosen from the list: a new password, or removal. */
        data class Selected(val operator: Operator) : State

        data class ConfirmRemove(val operator: Operator) : State

        /** Nothing to manage here: not activated, not the administrator, or the terminal refuses. */
        data class Blocked(val notice: Notice) : State

        /** Back from the list: the screen closes. */
        data object Exit : State
    }

    sealed interface Event {
        data class Key(val key: PinKey) : Event

        /** The OK key under a cashier's password (four to eight digits). */
        data object Submit : Event
        data object Add : Event

        /** Chooses an active cashier from the list. */
        data class Select(val operatorNo: String) : Event

        /** The chosen cashier: asks to confirm their removal. */
        data object Remove : Event
        data object ConfirmRemove : Event

        /** The chosen cashier: keys their new password. */
        data object ResetPassword : Event
        data object Back : Event
    }

    private val number = DigitEntry(Operators.NUMBER_LENGTH)
    private val pad = PinPad(Operators.CASHIER_MAX_LENGTH)
    private var fresh: CharArray? = null

    var state: State = State.Loading
        private set

    fun start(): State {
        forget()
        val result = attempt { Triple(terminal.status(), terminal.operators(), terminal.session()) }
        return move(
            when (result) {
                is Attempt.Failed -> State.Blocked(result.notice)
                is Attempt.Done -> {
                    val (status, operators, session) = result.value
                    when {
                        !status.activated -> State.Blocked(Notice.Refused(VoidGuardException.NotActivated()))
                        operators.none { it.role == Role.ADMINISTRATOR } -> adminPassword(Step.NEW)
                        session == null -> State.Blocked(Notice.Refused(VoidGuardException.NotSignedIn()))
                        session.role != Role.ADMINISTRATOR ->
                            State.Blocked(Notice.Refused(VoidGuardException.NotPermitted(session.operatorNo)))
                        else -> State.Listing(operators)
                    }
                }
            },
        )
    }

    fun on(event: Event): State = move(
        when (val s = state) {
            is State.AdminPassword -> when (event) {
                is Event.Key -> {
                    pad.press(event.key)
                    if (pad.filled >= s.length) adminPasswordKeyed(s.step) else s.copy(filled = pad.filled)
                }
                Event.Back -> if (s.step == Step.CONFIRM) adminPassword(Step.NEW) else exit()
                else -> s
            }
            is State.Listing -> when (event) {
                Event.Add -> {
                    number.clear()
                    State.NumberEntry()
                }
                is Event.Select -> s.cashiers.firstOrNull { it.operatorNo == event.operatorNo }?.let { State.Selected(it) } ?: s
                Event.Back -> exit()
                else -> s
            }
            is State.Selected -> when (event) {
                Event.Remove -> State.ConfirmRemove(s.operator)
                Event.ResetPassword -> password(Purpose.RESET, s.operator.operatorNo, Step.NEW)
                Event.Back -> listing()
                else -> s
            }
            is State.NumberEntry -> when (event) {
                is Event.Key -> if (number.press(event.key)) checkNewNumber(number.text) else s.copy(operatorNo = number.text)
                Event.Back -> listing()
                else -> s
            }
            is State.PasswordEntry -> when (event) {
                is Event.Key -> {
                    pad.press(event.key)
                    if (pad.filled >= s.maxLength) passwordKeyed(s) else s.copy(filled = pad.filled)
                }
                Event.Submit -> if (pad.filled >= s.minLength) passwordKeyed(s) else s
                Event.Back -> when {
                    s.step == Step.CONFIRM -> password(s.purpose, s.operatorNo, Step.NEW)
                    s.purpose == Purpose.ADD -> {
                        forget()
                        number.clear()
                        State.NumberEntry()
                    }
                    else -> listing()
                }
                else -> s
            }
            is State.ConfirmRemove -> when (event) {
                Event.ConfirmRemove -> remove(s.operator.operatorNo)
                Event.Back -> State.Selected(s.operator)
                else -> s
            }
            State.AdminPasswordSet, is State.Blocked -> if (event == Event.Back) exit() else s
            State.Loading, State.Exit -> s
        },
    )

    private fun adminPasswordKeyed(step: Step): State = when (step) {
        Step.NEW -> {
            fresh?.wipe()
            fresh = pad.take()
            adminPassword(Step.CONFIRM)
        }
        Step.CONFIRM -> confirmed(onDiffer = { adminPassword(Step.NEW, Notice.PasswordsDiffer) }) { password ->
            when (val result = attempt { terminal.setAdminPassword(String(password)) }) {
                is Attempt.Done -> State.AdminPasswordSet
                is Attempt.Failed -> when (result.notice.refusal) {
                    is VoidGuardException.TrivialPassword,
                    is VoidGuardException.InvalidInput,
                    -> adminPassword(Step.NEW, result.notice)
                    else -> State.Blocked(result.notice)
                }
            }
        }
    }

    /**
     * A new cashier's number: 01–98 and never used before (a number once given stays
     * with its cashier in the reports, removed or not). The core checks both again.
     */
    private fun checkNewNumber(operatorNo: String): State {
        if (!Operators.isCashierNumber(operatorNo)) {
            number.clear()
            return State.NumberEntry(notice = Notice.NotACashierNumber)
        }
        val known = when (val result = attempt { terminal.operators() }) {
            is Attempt.Failed -> return listing(notice = result.notice)
            is Attempt.Done -> result.value.any { it.operatorNo == operatorNo }
        }
        if (known) {
            number.clear()
            return State.NumberEntry(notice = Notice.Refused(VoidGuardException.OperatorExists(operatorNo)))
        }
        return password(Purpose.ADD, operatorNo, Step.NEW)
    }

    private fun passwordKeyed(s: State.PasswordEntry): State = when (s.step) {
        Step.NEW -> {
            fresh?.wipe()
            fresh = pad.take()
            password(s.purpose, s.operatorNo, Step.CONFIRM)
        }
        Step.CONFIRM -> confirmed(onDiffer = { password(s.purpose, s.operatorNo, Step.NEW, Notice.PasswordsDiffer) }) { password ->
            val result = attempt {
                when (s.purpose) {
                    Purpose.ADD -> terminal.addOperator(s.operatorNo, String(password))
                    Purpose.RESET -> terminal.resetOperatorPassword(s.operatorNo, String(password))
                }
            }
            when (result) {
                is Attempt.Done -> listing(
                    Change(if (s.purpose == Purpose.ADD) Change.Kind.ADDED else Change.Kind.PASSWORD_RESET, s.operatorNo),
                )
                is Attempt.Failed -> when (result.notice.refusal) {
                    is VoidGuardException.TrivialPassword,
                    is VoidGuardException.InvalidInput,
                    -> password(s.purpose, s.operatorNo, Step.NEW, result.notice)
                    else -> listing(notice = result.notice)
                }
            }
        }
    }

    /** Compares the confirmation with the first entry; [submit] gets the password when they match. */
    private fun confirmed(onDiffer: () -> State, submit: (CharArray) -> State): State {
        val first = fresh
        val confirm = pad.take()
        return try {
            if (first != null && first.contentEquals(confirm)) submit(first) else onDiffer()
        } finally {
            confirm.wipe()
            forget()
        }
    }

    private fun remove(operatorNo: String): State =
        when (val result = attempt { terminal.removeOperator(operatorNo) }) {
            is Attempt.Done -> listing(Change(Change.Kind.REMOVED, operatorNo))
            is Attempt.Failed -> listing(notice = result.notice)
        }

    private fun listing(change: Change? = null, notice: Notice? = null): State {
        forget()
        return when (val result = attempt { terminal.operators() }) {
            is Attempt.Done -> State.Listing(result.value, change, notice)
            is Attempt.Failed -> State.Blocked(notice ?: result.notice)
        }
    }

    private fun adminPassword(step: Step, notice: Notice? = null): State {
        pad.wipe()
        if (step == Step.NEW) {
            fresh?.wipe()
            fresh = null
        }
        return State.AdminPassword(step, 0, Operators.ADMIN_PASSWORD_LENGTH, notice)
    }

    private fun password(purpose: Purpose, operatorNo: String, step: Step, notice: Notice? = null): State {
        pad.wipe()
        if (step == Step.NEW) {
            fresh?.wipe()
            fresh = null
        }
        return State.PasswordEntry(purpose, operatorNo, step, 0, notice)
    }

    private fun exit(): State {
        forget()
        return State.Exit
    }

    private fun forget() {
        pad.wipe()
        fresh?.wipe()
        fresh = null
    }

    private fun move(next: State): State = next.also { state = it }
}
