package dev.voidguard.app.flow

import dev.voidguard.core.TerminalInterface
import dev.voidguard.core.VoidGuardException

/** What a refused void or refund offers besides going back to the menu. */
enum class Retry { NONE, PASSWORD, LIFT_RESTRICTION, NEEDS_ATTENTION }

/**
 * The way out of a refusal of an act the void password authorises: another try after a
 * wrong password, lifting the restriction after a lockout or a limit [liftable] names,
 * and the needs-attention screen when only the acquirer's answer can clear the host
 * work in the way.
 */
fun retryAfter(
    terminal: TerminalInterface,
    error: VoidGuardException?,
    liftable: (VoidGuardException) -> Boolean = { false },
): Retry = when (error) {
    null -> Retry.NONE
    is VoidGuardException.WrongPassword -> Retry.PASSWORD
    is VoidGuardException.LockedUntil,
    is VoidGuardException.LockedUntilLifted,
    -> Retry.LIFT_RESTRICTION
    is VoidGuardException.PendingHostWork ->
        if ((attempt { AttentionFlow.manualHandling(terminal) } as? Attempt.Done)?.value.isNullOrEmpty()) Retry.NONE
        else Retry.NEEDS_ATTENTION
    else -> if (liftable(error)) Retry.LIFT_RESTRICTION else Retry.NONE
}
