package dev.voidguard.app.test

import android.app.Activity
import dev.voidguard.app.ActivationActivity
import dev.voidguard.app.HomeActivity
import dev.voidguard.app.OperatorsActivity
import dev.voidguard.app.PasswordActivity
import dev.voidguard.app.R
import dev.voidguard.app.RequestsActivity
import dev.voidguard.app.SaleActivity
import dev.voidguard.app.SignInActivity
import dev.voidguard.app.VoidActivity
import dev.voidguard.core.RequestKind
import dev.voidguard.testsupport.*
import org.junit.Assert.assertTrue

/** A sale as the sale screen reported it. */
data class Sale(val voucherNo: String, val businessDate: String, val amount: String)

/** The merchant's steps, each done by tapping through the real screens. */
class Merchant(val d: Driver) {
    fun activate() {
        val a = d.launch(ActivationActivity::class.java)
        d.type(a, R.id.field_merchant_no, MERCHANT_NO)
        d.type(a, R.id.field_terminal_id, TERMINAL_ID)
        d.type(a, R.id.field_terminal_secret, SECRET_HEX)
        d.tap(a, R.id.action_activate)
        d.find(a, R.id.activation_done)
        d.tap(a, R.id.action_done)
    }

    /** Applies for [kind] on the screen [a] shows the form on, and returns the request code. */
    fun apply(a: Activity, reason: String): String {
        d.type(a, R.id.field_application_reason, reason)
        d.type(a, R.id.field_id_number, "11010519491231002X")
        d.type(a, R.id.field_licence_no, "91110000802100433B")
        d.type(a, R.id.field_contact, "13800138000")
        d.tap(a, R.id.action_submit_application)
        return d.text(a, R.id.request_code)
    }

    /** Redeems the back office's code for the request on screen; a reset also keys [newPassword] twice. */
    fun redeem(a: Activity, kind: RequestKind, requestCode: String, newPassword: String? = null) {
        d.tap(a, R.id.action_enter_approval_code)
        d.type(a, R.id.field_approval_code, BackOffice.approve(kind, requestCode))
        d.tap(a, R.id.action_redeem_code)
        if (newPassword != null) {
            d.pin(a, newPassword)
            d.pin(a, newPassword)
        }
        d.find(a, R.id.request_redeemed)
    }

    fun grantVoidPermission() = grant(RequestKind.VOID_PERMISSION, "开通消费撤销权限")

    fun grantRefundPermission() = grant(RequestKind.REFUND_PERMISSION, "开通退货权限")

    /** Applies for [kind] on the requests screen and redeems the back office's code. */
    fun grant(kind: RequestKind, reason: String) {
        val a = d.launch(RequestsActivity::class.java) { putExtra(RequestsActivity.EXTRA_FOCUS, kind.name) }
        val code = apply(a, reason)
        redeem(a, kind, code)
        d.tap(a, R.id.action_done)
    }

    fun setPassword(password: String = PASSWORD) {
        val a = d.launch(PasswordActivity::class.java)
        d.pin(a, password)
        d.pin(a, password)
        d.find(a, R.id.password_done)
        d.tap(a, R.id.action_done)
    }

    /** On a fresh terminal, right after activation: the administrator's own password, keyed twice. */
    fun setAdminPassword() {
        val a = d.launch(OperatorsActivity::class.java)
        d.pin(a, ADMIN_PASSWORD)
        d.pin(a, ADMIN_PASSWORD)
        d.find(a, R.id.admin_password_done)
        d.tap(a, R.id.action_done)
    }

    /** Signs [operatorNo] in on the sign-in screen, which closes once they are. */
    fun signIn(operatorNo: String, password: String) {
        val a = d.launch(SignInActivity::class.java)
        d.pin(a, operatorNo)
        d.pin(a, password)
        if (!a.isFinishing && d.has(a, R.id.pin_ok)) d.tap(a, R.id.pin_ok)
        assertTrue("$operatorNo is not signed in: ${d.screenText(a)}", a.isFinishing)
    }

    /** Signs out from home, which then offers signing in. */
    fun signOut() {
        val home = d.launch(HomeActivity::class.java)
        d.tap(home, R.id.action_sign_out)
        d.find(home, R.id.action_sign_in)
        d.back(home)
    }

    /** The administrator, signed in, adds cashier [operatorNo] with a first password keyed twice. */
    fun addCashier(operatorNo: String, password: String) {
        val a = d.launch(OperatorsActivity::class.java)
        d.tap(a, R.id.action_add_cashier)
        d.pin(a, operatorNo)
        repeat(2) {
            d.pin(a, password)
            if (password.length < 8) d.tap(a, R.id.pin_ok)
        }
        d.find(a, R.id.operators_change)
        d.back(a)
    }

    /**
     * Activated, the administrator's password set and cashier [CASHIER] added by them,
     * the cashier signed in, permitted to void, password set: all through the screens.
     */
    fun ready() {
        d.freshTerminal()
        activate()
        setAdminPassword()
        signIn(ADMINISTRATOR, ADMIN_PASSWORD)
        addCashier(CASHIER, CASHIER_PASSWORD)
        signOut()
        signIn(CASHIER, CASHIER_PASSWORD)
        grantVoidPermission()
        grantRefundPermission()
        setPassword()
    }

    fun sale(amount: String): Sale {
        val a = d.launch(SaleActivity::class.java)
        d.type(a, R.id.field_amount, amount)
        d.type(a, R.id.field_card_number, FULL_PAN)
        d.tap(a, R.id.action_record_sale)
        val sale = Sale(d.text(a, R.id.sale_voucher_no), d.text(a, R.id.sale_business_date), amount)
        d.tap(a, R.id.action_back)
        return sale
    }

    /** Opens the void screen and walks it to the PIN pad for [sale]. */
    fun voidUpToPassword(sale: Sale): VoidActivity {
        val a = d.launch(VoidActivity::class.java)
        d.tap(a, R.id.void_menu_void)
        d.type(a, R.id.field_voucher_no, sale.voucherNo)
        d.tap(a, R.id.action_next)
        assertTrue(d.screenText(a), d.text(a, R.id.transaction_card).startsWith("622202"))
        d.tap(a, R.id.action_confirm_transaction)
        d.type(a, R.id.field_date, sale.businessDate)
        d.type(a, R.id.field_amount, sale.amount)
        d.tap(a, R.id.action_next)
        d.tap(a, R.id.reason_0)
        d.find(a, R.id.pin_dots)
        return a
    }
}
