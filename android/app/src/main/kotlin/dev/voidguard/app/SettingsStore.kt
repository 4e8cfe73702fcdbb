package dev.voidguard.app

import android.content.Context
import dev.voidguard.app.flow.Settings
import dev.voidguard.app.flow.StoredSettings

/** The settings in the app's private preferences, mapped by [StoredSettings]. Nothing secret is kept here. */
class SettingsStore(context: Context) {
    private val prefs = context.getSharedPreferences("settings", Context.MODE_PRIVATE)

    fun load(): Settings = StoredSettings.read { key -> prefs.getString(key, null) }

    fun save(settings: Settings) {
        val edit = prefs.edit()
        for ((key, value) in StoredSettings.write(settings)) edit.putString(key, value)
        // Who keys sales is the signed-in operator now, never a number kept here.
        edit.remove(OPERATOR).commit()
    }

    private companion object {
        const val OPERATOR = "operator_no"
    }
}
