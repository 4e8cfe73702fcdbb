package dev.voidguard.app.flow

import dev.voidguard.app.flow.RefundFlow.By
import dev.voidguard.app.flow.RefundFlow.Event
import dev.voidguard.app.flow.RefundFlow.State
import dev.voidguard.core.Locale
import dev.voidguard.core.Problem
import dev.voidguard.core.RefundLookup
import dev.voidguard.core.RequestKind
import dev.voidguard.core.Transaction
import dev.voidguard.core.TransactionKind
import dev.voidguard.core.VoidGuardException
import dev.voidguard.core.VoidRequest
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class RefundFlowTest {
    private val fx = Fixture().ready()
    private val dayMs = 24L * 60 * 60 * 1000

    @AfterEach
    fun close() = fx.close()

    /** A sale of [amount], settled, and the clock on the next day: a sale only a refund returns money on. */
    private fun settledSale(amount: String = "100.00"): Transaction {
        val sale = fx.sale(amount)
        fx.terminal.settle()
        fx.clock.advance(dayMs)
        return sale
    }

    private fun mmdd(t: Transaction) = t.businessDate.substring(5, 7) + t.businessDate.substring(8, 10)

    private fun balanceOf(t: Transaction) =
        fx.terminal.refundPreview(RefundLookup(null, null, t.rrn, t.businessDate, null)).balance

    /** Menu → RRN and date → the original → amount → reason → password. */
    private fun upToPassword(flow: RefundFlow, sale: Transaction, amount: String): State.PasswordEntry {
        flow.on(Event.ChooseLookup(By.RRN)).must<State.LookupEntry>()
        flow.on(Event.SubmitLookup(sale.rrn, mmdd(sale))).must<State.OriginalShown>()
        flow.on(Event.ConfirmOriginal).must<State.AmountEntry>()
        val reasons = flow.on(Event.SubmitAmount(amount)).must<State.ReasonChoice>()
        return flow.on(Event.ChooseReason(reasons.reasons.first())).must()
    }

    @Test
    fun `a settled sale is refunded in part by its RRN and original date, through to the slip`() {
        val sale = settledSale("100.00")
        val flow = fx.refundFlow(Locale.ZH_CN)

        assertEquals(State.Menu, flow.state)
        flow.on(Event.ChooseLookup(By.RRN)).must<State.LookupEntry>()
        val shown = flow.on(Event.SubmitLookup(sale.rrn, mmdd(sale))).must<State.OriginalShown>()
        assertTrue(shown.preview.verified)
        assertEquals(sale.voucherNo, shown.preview.original?.voucherNo)
        assertEquals(10_000L, shown.preview.balance)
        assertTrue(shown.refundable)

        flow.on(Event.ConfirmOriginal).must<State.AmountEntry>()
        val reasons = flow.on(Event.SubmitAmount("30.00")).must<State.ReasonChoice>()
        assertEquals(fx.config.refundReasons, reasons.reasons)
        assertEquals(3_000L, reasons.amountFen)

        var entry = flow.on(Event.ChooseReason("goods_returned")).must<State.PasswordEntry>()
        assertEquals(CASHIER, entry.operatorNo, "the signed-in cashier keys the refund")
        assertEquals("00", entry.authoriserNo, "the supervisor authorises it with the void password")
        entry = typePin(PASSWORD.dropLast(1)) { flow.on(Event.Key(it)) }.must()
        assertEquals(PASSWORD.length - 1, entry.filled)
        val done = flow.on(Event.Key(PinKey.digit(PASSWORD.last() - '0'))).must<State.Refunded>()

        val refund = checkNotNull(done.outcome.refund) { "an approved refund has its row" }
        assertEquals(TransactionKind.REFUND, refund.kind)
        assertEquals(3_000L, refund.amount)
        assertEquals(sale.rrn, refund.originalRrn)
        assertEquals(CASHIER, refund.operatorNo)
        assertEquals(7_000L, balanceOf(sale), "30.00 of 100.00 refunded")

        val slip = flow.on(Event.ShowSlip).must<State.Slip>()
        assertEquals("退货签购单", slip.receipt.title)
        assertTrue(slip.receipt.text.contains("原参考号"), slip.receipt.text)
        assertTrue(slip.receipt.text.contains(sale.rrn), slip.receipt.text)
        assertEquals(State.Menu, flow.on(Event.Back))
    }

    @Test
    fun `an amount over the balance is refused on the amount step with the balance, and nothing is refunded`() {
        val sale = settledSale("100.00")
        val first = fx.refundFlow()
        upToPassword(first, sale, "30.00")
        typePin(PASSWORD) { first.on(Event.Key(it)) }.must<State.Refunded>()
        assertEquals(7_000L, balanceOf(sale))

        val flow = fx.refundFlow()
        flow.on(Event.ChooseLookup(By.RRN))
        val shown = flow.on(Event.SubmitLookup(sale.rrn, sale.businessDate)).must<State.OriginalShown>()
        assertEquals(7_000L, shown.preview.balance)
        assertEquals(1, shown.preview.refunds.size, "the earlier refund is shown with the original")
        flow.on(Event.ConfirmOriginal)
        val over = flow.on(Event.SubmitAmount("70.01")).must<State.AmountEntry>()
        assertEquals(7_000L, over.notice.must<Notice.Refused>().error.must<VoidGuardException.RefundOverBalance>().balance)
        assertEquals("70.01", over.amount, "what was keyed is kept for correction")

        val zero = flow.on(Event.SubmitAmount("0.00")).must<State.AmountEntry>()
        assertEquals(Problem.ZERO, zero.notice.must<Notice.Refused>().error.must<VoidGuardException.InvalidInput>().problem)
        val decimals = flow.on(Event.SubmitAmount("1.234")).must<State.AmountEntry>()
        assertEquals(Problem.TOO_MANY_DECIMALS, decimals.notice.must<Notice.Refused>().error.must<VoidGuardException.InvalidInput>().problem)

        flow.on(Event.SubmitAmount("70.00")).must<State.ReasonChoice>()
        flow.on(Event.ChooseReason("other"))
        typePin(PASSWORD) { flow.on(Event.Key(it)) }.must<State.Refunded>()
        assertEquals(0L, balanceOf(sale))
    }

    @Test
    fun `a terminal permitted to void but not to refund is refused at the lookup, with nothing to correct there`() {
        Fixture().ready(listOf(RequestKind.VOID_PERMISSION)).use { voidsOnly ->
            val sale = voidsOnly.sale("100.00")
            voidsOnly.terminal.settle()
            voidsOnly.clock.advance(dayMs)
            val flow = voidsOnly.refundFlow(Locale.EN)
            flow.on(Event.ChooseLookup(By.RRN)).must<State.LookupEntry>()
            val refused = flow.on(Event.SubmitLookup(sale.rrn, mmdd(sale))).must<State.Refused>()
            refused.notice.refusal.must<VoidGuardException.RefundPermissionNotGranted>()
            assertEquals(Retry.NONE, refused.retry)
            assertTrue(HomeFlow.Alert.RefundPermissionMissing in HomeFlow.alertsFor(voidsOnly.terminal.status()))
            assertTrue(voidsOnly.terminal.journal(dev.voidguard.core.JournalQuery()).items.none { it.kind == TransactionKind.REFUND })
        }
    }

    @Test
    fun `a wrong password is counted, offers another try and refunds nothing`() {
        val sale = settledSale("50.00")
        val flow = fx.refundFlow()
        upToPassword(flow, sale, "10.00")
        val refused = typePin(WRONG_PASSWORD) { flow.on(Event.Key(it)) }.must<State.Refused>()
        assertEquals(Retry.PASSWORD, refused.retry)
        assertEquals(4u, refused.notice.refusal.must<VoidGuardException.WrongPassword>().attemptsLeft)
        assertEquals(5_000L, balanceOf(sale))

        flow.on(Event.RetryPassword).must<State.PasswordEntry>()
        val again = typePin(WRONG_PASSWORD) { flow.on(Event.Key(it)) }.must<State.Refused>()
        assertEquals(3u, again.notice.refusal.must<VoidGuardException.WrongPassword>().attemptsLeft, "each failure counts")

        flow.on(Event.RetryPassword).must<State.PasswordEntry>()
        typePin(PASSWORD) { flow.on(Event.Key(it)) }.must<State.Refunded>()
        assertEquals(4_000L, balanceOf(sale))
    }

    @Test
    fun `a voided sale cannot be refunded and the lookup step says which void took it`() {
        val sale = fx.sale("20.00")
        val void = fx.terminal.voidTransaction(VoidRequest(sale.voucherNo, fx.today, "20.00", PASSWORD, "customer_request"))
        val voidNo = checkNotNull(void.voidTransaction).voucherNo
        fx.terminal.settle()
        fx.clock.advance(dayMs)

        val flow = fx.refundFlow()
        flow.on(Event.ChooseLookup(By.RRN))
        val entry = flow.on(Event.SubmitLookup(sale.rrn, mmdd(sale))).must<State.LookupEntry>()
        val refusal = entry.notice.must<Notice.Refused>().error.must<VoidGuardException.RefundOfVoidedSale>()
        assertEquals(sale.voucherNo, refusal.voucherNo)
        assertEquals(voidNo, refusal.voidVoucherNo)
        assertEquals(sale.rrn, entry.first, "what was keyed is kept")
    }

    @Test
    fun `a sale is found by voucher and batch too, and an RRN that is not 12 characters is invalid input`() {
        val sale = settledSale("12.34")
        val flow = fx.refundFlow()
        flow.on(Event.ChooseLookup(By.RRN))
        val short = flow.on(Event.SubmitLookup(sale.rrn.dropLast(1), mmdd(sale))).must<State.LookupEntry>()
        short.notice.must<Notice.Refused>().error.must<VoidGuardException.InvalidInput>()

        flow.on(Event.Back).must<State.Menu>()
        flow.on(Event.ChooseLookup(By.VOUCHER))
        val shown = flow.on(Event.SubmitLookup(sale.voucherNo, sale.batchNo)).must<State.OriginalShown>()
        assertEquals(1_234L, shown.preview.balance)
        assertEquals(sale.rrn, shown.preview.originalRrn)
    }

    @Test
    fun `no screen state ever holds the password, and a recreated screen comes back at the password step empty`() {
        val sale = settledSale()
        val flow = fx.refundFlow()
        upToPassword(flow, sale, "5.00")
        val seen = mutableListOf<State>()
        typePin(PASSWORD.dropLast(1)) { flow.on(Event.Key(it)).also(seen::add) }
        seen.forEach { assertFalse(holdsTypedDigits(it.toString(), PASSWORD), "$it") }

        val saved = flow.progress()
        assertFalse(holdsTypedDigits(saved.toString(), PASSWORD), "$saved")
        val back = fx.refundFlow().resume(saved).must<State.PasswordEntry>()
        assertEquals(0, back.filled)
        assertEquals(500L, back.amountFen)
    }
}
