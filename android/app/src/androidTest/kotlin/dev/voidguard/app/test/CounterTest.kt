package dev.voidguard.app.test

import android.app.Activity
import android.view.View
import android.widget.Button
import android.widget.TextView
import dev.voidguard.app.AdminActivity
import dev.voidguard.app.HomeActivity
import dev.voidguard.app.JournalActivity
import dev.voidguard.app.R
import dev.voidguard.app.Screen
import dev.voidguard.app.SlipActivity
import dev.voidguard.app.VoidActivity
import dev.voidguard.testsupport.*
import java.util.TimeZone
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertTrue
import org.junit.Assume.assumeTrue
import org.junit.Test

/**
 * The screens as a merchant at the counter uses them: the money actions as tiles on
 * home and administration one level down, the primary action unlike Back, digits keyed
 * on the screen's keypad, times in the terminal's offset.
 */
class CounterTest : MerchantTest() {
    @Test
    fun homeIsTheMoneyTilesWithAdministrationOneLevelDown() {
        val home = d.launch(HomeActivity::class.java)
        val tiles = listOf(R.id.menu_sale, R.id.menu_void, R.id.menu_refund, R.id.menu_settlement, R.id.menu_journal)
        val tops = tiles.map { top(home, it) }
        assertTrue(
            "sale and void side by side, refund and settlement below, journal last: $tops",
            tops[0] == tops[1] && tops[2] == tops[3] && tops[2] > tops[0] && tops[4] > tops[2],
        )
        for (id in tiles) {
            val tile = d.find(home, id)
            assertTrue("${d.name(home, id)} is a large tile: ${tile.height}px", tile.height >= dp(home, Screen.TILE_DP))
        }
        for (id in listOf(R.id.menu_requests, R.id.menu_password, R.id.menu_audit, R.id.menu_settings)) {
            assertFalse("${d.name(home, id)} is not on home", d.has(home, id))
        }
        val admin = d.expect(AdminActivity::class.java) { d.tap(home, R.id.menu_admin) }
        for (id in listOf(R.id.menu_requests, R.id.menu_password, R.id.menu_own_password, R.id.menu_audit, R.id.menu_settings)) {
            d.find(admin, id)
        }
        assertFalse("only the administrator manages operators", d.has(admin, R.id.menu_operators))
    }

    @Test
    fun eachStepsPrimaryActionLooksUnlikeBack() {
        val v = d.launch(VoidActivity::class.java)
        d.tap(v, R.id.void_menu_void)
        val next = d.find(v, R.id.action_next) as Button
        val back = d.find(v, R.id.action_back) as Button
        assertEquals("the primary action is white on the accent colour", Screen.PRIMARY_INK, next.currentTextColor)
        assertNotEquals("Back is not", next.currentTextColor, back.currentTextColor)
    }

    @Test
    fun aVoucherDateAndAmountAreKeyedOnTheScreensKeypad() {
        val sale = merchant.sale("12.34")
        val v = d.launch(VoidActivity::class.java)
        d.tap(v, R.id.void_menu_void)
        var soft = true
        d.instrumentation.runOnMainSync { soft = (v.findViewById<View>(R.id.field_voucher_no) as TextView).showSoftInputOnFocus }
        assertFalse("no system keyboard for a voucher number", soft)
        d.keys(v, sale.voucherNo)
        assertEquals(sale.voucherNo, d.text(v, R.id.field_voucher_no))
        d.tap(v, R.id.action_next)
        d.tap(v, R.id.action_confirm_transaction)
        val date = sale.businessDate.replace("-", "")
        d.keys(v, date)
        d.tap(v, R.id.field_amount)
        d.keys(v, "12.3.4")
        assertEquals(date, d.text(v, R.id.field_date))
        assertEquals("one decimal point at most", "12.34", d.text(v, R.id.field_amount))
        d.tap(v, R.id.entry_key_backspace)
        assertEquals("12.3", d.text(v, R.id.field_amount))
        d.keys(v, "4")
        d.tap(v, R.id.action_next)
        d.find(v, R.id.reason_0)
    }

    @Test
    fun thePinPadsRowsAreAlignedAndItsKeysWholeAtTheLargestFontScale() {
        assumeTrue("this host cannot change the font size", d.setFontScale(2.0f))
        try {
            val sale = merchant.sale("3.00")
            val v = merchant.voidUpToPassword(sale)
            val rows = listOf(
                listOf(R.id.pin_1, R.id.pin_2, R.id.pin_3),
                listOf(R.id.pin_4, R.id.pin_5, R.id.pin_6),
                listOf(R.id.pin_7, R.id.pin_8, R.id.pin_9),
                listOf(R.id.pin_clear, R.id.pin_0, R.id.pin_backspace),
            )
            for (row in rows) {
                val keys = row.map { d.find(v, it) as Button }
                assertEquals("one top for the row ${row.map { d.name(v, it) }}", 1, keys.map { top(v, it.id) }.toSet().size)
                assertEquals("one height for the row ${row.map { d.name(v, it) }}", 1, keys.map { it.height }.toSet().size)
                for (k in keys) assertWhole(v, k)
            }
        } finally {
            d.setFontScale(1.0f)
        }
    }

    @Test
    fun timesOnScreenAreTheTerminalsNotTheDevicesZone() {
        val device = TimeZone.getDefault()
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"))
            val sale = merchant.sale("6.60")
            val v = d.launch(VoidActivity::class.java)
            d.tap(v, R.id.void_menu_void)
            d.type(v, R.id.field_voucher_no, sale.voucherNo)
            d.tap(v, R.id.action_next)
            val shown = d.text(v, R.id.transaction_time)
            val slip = d.launch(SlipActivity::class.java) { putExtra(SlipActivity.EXTRA_VOUCHER, sale.voucherNo) }
            assertTrue("'$shown' is the slip's time: ${d.text(slip, R.id.slip_text)}", d.text(slip, R.id.slip_text).contains(shown))
            val journal = d.launch(JournalActivity::class.java)
            assertTrue("the journal says '$shown' too: ${d.screenText(journal)}", d.screenText(journal).contains(shown))
        } finally {
            TimeZone.setDefault(device)
        }
    }

    private fun top(a: Activity, id: Int): Int {
        val view = d.find(a, id)
        val at = IntArray(2)
        d.instrumentation.runOnMainSync { view.getLocationOnScreen(at) }
        return at[1]
    }

    private fun dp(a: Activity, v: Int): Int = (v * a.resources.displayMetrics.density).toInt()

    /** The key's text fits inside it: one line for a digit, nothing cut off at the bottom. */
    private fun assertWhole(a: Activity, key: Button) {
        var fits = true
        var detail = ""
        d.instrumentation.runOnMainSync {
            val layout = key.layout
            val textHeight = layout?.height ?: 0
            val room = key.height - key.compoundPaddingTop - key.compoundPaddingBottom
            fits = layout != null && textHeight <= room && (layout.lineCount == 1 || !key.text[0].isDigit())
            detail = "text ${textHeight}px in ${room}px, ${layout?.lineCount} lines"
        }
        assertTrue("${d.name(a, key.id)} '${key.text}' is clipped: $detail", fits)
    }
}

/**
 * A screen recreated — the language or the font size changed, or Android ended the
 * process in the background and the merchant came back — keeps its step and what was
 * typed, except the password, which is keyed again.
 */
class RecreationTest : MerchantTest() {
    @After
    fun defaults() {
        d.setLanguage("en")
        d.setFontScale(1.0f)
    }

    @Test
    fun aLanguageChangeKeepsTheStepAndTheTypedAmount() {
        val sale = merchant.sale("12.34")
        val v = d.launch(VoidActivity::class.java)
        d.tap(v, R.id.void_menu_void)
        d.type(v, R.id.field_voucher_no, sale.voucherNo)
        d.tap(v, R.id.action_next)
        d.tap(v, R.id.action_confirm_transaction)
        d.type(v, R.id.field_date, sale.businessDate)
        d.type(v, R.id.field_amount, "12.3")
        var switched = false
        val again = d.recreate(v) { switched = d.setLanguage("zh-CN") } ?: return assumeTrue("this host cannot recreate a screen", false)
        assumeTrue("this host cannot switch the app's language", switched)
        assertEquals(sale.businessDate, d.text(again, R.id.field_date))
        assertEquals("12.3", d.text(again, R.id.field_amount))
        assertTrue("the date and amount step: ${d.screenText(again)}", d.screenText(again).contains(again.getString(R.string.void_step_date_amount)))
        assertTrue("now in Chinese: ${d.screenText(again)}", Regex("[\\u4e00-\\u9fff]").containsMatchIn(d.screenText(again)))
    }

    @Test
    fun aFontScaleChangeAtThePasswordStepKeepsTheStepButNotTheDigits() {
        val sale = merchant.sale("9.90")
        val v = merchant.voidUpToPassword(sale)
        d.pin(v, PASSWORD.take(4))
        var scaled = false
        val again = d.recreate(v) { scaled = d.setFontScale(1.3f) } ?: return assumeTrue("this host cannot recreate a screen", false)
        assumeTrue("this host cannot change the font size", scaled)
        assertEquals("the step is kept", CASHIER, d.text(again, R.id.void_keyed_by))
        assertEquals("no digit of the password is kept", again.getString(R.string.pin_filled, 0, 6), d.find(again, R.id.pin_dots).contentDescription)
        d.pin(again, PASSWORD)
        d.find(again, R.id.void_success)
    }

    @Test
    fun aProcessEndedInTheBackgroundKeepsTheSaleFormsAmountButNotTheCardNumber() {
        val a = d.launch(dev.voidguard.app.SaleActivity::class.java)
        d.type(a, R.id.field_amount, "45.60")
        d.type(a, R.id.field_card_number, FULL_PAN)
        val again = d.recreate(a) {
            d.reopenTerminal()
            d.signInAs(CASHIER, CASHIER_PASSWORD)
        } ?: return assumeTrue("this host cannot recreate a screen", false)
        assertEquals("45.60", d.text(again, R.id.field_amount))
        assertEquals("a full card number is never kept", "", d.text(again, R.id.field_card_number))
    }

    @Test
    fun theSavedStateHoldsNoSecret() {
        val sale = merchant.sale("7.70")
        val v = merchant.voidUpToPassword(sale)
        d.pin(v, PASSWORD.take(5))
        val saved = android.os.Bundle()
        d.instrumentation.runOnMainSync { d.instrumentation.callActivityOnSaveInstanceState(v, saved) }
        val everything = flatten(saved)
        assertFalse("no password digits in the saved state: $everything", everything.contains(PASSWORD.take(5)))
        val s = d.launch(dev.voidguard.app.SaleActivity::class.java)
        d.type(s, R.id.field_card_number, FULL_PAN)
        val sold = android.os.Bundle()
        d.instrumentation.runOnMainSync { d.instrumentation.callActivityOnSaveInstanceState(s, sold) }
        assertFalse("no card number in the saved state", flatten(sold).contains(FULL_PAN))
    }

    private fun flatten(b: android.os.Bundle): String = b.keySet().joinToString(" ") { k ->
        @Suppress("DEPRECATION")
        when (val v = b.get(k)) {
            is android.os.Bundle -> "$k{${flatten(v)}}"
            is Array<*> -> "$k=${v.joinToString(",")}"
            is android.util.SparseArray<*> -> "$k=" + (0 until v.size()).joinToString(",") { v.valueAt(it).toString() }
            else -> "$k=$v"
        }
    }
}
