package dev.voidguard.app

import android.os.Bundle
import android.widget.RadioButton
import android.widget.RadioGroup
import dev.voidguard.app.flow.HostChoice
import dev.voidguard.app.flow.PaymentAppChoice
import dev.voidguard.app.flow.Settings
import dev.voidguard.app.flow.SettingsFlow
import dev.voidguard.core.KeyAlgorithm
import dev.voidguard.core.SimulatorMode

/**
 * Which host carries the card leg: the simulator (and how it answers), the payment
 * app, in its dialect — 星POS-style by package and activity, or Sunmi's L3 by package —
 * or the acquirer's host in ISO 8583, by address, with the terminal master key typed
 * from the key sheet once (wrapped by the Keystore at once; only its check value shows).
 */
class SettingsActivity : ScreenActivity() {
    private lateinit var flow: SettingsFlow

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.title_settings)
        // The installed key's check value is read through the Keystore: on the core thread.
        onCoreThread({ SettingsFlow(app.settings, app.masterKeys).also { flow = it }.state }, ::render)
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
                                SettingsFlow.Problem.ACQUIRER_ADDRESS -> R.string.settings_problem_acquirer_address
                                SettingsFlow.Problem.MASTER_KEY -> R.string.settings_problem_master_key
                                SettingsFlow.Problem.MASTER_KEY_MISSING -> R.string.settings_problem_master_key_missing
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
                        R.id.host_acquirer to str(R.string.host_acquirer),
                    ),
                    when (s.hostChoice) {
                        HostChoice.SIMULATOR -> R.id.host_simulator
                        HostChoice.PAYMENT_APP -> R.id.host_payment_app
                        HostChoice.ACQUIRER_HOST -> R.id.host_acquirer
                    },
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
                text(str(R.string.settings_acquirer), bold = true)
                val address = field(str(R.string.field_acquirer_address), R.id.field_acquirer_address, FieldKind.TEXT, s.acquirerAddress)
                val installed = state.masterKey
                if (installed != null) {
                    info(str(R.string.settings_master_key_installed, installed.checkValue, algorithmName(installed.algorithm)), R.id.master_key_status)
                } else {
                    text(str(R.string.settings_master_key_none), R.id.master_key_status)
                }
                val algorithm = choices(
                    R.id.settings_key_algorithm,
                    listOf(
                        R.id.key_algorithm_tdes to str(R.string.key_algorithm_tdes),
                        R.id.key_algorithm_sm4 to str(R.string.key_algorithm_sm4),
                    ),
                    if (installed?.algorithm == KeyAlgorithm.SM4) R.id.key_algorithm_sm4 else R.id.key_algorithm_tdes,
                )
                val masterKey = field(str(R.string.field_master_key_entry), R.id.field_master_key, FieldKind.SECRET_TEXT, maxLength = MASTER_KEY_DIGITS)
                fun edited() = Settings(
                    hostChoice = when (host.checkedRadioButtonId) {
                        R.id.host_payment_app -> HostChoice.PAYMENT_APP
                        R.id.host_acquirer -> HostChoice.ACQUIRER_HOST
                        else -> HostChoice.SIMULATOR
                    },
                    simulatorMode = when (mode.checkedRadioButtonId) {
                        R.id.simulator_decline -> SimulatorMode.DECLINE
                        R.id.simulator_timeout -> SimulatorMode.TIMEOUT
                        else -> SimulatorMode.APPROVE
                    },
                    paymentAppPackage = pkg?.text?.toString() ?: s.paymentAppPackage,
                    paymentAppActivity = cls?.text?.toString() ?: s.paymentAppActivity,
                    paymentApp = if (dialect.checkedRadioButtonId == R.id.payment_app_sunmi) PaymentAppChoice.SUNMI_L3 else PaymentAppChoice.STAR_POS,
                    sunmiPackage = sunmi?.text?.toString() ?: s.sunmiPackage,
                    acquirerAddress = address.text.toString(),
                )
                dialect.setOnCheckedChangeListener { group, _ ->
                    // After the tap has been handled: the screen is rebuilt with the other fields.
                    val changed = edited()
                    if (changed.paymentApp != s.paymentApp) group.post { render(flow.on(SettingsFlow.Event.Change(changed))) }
                }
                button(str(R.string.action_save), R.id.action_save) {
                    // The typed key leaves the field as characters, wiped by the flow; the
                    // field is cleared so no copy stays on the screen.
                    val typed = masterKey.text
                    val key = CharArray(typed.length).also { typed.getChars(0, typed.length, it, 0) }.takeIf { it.isNotEmpty() }
                    typed.clear()
                    val alg = if (algorithm.checkedRadioButtonId == R.id.key_algorithm_sm4) KeyAlgorithm.SM4 else KeyAlgorithm.TDES
                    val settings = edited()
                    onCoreThread({
                        flow.on(SettingsFlow.Event.Save(settings, key, alg)).also { next ->
                            if (next is SettingsFlow.State.Saved) app.saveSettings(next.settings)
                        }
                    }, ::render)
                }
                button(str(R.string.action_back), R.id.action_back, primary = false) { finish() }
            }
        }
    }

    private fun algorithmName(a: KeyAlgorithm): String =
        getString(if (a == KeyAlgorithm.SM4) R.string.key_algorithm_sm4 else R.string.key_algorithm_tdes)

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

    private companion object {
        const val MASTER_KEY_DIGITS = 32
    }
}
