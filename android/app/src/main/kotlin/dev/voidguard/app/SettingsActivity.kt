package dev.voidguard.app

import android.os.Bundle
import android.widget.RadioButton
import android.widget.RadioGroup
import dev.voidguard.app.flow.HostChoice
import dev.voidguard.app.flow.PaymentAppChoice
import dev.voidguard.app.flow.Settings
import dev.voidguard.app.flow.SettingsFlow
import dev.voidguard.core.SimulatorMode

/**
 * Which host carries the card leg: the simulator (and how it answers) or the payment
 * app, in its dialect — 星POS-style by package and activity, or Sunmi's L3 by package.
 */
class SettingsActivity : ScreenActivity() {
    private lateinit var flow: SettingsFlow

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.title_settings)
        flow = SettingsFlow(app.settings)
        render(flow.state)
    }

    private fun render(state: SettingsFlow.State): Unit = show {
        heading(str(R.string.title_settings))
        when (state) {
            is SettingsFlow.State.Saved -> {
                info(str(R.string.settings_saved), R.id.settings_saved)
                button(str(R.string.action_done), R.id.action_done) { finish() }
            }
            is SettingsFlow.State.Editing -> {
                val s = state.settings
                for (problem in state.problems) {
                    notice(
                        str(
                            when (problem) {
                                SettingsFlow.Problem.PAYMENT_APP_PACKAGE -> R.string.settings_problem_package
                                SettingsFlow.Problem.PAYMENT_APP_ACTIVITY -> R.string.settings_problem_activity
                                SettingsFlow.Problem.SUNMI_PACKAGE -> R.string.settings_problem_sunmi_package
                            },
                        ),
                        android.view.View.NO_ID,
                    )
                }
                text(str(R.string.settings_host), bold = true)
                val host = choices(
                    R.id.settings_host,
                    listOf(
                        R.id.host_simulator to str(R.string.host_simulator),
                        R.id.host_payment_app to str(R.string.host_payment_app),
                    ),
                    if (s.hostChoice == HostChoice.SIMULATOR) R.id.host_simulator else R.id.host_payment_app,
                )
                text(str(R.string.settings_simulator_mode), bold = true)
                val mode = choices(
                    R.id.settings_simulator_mode,
                    listOf(
                        R.id.simulator_approve to str(R.string.simulator_approve),
                        R.id.simulator_decline to str(R.string.simulator_decline),
                        R.id.simulator_timeout to str(R.string.simulator_timeout),
                    ),
                    when (s.simulatorMode) {
                        SimulatorMode.APPROVE -> R.id.simulator_approve
                        SimulatorMode.DECLINE -> R.id.simulator_decline
                        SimulatorMode.TIMEOUT -> R.id.simulator_timeout
                    },
                )
                text(str(R.string.settings_payment_app), bold = true)
                val dialect = choices(
                    R.id.settings_payment_app,
                    listOf(
                        R.id.payment_app_star_pos to str(R.string.payment_app_star_pos),
                        R.id.payment_app_sunmi to str(R.string.payment_app_sunmi),
                    ),
                    if (s.paymentApp == PaymentAppChoice.SUNMI_L3) R.id.payment_app_sunmi else R.id.payment_app_star_pos,
                )
                // Only the chosen dialect's fields: L3 is found by its action inside its package.
                val pkg = if (s.paymentApp == PaymentAppChoice.STAR_POS) {
                    field(str(R.string.field_payment_package), R.id.field_payment_package, FieldKind.TEXT, s.paymentAppPackage)
                } else {
                    null
                }
                val cls = if (s.paymentApp == PaymentAppChoice.STAR_POS) {
                    field(str(R.string.field_payment_activity), R.id.field_payment_activity, FieldKind.TEXT, s.paymentAppActivity)
                } else {
                    null
                }
                val sunmi = if (s.paymentApp == PaymentAppChoice.SUNMI_L3) {
                    field(str(R.string.field_sunmi_package), R.id.field_sunmi_package, FieldKind.TEXT, s.sunmiPackage)
                } else {
                    null
                }
                fun edited() = Settings(
                    hostChoice = if (host.checkedRadioButtonId == R.id.host_payment_app) HostChoice.PAYMENT_APP else HostChoice.SIMULATOR,
                    simulatorMode = when (mode.checkedRadioButtonId) {
                        R.id.simulator_decline -> SimulatorMode.DECLINE
                        R.id.simulator_timeout -> SimulatorMode.TIMEOUT
                        else -> SimulatorMode.APPROVE
                    },
                    paymentAppPackage = pkg?.text?.toString() ?: s.paymentAppPackage,
                    paymentAppActivity = cls?.text?.toString() ?: s.paymentAppActivity,
                    paymentApp = if (dialect.checkedRadioButtonId == R.id.payment_app_sunmi) PaymentAppChoice.SUNMI_L3 else PaymentAppChoice.STAR_POS,
                    sunmiPackage = sunmi?.text?.toString() ?: s.sunmiPackage,
                )
                dialect.setOnCheckedChangeListener { group, _ ->
                    // After the tap has been handled: the screen is rebuilt with the other fields.
                    val changed = edited()
                    if (changed.paymentApp != s.paymentApp) group.post { render(flow.on(SettingsFlow.Event.Change(changed))) }
                }
                button(str(R.string.action_save), R.id.action_save) {
                    val next = flow.on(SettingsFlow.Event.Save(edited()))
                    if (next is SettingsFlow.State.Saved) {
                        onCoreThread({ app.saveSettings(next.settings) }) { render(next) }
                    } else {
                        render(next)
                    }
                }
                button(str(R.string.action_back), R.id.action_back, primary = false) { finish() }
            }
        }
    }

    private fun Screen.choices(groupId: Int, options: List<Pair<Int, String>>, checked: Int): RadioGroup {
        val group = RadioGroup(this@SettingsActivity).apply { id = groupId }
        for ((id, label) in options) {
            group.addView(
                RadioButton(this@SettingsActivity).apply {
                    this.id = id
                    text = label
                    textSize = Screen.TEXT_SP
                    minHeight = dp(Screen.TOUCH_DP)
                },
            )
        }
        group.check(checked)
        add(group)
        return group
    }
}
