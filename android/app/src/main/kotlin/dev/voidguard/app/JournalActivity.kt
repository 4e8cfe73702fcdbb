package dev.voidguard.app

import android.content.Intent
import android.os.Bundle
import android.view.View
import dev.voidguard.app.flow.JournalFlow
import dev.voidguard.app.flow.JournalFlow.Event

/** The journal (交易流水), a page at a time, searchable by voucher. */
class JournalActivity : ScreenActivity() {
    private var flow: JournalFlow? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.title_journal)
        onCore({ t -> JournalFlow(t).also { flow = it }.on(Event.Load) }, ::render)
    }

    private fun send(event: Event) {
        onCore({ checkNotNull(flow).on(event) }, ::render)
    }

    private fun render(state: JournalFlow.State) = show {
        val ctx = this@JournalActivity
        heading(str(R.string.title_journal))
        val search = field(str(R.string.field_search_voucher), R.id.field_search_voucher, FieldKind.DIGITS, state.voucherFilter.orEmpty(), 6)
        keypad()
        button(str(R.string.action_search), R.id.action_search) { send(Event.Search(search.text.toString())) }
        if (state.voucherFilter != null) {
            button(str(R.string.action_clear_search), R.id.action_clear_search, primary = false) { send(Event.ClearSearch) }
        }
        notice(state.notice?.let { Texts.explain(ctx, it) })
        text(str(R.string.journal_page, state.page), R.id.journal_page)
        if (state.items.isEmpty()) text(str(R.string.journal_empty), R.id.journal_empty)
        for (t in state.items) {
            val label = str(
                R.string.journal_line,
                t.voucherNo,
                Texts.kind(ctx, t.kind),
                Texts.money(ctx, t.amount),
                Texts.status(ctx, t.status),
                t.maskedPan,
                Texts.time(t.createdAtMs),
            )
            button(label, View.NO_ID, primary = false) {
                startActivity(Intent(ctx, SlipActivity::class.java).putExtra(SlipActivity.EXTRA_VOUCHER, t.voucherNo))
            }.apply { tag = t.voucherNo }
        }
        if (state.hasPrevious) button(str(R.string.action_previous_page), R.id.action_previous_page, primary = false) { send(Event.Previous) }
        if (state.hasNext) button(str(R.string.action_next_page), R.id.action_next_page, primary = false) { send(Event.Next) }
        button(str(R.string.action_back), R.id.action_back, primary = false) { finish() }
    }
}
