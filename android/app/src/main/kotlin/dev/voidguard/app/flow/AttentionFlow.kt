package dev.voidguard.app.flow

import dev.voidguard.core.Field
import dev.voidguard.core.HostLeg
import dev.voidguard.core.LegState
import dev.voidguard.core.Resolution
import dev.voidguard.core.Role
import dev.voidguard.core.TerminalInterface
import dev.voidguard.core.VoidGuardException

/**
 * Needs attention (需人工处理): the way out of a host leg — a sale, a void or a
 * settlement — whose answer was lost and whose reversals kept failing. Until it is
 * closed every void and settlement is refused (sales go on, unless the leg is a
 * settlement: then every act waits). The merchant asks the
 * acquirer what happened, then: list → the leg → what the acquirer says (approved, with
 * its reference no. and auth code; or never happened) → who at the acquirer said so →
 * confirm → void password → result. An approved sale is journaled, an approved void
 * voids its sale, an approved settlement closes the batch.
 *
 * The resolution is keyed by whoever is signed in and authorised by the void password
 * (the supervisor's). The core checks every field; a refusal comes back on the step that
 * can fix it: the reference no. or auth code on their step, the note on its step, a wrong
 * password on the PIN pad with the attempts left.
 */
class AttentionFlow(private val terminal: TerminalInterface) {
    /** What the acquirer says happened to the leg. */
    enum class Answer { APPROVED, NEVER_HAPPENED }

    /** What the refusal screen offers besides going back to the list. */
    enum class Retry { NONE, LIFT_RESTRICTION }

    sealed interface State {
        data object Loading : State

        /** The legs waiting for manual handling, oldest first; empty when none is. */
        data class Legs(val legs: List<HostLeg>, val notice: Notice? = null) : State

        data class AnswerChoice(val leg: HostLeg) : State

        /**
         * The acquirer confirms the leg: its reference no. (12) and auth code (6), letters
         * or digits; a settlement's may both be left empty.
         */
        data class ApprovalEntry(
            val leg: HostLeg,
            val rrn: String = "",
            val authCode: String = "",
            val notice: Notice? = null,
        ) : State

        /** Who at the acquirer said so, and how; kept in the audit trail. */
        data class NoteEntry(val leg: HostLeg, val answer: Answer, val note: String = "", val notice: Notice? = null) : State

        /** Everything about to be recorded, with who keys it and who authorises it. */
        data class Confirm(
            val leg: HostLeg,
            val answer: Answer,
            val rrn: String?,
            val authCode: String?,
            val note: String,
            val operatorNo: String?,
            val authoriserNo: String = Operators.SUPERVISOR,
        ) : State

        data class PasswordEntry(
            val leg: HostLeg,
            val answer: Answer,
            val filled: Int,
            val length: Int,
            val notice: Notice? = null,
        ) : State

        /** 已处理: the leg as recorded, [LegState.APPROVED] or [LegState.REVERSED] (never happened). */
        data class Resolved(val leg: HostLeg) : State

        data class Refused(val notice: Notice, val retry: Retry) : State

        /** Nobody may resolve here: nobody or the administrator signed in, or the terminal refuses. */
        data class Blocked(val notice: Notice) : State

        /** A lock on voiding stands in the way: the requests screen takes over. */
        data object LiftRestriction : State

        /** Back from the list: the screen closes. */
        data object Exit : State
    }

    sealed interface Event {
        data class Choose(val legId: Long) : Event
        data class ChooseAnswer(val answer: Answer) : Event
        data class SubmitApproval(val rrn: String, val authCode: String) : Event
        data class SubmitNote(val note: String) : Event
        data object ConfirmResolution : Event
        data class Key(val key: PinKey) : Event
        data object ChooseLift : Event
        data object Back : Event
    }

    private val pad = PinPad()
    private var rrn = ""
    private var authCode = ""
    private var note = ""

    var state: State = State.Loading
        private set

    /** Who is signed in decides whether the list is offered at all. */
    fun start(): State {
        forget()
        val session = when (val result = attempt { terminal.session() }) {
            is Attempt.Failed -> return move(State.Blocked(result.notice))
            is Attempt.Done -> result.value
        }
        return move(
            when {
                session == null -> State.Blocked(Notice.Refused(VoidGuardException.NotSignedIn()))
                session.role == Role.ADMINISTRATOR -> State.Blocked(Notice.Refused(VoidGuardException.NotPermitted(session.operatorNo)))
                else -> list(null)
            },
        )
    }

    fun on(event: Event): State = move(
        when (val s = state) {
            is State.Legs -> when (event) {
                is Event.Choose -> s.legs.firstOrNull { it.legId == event.legId }?.let(::choose) ?: s
                Event.Back -> State.Exit
                else -> s
            }
            is State.AnswerChoice -> when (event) {
                is Event.ChooseAnswer -> when (event.answer) {
                    Answer.APPROVED -> State.ApprovalEntry(s.leg, rrn, authCode)
                    Answer.NEVER_HAPPENED -> State.NoteEntry(s.leg, event.answer, note)
                }
                Event.Back -> list(null)
                else -> s
            }
            is State.ApprovalEntry -> when (event) {
                is Event.SubmitApproval -> {
                    rrn = event.rrn.trim()
                    authCode = event.authCode.trim()
                    State.NoteEntry(s.leg, Answer.APPROVED, note)
                }
                Event.Back -> State.AnswerChoice(s.leg)
                else -> s
            }
            is State.NoteEntry -> when (event) {
                is Event.SubmitNote -> {
                    note = event.note.trim()
                    confirm(s.leg, s.answer)
                }
                Event.Back -> if (s.answer == Answer.APPROVED) State.ApprovalEntry(s.leg, rrn, authCode) else State.AnswerChoice(s.leg)
                else -> s
            }
            is State.Confirm -> when (event) {
                Event.ConfirmResolution -> passwordEntry(s.leg, s.answer, null)
                Event.Back -> State.NoteEntry(s.leg, s.answer, note)
                else -> s
            }
            is State.PasswordEntry -> when (event) {
                is Event.Key -> if (pad.press(event.key)) submit(s) else s.copy(filled = pad.filled)
                Event.Back -> {
                    pad.wipe()
                    confirm(s.leg, s.answer)
                }
                else -> s
            }
            is State.Resolved -> if (event == Event.Back) list(null) else s
            is State.Refused -> when (event) {
                Event.ChooseLift -> if (s.retry == Retry.LIFT_RESTRICTION) State.LiftRestriction else s
                Event.Back -> list(null)
                else -> s
            }
            is State.Blocked -> if (event == Event.Back) State.Exit else s
            State.Loading, State.LiftRestriction, State.Exit -> s
        },
    )

    private fun choose(p: HostLeg): State {
        forget()
        return State.AnswerChoice(p)
    }

    private fun confirm(p: HostLeg, a: Answer): State {
        val keyer = (attempt { terminal.session() } as? Attempt.Done)?.value?.operatorNo
        val approved = a == Answer.APPROVED
        return State.Confirm(p, a, rrn.takeIf { approved }, authCode.takeIf { approved }, note, keyer)
    }

    private fun passwordEntry(p: HostLeg, a: Answer, notice: Notice?): State {
        pad.wipe()
        return State.PasswordEntry(p, a, 0, pad.length, notice)
    }

    private fun submit(s: State.PasswordEntry): State {
        val resolution = when (s.answer) {
            Answer.APPROVED -> Resolution.Approved(rrn, authCode)
            Answer.NEVER_HAPPENED -> Resolution.NeverHappened
        }
        val password = pad.take()
        val result = try {
            attempt { terminal.resolveLeg(s.leg.legId, resolution, String(password), note) }
        } finally {
            password.wipe()
        }
        return when (result) {
            is Attempt.Done -> {
                forget()
                State.Resolved(result.value)
            }
            is Attempt.Failed -> when (val e = result.notice.refusal) {
                is VoidGuardException.WrongPassword -> passwordEntry(s.leg, s.answer, result.notice)
                is VoidGuardException.InvalidInput -> when (e.field) {
                    Field.RRN, Field.AUTH_CODE -> State.ApprovalEntry(s.leg, rrn, authCode, result.notice)
                    Field.RESOLUTION_NOTE -> State.NoteEntry(s.leg, s.answer, note, result.notice)
                    else -> passwordEntry(s.leg, s.answer, result.notice)
                }
                // Closed meanwhile (by the desktop tool, say): the list as it now is.
                is VoidGuardException.NotInManualHandling,
                is VoidGuardException.UnknownHostLeg,
                -> list(result.notice)
                is VoidGuardException.LockedUntil,
                is VoidGuardException.LockedUntilLifted,
                -> refused(result.notice, Retry.LIFT_RESTRICTION)
                else -> refused(result.notice, Retry.NONE)
            }
        }
    }

    private fun refused(notice: Notice, retry: Retry): State {
        forget()
        return State.Refused(notice, retry)
    }

    private fun list(notice: Notice?): State {
        forget()
        return when (val result = attempt { manualHandling(terminal) }) {
            is Attempt.Done -> State.Legs(result.value, notice)
            is Attempt.Failed -> State.Blocked(result.notice)
        }
    }

    private fun forget() {
        pad.wipe()
        rrn = ""
        authCode = ""
        note = ""
    }

    private fun move(next: State): State = next.also { state = it }

    companion object {
        /** The legs of every kind only the acquirer's word can close, oldest first. */
        fun manualHandling(terminal: TerminalInterface): List<HostLeg> =
            terminal.pendingHostWork().filter { it.state == LegState.NEEDS_MANUAL_HANDLING }.sortedBy { it.legId }
    }
}
