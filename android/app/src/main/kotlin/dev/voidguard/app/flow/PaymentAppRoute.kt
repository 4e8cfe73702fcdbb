package dev.voidguard.app.flow

import dev.voidguard.app.flow.PaymentAppProtocol.Incoming
import dev.voidguard.app.flow.PaymentAppProtocol.Outgoing

/**
 * Where the settings send the host legs and in which dialect: the payment app's
 * package, the activity an explicit Intent names (none where the dialect's own action
 * finds the app inside the package), and which broadcasts, if any, also answer.
 */
class PaymentAppRoute(
    val packageName: String,
    val activity: String?,
    val dialect: PaymentAppDialect,
    val broadcasts: BroadcastAnswers?,
) {
    companion object {
        /**
         * The route the settings choose; none for the built-in simulator or the acquirer's host. [transIdKey]
         * gives the installation's key that tags Sunmi L3's transIds, asked for only
         * when L3 is chosen.
         */
        fun of(settings: Settings, callerPackage: String, transIdKey: () -> ByteArray): PaymentAppRoute? = when (settings.hostChoice) {
            HostChoice.SIMULATOR, HostChoice.ACQUIRER_HOST -> null
            HostChoice.PAYMENT_APP -> when (settings.paymentApp) {
                PaymentAppChoice.STAR_POS -> PaymentAppRoute(
                    settings.paymentAppPackage,
                    settings.paymentAppActivity,
                    PaymentAppProtocol(callerPackage),
                    broadcasts = null,
                )
                PaymentAppChoice.SUNMI_L3 -> PaymentAppRoute(
                    settings.sunmiPackage,
                    activity = null,
                    SunmiL3Protocol(callerPackage, transIdKey()),
                    SunmiL3Protocol.BROADCAST_ANSWERS,
                )
            }
        }
    }
}

/**
 * Which broadcast answers which exchange, for an app that reports its result as a
 * broadcast as well as (or instead of) an activity result. A broadcast answers an open
 * exchange when it is sent under one of [actions] and its [key] extra is the one the
 * exchange's request carried; any other — an older transaction's, another app's — is
 * no answer. A broadcast that answers reads as a completed activity result
 * ([PaymentAppProtocol.RESULT_OK]) with the broadcast's extras: the dialect then reads
 * them as it reads a result Intent.
 */
class BroadcastAnswers(val actions: List<String>, val key: String) {
    fun answer(outgoing: Outgoing, action: String?, extras: Map<String, String>): Incoming? {
        if (action == null || action !in actions) return null
        val sent = (outgoing.extras[key] as? String)?.takeIf { it.isNotEmpty() } ?: return null
        return if (extras[key]?.trim() == sent) Incoming(PaymentAppProtocol.RESULT_OK, extras) else null
    }
}
