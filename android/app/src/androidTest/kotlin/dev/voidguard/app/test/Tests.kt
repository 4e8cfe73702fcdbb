package dev.voidguard.app.test

import android.view.View
import android.view.ViewGroup
import android.view.WindowManager
import android.view.accessibility.AccessibilityEvent
import android.widget.Button
import dev.voidguard.app.ActivationActivity
import dev.voidguard.app.AttentionActivity
import dev.voidguard.app.HomeActivity
import dev.voidguard.app.OperatorsActivity
import dev.voidguard.app.OwnPasswordActivity
import dev.voidguard.app.PasswordActivity
import dev.voidguard.app.R
import dev.voidguard.app.RefundActivity
import dev.voidguard.app.RequestsActivity
import dev.voidguard.app.SaleActivity
import dev.voidguard.app.SettlementActivity
import dev.voidguard.app.SignInActivity
import dev.voidguard.app.SlipActivity
import dev.voidguard.app.VoidActivity
import dev.voidguard.core.RequestKind
import dev.voidguard.testsupport.*
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
        assertEquals("the confirmation names the signed-in cashier", CASHIER, d.text(a, R.id.void_keyed_by))
        assertEquals(a.getString(R.string.operator_line, "00", a.getString(R.string.role_supervisor)), d.text(a, R.id.void_authorised_by))
        d.pin(a, PASSWORD)
        d.find(a, R.id.void_success)
        val voidVoucher = d.text(a, R.id.void_voucher_no)
        assertTrue(voidVoucher != sale.voucherNo)
        assertEquals(CASHIER, d.text(a, R.id.void_keyed_by))
        assertEquals("00", d.text(a, R.id.void_authorised_by))

        d.tap(a, R.id.action_show_slip)
        val slip = d.text(a, R.id.slip_text)
        assertTrue(slip, slip.contains(voidVoucher))
        assertTrue(slip, slip.contains(sale.voucherNo))
        assertFalse("no full card number on a slip", slip.contains(FULL_PAN))
        assertTrue("the slip names the cashier: $slip", Regex("""OPERATOR[^\n]*: $CASHIER""").containsMatchIn(slip))
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
        for (screen in listOf(ActivationActivity::class.java, PasswordActivity::class.java, VoidActivity::class.java, RefundActivity::class.java,
            RequestsActivity::class.java, SettlementActivity::class.java, SaleActivity::class.java, SlipActivity::class.java,
            SignInActivity::class.java, OperatorsActivity::class.java, AttentionActivity::class.java, OwnPasswordActivity::class.java)) {
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

/** Signing in and out through the screens, and home offering each operator what they may do. */
class SessionTest : MerchantTest() {
    @Test
    fun homeRoutesTheCashierToTheMoneyTilesAndTheAdministratorToOperators() {
        val cashier = d.launch(HomeActivity::class.java)
        assertEquals(cashier.getString(R.string.operator_line, CASHIER, cashier.getString(R.string.role_cashier)),
            d.text(cashier, R.id.signed_in_operator))
        for (tile in MONEY_TILES) assertTrue(d.name(cashier, tile), d.has(cashier, tile))
        d.tap(cashier, R.id.action_sign_out)
        d.find(cashier, R.id.action_sign_in)
        for (tile in MONEY_TILES) assertFalse("signed out: ${d.name(cashier, tile)}", d.has(cashier, tile))

        merchant.signIn(ADMINISTRATOR, ADMIN_PASSWORD)
        val admin = d.launch(HomeActivity::class.java)
        d.find(admin, R.id.menu_operators)
        for (tile in MONEY_TILES) assertFalse("the administrator: ${d.name(admin, tile)}", d.has(admin, tile))
        d.tap(admin, R.id.action_sign_out)
        d.find(admin, R.id.action_sign_in)
    }

    @Test
    fun homeSignsInThroughTheSignInScreen() {
        d.signOutNow()
        val home = d.launch(HomeActivity::class.java)
        val signIn = d.expect(SignInActivity::class.java) { d.tap(home, R.id.action_sign_in) }
        d.pin(signIn, CASHIER)
        d.pin(signIn, CASHIER_PASSWORD)
        d.tap(signIn, R.id.pin_ok)
        assertTrue(d.screenText(signIn), signIn.isFinishing)
        d.back(home)
        d.find(d.launch(HomeActivity::class.java), R.id.menu_sale)
    }

    @Test
    fun aWrongPasswordSaysTheAttemptsLeftAndFiveLockTheCashier() {
        d.signOutNow()
        val a = d.launch(SignInActivity::class.java)
        d.pin(a, "05")
        assertEquals(a.getString(R.string.refusal_unknown_operator, "05"), d.text(a, R.id.notice))
        d.pin(a, CASHIER)
        repeat(4) { attempt ->
            d.pin(a, "9999")
            d.tap(a, R.id.pin_ok)
            val left = 4 - attempt
            assertEquals(a.resources.getQuantityString(R.plurals.refusal_wrong_operator_password, left, CASHIER, left), d.text(a, R.id.notice))
        }
        d.pin(a, "9999")
        d.tap(a, R.id.pin_ok)
        val locked = d.text(a, R.id.notice)
        val lockedPrefix = a.getString(R.string.refusal_operator_locked_until, CASHIER, "\u0000").substringBefore('\u0000')
        assertTrue(locked, locked.startsWith(lockedPrefix))
        assertTrue("back on the number step: ${d.screenText(a)}", d.has(a, R.id.entry_digits))
        assertFalse(a.isFinishing)
    }

    @Test
    fun aNewProcessHasNobodySignedInAndTheJournalKept() {
        val sale = merchant.sale("6.60")
        d.reopenTerminal()
        val home = d.launch(HomeActivity::class.java)
        d.find(home, R.id.action_sign_in)
        merchant.signIn(CASHIER, CASHIER_PASSWORD)
        val slip = d.launch(SlipActivity::class.java) { putExtra(SlipActivity.EXTRA_VOUCHER, sale.voucherNo) }
        assertTrue(d.text(slip, R.id.slip_text).contains(sale.voucherNo))
    }

    @Test
    fun aSaleIsKeyedByTheSignedInCashier() {
        merchant.signOut()
        merchant.signIn(ADMINISTRATOR, ADMIN_PASSWORD)
        merchant.addCashier("03", "602917")
        merchant.signOut()
        merchant.signIn("03", "602917")
        val a = d.launch(SaleActivity::class.java)
        assertEquals("03", d.text(a, R.id.sale_operator))
        d.type(a, R.id.field_amount, "7.00")
        d.type(a, R.id.field_card_number, FULL_PAN)
        d.tap(a, R.id.action_record_sale)
        d.find(a, R.id.sale_recorded)
        assertEquals("03", d.text(a, R.id.sale_operator))
    }

    private companion object {
        val MONEY_TILES = listOf(R.id.menu_void, R.id.menu_sale, R.id.menu_settlement)
    }
}

/** The administrator's screen, through the taps. */
class OperatorsTest : MerchantTest() {
    @Test
    fun theAdministratorAddsGivesANewPasswordAndRemovesACashier() {
        d.signInAs(ADMINISTRATOR, ADMIN_PASSWORD)
        merchant.addCashier("03", "6029")
        val a = d.launch(OperatorsActivity::class.java)
        d.tapView(a, d.findTagged(a, OperatorsActivity.operatorTag("03")))
        assertEquals(a.getString(R.string.operator_active), d.text(a, R.id.operator_standing))
        d.tap(a, R.id.action_reset_operator_password)
        repeat(2) {
            d.pin(a, "58203174")
        }
        assertEquals(a.getString(R.string.operators_password_was_reset, "03"), d.text(a, R.id.operators_change))

        d.tapView(a, d.findTagged(a, OperatorsActivity.operatorTag("03")))
        d.tap(a, R.id.action_remove_operator)
        d.tap(a, R.id.action_confirm_remove)
        assertEquals(a.getString(R.string.operators_removed, "03"), d.text(a, R.id.operators_change))
        assertFalse("a removed cashier is no longer offered", d.screenText(a).contains(
            a.getString(R.string.operator_button, "03", a.getString(R.string.role_cashier), a.getString(R.string.operator_active)),
        ))

        d.signOutNow()
        val signIn = d.launch(SignInActivity::class.java)
        d.pin(signIn, "03")
        assertEquals(signIn.getString(R.string.refusal_unknown_operator, "03"), d.text(signIn, R.id.notice))
    }

    @Test
    fun aCashierNumberIsTwoDigitsFrom01To98() {
        d.signInAs(ADMINISTRATOR, ADMIN_PASSWORD)
        val a = d.launch(OperatorsActivity::class.java)
        d.tap(a, R.id.action_add_cashier)
        d.pin(a, "99")
        assertEquals(a.getString(R.string.notice_not_a_cashier_number), d.text(a, R.id.notice))
        d.pin(a, CASHIER)
        assertEquals(a.getString(R.string.refusal_operator_exists, CASHIER), d.text(a, R.id.notice))
    }
}
