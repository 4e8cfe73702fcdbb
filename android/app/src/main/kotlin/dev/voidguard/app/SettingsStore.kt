package dev.voidguard.app

import android.content.Context
import dev.voidguard.app.flow.Settings

/** The settings in the app's private preferences. Nothing secret is kept here. */
class SettingsStore(context: Context) {
    private val prefs = context.getSharedPreferences("settings", Context.MODE_PRIVATE)

    fun load(): Settings {
        val defaults = Settings()
        return Settings(
            hostChoice = enumOr(prefs.getString(HOST, null), defaults.hostChoice),
            simulatorMode = enumOr(prefs.getString(SIMULATOR_MODE, null), defaults.simulatorMode),
            paymentAppPackage = prefs.getString(PAYMENT_PACKAGE, null) ?: defaults.paymentAppPackage,
            paymentAppActivity = prefs.getString(PAYMENT_ACTIVITY, null) ?: defaults.paymentAppActivity,
        )
    }

    fun save(settings: Settings) {
        prefs.edit()
            .putString(HOST, settings.hostChoice.name)
            .putString(SIMULATOR_MODE, settings.simulatorMode.name)
            .putString(PAYMENT_PACKAGE, settings.paymentAppPackage)
            .putString(PAYMENT_ACTIVITY, settings.paymentAppActivity)
            // Who keys sales is the signed-in operator now, never a number kept here.
            .remove(OPERATOR)
            .commit()
    }

    private inline fun <reified E : Enum<E>> enumOr(name: String?, default: E): E =
        enumValues<E>().firstOrNull { it.name == name } ?: default

    private companion object {
        const val HOST = "host_choice"
        const val SIMULATOR_MODE = "simulator_mode"
        const val PAYMENT_PACKAGE = "payment_app_package"
        const val PAYMENT_ACTIVITY = "payment_app_activity"
        const val OPERATOR = "operator_no"
    }
}
