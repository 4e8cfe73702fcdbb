package dev.voidguard.app

import android.os.Bundle
import dev.voidguard.app.flow.AuditFlow
import dev.voidguard.app.flow.AuditFlow.Event

/** The audit trail, newest first, and whether its HMAC chain verifies. */
class AuditActivity : ScreenActivity() {
    private var flow: AuditFlow? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.title_audit)
        onCore({ t -> AuditFlow(t).also { flow = it }.on(Event.Load) }, ::render)
    }

    private fun send(event: Event) {
        onCore({ checkNotNull(flow).on(event) }, ::render)
    }

    private fun render(state: AuditFlow.State) = show {
        val ctx = this@AuditActivity
        heading(str(R.string.title_audit))
        val report = state.report
        when {
            report == null -> Unit
            report.ok -> info(
                str(R.string.audit_verified_rows, report.entriesChecked.toLong(), report.rowsChecked.toLong()),
                R.id.audit_verification,
            )
            report.table != null -> notice(
                str(
                    R.string.audit_broken_row,
                    report.table ?: "",
                    report.rowId ?: 0L,
                    Texts.auditProblem(ctx, report.problem),
                ),
                R.id.audit_verification,
            )
            else -> notice(
                str(R.string.audit_broken, report.firstBadSeq?.toLong() ?: 0L, Texts.auditProblem(ctx, report.problem)),
                R.id.audit_verification,
            )
        }
        button(str(R.string.action_verify_audit), R.id.action_verify_audit, primary = false) { send(Event.Verify) }
        notice(state.notice?.let { Texts.explain(ctx, it) })
        for (e in state.entries) {
            text(
                str(
                    R.string.audit_line,
                    e.seq.toLong(),
                    Texts.time(e.atMs),
                    Texts.auditKind(ctx, e.kind),
                    e.operatorNo ?: str(R.string.audit_no_operator),
                    e.detail,
                ),
            )
        }
        if (state.hasNewer) button(str(R.string.action_newer), R.id.action_newer, primary = false) { send(Event.Newer) }
        if (state.hasOlder) button(str(R.string.action_older), R.id.action_older, primary = false) { send(Event.Older) }
        button(str(R.string.action_back), R.id.action_back, primary = false) { finish() }
    }
}
