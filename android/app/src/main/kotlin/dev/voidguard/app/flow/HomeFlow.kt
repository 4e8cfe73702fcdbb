package dev.voidguard.app.flow

import dev.voidguard.core.Role
import dev.voidguard.core.Session
import dev.voidguard.core.TerminalInterface
import dev.voidguard.core.TerminalStatus
import dev.voidguard.core.VoidGuardException

/**
 * The home screen: the terminal's standing, who is signed in, and what needs the
 * merchant's attention. It routes by who may do what: a terminal not activated offers
 * activation; an activated one without the administrator's password offers setting it;
 * with nobody signed in it offers signing in; the administrator gets operator management
 * and no money action; a cashier or the supervisor gets the money tiles, and above them
 * the voids that need manual handling (需人工处理) when any does: until the acquirer's
 * answer is recorded no void or settlement goes through. A cashier and the administrator
 * may change their own password; the supervisor's is the void password, on its own screen.
 */
class HomeFlow(private val terminal: TerminalInterface) {
    /**
     * The large tiles on home, in the order a merchant looks for them: the money actions
     * for a cashier or the supervisor, operator management for the administrator.
     */
    enum class Tile {
        SALE,
        VOID,
        /** 退货: money back on a sale of an earlier batch or day, right after the void. */
        REFUND,
        SETTLEMENT,
        JOURNAL,
        OPERATORS,
    }

    /** What the administration screen (管理), one level below home, offers. */
    enum class AdminEntry { REQUESTS, VOID_PASSWORD, OPERATORS, OWN_PASSWORD, AUDIT, SETTINGS }

    /** Things the home screen points out, most urgent first. */
    sealed interface Alert {
        /** [count] voids lost their host answer and could not be reversed: only the acquirer's word closes them. */
        data class NeedsAttention(val count: Int) : Alert
        data object PermissionMissing : Alert
        data object RefundPermissionMissing : Alert
        data object PasswordNotSet : Alert
        data class PasswordChangeDue(val expiredAtMs: Long?) : Alert
        data class LockedUntil(val untilMs: Long) : Alert
        data object LockedUntilLifted : Alert
        /** Voids still awaiting the host's answer or a reversal, which the core retries by itself. */
        data class PendingHostWork(val count: Int) : Alert
    }

    sealed interface State {
        data object Loading : State
        data object NotActivated : State

        /** Activated, and the administrator (99) has no password yet: it is set first. */
        data class AdminPasswordNotSet(val status: TerminalStatus) : State

        /** Nobody is signed in (a fresh start, a sign-out, or the app's process was ended). */
        data class SignedOut(val status: TerminalStatus) : State

        /** The administrator manages operators; no money action is offered. */
        data class Administrator(val status: TerminalStatus, val session: Session) : State

        /** A cashier or the supervisor: the money tiles. */
        data class Ready(val status: TerminalStatus, val alerts: List<Alert>, val session: Session) : State {
            /** A cashier changes their own password; the supervisor's is the void password. */
            val ownPassword: Boolean
                get() = OwnPasswordFlow.offeredTo(session.role)

            /** Voiding is offered when nothing local stands in its way. */
            val canVoid: Boolean
                get() = alerts.none { it !is Alert.PasswordChangeDue && it !is Alert.PendingHostWork }
        }
        data class Failed(val notice: Notice) : State
    }

    sealed interface Event {
        data object Refresh : Event
        data object SignOut : Event
    }

    var state: State = State.Loading
        private set

    fun on(event: Event): State = when (event) {
        Event.Refresh -> refresh()
        Event.SignOut -> signOut()
    }

    fun refresh(): State {
        val result = attempt {
            val status = terminal.status()
            val session = terminal.session()
            when {
                !status.activated -> State.NotActivated
                terminal.operators().none { it.role == Role.ADMINISTRATOR } -> State.AdminPasswordNotSet(status)
                session == null -> State.SignedOut(status)
                session.role == Role.ADMINISTRATOR -> State.Administrator(status, session)
                else -> State.Ready(status, alertsFor(status, AttentionFlow.manualHandling(terminal).size), session)
            }
        }
        val next = when (result) {
            is Attempt.Failed -> State.Failed(result.notice)
            is Attempt.Done -> result.value
        }
        state = next
        return next
    }

    /** Ends the session; home then offers signing in. */
    private fun signOut(): State = when (val result = attempt { terminal.signOut() }) {
        is Attempt.Done -> refresh()
        is Attempt.Failed -> when (result.notice.refusal) {
            // Already nobody: the screen was behind the terminal's session.
            is VoidGuardException.NotSignedIn -> refresh()
            else -> State.Failed(result.notice).also { state = it }
        }
    }

    companion object {
        /** The tiles on home for [role]: the administrator does not transact. */
        fun tilesFor(role: Role): List<Tile> = when (role) {
            Role.ADMINISTRATOR -> listOf(Tile.OPERATORS)
            Role.CASHIER, Role.SUPERVISOR -> listOf(Tile.SALE, Tile.VOID, Tile.REFUND, Tile.SETTLEMENT, Tile.JOURNAL)
        }

        /**
         * The administration screen's entries for [role]: requests and the void password
         * belong to those who void; operators to the administrator; each one's own
         * password where [OwnPasswordFlow] offers it (the supervisor's is the void password).
         */
        fun adminEntriesFor(role: Role): List<AdminEntry> = buildList {
            if (role != Role.ADMINISTRATOR) {
                add(AdminEntry.REQUESTS)
                add(AdminEntry.VOID_PASSWORD)
            } else {
                add(AdminEntry.OPERATORS)
            }
            if (OwnPasswordFlow.offeredTo(role)) add(AdminEntry.OWN_PASSWORD)
            add(AdminEntry.AUDIT)
            add(AdminEntry.SETTINGS)
        }

        /** [manualHandling]: how many of the terminal's host legs need the acquirer's answer. */
        fun alertsFor(status: TerminalStatus, manualHandling: Int = 0): List<Alert> = buildList {
            val vault = status.vault
            if (manualHandling > 0) add(Alert.NeedsAttention(manualHandling))
            vault.lockedUntilMs?.let { add(Alert.LockedUntil(it)) }
            if (vault.lockedUntilLifted) add(Alert.LockedUntilLifted)
            if (!status.voidPermitted) add(Alert.PermissionMissing)
            if (!status.refundPermitted) add(Alert.RefundPermissionMissing)
            if (!vault.passwordSet) add(Alert.PasswordNotSet)
            if (vault.changeDue) add(Alert.PasswordChangeDue(vault.expiresAtMs))
            val retried = status.pendingHostWork.toInt() - manualHandling
            if (retried > 0) add(Alert.PendingHostWork(retried))
        }
    }
}
