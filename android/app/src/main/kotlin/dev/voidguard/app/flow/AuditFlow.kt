package dev.voidguard.app.flow

import dev.voidguard.core.AuditEntry
import dev.voidguard.core.AuditReport
import dev.voidguard.core.TerminalInterface

/** The audit trail, newest first, and the result of verifying its HMAC chain. */
class AuditFlow(private val terminal: TerminalInterface, private val pageSize: UInt = PAGE_SIZE) {
    data class State(
        val entries: List<AuditEntry> = emptyList(),
        val hasOlder: Boolean = false,
        val hasNewer: Boolean = false,
        val report: AuditReport? = null,
        val notice: Notice? = null,
    )

    sealed interface Event {
        /** The newest page, and the chain verified. */
        data object Load : Event
        data object Older : Event
        data object Newer : Event
        data object Verify : Event
    }

    /** The `before_seq` each shown page was read with; the first is the newest page. */
    private val pages = mutableListOf<ULong?>(null)

    var state = State()
        private set

    fun on(event: Event): State {
        val next = when (event) {
            Event.Load -> {
                pages.clear()
                pages.add(null)
                verify(page(null))
            }
            Event.Older -> {
                val oldest = state.entries.lastOrNull()?.seq
                if (!state.hasOlder || oldest == null) {
                    state
                } else {
                    pages.add(oldest)
                    page(oldest)
                }
            }
            Event.Newer -> if (pages.size > 1) {
                pages.removeAt(pages.size - 1)
                page(pages.last())
            } else {
                state
            }
            Event.Verify -> verify(state)
        }
        state = next
        return next
    }

    private fun page(before: ULong?): State = when (val result = attempt { terminal.audit(before, pageSize) }) {
        is Attempt.Failed -> state.copy(notice = result.notice)
        is Attempt.Done -> state.copy(
            entries = result.value,
            hasOlder = result.value.size.toUInt() == pageSize && (result.value.lastOrNull()?.seq ?: 0u) > 1u,
            hasNewer = pages.size > 1,
            notice = null,
        )
    }

    private fun verify(from: State): State = when (val result = attempt { terminal.verifyAudit() }) {
        is Attempt.Done -> from.copy(report = result.value)
        is Attempt.Failed -> from.copy(notice = result.notice)
    }

    companion object {
        const val PAGE_SIZE: UInt = 20u
    }
}
