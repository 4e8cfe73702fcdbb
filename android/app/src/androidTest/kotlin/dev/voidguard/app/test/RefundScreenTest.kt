package dev.voidguard.app.test

import dev.voidguard.app.R
import dev.voidguard.app.RefundActivity
import dev.voidguard.app.SettlementActivity
import dev.voidguard.testsupport.*
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test

/** The refund screen (退货) tapped through: a settled sale refunded in part by its RRN and date. */
class RefundScreenTest : MerchantTest() {
    /** A sale of [amount], settled; returns it and its RRN (from the journal). */
    private fun settledSale(amount: String): Pair<Sale, String> {
        val sale = merchant.sale(amount)
        val s = d.launch(SettlementActivity::class.java)
        d.tap(s, R.id.action_settle)
        d.find(s, R.id.settlement_done)
        var rrn = ""
        d.onCoreThread { rrn = checkNotNull(d.app.terminal().findTransaction(sale.voucherNo)).rrn }
        return sale to rrn
    }

    private fun upToPassword(sale: Sale, rrn: String, amount: String): RefundActivity {
        val a = d.launch(RefundActivity::class.java)
        d.tap(a, R.id.refund_menu_by_rrn)
        d.type(a, R.id.field_rrn, rrn)
        d.type(a, R.id.field_date, sale.businessDate)
        d.tap(a, R.id.action_next)
        assertTrue(d.screenText(a), d.text(a, R.id.transaction_card).startsWith("622202"))
        d.tap(a, R.id.action_confirm_transaction)
        d.type(a, R.id.field_amount, amount)
        d.tap(a, R.id.action_next)
        d.tap(a, R.id.reason_0)
        d.find(a, R.id.pin_dots)
        return a
    }

    @Test
    fun aSettledSaleIsRefundedInPartAndItsSlipShown() {
        val (sale, rrn) = settledSale("100.00")
        val a = upToPassword(sale, rrn, "30.00")
        assertTrue("the refund screen forbids screenshots", secure(a))
        assertEquals(CASHIER, d.text(a, R.id.refund_keyed_by))
        assertEquals(a.getString(R.string.operator_line, "00", a.getString(R.string.role_supervisor)), d.text(a, R.id.refund_authorised_by))
        d.pin(a, PASSWORD)
        d.find(a, R.id.refund_success)
        val refundVoucher = d.text(a, R.id.refund_voucher_no)
        assertTrue(refundVoucher != sale.voucherNo)

        d.tap(a, R.id.action_show_slip)
        val slip = d.text(a, R.id.slip_text)
        assertTrue(slip, slip.contains(refundVoucher))
        assertTrue(slip, slip.contains(rrn))
        assertFalse("no full card number on a slip", slip.contains(FULL_PAN))
        d.tap(a, R.id.action_done)
        d.find(a, R.id.refund_menu_by_rrn)
    }

    @Test
    fun anAmountOverTheBalanceIsExplainedBeforeThePassword() {
        val (sale, rrn) = settledSale("10.00")
        val a = d.launch(RefundActivity::class.java)
        d.tap(a, R.id.refund_menu_by_rrn)
        d.type(a, R.id.field_rrn, rrn)
        d.type(a, R.id.field_date, sale.businessDate)
        d.tap(a, R.id.action_next)
        d.tap(a, R.id.action_confirm_transaction)
        d.type(a, R.id.field_amount, "10.01")
        d.tap(a, R.id.action_next)
        assertEquals(a.getString(R.string.refusal_refund_over_balance, a.getString(R.string.money_cny, "10.00")), d.text(a, R.id.notice))
        assertFalse(d.has(a, R.id.pin_dots))
    }

    @Test
    fun aWrongPasswordIsRefusedAndOffersAnotherTry() {
        val (sale, rrn) = settledSale("20.00")
        val a = upToPassword(sale, rrn, "5.00")
        d.pin(a, WRONG_PASSWORD)
        d.find(a, R.id.refund_refusal)
        d.tap(a, R.id.action_retry_password)
        d.pin(a, PASSWORD)
        d.find(a, R.id.refund_success)
    }
}
