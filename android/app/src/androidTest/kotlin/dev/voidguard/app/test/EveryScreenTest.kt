package dev.voidguard.app.test

import android.app.Activity
import android.view.View
import android.view.ViewGroup
import android.widget.Button
import dev.voidguard.app.ActivationActivity
import dev.voidguard.app.AdminActivity
import dev.voidguard.app.AttentionActivity
import dev.voidguard.app.AuditActivity
import dev.voidguard.app.HomeActivity
import dev.voidguard.app.JournalActivity
import dev.voidguard.app.OperatorsActivity
import dev.voidguard.app.OwnPasswordActivity
import dev.voidguard.app.PasswordActivity
import dev.voidguard.app.R
import dev.voidguard.app.RefundActivity
import dev.voidguard.app.RequestsActivity
import dev.voidguard.app.SaleActivity
import dev.voidguard.app.SettingsActivity
import dev.voidguard.app.SettlementActivity
import dev.voidguard.app.SignInActivity
import dev.voidguard.app.SlipActivity
import dev.voidguard.app.VoidActivity
import dev.voidguard.testsupport.*
import java.io.File
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Assume.assumeTrue
import org.junit.Test

/**
 * Every screen the merchant can reach, in both languages, each one left by Back. The
 * cashier is signed in, except for the sign-in screen (nobody is, and the cashier's
 * number is keyed to reach the password) and the operators' screen (the administrator is).
 */
class EveryScreenTest : MerchantTest() {
    @After
    fun english() {
        d.setLanguage("en")
    }

    @Test
    fun everyScreenSpeaksEnglishAndSimplifiedChinese() {
        val sale = merchant.sale("8.80")
        assumeTrue("this host cannot switch the app's language", d.setLanguage("en"))
        for ((language, cjk) in listOf("en" to false, "zh-CN" to true)) {
            d.setLanguage(language)
            for (screen in SCREENS) {
                val a = open(screen, sale)
                if (screen == SignInActivity::class.java) d.pin(a, CASHIER)
                val labels = labels(a)
                assertTrue("$language ${screen.simpleName}: no labels: ${d.screenText(a)}", labels.isNotEmpty())
                for (label in labels + a.title.toString()) {
                    assertEquals("$language ${screen.simpleName}: '$label'", cjk, CJK.containsMatchIn(label))
                }
                d.finishAll()
            }
        }
    }

    @Test
    fun traditionalChineseLocalesGetTheChineseScreensAndSlips() {
        val sale = merchant.sale("8.80")
        assumeTrue("this host cannot switch the app's language", d.setLanguage("zh-TW"))
        for (language in listOf("zh-TW", "zh-HK")) {
            d.setLanguage(language)
            for (screen in listOf(HomeActivity::class.java, AdminActivity::class.java, VoidActivity::class.java, RefundActivity::class.java, SlipActivity::class.java)) {
                val a = open(screen, sale)
                for (label in labels(a) + a.title.toString()) {
                    assertTrue("$language ${screen.simpleName}: '$label' is not Chinese", CJK.containsMatchIn(label))
                }
                if (screen == SlipActivity::class.java) {
                    assertTrue("$language: the slip is Chinese too: ${d.text(a, R.id.slip_text)}", CJK.containsMatchIn(d.text(a, R.id.slip_text)))
                }
                d.finishAll()
            }
        }
    }

    @Test
    fun backLeavesEveryScreen() {
        val sale = merchant.sale("8.80")
        for (screen in SCREENS) {
            val a = open(screen, sale)
            leaveByBack(a)
        }
        val signIn = open(SignInActivity::class.java, sale)
        d.pin(signIn, CASHIER)
        d.find(signIn, R.id.pin_ok)
        leaveByBack(signIn)
    }

    @Test
    fun backLeavesAScreenWhoseTerminalCannotOpen() {
        d.onCoreThread {
            val name = "broken-${System.nanoTime()}.db"
            File(d.app.filesDir, name).writeText("this is not a database, and must be kept as it is")
            d.app.useDatabase(name)
        }
        for (screen in listOf(HomeActivity::class.java, AdminActivity::class.java, VoidActivity::class.java, RefundActivity::class.java, PasswordActivity::class.java,
            SettlementActivity::class.java,
            SignInActivity::class.java, OperatorsActivity::class.java, AttentionActivity::class.java, OwnPasswordActivity::class.java)) {
            val a = d.launch(screen)
            assertTrue(d.screenText(a), d.screenText(a).contains(a.getString(R.string.terminal_unavailable_title)))
            leaveByBack(a)
        }
    }

    private fun leaveByBack(a: Activity) {
        // A screen with steps goes back a step at a time: never more than a few.
        repeat(MAX_BACKS) { if (!a.isFinishing) d.back(a) }
        assertTrue("${a.javaClass.simpleName} is still open after $MAX_BACKS Backs: ${d.screenText(a)}", a.isFinishing)
    }

    /** Opens [screen] with whoever may use it signed in (nobody, for sign-in itself). */
    private fun open(screen: Class<out Activity>, sale: Sale): Activity {
        when (screen) {
            SignInActivity::class.java -> d.signOutNow()
            OperatorsActivity::class.java -> d.signInAs(ADMINISTRATOR, ADMIN_PASSWORD)
            else -> d.signInAs(CASHIER, CASHIER_PASSWORD)
        }
        return d.launch(screen) {
            if (screen == SlipActivity::class.java) putExtra(SlipActivity.EXTRA_VOUCHER, sale.voucherNo)
        }
    }

    /** The words on the screen's buttons: every one is a string resource. */
    private fun labels(a: Activity): List<String> {
        val found = mutableListOf<String>()
        fun walk(v: View) {
            if (v is Button && v.visibility == View.VISIBLE && LETTER.containsMatchIn(v.text)) found += v.text.toString()
            if (v is ViewGroup) for (i in 0 until v.childCount) walk(v.getChildAt(i))
        }
        d.settle(a)
        d.instrumentation.runOnMainSync { walk(a.window.decorView) }
        return found
    }

    private companion object {
        const val MAX_BACKS = 4
        val CJK = Regex("[\\u4e00-\\u9fff]")
        val LETTER = Regex("[A-Za-z\\u4e00-\\u9fff]")
        val SCREENS = listOf(
            HomeActivity::class.java, AdminActivity::class.java, ActivationActivity::class.java, PasswordActivity::class.java,
            VoidActivity::class.java, RefundActivity::class.java, SaleActivity::class.java, JournalActivity::class.java,
            SettlementActivity::class.java, RequestsActivity::class.java, AuditActivity::class.java,
            SettingsActivity::class.java, SlipActivity::class.java, SignInActivity::class.java,
            OperatorsActivity::class.java, AttentionActivity::class.java, OwnPasswordActivity::class.java,
        )
    }
}

/** A hurried finger: the second tap of a double tap does nothing. */
class DoubleTapTest {
    private val d = Driver()
    private val merchant = Merchant(d)

    @After
    fun closeScreens() = d.finishAll()

    @Test
    fun aDoubleTapOnActivateActivatesOnce() {
        d.freshTerminal()
        val a = d.launch(ActivationActivity::class.java)
        d.type(a, R.id.field_merchant_no, MERCHANT_NO)
        d.type(a, R.id.field_terminal_id, TERMINAL_ID)
        d.type(a, R.id.field_terminal_secret, SECRET_HEX)
        d.doubleTap(a, R.id.action_activate)
        d.find(a, R.id.activation_done)
        assertFalse("no refusal after a successful activation: ${d.screenText(a)}", d.has(a, R.id.notice))
    }

    @Test
    fun aDoubleTapOnRecordSaleRecordsOneSale() {
        merchant.ready()
        val first = d.launch(SaleActivity::class.java)
        d.type(first, R.id.field_amount, "3.00")
        d.type(first, R.id.field_card_number, FULL_PAN)
        d.doubleTap(first, R.id.action_record_sale)
        val voucher = d.text(first, R.id.sale_voucher_no)
        d.tap(first, R.id.action_back)
        val next = merchant.sale("4.00")
        assertEquals("the voucher after a double-tapped sale is the next one", "%06d".format(voucher.toInt() + 1), next.voucherNo)
    }
}

/** What a field asks for stays on screen once the merchant has typed into it. */
class FieldLabelTest {
    private val d = Driver()

    @After
    fun closeScreens() = d.finishAll()

    @Test
    fun aFilledFieldKeepsItsLabel() {
        d.freshTerminal()
        val a = d.launch(ActivationActivity::class.java)
        d.type(a, R.id.field_merchant_no, MERCHANT_NO)
        d.type(a, R.id.field_terminal_id, TERMINAL_ID)
        val shown = d.screenText(a)
        for (label in listOf(R.string.field_merchant_no, R.string.field_terminal_id, R.string.field_terminal_secret)) {
            assertTrue("'${a.getString(label)}' is not on screen: $shown", shown.contains(a.getString(label)))
        }
    }
}
