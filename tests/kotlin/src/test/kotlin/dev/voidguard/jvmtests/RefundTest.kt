package dev.voidguard.jvmtests

import dev.voidguard.core.HostReply
import dev.voidguard.core.LegDetail
import dev.voidguard.core.LegKind
import dev.voidguard.core.LegState
import dev.voidguard.core.Locale
import dev.voidguard.core.RefundLookup
import dev.voidguard.core.RefundRequest
import dev.voidguard.core.TransactionKind
import dev.voidguard.core.VoidGuardException
import dev.voidguard.core.intentProcessingCode
import dev.voidguard.jvmtests.ScriptedHostLink.Answer
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Refunds (退货) of settled sales through a Kotlin [ScriptedHostLink], as the app drives them. */
class RefundTest {
    private val dayMs = 24L * 60 * 60 * 1000

    private fun byRrn(rrn: String, date: String) = RefundLookup(null, null, rrn, date, null)

    private fun refund(lookup: RefundLookup, amount: String, password: String = PASSWORD) =
        RefundRequest(lookup, amount, password, "goods_returned")

    @Test
    fun `a settled sale is refunded in parts by its RRN and never beyond its amount`() {
        val host = ScriptedHostLink()
        TerminalFixture.ready(host = host).use { f ->
            val sale = f.sale("100.00")
            f.terminal.settle()
            f.clock.advance(dayMs)
            val mmdd = sale.businessDate.substring(5, 7) + sale.businessDate.substring(8, 10)
            val lookup = byRrn(sale.rrn, mmdd)

            val preview = f.terminal.refundPreview(lookup)
            assertTrue(preview.verified)
            assertEquals(10_000L, preview.balance)

            val first = f.terminal.refund(refund(lookup, "30.00"))
            assertEquals(LegState.APPROVED, first.state)
            val row = first.refund!!
            assertEquals(TransactionKind.REFUND, row.kind)
            assertEquals(sale.voucherNo, row.originalVoucherNo)
            assertEquals(sale.rrn, row.originalRrn)
            val sent = host.sent(LegKind.REFUND).single()
            assertEquals("200000", sent.processingCode)
            assertEquals("500000", intentProcessingCode(LegKind.REFUND))
            assertEquals(sale.rrn, (sent.detail as LegDetail.Refund).originalRrn)

            val over = assertThrows<VoidGuardException.RefundOverBalance> { f.terminal.refund(refund(lookup, "70.01")) }
            assertEquals(7_000L, over.balance)
            f.terminal.refund(refund(lookup, "70.00"))
            assertEquals(0L, f.terminal.refundPreview(lookup).balance)

            val slip = f.terminal.receipt(row.voucherNo, Locale.ZH_CN)
            assertEquals("退货签购单", slip.title)
            assertTrue(slip.text.contains("原参考号"), slip.text)
            assertTrue(f.terminal.verifyAudit().ok)
        }
    }

    @Test
    fun `refusals carry what the screen shows and a declined refund leaves the balance`() {
        val host = ScriptedHostLink(onRefund = Answer.Decline("51"))
        TerminalFixture.ready(host = host).use { f ->
            val today = f.sale("20.00")
            assertThrows<VoidGuardException.RefundUseVoid> { f.terminal.refundPreview(byRrn(today.rrn, today.businessDate)) }
            val tooShort = assertThrows<VoidGuardException.InvalidInput> {
                f.terminal.refundPreview(byRrn(today.rrn.dropLast(1), today.businessDate))
            }
            assertEquals("RRN", tooShort.field.name)
            f.terminal.settle()
            f.clock.advance(dayMs)
            val lookup = byRrn(today.rrn, today.businessDate)
            val declined = assertThrows<VoidGuardException.HostDeclined> { f.terminal.refund(refund(lookup, "5.00")) }
            assertEquals("51", declined.responseCode)
            assertEquals(2_000L, f.terminal.refundPreview(lookup).balance)
            assertThrows<VoidGuardException.WrongPassword> { f.terminal.refund(refund(lookup, "5.00", WRONG_PASSWORD)) }
            assertFalse(f.terminal.refundPreview(lookup).refunds.isNotEmpty())
        }
    }

    @Test
    fun `the payment app's two phases hold the amount until the answer`() {
        TerminalFixture.ready(host = ScriptedHostLink()).use { f ->
            val sale = f.sale("50.00")
            f.terminal.settle()
            f.clock.advance(dayMs)
            val lookup = byRrn(sale.rrn, sale.businessDate)
            val leg = f.terminal.beginRefund(refund(lookup, "40.00"))
            assertEquals(1_000L, f.terminal.refundPreview(lookup).balance)
            val done = f.terminal.completeRefund(leg.legId, HostReply.Approved("HOST00000042", "A00042"))
            assertEquals(LegState.APPROVED, done.state)
            assertEquals("HOST00000042", done.refund!!.rrn)
        }
    }
}
