package dev.voidguard.app

import android.app.Activity
import android.content.ActivityNotFoundException
import android.content.Intent
import android.os.Bundle
import dev.voidguard.app.flow.PaymentAppProtocol

/**
 * Starts the payment app for a result on behalf of [PaymentAppHostLink] and hands the
 * result back through the app's exchange. It has no screen of its own. Its Intent
 * carries only the exchange id and the payment app's component, never the request.
 */
class PaymentAppBridgeActivity : Activity() {
    private var exchangeId: String? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val app = application as VoidGuardApp
        val id = intent.getStringExtra(EXTRA_EXCHANGE)
        val outgoing = id?.let(app.exchange::outgoing)
        val pkg = intent.getStringExtra(EXTRA_PACKAGE)
        // No activity when the dialect's action finds the app inside the package.
        val cls = intent.getStringExtra(EXTRA_ACTIVITY)
        val target = if (pkg == null || outgoing == null) null else PaymentAppHostLink.intentFor(pkg, cls, outgoing)
        if (id == null || target == null) {
            id?.let { app.exchange.complete(it, PaymentAppProtocol.Incoming(RESULT_CANCELED, emptyMap())) }
            finish()
            return
        }
        exchangeId = id
        if (savedInstanceState != null) return
        try {
            startActivityForResult(target, REQUEST)
        } catch (e: ActivityNotFoundException) {
            app.exchange.complete(id, PaymentAppProtocol.Incoming(RESULT_CANCELED, emptyMap()))
            finish()
        } catch (e: SecurityException) {
            app.exchange.complete(id, PaymentAppProtocol.Incoming(RESULT_CANCELED, emptyMap()))
            finish()
        }
    }

    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        val id = exchangeId
        if (requestCode == REQUEST && id != null) {
            (application as VoidGuardApp).exchange.complete(id, PaymentAppProtocol.Incoming(resultCode, PaymentAppHostLink.extrasOf(data)))
        }
        finish()
    }

    companion object {
        const val EXTRA_EXCHANGE = "dev.voidguard.app.extra.EXCHANGE"
        const val EXTRA_PACKAGE = "dev.voidguard.app.extra.PAYMENT_PACKAGE"
        const val EXTRA_ACTIVITY = "dev.voidguard.app.extra.PAYMENT_ACTIVITY"
        private const val REQUEST = 20_0000
    }
}
