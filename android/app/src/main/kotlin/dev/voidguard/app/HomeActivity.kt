package dev.voidguard.app

import android.content.Intent
import android.os.Bundle
import dev.voidguard.app.flow.HomeFlow
import dev.voidguard.app.flow.HomeFlow.Alert
import dev.voidguard.app.flow.settingsMend
import dev.voidguard.core.RequestKind
import dev.voidguard.core.Session
import dev.voidguard.core.Terminal
import dev.voidguard.core.TerminalStatus

/**
 * The launcher screen: the terminal's standing, who is signed in, what needs attention,
 * and the menu of what that operator may do ([HomeFlow] decides which).
 */
class HomeActivity : ScreenActivity() {
    private var flow: HomeFlow? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.app_name)
    }

    override fun onResume() {
        super.onResume()
        onCore({ t -> flowOn(t).refresh() }, ::render)
    }

    private fun flowOn(t: Terminal): HomeFlow = flow ?: HomeFlow(t).also { flow = it }

    private fun send(event: HomeFlow.Event) {
        onCore({ t -> flowOn(t).on(event) }, ::render)
    }

    private fun render(state: HomeFlow.State) = show {
        when (state) {
            HomeFlow.State.Loading -> text(str(R.string.loading))
            is HomeFlow.State.Failed -> {
                heading(str(R.string.terminal_unavailable_title))
                notice(Texts.explain(this@HomeActivity, state.notice))
                if (settingsMend(state.notice)) {
                    button(str(R.string.title_settings), R.id.menu_settings) { open(SettingsActivity::class.java) }
                } else {
                    text(str(R.string.terminal_unavailable_help))
                }
            }
            HomeFlow.State.NotActivated -> {
                heading(str(R.string.home_not_activated_title))
                text(str(R.string.home_not_activated_help))
                button(str(R.string.action_activate), R.id.action_activate) { open(ActivationActivity::class.java) }
                button(str(R.string.title_settings), R.id.menu_settings, primary = false) { open(SettingsActivity::class.java) }
            }
            is HomeFlow.State.AdminPasswordNotSet -> {
                heading(str(R.string.home_admin_password_title))
                terminalRows(state.status)
                text(str(R.string.home_admin_password_help))
                button(str(R.string.action_set_admin_password), R.id.action_set_admin_password) { open(OperatorsActivity::class.java) }
            }
            is HomeFlow.State.SignedOut -> {
                heading(str(R.string.home_sign_in_title))
                terminalRows(state.status)
                text(str(R.string.home_sign_in_help))
                button(str(R.string.action_sign_in), R.id.action_sign_in) { open(SignInActivity::class.java) }
            }
            is HomeFlow.State.Administrator -> {
                heading(str(R.string.home_admin_title))
                terminalRows(state.status)
                signedIn(state.session)
                text(str(R.string.home_admin_help))
                tiles(HomeFlow.tilesFor(state.session.role).map(::tile))
                administration()
                signOut()
            }
            is HomeFlow.State.Ready -> {
                val s = state.status
                heading(str(R.string.home_title))
                terminalRows(s)
                signedIn(state.session)
                row(
                    str(R.string.label_void_permission),
                    str(if (s.voidPermitted) R.string.permission_granted else R.string.permission_not_granted),
                    R.id.void_permission_status,
                )
                row(
                    str(R.string.label_refund_permission),
                    str(if (s.refundPermitted) R.string.permission_granted else R.string.permission_not_granted),
                    R.id.refund_permission_status,
                )
                for (alert in state.alerts) {
                    notice(Texts.alert(this@HomeActivity, alert), android.view.View.NO_ID)
                    when (alert) {
                        is Alert.NeedsAttention -> button(str(R.string.menu_attention, alert.count), R.id.menu_attention) {
                            open(AttentionActivity::class.java)
                        }
                        Alert.PermissionMissing -> button(str(R.string.action_apply_permission), R.id.action_apply_permission) {
                            open(RequestsActivity::class.java, RequestKind.VOID_PERMISSION)
                        }
                        Alert.RefundPermissionMissing -> button(
                            str(R.string.action_apply_refund_permission),
                            R.id.action_apply_refund_permission,
                        ) {
                            open(RequestsActivity::class.java, RequestKind.REFUND_PERMISSION)
                        }
                        Alert.PasswordNotSet -> button(str(R.string.action_set_password), R.id.action_set_password) {
                            open(PasswordActivity::class.java)
                        }
                        is Alert.PasswordChangeDue -> button(str(R.string.action_change_password), R.id.action_change_password) {
                            open(PasswordActivity::class.java)
                        }
                        is Alert.LockedUntil, Alert.LockedUntilLifted -> button(str(R.string.action_lift_restriction), R.id.action_lift_restriction) {
                            open(RequestsActivity::class.java, RequestKind.LIFT_RESTRICTION)
                        }
                        is Alert.PendingHostWork -> Unit
                    }
                }
                tiles(HomeFlow.tilesFor(state.session.role).map(::tile))
                administration()
                signOut()
            }
        }
    }

    private fun tile(t: HomeFlow.Tile): Screen.Tile = when (t) {
        HomeFlow.Tile.SALE -> Screen.Tile(str(R.string.menu_sale), R.id.menu_sale) { open(SaleActivity::class.java) }
        HomeFlow.Tile.VOID -> Screen.Tile(str(R.string.menu_void), R.id.menu_void) { open(VoidActivity::class.java) }
        HomeFlow.Tile.REFUND -> Screen.Tile(str(R.string.menu_refund), R.id.menu_refund) { open(RefundActivity::class.java) }
        HomeFlow.Tile.SETTLEMENT -> Screen.Tile(str(R.string.menu_settlement), R.id.menu_settlement) { open(SettlementActivity::class.java) }
        HomeFlow.Tile.JOURNAL -> Screen.Tile(str(R.string.menu_journal), R.id.menu_journal) { open(JournalActivity::class.java) }
        HomeFlow.Tile.OPERATORS -> Screen.Tile(str(R.string.menu_operators), R.id.menu_operators) { open(OperatorsActivity::class.java) }
    }

    private fun str(res: Int, vararg args: Any): String = getString(res, *args)

    /** Requests, the void password, operators, audit and settings: one level down. */
    private fun Screen.administration() {
        button(str(R.string.menu_admin), R.id.menu_admin, primary = false) { open(AdminActivity::class.java) }
    }

    private fun Screen.terminalRows(s: TerminalStatus) {
        row(str(R.string.label_merchant_no), s.merchantNo.orEmpty())
        row(str(R.string.label_terminal_id), s.terminalId.orEmpty())
        row(str(R.string.label_batch_no), s.batchNo)
        row(str(R.string.label_business_date), s.businessDate)
    }

    private fun Screen.signedIn(session: Session) {
        row(
            str(R.string.label_signed_in),
            str(R.string.operator_line, session.operatorNo, Texts.role(this@HomeActivity, session.role)),
            R.id.signed_in_operator,
        )
    }

    private fun Screen.signOut() {
        button(str(R.string.action_sign_out), R.id.action_sign_out, primary = false) { send(HomeFlow.Event.SignOut) }
    }

    private fun open(screen: Class<*>, focus: RequestKind? = null) {
        val intent = Intent(this, screen)
        if (focus != null) intent.putExtra(RequestsActivity.EXTRA_FOCUS, focus.name)
        startActivity(intent)
    }
}
