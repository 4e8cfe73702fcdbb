package dev.voidguard.app.test

import android.content.Intent
import dev.voidguard.app.PaymentAppBridgeActivity
import dev.voidguard.app.R
import dev.voidguard.app.SaleActivity
import dev.voidguard.app.SettingsActivity
import dev.voidguard.app.flow.SunmiL3Protocol
import dev.voidguard.testsupport.*
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assume.assumeTrue
import org.junit.Test

/**
 * Sunmi's L3 chosen on the settings screen: a sale's leg goes to L3 by its implicit
 * action inside its package, and L3's result broadcast for that transaction answers it;
 * a broadcast for another transaction does not. Needs a host that can stand in for L3.
 */
class SunmiL3Test : MerchantTest() {
    @Test
    fun aSaleGoesToL3AndOnlyTheResultBroadcastForItsTransIdCompletesIt() {
        assumeTrue("this host cannot stand in for L3", d.installPaymentApp(L3_PACKAGE, SunmiL3Protocol.ACTION))
        chooseSunmiL3()

        val sale = d.launch(SaleActivity::class.java)
        d.type(sale, R.id.field_amount, "8.80")
        d.type(sale, R.id.field_card_number, FULL_PAN)
        val bridge = d.expect(PaymentAppBridgeActivity::class.java) { d.tap(sale, R.id.action_record_sale, wait = false) }
        val asked = d.startedIntent { it.action == SunmiL3Protocol.ACTION } ?: flunk("L3 was not started")
        assertEquals(L3_PACKAGE, asked.`package`)
        assertNull("L3 is found by its action, not a named activity", asked.component)
        assertEquals(SunmiL3Protocol.TRANS_SALE, asked.getIntExtra("transType", -1))
        assertEquals(880L, asked.getLongExtra("amount", -1))
        val transId = asked.getStringExtra("transId") ?: flunk("the request carries no transId")
        val exchange = bridge.intent.getStringExtra(PaymentAppBridgeActivity.EXTRA_EXCHANGE) ?: flunk("the bridge names no exchange")

        answer(SunmiL3Protocol.RESULT_ACTIONS[0], "VG${TERMINAL_ID}000001999999")
        // The leg's numbers without its keyed tag: what an app that guessed them would send.
        answer(SunmiL3Protocol.RESULT_ACTIONS[0], transId.dropLast(10))
        Thread.sleep(SETTLE_MS)
        assertTrue("another transaction's broadcast is no answer", d.busy(sale))
        assertNotNull("the exchange is still open", d.app.exchange.outgoing(exchange))

        answer(SunmiL3Protocol.RESULT_ACTIONS[1], transId)
        d.find(sale, R.id.sale_recorded)
        val voucher = d.text(sale, R.id.sale_voucher_no)
        assertEquals("the transId is the leg's own, then its tag", "VG${TERMINAL_ID}000001$voucher", transId.dropLast(10))
        assertNull("the exchange is closed", d.app.exchange.outgoing(exchange))
        var rrn = ""
        d.onCoreThread { rrn = checkNotNull(d.app.terminal().findTransaction(voucher)).rrn }
        assertEquals("the reference number L3 broadcast", RRN, rrn)
    }

    /** Sunmi L3 on the settings screen, which then asks for L3's package only; the cashier signs in again on the reopened terminal. */
    private fun chooseSunmiL3() {
        val s = d.launch(SettingsActivity::class.java)
        d.tap(s, R.id.host_payment_app)
        d.tap(s, R.id.payment_app_sunmi)
        assertFalse("L3 needs no activity: ${d.screenText(s)}", d.has(s, R.id.field_payment_activity))
        assertEquals(L3_PACKAGE, d.text(s, R.id.field_sunmi_package))
        d.tap(s, R.id.action_save)
        d.find(s, R.id.settings_saved)
        d.signInAs(CASHIER, CASHIER_PASSWORD)
    }

    /** L3's result broadcast of an approval, under [action], for the transaction [transId]. */
    private fun answer(action: String, transId: String) {
        d.instrumentation.targetContext.sendBroadcast(
            Intent(action)
                .putExtra("transId", transId)
                .putExtra("resultCode", 0)
                .putExtra("answerCode", "00")
                .putExtra("referenceNo", RRN)
                .putExtra("authNo", "AU0042")
                .putExtra("cardNo", "622202******0123"),
        )
        d.instrumentation.waitForIdleSync()
    }

    private companion object {
        val L3_PACKAGE = SunmiL3Protocol.DEFAULT_PACKAGE
        const val RRN = "500000000042"

        /** Long enough for a wrongly completed exchange to have reached the screen. */
        const val SETTLE_MS = 300L
    }
}
