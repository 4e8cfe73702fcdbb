package dev.voidguard.app.test

import android.app.Activity
import android.view.View
import android.view.ViewGroup
import android.widget.Button
import dev.voidguard.app.AttentionActivity
import dev.voidguard.app.HomeActivity
import dev.voidguard.app.R
import dev.voidguard.app.SaleActivity
import dev.voidguard.app.SettlementActivity
import dev.voidguard.app.VoidActivity
import dev.voidguard.core.LegState
import dev.voidguard.core.SimulatorMode
import dev.voidguard.testsupport.*
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Assume.assumeTrue
import org.junit.Test

/**
 * Needs attention (需人工处理) through the screens: a void or a sale whose answer was lost
 * and whose reversals kept failing is closed with what the acquirer says, from home or
 * from the void and settlement screens that it blocks.
 */
class AttentionTest : MerchantTest() {
    /**
     * A sale whose void is in manual handling, the way a merchant gets there: the host
     * times out on the void (keyed on the void screen) and on every reversal after it.
     */
    private fun stuck(amount: String = "88.00"): Sale {
        val sale = merchant.sale(amount)
        d.onCoreThread { d.app.terminal().setSimulatorMode(SimulatorMode.TIMEOUT) }
        val v = merchant.voidUpToPassword(sale)
        d.pin(v, PASSWORD)
        assertEquals(v.getString(R.string.refusal_host_unreachable), d.text(v, R.id.void_refusal))
        d.finishAll()
        d.onCoreThread {
            val t = d.app.terminal()
            t.reconcile()
            t.reconcile()
            t.setSimulatorMode(SimulatorMode.APPROVE)
        }
        return sale
    }

    private fun onlyLegId(): Long {
        var id = 0L
        d.onCoreThread {
            val manual = d.app.terminal().pendingHostWork().filter { it.state == LegState.NEEDS_MANUAL_HANDLING }
            id = manual.single().legId
        }
        return id
    }

    /** On the list: the only void, then "never happened", the note, the confirmation and the void password. */
    private fun neverHappened(a: Activity) {
        d.tapView(a, d.findTagged(a, AttentionActivity.legTag(onlyLegId())))
        d.tap(a, R.id.action_answer_never_happened)
        d.type(a, R.id.field_resolution_note, NOTE)
        d.tap(a, R.id.action_next)
        d.tap(a, R.id.action_confirm_resolution)
        d.pin(a, PASSWORD)
    }

    @Test
    fun homeOffersItToTheCashierWhoRecordsTheAcquirersApproval() {
        val sale = stuck()
        d.signOutNow()
        assertFalse("signed out: no entry", d.has(d.launch(HomeActivity::class.java), R.id.menu_attention))
        d.signInAs(ADMINISTRATOR, ADMIN_PASSWORD)
        assertFalse("the administrator: no entry", d.has(d.launch(HomeActivity::class.java), R.id.menu_attention))
        d.finishAll()
        d.signInAs(CASHIER, CASHIER_PASSWORD)

        val home = d.launch(HomeActivity::class.java)
        assertEquals(home.getString(R.string.menu_attention, 1), d.text(home, R.id.menu_attention))
        val a = d.expect(AttentionActivity::class.java) { d.tap(home, R.id.menu_attention) }
        assertTrue("the needs-attention screen forbids screenshots", secure(a))
        d.tapView(a, d.findTagged(a, AttentionActivity.legTag(onlyLegId())))
        assertEquals(sale.voucherNo, d.text(a, R.id.attention_original_voucher_no))

        // A reference no. of the wrong length comes back to its step once the core has checked it.
        d.tap(a, R.id.action_answer_approved)
        d.type(a, R.id.field_rrn, "12345")
        d.type(a, R.id.field_auth_code, "h0t11e")
        assertEquals("codes are shown, and recorded, in capitals", AUTH_CODE, d.text(a, R.id.field_auth_code))
        d.tap(a, R.id.action_next)
        d.type(a, R.id.field_resolution_note, NOTE)
        d.tap(a, R.id.action_next)
        assertEquals(CASHIER, d.text(a, R.id.attention_keyed_by))
        assertEquals(a.getString(R.string.operator_line, "00", a.getString(R.string.role_supervisor)), d.text(a, R.id.attention_authorised_by))
        d.tap(a, R.id.action_confirm_resolution)
        d.pin(a, PASSWORD)
        val wrongLength = a.getString(R.string.refusal_invalid_input, a.getString(R.string.field_rrn), a.getString(R.string.problem_wrong_length))
        assertEquals(wrongLength, d.text(a, R.id.notice))
        assertEquals(AUTH_CODE, d.text(a, R.id.field_auth_code))

        d.type(a, R.id.field_rrn, RRN)
        d.tap(a, R.id.action_next)
        assertEquals("the note is kept", NOTE, d.text(a, R.id.field_resolution_note))
        d.tap(a, R.id.action_next)
        d.tap(a, R.id.action_confirm_resolution)
        d.pin(a, WRONG_PASSWORD)
        assertEquals(a.resources.getQuantityString(R.plurals.refusal_wrong_password, 4, 4), d.text(a, R.id.notice))
        assertTrue("still on the PIN pad", d.has(a, R.id.pin_dots))
        d.pin(a, PASSWORD)

        assertEquals(a.getString(R.string.leg_kind_void), d.text(a, R.id.attention_kind))
        val voidVoucher = d.text(a, R.id.attention_voucher_no)
        assertEquals(a.getString(R.string.attention_resolved_voided, voidVoucher, sale.voucherNo), d.text(a, R.id.attention_resolved))
        d.tap(a, R.id.action_done)
        d.find(a, R.id.attention_empty)
        d.back(a)
        assertTrue("Back leaves the list", a.isFinishing)

        assertFalse("resolved: no entry", d.has(d.launch(HomeActivity::class.java), R.id.menu_attention))
        val next = merchant.sale("3.00")
        val v = merchant.voidUpToPassword(next)
        d.pin(v, PASSWORD)
        d.find(v, R.id.void_success)
    }

    @Test
    fun theVoidAndSettlementScreensPointToItAndANeverHappenedAnswerLetsBothGoOn() {
        val sale = stuck()
        val other = merchant.sale("4.00")
        val v = d.launch(VoidActivity::class.java)
        d.tap(v, R.id.void_menu_void)
        d.type(v, R.id.field_voucher_no, other.voucherNo)
        d.tap(v, R.id.action_next)
        d.tap(v, R.id.action_confirm_transaction)
        d.type(v, R.id.field_date, other.businessDate)
        d.type(v, R.id.field_amount, other.amount)
        d.tap(v, R.id.action_next)
        assertEquals(v.getString(R.string.refusal_pending_host_work, 1), d.text(v, R.id.void_refusal))
        val fromVoid = d.expect(AttentionActivity::class.java) { d.tap(v, R.id.action_open_attention) }
        assertTrue(v.isFinishing)
        d.back(fromVoid)
        assertTrue(fromVoid.isFinishing)

        val s = d.launch(SettlementActivity::class.java)
        d.tap(s, R.id.action_settle)
        assertEquals(s.getString(R.string.refusal_pending_host_work, 1), d.text(s, R.id.notice))
        val a = d.expect(AttentionActivity::class.java) { d.tap(s, R.id.action_open_attention) }
        neverHappened(a)
        assertEquals(a.getString(R.string.attention_resolved_stands, sale.voucherNo), d.text(a, R.id.attention_resolved))
        d.tap(a, R.id.action_done)
        d.back(a)

        val again = merchant.voidUpToPassword(sale)
        d.pin(again, PASSWORD)
        d.find(again, R.id.void_success)
        val settle = d.launch(SettlementActivity::class.java)
        assertFalse(d.has(settle, R.id.action_open_attention))
        d.tap(settle, R.id.action_settle)
        d.find(settle, R.id.settlement_done)
    }

    @Test
    fun aSaleWhoseAnswerWasLostIsShownAsASaleAndTheAcquirersApprovalJournalsIt() {
        d.onCoreThread { d.app.terminal().setSimulatorMode(SimulatorMode.TIMEOUT) }
        val s = d.launch(SaleActivity::class.java)
        d.type(s, R.id.field_amount, "66.60")
        d.type(s, R.id.field_card_number, FULL_PAN)
        d.tap(s, R.id.action_record_sale)
        assertEquals(s.getString(R.string.refusal_host_unreachable), d.text(s, R.id.notice))
        assertEquals("the form keeps the amount", "66.60", d.text(s, R.id.field_amount))
        d.finishAll()
        d.onCoreThread {
            val t = d.app.terminal()
            t.reconcile()
            t.reconcile()
            t.setSimulatorMode(SimulatorMode.APPROVE)
        }
        var voucher = ""
        d.onCoreThread { voucher = checkNotNull(d.app.terminal().pendingHostWork().single().voucherNo) }

        val a = d.launch(AttentionActivity::class.java)
        d.tapView(a, d.findTagged(a, AttentionActivity.legTag(onlyLegId())))
        assertEquals(a.getString(R.string.leg_kind_sale), d.text(a, R.id.attention_kind))
        assertEquals(voucher, d.text(a, R.id.attention_voucher_no))
        d.tap(a, R.id.action_answer_approved)
        d.type(a, R.id.field_rrn, RRN)
        d.type(a, R.id.field_auth_code, AUTH_CODE)
        d.tap(a, R.id.action_next)
        d.type(a, R.id.field_resolution_note, NOTE)
        d.tap(a, R.id.action_next)
        d.tap(a, R.id.action_confirm_resolution)
        d.pin(a, PASSWORD)
        assertEquals(a.getString(R.string.attention_resolved_sale_approved, voucher), d.text(a, R.id.attention_resolved))
        assertEquals(a.getString(R.string.pending_approved), d.text(a, R.id.attention_state))
        d.onCoreThread { assertEquals(RRN, d.app.terminal().findTransaction(voucher)?.rrn) }
    }

    @Test
    fun everyStepSpeaksSimplifiedChinese() {
        stuck()
        assumeTrue("this host cannot switch the app's language", d.setLanguage("zh-CN"))
        try {
            val a = d.launch(AttentionActivity::class.java)
            assertChinese(a, "list")
            d.tapView(a, d.findTagged(a, AttentionActivity.legTag(onlyLegId())))
            assertChinese(a, "answer")
            d.tap(a, R.id.action_answer_approved)
            assertChinese(a, "approval")
            d.type(a, R.id.field_rrn, RRN)
            d.type(a, R.id.field_auth_code, AUTH_CODE)
            d.tap(a, R.id.action_next)
            assertChinese(a, "note")
            d.type(a, R.id.field_resolution_note, "收单机构客服 0042")
            d.tap(a, R.id.action_next)
            assertChinese(a, "confirm")
            d.tap(a, R.id.action_confirm_resolution)
            assertChinese(a, "password")
            d.pin(a, PASSWORD)
            assertChinese(a, "result")
            assertTrue(d.text(a, R.id.attention_resolved), CJK.containsMatchIn(d.text(a, R.id.attention_resolved)))
        } finally {
            d.setLanguage("en")
        }
    }

    /** The title and every worded button of the step on screen are Chinese. */
    private fun assertChinese(a: Activity, step: String) {
        val labels = mutableListOf(a.title.toString())
        fun walk(v: View) {
            if (v is Button && v.visibility == View.VISIBLE && LETTER.containsMatchIn(v.text)) labels += v.text.toString()
            if (v is ViewGroup) for (i in 0 until v.childCount) walk(v.getChildAt(i))
        }
        d.settle(a)
        d.instrumentation.runOnMainSync { walk(a.window.decorView) }
        assertTrue("$step: no buttons: ${d.screenText(a)}", labels.size > 1)
        for (label in labels) assertTrue("$step: '$label' is not Chinese", CJK.containsMatchIn(label))
    }

    private companion object {
        val CJK = Regex("[\\u4e00-\\u9fff]")
        val LETTER = Regex("[A-Za-z\\u4e00-\\u9fff]")
        const val RRN = "202612020042"
        const val AUTH_CODE = "H0T11E"
        const val NOTE = "acquirer hotline, agent 0042"
    }
}
