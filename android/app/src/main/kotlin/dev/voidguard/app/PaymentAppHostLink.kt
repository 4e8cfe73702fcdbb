package dev.voidguard.app

import android.content.BroadcastReceiver
import android.content.ComponentName
import android.content.Context
import android.content.Intent
import android.content.IntentFilter
import android.os.Build
import android.os.Looper
import dev.voidguard.app.flow.BroadcastAnswers
import dev.voidguard.app.flow.PaymentAppExchange
import dev.voidguard.app.flow.PaymentAppLink
import dev.voidguard.app.flow.PaymentAppProtocol
import dev.voidguard.app.flow.PaymentAppRoute
import dev.voidguard.core.HostException
import dev.voidguard.core.HostLink
import dev.voidguard.core.HostReply
import dev.voidguard.core.HostRequest
import dev.voidguard.core.ReversalReason
import dev.voidguard.core.ReversalReply

/**
 * Every host leg — sale, void, settlement — through the acquirer's payment app on the
 * [route] the settings chose: the request goes by Intent (explicit to the configured
 * activity, or the dialect's action inside the configured package) and the result code
 * and extras come back through [PaymentAppBridgeActivity]; for an app that also
 * broadcasts its result (Sunmi's L3), a receiver listens while the exchange is open and
 * whichever answer comes first completes it. The mapping, reversals included, is
 * [PaymentAppLink]'s and the dialect's, in plain Kotlin, and so is which broadcast
 * belongs to which exchange ([BroadcastAnswers]); this class only moves Intents. The
 * core calls it on its own thread, which waits here while the merchant is in the app.
 */
class PaymentAppHostLink(
    private val context: Context,
    private val route: PaymentAppRoute,
    private val exchange: PaymentAppExchange,
    private val timeoutMs: Long = TIMEOUT_MS,
) : HostLink {
    private val link = PaymentAppLink(route.dialect) { outgoing -> exchange(outgoing) }

    override fun send(request: HostRequest): HostReply = link.send(request)

    override fun reverse(request: HostRequest, reason: ReversalReason): ReversalReply = link.reverse(request, reason)

    private fun exchange(outgoing: PaymentAppProtocol.Outgoing): PaymentAppProtocol.Incoming {
        check(Looper.myLooper() != Looper.getMainLooper()) { "the payment app is awaited off the main thread" }
        val intent = intentFor(route.packageName, route.activity, outgoing)
            ?: throw HostException.Unreachable("no payment app activity is configured")
        if (context.packageManager.resolveActivity(intent, 0) == null) {
            throw HostException.Unreachable("the payment app is not installed")
        }
        val id = exchange.open(outgoing)
        val receiver = route.broadcasts?.let { listen(id, outgoing, it) }
        try {
            context.startActivity(
                Intent(context, PaymentAppBridgeActivity::class.java)
                    .putExtra(PaymentAppBridgeActivity.EXTRA_EXCHANGE, id)
                    .putExtra(PaymentAppBridgeActivity.EXTRA_PACKAGE, route.packageName)
                    .apply { route.activity?.let { putExtra(PaymentAppBridgeActivity.EXTRA_ACTIVITY, it) } }
                    .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK),
            )
            return exchange.await(id, timeoutMs) ?: throw HostException.Timeout()
        } finally {
            receiver?.let(context::unregisterReceiver)
        }
    }

    /**
     * Listens for the app's result broadcasts while exchange [id] is open. Exported: the
     * broadcast comes from the payment app, another package. A broadcast for another
     * transaction is left alone; a later answer than the first is ignored by [exchange].
     */
    private fun listen(id: String, outgoing: PaymentAppProtocol.Outgoing, answers: BroadcastAnswers): BroadcastReceiver {
        val receiver = object : BroadcastReceiver() {
            override fun onReceive(context: Context, intent: Intent) {
                answers.answer(outgoing, intent.action, extrasOf(intent))?.let { exchange.complete(id, it) }
            }
        }
        val filter = IntentFilter().apply { answers.actions.forEach(::addAction) }
        // Android 13 (API 33) asks a receiver registered at run time to say whether other
        // apps may reach it; registerReceiver(receiver, filter, flags) is API 26, so the
        // flag is passed where it exists and the two-argument form is used below it.
        if (Build.VERSION.SDK_INT >= API_TIRAMISU) {
            context.registerReceiver(receiver, filter, RECEIVER_EXPORTED)
        } else {
            context.registerReceiver(receiver, filter)
        }
        return receiver
    }

    companion object {
        /** How long the merchant may spend in the payment app before the leg counts as unanswered. */
        const val TIMEOUT_MS = 180_000L

        /** Build.VERSION_CODES.TIRAMISU and Context.RECEIVER_EXPORTED (API 33), above the API the app compiles against. */
        private const val API_TIRAMISU = 33
        private const val RECEIVER_EXPORTED = 0x2

        /**
         * The Intent for the payment app: the dialect's action for the app that declares it
         * inside [packageName], or the explicit [activity] there, with the dialect's
         * extras; none when the dialect has no action and no activity is configured.
         */
        fun intentFor(packageName: String, activity: String?, outgoing: PaymentAppProtocol.Outgoing): Intent? {
            val intent = when {
                outgoing.action != null -> Intent(outgoing.action).setPackage(packageName)
                activity != null -> Intent().setComponent(ComponentName(packageName, activity))
                else -> return null
            }
            for ((key, value) in outgoing.extras) {
                when (value) {
                    is String -> intent.putExtra(key, value)
                    is Int -> intent.putExtra(key, value)
                    is Long -> intent.putExtra(key, value)
                    is Boolean -> intent.putExtra(key, value)
                    else -> error("an Intent extra of type ${value::class.simpleName}")
                }
            }
            return intent
        }

        /** An answer's extras as text, whether it came as a result Intent or a broadcast; other types are not read. */
        fun extrasOf(data: Intent?): Map<String, String> {
            val extras = data?.extras ?: return emptyMap()
            return extras.keySet().mapNotNull { key ->
                when (val value = extras.get(key)) {
                    is String -> key to value
                    is Int, is Long -> key to value.toString()
                    else -> null
                }
            }.toMap()
        }
    }
}
