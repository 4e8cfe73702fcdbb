package dev.voidguard.app.flow

import dev.voidguard.core.JournalQuery
import dev.voidguard.core.TerminalInterface
import dev.voidguard.core.Transaction

/** The journal, newest first, a page at a time, optionally narrowed to one voucher. */
class JournalFlow(private val terminal: TerminalInterface, private val pageSize: UInt = PAGE_SIZE) {
    data class State(
        val items: List<Transaction> = emptyList(),
        /** 1-based page number. */
        val page: Int = 1,
        val hasNext: Boolean = false,
        val hasPrevious: Boolean = false,
        val voucherFilter: String? = null,
        val notice: Notice? = null,
    )

    sealed interface Event {
        data object Load : Event
        data object Next : Event
        data object Previous : Event
        data class Search(val voucherNo: String) : Event
        data object ClearSearch : Event
    }

    /** The cursor each page was read from; index 0 is the first page. */
    private val cursors = mutableListOf<Long?>(null)
    private var nextCursor: Long? = null

    var state = State()
        private set

    fun on(event: Event): State = when (event) {
        Event.Load -> load(state.voucherFilter, 0)
        Event.Next -> if (state.hasNext) load(state.voucherFilter, state.page) else state
        Event.Previous -> if (state.hasPrevious) load(state.voucherFilter, state.page - 2) else state
        is Event.Search -> event.voucherNo.trim().let { v ->
            if (v.isEmpty()) restart(null) else restart(v)
        }
        Event.ClearSearch -> restart(null)
    }

    private fun restart(filter: String?): State {
        cursors.clear()
        cursors.add(null)
        return load(filter, 0)
    }

    /** Loads page [index] (0-based), whose cursor is known. */
    private fun load(filter: String?, index: Int): State {
        if (index == cursors.size) cursors.add(nextCursor)
        val cursor = cursors[index]
        val query = JournalQuery(voucherNo = filter, cursor = cursor, limit = pageSize)
        val next = when (val result = attempt { terminal.journal(query) }) {
            is Attempt.Failed -> state.copy(voucherFilter = filter, notice = result.notice)
            is Attempt.Done -> {
                nextCursor = result.value.nextCursor
                while (cursors.size > index + 1) cursors.removeAt(cursors.size - 1)
                State(
                    items = result.value.items,
                    page = index + 1,
                    hasNext = result.value.nextCursor != null,
                    hasPrevious = index > 0,
                    voucherFilter = filter,
                )
            }
        }
        state = next
        return next
    }

    companion object {
        const val PAGE_SIZE: UInt = 20u
    }
}
