package dev.voidguard.app.test

import android.view.View
import android.view.ViewGroup
import android.view.WindowManager
import android.view.accessibility.AccessibilityEvent
import android.widget.Button
import dev.voidguard.app.ActivationActivity
import dev.voidguard.app.HomeActivity
import dev.voidguard.app.PasswordActivity
import dev.voidguard.app.R
import dev.voidguard.app.RequestsActivity
import dev.voidguard.app.SaleActivity
import dev.voidguard.app.SettlementActivity
import dev.voidguard.app.SlipActivity
import dev.voidguard.app.VoidActivity
import dev.voidguard.core.RequestKind
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test

abstract class MerchantTest {
    protected val d = Driver()
    protected val merchant = Merchant(d)

    @Before
    fun fresh() = merchant.ready()

    @After
    fun closeScreens() = d.finishAll()
}

class VoidFlowTest : MerchantTest() {
    @Test
    fun aSameDaySaleIsVoidedAndItsSlipShown() {
        val sale = merchant.sale("12.34")
        val a = merchant.voidUpToPassword(sale)
        assertTrue("the void screen forbids screenshots", secure(a))
        d.pin(a, PASSWORD)
        d.find(a, R.id.void_success)
        val voidVoucher = d.text(a, R.id.void_voucher_no)
        assertTrue(voidVoucher != sale.voucherNo)

        d.tap(a, R.id.action_show_slip)
        val slip = d.text(a, R.id.slip_text)
        assertTrue(slip, slip.contains(voidVoucher))
        assertTrue(slip, slip.contains(sale.voucherNo))
        assertFalse("no full card number on a slip", slip.contains(FULL_PAN))
        d.tap(a, R.id.action_done)
        d.find(a, R.id.void_menu_void)
    }

    @Test
    fun aWrongAmountIsExplainedBeforeThePassword() {
        val sale = merchant.sale("12.34")
        val a = d.launch(VoidActivity::class.java)
        d.tap(a, R.id.void_menu_void)
        d.type(a, R.id.field_voucher_no, sale.voucherNo)
        d.tap(a, R.id.action_next)
        d.tap(a, R.id.action_confirm_transaction)
        d.type(a, R.id.field_date, sale.businessDate)
        d.type(a, R.id.field_amount, "12.35")
        d.tap(a, R.id.action_next)
        assertEquals(a.getString(R.string.refusal_amount_mismatch), d.text(a, R.id.notice))
        assertFalse(d.has(a, R.id.pin_dots))
    }
}

class LockoutTest : MerchantTest() {
    @Test
    fun fiveWrongPasswordsLockUntilTheBackOfficeLiftsIt() {
        val sale = merchant.sale("20.00")
        val a = merchant.voidUpToPassword(sale)
        repeat(4) { attempt ->
            d.pin(a, WRONG_PASSWORD)
            val left = 4 - attempt
            assertEquals(a.resources.getQuantityString(R.plurals.refusal_wrong_password, left, left), d.text(a, R.id.void_refusal))
            d.tap(a, R.id.action_retry_password)
        }
        d.pin(a, WRONG_PASSWORD)
        val locked = d.text(a, R.id.void_refusal)
        assertTrue(locked, locked.startsWith(a.getString(R.string.refusal_locked_until, "").trimEnd('.', '。')))

        val requests = d.expect(RequestsActivity::class.java) { d.tap(a, R.id.action_lift_restriction) }
        val code = merchant.apply(requests, "密码输错被锁定")
        merchant.redeem(requests, RequestKind.LIFT_RESTRICTION, code)
        d.tap(requests, R.id.action_done)

        val again = merchant.voidUpToPassword(sale)
        d.pin(again, PASSWORD)
        d.find(again, R.id.void_success)
    }
}

class SettlementTest : MerchantTest() {
    @Test
    fun settlementShowsTotalsAndEndsVoidingForTheBatch() {
        val first = merchant.sale("10.00")
        val second = merchant.sale("2.50")
        val v = merchant.voidUpToPassword(first)
        d.pin(v, PASSWORD)
        d.find(v, R.id.void_success)

        val s = d.launch(SettlementActivity::class.java)
        assertTrue("the settlement report is a slip", secure(s))
        d.tap(s, R.id.action_settle)
        d.find(s, R.id.settlement_done)
        assertEquals(s.getString(R.string.count_and_total, 2, s.getString(R.string.money_cny, "12.50")), d.text(s, R.id.settlement_sales))
        assertEquals(s.getString(R.string.count_and_total, 1, s.getString(R.string.money_cny, "10.00")), d.text(s, R.id.settlement_voids))
        assertEquals(s.getString(R.string.money_cny, "2.50"), d.text(s, R.id.settlement_net))

        val after = d.launch(VoidActivity::class.java)
        d.tap(after, R.id.void_menu_void)
        d.type(after, R.id.field_voucher_no, second.voucherNo)
        d.tap(after, R.id.action_next)
        assertEquals(after.getString(R.string.blocker_settled), d.text(after, R.id.notice))
        assertFalse("a settled sale offers no void", d.has(after, R.id.action_confirm_transaction))
    }
}

class ResetTest : MerchantTest() {
    @Test
    fun aLostPasswordIsResetWithApprovalAndANewPassword() {
        val r = d.launch(RequestsActivity::class.java)
        d.tap(r, R.id.action_apply_reset)
        val code = merchant.apply(r, "忘记撤销密码")
        merchant.redeem(r, RequestKind.PASSWORD_RESET, code, newPassword = NEW_PASSWORD)
        d.tap(r, R.id.action_done)

        val sale = merchant.sale("5.00")
        val v = merchant.voidUpToPassword(sale)
        d.pin(v, PASSWORD)
        d.find(v, R.id.void_refusal)
        d.tap(v, R.id.action_retry_password)
        d.pin(v, NEW_PASSWORD)
        d.find(v, R.id.void_success)
    }
}

class ScreensTest : MerchantTest() {
    @Test
    fun everyScreenWithAPasswordOrASlipIsSecureAndHomeIsNot() {
        // A secret, a code, a slip or a full card number on screen: no screenshots, no thumbnail.
        for (screen in listOf(ActivationActivity::class.java, PasswordActivity::class.java, VoidActivity::class.java,
            RequestsActivity::class.java, SettlementActivity::class.java, SaleActivity::class.java, SlipActivity::class.java)) {
            assertTrue(screen.simpleName, secure(d.launch(screen)))
        }
        assertFalse(secure(d.launch(HomeActivity::class.java)))
    }

    @Test
    fun touchTargetsAreAtLeast48dpAndThePinPadLarger() {
        val home = d.launch(HomeActivity::class.java)
        d.find(home, R.id.menu_void)
        val density = home.resources.displayMetrics.density
        buttons(home.window.decorView).forEach {
            assertTrue("${d.name(home, it.id)} is ${it.height / density}dp high", it.height >= 48 * density)
        }
        val password = d.launch(PasswordActivity::class.java)
        val key = d.find(password, R.id.pin_5)
        assertTrue(key.height >= 64 * density)
    }

    @Test
    fun pinKeysDoNotAnnounceTheirDigits() {
        val p = d.launch(PasswordActivity::class.java)
        val keys = listOf(R.id.pin_0, R.id.pin_1, R.id.pin_2, R.id.pin_3, R.id.pin_4, R.id.pin_5, R.id.pin_6, R.id.pin_7, R.id.pin_8, R.id.pin_9)
        keys.forEachIndexed { digit, id ->
            val key = d.find(p, id)
            var spoken = ""
            d.instrumentation.runOnMainSync {
                val info = key.createAccessibilityNodeInfo()
                val event = AccessibilityEvent.obtain(AccessibilityEvent.TYPE_VIEW_CLICKED)
                key.onInitializeAccessibilityEvent(event)
                key.dispatchPopulateAccessibilityEvent(event)
                spoken = listOfNotNull(info.text, info.contentDescription, event.contentDescription).joinToString(" ") +
                    " " + event.text.joinToString(" ")
            }
            assertFalse("PIN key $digit announces '$spoken'", spoken.contains(digit.toString()))
            assertTrue("PIN key $digit says nothing at all", spoken.isNotBlank())
        }
    }

    private fun buttons(view: View): List<Button> = when (view) {
        is Button -> listOf(view)
        is ViewGroup -> (0 until view.childCount).flatMap { buttons(view.getChildAt(it)) }
        else -> emptyList()
    }
}

fun secure(a: android.app.Activity): Boolean =
    a.window.attributes.flags and WindowManager.LayoutParams.FLAG_SECURE != 0
