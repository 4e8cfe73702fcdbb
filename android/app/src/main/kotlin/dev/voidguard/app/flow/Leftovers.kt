package dev.voidguard.app.flow

import dev.voidguard.core.LegState
import dev.voidguard.core.ReconcileReport
import dev.voidguard.core.TerminalInterface
import dev.voidguard.core.VoidGuardException

/**
 * What the last run left with the host goes first when the app opens its terminal:
 * reversals (冲正) left over are sent at start, as UnionPay terminal applications do,
 * not only before the next sale, void or settlement (the core does that by itself).
 * Legs in manual handling are the supervisor's to resolve; when only those are left,
 * nothing is sent.
 */
object Leftovers {
    /** The reconciliation's report, or null when nothing was due or it could not run. */
    fun reconcileAtStart(terminal: TerminalInterface): ReconcileReport? = try {
        val due = terminal.pendingHostWork().any { it.state != LegState.NEEDS_MANUAL_HANDLING }
        if (due) terminal.reconcile() else null
    } catch (e: VoidGuardException) {
        // The home screen shows what is still open; the next act tries again.
        null
    }
}
