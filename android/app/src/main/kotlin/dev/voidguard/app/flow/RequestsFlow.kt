package dev.voidguard.app.flow

import dev.voidguard.core.Application
import dev.voidguard.core.RequestKind
import dev.voidguard.core.RequestStatus
import dev.voidguard.core.RequestTicket
import dev.voidguard.core.TerminalInterface
import dev.voidguard.core.VaultStatus
import dev.voidguard.core.VoidGuardException

/**
 * Back-office requests (申请 → 审核): the void and refund permissions, password
 * reset, lifting a restriction. The merchant applies, quotes the request code to the acquirer, and
 * redeems the 8-digit approval code the back office sends. A reset also takes the new
 * password, keyed twice on the PIN pad. Approval codes and passwords live only in char
 * arrays that are wiped; no state holds them.
 */
class RequestsFlow(private val terminal: TerminalInterface) {
    enum class Step { NEW, CONFIRM }

    sealed interface State {
        data object Loading : State

        /** The permission standing and every request with its status. */
        data class Overview(
            val voidPermitted: Boolean,
            val refundPermitted: Boolean,
            val tickets: List<RequestTicket>,
            val notice: Notice? = null,
        ) : State

        data class Applying(val kind: RequestKind, val notice: Notice? = null) : State

        /** The request code to quote to the acquirer. */
        data class TicketIssued(val ticket: RequestTicket) : State

        data class Redeeming(val ticket: RequestTicket, val notice: Notice? = null) : State

        /** A reset's new password, after its approval code was keyed. */
        data class NewPassword(
            val ticket: RequestTicket,
            val step: Step,
            val filled: Int,
            val length: Int,
            val notice: Notice? = null,
        ) : State

        data class Redeemed(
            val kind: RequestKind,
            val vault: VaultStatus,
            val voidPermitted: Boolean,
            val refundPermitted: Boolean,
        ) : State
    }

    sealed interface Event {
        data object Load : Event
        data class Apply(val kind: RequestKind) : Event
        data class Submit(val application: Application) : Event
        data class Redeem(val requestCode: String) : Event
        class SubmitCode(val approvalCode: CharArray) : Event
        data class Key(val key: PinKey) : Event
        data object Back : Event
    }

    private val pad = PinPad()
    private var approvalCode: CharArray? = null
    private var fresh: CharArray? = null

    var state: State = State.Loading
        private set

    /**
     * Opens the screen, on [focus] when given: its open request to redeem, or a new
     * application of that kind.
     */
    fun start(focus: RequestKind?): State {
        val overview = overview(null)
        if (focus == null || overview !is State.Overview) return move(overview)
        val open = overview.tickets.firstOrNull { it.kind == focus && it.status == RequestStatus.OPEN }
        return move(if (open != null) State.Redeeming(open) else State.Applying(focus))
    }

    fun on(event: Event): State = move(
        when (val s = state) {
            State.Loading -> if (event == Event.Load) overview(null) else s
            is State.Overview -> when (event) {
                Event.Load -> overview(null)
                is Event.Apply -> State.Applying(event.kind)
                is Event.Redeem -> s.tickets.firstOrNull { it.requestCode == event.requestCode }
                    ?.let { State.Redeeming(it) } ?: s
                else -> s
            }
            is State.Applying -> when (event) {
                is Event.Submit -> apply(s, event.application)
                Event.Back -> overview(null)
                else -> s
            }
            is State.TicketIssued -> when (event) {
                is Event.Redeem -> State.Redeeming(s.ticket)
                Event.Back, Event.Load -> overview(null)
                else -> s
            }
            is State.Redeeming -> when (event) {
                is Event.SubmitCode -> codeKeyed(s, event.approvalCode)
                Event.Back -> overview(null)
                else -> s
            }
            is State.NewPassword -> when (event) {
                is Event.Key -> if (pad.press(event.key)) passwordKeyed(s) else s.copy(filled = pad.filled)
                Event.Back -> {
                    forget()
                    State.Redeeming(s.ticket)
                }
                else -> s
            }
            is State.Redeemed -> if (event == Event.Back || event == Event.Load) overview(null) else s
        },
    )

    private fun overview(notice: Notice?): State {
        val result = attempt { terminal.status() to terminal.requests() }
        return when (result) {
            is Attempt.Done -> {
                val (status, tickets) = result.value
                State.Overview(status.voidPermitted, status.refundPermitted, tickets, notice)
            }
            is Attempt.Failed -> State.Overview(false, false, emptyList(), notice ?: result.notice)
        }
    }

    private fun apply(s: State.Applying, application: Application): State =
        when (val result = attempt { terminal.applyFor(s.kind, application) }) {
            is Attempt.Done -> State.TicketIssued(result.value)
            is Attempt.Failed -> s.copy(notice = result.notice)
        }

    private fun codeKeyed(s: State.Redeeming, code: CharArray): State {
        approvalCode?.wipe()
        approvalCode = code
        return if (s.ticket.kind == RequestKind.PASSWORD_RESET) {
            newPassword(s.ticket, Step.NEW, null)
        } else {
            redeem(s.ticket, null)
        }
    }

    private fun passwordKeyed(s: State.NewPassword): State = when (s.step) {
        Step.NEW -> {
            fresh?.wipe()
            fresh = pad.take()
            newPassword(s.ticket, Step.CONFIRM, null)
        }
        Step.CONFIRM -> {
            val first = fresh
            val confirm = pad.take()
            try {
                if (first != null && first.contentEquals(confirm)) {
                    redeem(s.ticket, first)
                } else {
                    newPassword(s.ticket, Step.NEW, Notice.PasswordsDiffer)
                }
            } finally {
                confirm.wipe()
            }
        }
    }

    private fun redeem(ticket: RequestTicket, newPassword: CharArray?): State {
        val code = approvalCode ?: return State.Redeeming(ticket)
        val result = attempt {
            val vault = terminal.redeemApproval(ticket.requestCode, String(code), newPassword?.let { String(it) })
            vault to terminal.status()
        }
        return when (result) {
            is Attempt.Done -> {
                forget()
                val (vault, status) = result.value
                State.Redeemed(ticket.kind, vault, status.voidPermitted, status.refundPermitted)
            }
            is Attempt.Failed -> when (result.notice.refusal) {
                is VoidGuardException.TrivialPassword,
                is VoidGuardException.PasswordReused,
                -> newPassword(ticket, Step.NEW, result.notice)
                is VoidGuardException.ApprovalCodeInvalid,
                is VoidGuardException.InvalidInput,
                -> {
                    forget()
                    State.Redeeming(ticket, result.notice)
                }
                else -> {
                    forget()
                    overview(result.notice)
                }
            }
        }
    }

    private fun newPassword(ticket: RequestTicket, step: Step, notice: Notice?): State {
        pad.wipe()
        if (step == Step.NEW) {
            fresh?.wipe()
            fresh = null
        }
        return State.NewPassword(ticket, step, 0, pad.length, notice)
    }

    private fun forget() {
        pad.wipe()
        approvalCode?.wipe()
        fresh?.wipe()
        approvalCode = null
        fresh = null
    }

    private fun move(next: State): State = next.also { state = it }
}
