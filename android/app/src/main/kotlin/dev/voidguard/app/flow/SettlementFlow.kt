package dev.voidguard.app.flow

import dev.voidguard.core.OperatorVoids
import dev.voidguard.core.SettlementReport
import dev.voidguard.core.TerminalInterface
import dev.voidguard.core.TerminalStatus

/**
 * Settlement (结算): closes the open batch and shows its totals and the voids per
 * operator. The core sends the totals to the host first (900000) and closes the batch
 * only when the host approves; a decline or a lost answer leaves it open, and the form
 * says why. The signed-in operator settles. A host leg of any kind in manual handling
 * blocks settlement; the screen then points to where it is resolved.
 */
class SettlementFlow(private val terminal: TerminalInterface) {
    sealed interface State {
        data object Loading : State

        /**
         * [operatorNo]: who is signed in and would settle (null: nobody, the core refuses).
         * [needsAttention]: host legs in manual handling, which the core refuses to settle past.
         */
        data class Ready(
            val status: TerminalStatus,
            val voidsByOperator: List<OperatorVoids>,
            val operatorNo: String?,
            val notice: Notice? = null,
            val needsAttention: Int = 0,
        ) : State

        data class Settled(val report: SettlementReport, val voidsByOperator: List<OperatorVoids>) : State

        data class Failed(val notice: Notice) : State
    }

    sealed interface Event {
        data object Load : Event
        data object Settle : Event
    }

    var state: State = State.Loading
        private set

    fun on(event: Event): State {
        val next = when (event) {
            Event.Load -> load(null)
            Event.Settle -> settle()
        }
        state = next
        return next
    }

    private fun load(notice: Notice?): State {
        val result = attempt { Triple(terminal.status(), terminal.voidsByOperator(null), terminal.session()) }
        val attention = (attempt { AttentionFlow.manualHandling(terminal).size } as? Attempt.Done)?.value ?: 0
        return when (result) {
            is Attempt.Done -> State.Ready(result.value.first, result.value.second, result.value.third?.operatorNo, notice, attention)
            is Attempt.Failed -> State.Failed(notice ?: result.notice)
        }
    }

    private fun settle(): State {
        if (state !is State.Ready) return state
        val result = attempt {
            val report = terminal.settle()
            report to terminal.voidsByOperator(report.batchNo)
        }
        return when (result) {
            is Attempt.Done -> State.Settled(result.value.first, result.value.second)
            is Attempt.Failed -> load(result.notice)
        }
    }
}
