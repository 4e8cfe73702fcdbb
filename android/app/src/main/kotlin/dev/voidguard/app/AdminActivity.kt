package dev.voidguard.app

import android.content.Intent
import android.os.Bundle
import dev.voidguard.app.flow.HomeFlow
import dev.voidguard.app.flow.HomeFlow.AdminEntry

/**
 * Administration (管理), one level below home: requests and approvals, the void
 * password, operators, the audit trail, settings, and one's own password, as
 * [HomeFlow.adminEntriesFor] offers them to whoever is signed in.
 */
class AdminActivity : ScreenActivity() {
    private var flow: HomeFlow? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.title_admin)
    }

    override fun onResume() {
        super.onResume()
        onCore({ t -> (flow ?: HomeFlow(t).also { flow = it }).refresh() }, ::render)
    }

    private fun render(state: HomeFlow.State) = show {
        heading(str(R.string.title_admin))
        val role = when (state) {
            is HomeFlow.State.Ready -> state.session.role
            is HomeFlow.State.Administrator -> state.session.role
            is HomeFlow.State.Failed -> {
                notice(Texts.explain(this@AdminActivity, state.notice))
                null
            }
            else -> {
                notice(str(R.string.admin_sign_in_first))
                null
            }
        }
        if (role != null) {
            for (entry in HomeFlow.adminEntriesFor(role)) entry(entry)
        } else {
            // Settings are the terminal's, not an operator's: reachable before anyone signs in.
            entry(AdminEntry.SETTINGS)
        }
        button(str(R.string.action_back), R.id.action_back, primary = false) { finish() }
    }

    private fun Screen.entry(e: AdminEntry) {
        val (label, id, screen) = when (e) {
            AdminEntry.REQUESTS -> Triple(R.string.menu_requests, R.id.menu_requests, RequestsActivity::class.java)
            AdminEntry.VOID_PASSWORD -> Triple(R.string.menu_password, R.id.menu_password, PasswordActivity::class.java)
            AdminEntry.OPERATORS -> Triple(R.string.menu_operators, R.id.menu_operators, OperatorsActivity::class.java)
            AdminEntry.OWN_PASSWORD -> Triple(R.string.menu_own_password, R.id.menu_own_password, OwnPasswordActivity::class.java)
            AdminEntry.AUDIT -> Triple(R.string.menu_audit, R.id.menu_audit, AuditActivity::class.java)
            AdminEntry.SETTINGS -> Triple(R.string.title_settings, R.id.menu_settings, SettingsActivity::class.java)
        }
        button(str(label), id, primary = false) { startActivity(Intent(this@AdminActivity, screen)) }
    }
}
