package dev.voidguard.app.flow

import dev.voidguard.core.TerminalInterface
import dev.voidguard.core.TerminalStatus

/** The home screen: the terminal's standing and what needs the merchant's attention. */
class HomeFlow(private val terminal: TerminalInterface) {
    /** Things the home screen points out, most urgent first. */
    sealed interface Alert {
        data object PermissionMissing : Alert
        data object PasswordNotSet : Alert
        data class PasswordChangeDue(val expiredAtMs: Long?) : Alert
        data class LockedUntil(val untilMs: Long) : Alert
        data object LockedUntilLifted : Alert
        data class PendingHostWork(val count: Int) : Alert
    }

    sealed interface State {
        data object Loading : State
        data object NotActivated : State
        data class Ready(val status: TerminalStatus, val alerts: List<Alert>) : State {
            /** Voiding is offered when nothing local stands in its way. */
            val canVoid: Boolean
                get() = alerts.none { it !is Alert.PasswordChangeDue && it !is Alert.PendingHostWork }
        }
        data class Failed(val notice: Notice) : State
    }

    var state: State = State.Loading
        private set

    fun refresh(): State {
        val next = when (val result = attempt { terminal.status() }) {
            is Attempt.Failed -> State.Failed(result.notice)
            is Attempt.Done -> {
                val status = result.value
                if (!status.activated) State.NotActivated else State.Ready(status, alertsFor(status))
            }
        }
        state = next
        return next
    }

    companion object {
        fun alertsFor(status: TerminalStatus): List<Alert> = buildList {
            val vault = status.vault
            vault.lockedUntilMs?.let { add(Alert.LockedUntil(it)) }
            if (vault.lockedUntilLifted) add(Alert.LockedUntilLifted)
            if (!status.voidPermitted) add(Alert.PermissionMissing)
            if (!vault.passwordSet) add(Alert.PasswordNotSet)
            if (vault.changeDue) add(Alert.PasswordChangeDue(vault.expiresAtMs))
            if (status.pendingHostWork > 0u) add(Alert.PendingHostWork(status.pendingHostWork.toInt()))
        }
    }
}
