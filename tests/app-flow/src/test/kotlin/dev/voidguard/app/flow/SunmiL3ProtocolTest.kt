package dev.voidguard.app.flow

import dev.voidguard.app.flow.PaymentAppProtocol.Incoming
import dev.voidguard.app.flow.PaymentAppProtocol.Outgoing
import dev.voidguard.core.HostException
import dev.voidguard.core.HostReply
import dev.voidguard.core.JournalQuery
import dev.voidguard.core.LegState
import dev.voidguard.core.RefundLookup
import dev.voidguard.core.RefundRequest
import dev.voidguard.core.TransactionKind
import dev.voidguard.core.TransactionStatus
import dev.voidguard.core.VoidRequest
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.CopyOnWriteArrayList

/** Every leg through Sunmi's L3 dialect, driven by the real core: the extras, the answers, a lost answer asked about. */
class SunmiL3ProtocolTest {
    /** L3 as a script: the next answer queued, else an approval of what was asked. */
    private class ScriptedL3 : (Outgoing) -> Incoming {
        val seen = CopyOnWriteArrayList<Outgoing>()
        val script = ConcurrentLinkedQueue<Incoming>()

        override fun invoke(outgoing: Outgoing): Incoming {
            seen += outgoing
            return script.poll() ?: approved(seen.size)
        }
    }

    private val l3 = ScriptedL3()

    private fun fixture() = Fixture(PaymentAppLink(SunmiL3Protocol("dev.voidguard.app", KEY), l3)).ready()

    @Test
    fun `a sale and its void go as transType 0 and 1 with the amount in fen and the leg's own transId`() {
        fixture().use { fx ->
            val sale = fx.sale("８.８０")
            val asked = l3.seen.single()
            assertEquals(SunmiL3Protocol.ACTION, asked.action)
            assertEquals(0, asked.extras["transType"])
            assertEquals(880L, asked.extras["amount"])
            assertEquals(0, asked.extras["paymentType"])
            assertEquals(false, asked.extras["isManagePwd"], "VoidGuard's void password authorises, not L3's")
            val transId = asked.extras["transId"] as String
            assertEquals("VG${TERMINAL_ID}000001${sale.voucherNo}", transId.dropLast(10), "the leg's own, then its tag")
            assertEquals("500000000001", sale.rrn)
            assertEquals("AU0001", sale.authCode)

            fx.terminal.voidTransaction(VoidRequest(sale.voucherNo, sale.businessDate, "8.80", PASSWORD, "customer_request"))
            val void = l3.seen.last()
            assertEquals(1, void.extras["transType"])
            assertEquals(sale.voucherNo, void.extras["oriVoucherNo"])
            assertEquals(TransactionStatus.VOIDED, fx.terminal.findTransaction(sale.voucherNo)?.status)
        }
    }

    @Test
    fun `a refund names the original by its reference number and MMDD date, and a settlement is transType 7`() {
        fixture().use { fx ->
            val sale = fx.sale("20.00")
            fx.terminal.settle()
            assertEquals(7, l3.seen.last().extras["transType"])
            fx.clock.advance(24L * 60 * 60 * 1000)
            fx.terminal.refund(
                RefundRequest(RefundLookup(null, null, sale.rrn, sale.businessDate, null), "5.00", PASSWORD, "goods_returned"),
            )
            val refund = l3.seen.last()
            assertEquals(2, refund.extras["transType"])
            assertEquals(sale.rrn, refund.extras["oriReferenceNo"])
            assertEquals(sale.businessDate.substring(5, 7) + sale.businessDate.substring(8, 10), refund.extras["oriTransDate"])
            assertEquals(500L, refund.extras["amount"])
        }
    }

    @Test
    fun `a sale whose answer was lost is asked about by its transId, and L3's approval confirms it`() {
        fixture().use { fx ->
            l3.script += Incoming(PaymentAppProtocol.RESULT_CANCELED, emptyMap())
            runCatching { fx.sale("12.00") }
            val lost = l3.seen[0]
            val query = l3.seen[1]
            assertEquals(18, query.extras["transType"])
            assertEquals(lost.extras["transId"], query.extras["transId"], "the query names the lost leg")
            val sale = fx.terminal.journal(JournalQuery()).items.single { it.kind == TransactionKind.SALE }
            assertEquals(TransactionStatus.APPROVED, sale.status)
            assertEquals("500000000002", sale.rrn)
            assertTrue(fx.terminal.pendingHostWork().isEmpty())
            assertTrue(l3.seen.flatMap { it.extras.values }.none { it.toString().contains(FULL_PAN) }, "L3 reads the card itself")
        }
    }

    @Test
    fun `a query L3 answers with a decline means nothing stands, and no answer code leaves the leg open`() {
        fixture().use { fx ->
            l3.script += Incoming(PaymentAppProtocol.RESULT_CANCELED, emptyMap())
            l3.script += Incoming(PaymentAppProtocol.RESULT_OK, mapOf("resultCode" to "-1", "answerCode" to "25"))
            assertThrows<dev.voidguard.core.VoidGuardException> { fx.sale("12.00") }
            assertEquals(18, l3.seen[1].extras["transType"])
            assertTrue(fx.terminal.journal(JournalQuery()).items.none { it.kind == TransactionKind.SALE })
            assertTrue(fx.terminal.pendingHostWork().isEmpty(), "a declined query closes the leg")
            assertEquals("sale.reversed", fx.terminal.audit(null, 1u).single().kind)

            repeat(4) { l3.script += Incoming(PaymentAppProtocol.RESULT_CANCELED, emptyMap()) }
            assertThrows<dev.voidguard.core.VoidGuardException> { fx.sale("13.00") }
            assertTrue(fx.terminal.journal(JournalQuery()).items.none { it.kind == TransactionKind.SALE })
            val open = fx.terminal.pendingHostWork().single()
            assertTrue(open.state != LegState.APPROVED && open.state != LegState.REVERSED, "L3 could not say: the leg stays open")
        }
    }

    @Test
    fun `answers read as approvals, declines and not knowing`() {
        val protocol = SunmiL3Protocol("dev.voidguard.app", KEY)
        fixture().use { fx ->
            fx.sale("1.00")
        }
        val request = l3.seen.single()
        assertEquals("000000", request.processingCode)
        val sale = saleRequest()
        assertEquals(HostReply.Declined("51"), protocol.readReply(sale, Incoming(-1, mapOf("resultCode" to "-1", "answerCode" to "51"))))
        assertThrows<HostException.Unreachable> { protocol.readReply(sale, Incoming(0, mapOf("resultCode" to "-2"))) }
        assertThrows<HostException.Protocol> { protocol.readReply(sale, Incoming(-1, mapOf("resultCode" to "0", "answerCode" to "00"))) }
        assertThrows<HostException.Protocol> {
            protocol.readReply(sale, approved(1, "cardNo" to "411111******1111"))
        }
        assertEquals("0314", SunmiL3Protocol.mmdd("2025-03-14"))
    }

    @Test
    fun `a result broadcast answers the exchange whose request carried its transId, and no other`() {
        val answers = SunmiL3Protocol.BROADCAST_ANSWERS
        val sale = saleRequest()
        val asked = SunmiL3Protocol("dev.voidguard.app", KEY).request(sale, "VG1")
        val transId = SunmiL3Protocol.transIdOf(sale, KEY)
        val reply = approved(1).extras + ("transId" to transId)

        for (action in SunmiL3Protocol.RESULT_ACTIONS) {
            assertEquals(Incoming(PaymentAppProtocol.RESULT_OK, reply), answers.answer(asked, action, reply), action)
        }
        assertEquals(null, answers.answer(asked, SunmiL3Protocol.RESULT_ACTIONS[0], reply + ("transId" to "${transId}9")), "another transaction's")
        assertEquals(null, answers.answer(asked, SunmiL3Protocol.RESULT_ACTIONS[0], reply - "transId"), "one that names no transaction")
        assertEquals(null, answers.answer(asked, "sunmi.payment.action.result", reply), "another action's")
        assertEquals(null, answers.answer(asked, null, reply))
        assertEquals(null, answers.answer(asked.copy(extras = asked.extras - "transId"), SunmiL3Protocol.RESULT_ACTIONS[0], reply),
            "a request without a transId cannot be paired with a broadcast")

        // The answer reads as the activity result would: an approval of the leg.
        val incoming = answers.answer(asked, SunmiL3Protocol.RESULT_ACTIONS[1], reply + ("transId" to " $transId "))!!
        assertEquals(HostReply.Approved("500000000001", "AU0001"), SunmiL3Protocol("dev.voidguard.app", KEY).readReply(sale, incoming))
    }

    @Test
    fun `a transId carries a tag keyed by the installation, so a broadcast that guesses a leg's numbers answers nothing`() {
        val sale = saleRequest()
        val transId = SunmiL3Protocol.transIdOf(sale, KEY)
        val leg = "VG${TERMINAL_ID}000001000001"
        assertEquals(32, transId.length)
        assertTrue(transId.startsWith(leg) && transId.drop(leg.length).all { it in "0123456789abcdef" }, transId)
        assertEquals(transId, SunmiL3Protocol.transIdOf(sale, KEY.copyOf()), "the same leg and key: the same id on every try")
        val otherKey = ByteArray(SunmiL3Protocol.TRANS_ID_KEY_BYTES) { 7 }
        assertNotEquals(transId, SunmiL3Protocol.transIdOf(sale, otherKey), "another installation's id differs")
        assertNotEquals(SunmiL3Protocol.newTransIdKey().toList(), SunmiL3Protocol.newTransIdKey().toList())
        assertThrows<IllegalArgumentException> { SunmiL3Protocol("dev.voidguard.app", ByteArray(8)) }

        val asked = SunmiL3Protocol("dev.voidguard.app", KEY).request(sale, "VG1")
        val forged = approved(1).extras + ("transId" to leg)
        for (action in SunmiL3Protocol.RESULT_ACTIONS) {
            assertEquals(null, SunmiL3Protocol.BROADCAST_ANSWERS.answer(asked, action, forged), "the untagged numbers under $action")
        }
    }

    private fun saleRequest() = dev.voidguard.core.HostRequest(
        processingCode = "000000",
        amount = 100,
        currency = 156u,
        batchNo = "000001",
        businessDate = "2025-03-14",
        merchantNo = MERCHANT_NO,
        terminalId = TERMINAL_ID,
        operatorNo = CASHIER,
        detail = dev.voidguard.core.LegDetail.Sale("000001", "622202*********0123", "UnionPay"),
    )

    private companion object {
        /** The installation's transId key in these tests. */
        val KEY = ByteArray(SunmiL3Protocol.TRANS_ID_KEY_BYTES) { it.toByte() }

        fun approved(n: Int, vararg more: Pair<String, String>) = Incoming(
            PaymentAppProtocol.RESULT_OK,
            mapOf(
                "resultCode" to "0",
                "answerCode" to "00",
                "referenceNo" to "50%010d".format(n),
                "authNo" to "AU%04d".format(n),
                "cardNo" to "622202******0123",
            ) + more,
        )
    }
}
