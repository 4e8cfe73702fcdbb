package dev.voidguard.app

import android.content.ComponentName
import android.content.Context
import android.content.Intent
import android.os.Looper
import dev.voidguard.app.flow.PaymentAppExchange
import dev.voidguard.app.flow.PaymentAppDialect
import dev.voidguard.app.flow.PaymentAppLink
import dev.voidguard.app.flow.PaymentAppProtocol
import dev.voidguard.core.HostException
import dev.voidguard.core.HostLink
import dev.voidguard.core.HostReply
import dev.voidguard.core.HostRequest
import dev.voidguard.core.ReversalReason
import dev.voidguard.core.ReversalReply

/**
 * Every host leg — sale, void, settlement — through the acquirer's payment app: the
 * request goes by explicit Intent to [component] (processing code 000000 sale, 200000
 * void, 900000 settle) and the result code and extras come back through
 * [PaymentAppBridgeActivity]. The mapping, reversals included, is [PaymentAppLink]'s
 * and [PaymentAppProtocol]'s, in plain Kotlin; this class only moves Intents. The core
 * calls it on its own thread, which waits here while the merchant is in the payment app.
 */
class PaymentAppHostLink(
    private val context: Context,
    private val component: ComponentName,
    private val exchange: PaymentAppExchange,
    private val protocol: PaymentAppDialect,
    private val timeoutMs: Long = TIMEOUT_MS,
) : HostLink {
    private val link = PaymentAppLink(protocol) { outgoing -> exchange(outgoing) }

    override fun send(request: HostRequest): HostReply = link.send(request)

    override fun reverse(request: HostRequest, reason: ReversalReason): ReversalReply = link.reverse(request, reason)

    private fun exchange(outgoing: PaymentAppProtocol.Outgoing): PaymentAppProtocol.Incoming {
        check(Looper.myLooper() != Looper.getMainLooper()) { "the payment app is awaited off the main thread" }
        if (context.packageManager.resolveActivity(intentFor(component, outgoing), 0) == null) {
            throw HostException.Unreachable("the payment app is not installed")
        }
        val id = exchange.open(outgoing)
        context.startActivity(
            Intent(context, PaymentAppBridgeActivity::class.java)
                .putExtra(PaymentAppBridgeActivity.EXTRA_EXCHANGE, id)
                .putExtra(PaymentAppBridgeActivity.EXTRA_PACKAGE, component.packageName)
                .putExtra(PaymentAppBridgeActivity.EXTRA_ACTIVITY, component.className)
                .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK),
        )
        return exchange.await(id, timeoutMs) ?: throw HostException.Timeout()
    }

    companion object {
        /** How long the merchant may spend in the payment app before the leg counts as unanswered. */
        const val TIMEOUT_MS = 180_000L

        /**
         * The Intent for the payment app: the dialect's action for the app that declares it
         * (in [component]'s package), or [component] itself, with the dialect's extras.
         */
        fun intentFor(component: ComponentName, outgoing: PaymentAppProtocol.Outgoing): Intent {
            val intent = outgoing.action?.let { Intent(it).setPackage(component.packageName) } ?: Intent().setComponent(component)
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
    }
}
