package dev.voidguard.app

import android.content.Context
import dev.voidguard.app.flow.SunmiL3Protocol
import java.util.Base64

/**
 * The installation's key that tags the transIds sent to Sunmi L3 ([SunmiL3Protocol]),
 * in the app's private preferences: made once, on the first leg through L3, and kept,
 * so a leg asked about again after a restart carries the same transId. Another app
 * cannot read it (app-private storage); whoever can — root — is out of reach anyway
 * (README, "Integrity against someone holding the file").
 */
class TransIdKeyStore(context: Context) {
    private val prefs = context.getSharedPreferences("payment_app_key", Context.MODE_PRIVATE)

    @Synchronized
    fun key(): ByteArray {
        prefs.getString(KEY, null)?.let { stored ->
            val key = runCatching { Base64.getDecoder().decode(stored) }.getOrNull()
            if (key != null && key.size == SunmiL3Protocol.TRANS_ID_KEY_BYTES) return key
        }
        val key = SunmiL3Protocol.newTransIdKey()
        prefs.edit().putString(KEY, Base64.getEncoder().encodeToString(key)).commit()
        return key
    }

    private companion object {
        const val KEY = "trans_id_key"
    }
}
