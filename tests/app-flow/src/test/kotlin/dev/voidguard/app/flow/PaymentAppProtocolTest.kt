package dev.voidguard.app.flow

import dev.voidguard.app.flow.PaymentAppProtocol.Incoming
import dev.voidguard.core.BatchTotals
import dev.voidguard.core.HostException
import dev.voidguard.core.HostReply
import dev.voidguard.core.HostRequest
import dev.voidguard.core.LegDetail
import dev.voidguard.core.OriginalSale
import dev.voidguard.core.ReversalReason
import dev.voidguard.core.ReversalReply
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import kotlin.concurrent.thread

/** The request → Intent extras mapping of every kind of host leg, and the answers read back. */
class PaymentAppProtocolTest {
    private val protocol = PaymentAppProtocol("dev.voidguard.app")

    private fun request(processingCode: String, amount: Long, detail: LegDetail) = HostRequest(
        processingCode = processingCode,
        amount = amount,
        currency = 156u,
        batchNo = "000001",
        businessDate = "2025-03-14",
        merchantNo = MERCHANT_NO,
        terminalId = TERMINAL_ID,
        operatorNo = CASHIER,
        detail = detail,
    )

    private val sale = request("000000", 880, LegDetail.Sale("000007", "622202*********0123", "UnionPay"))
    private val void = request(
        "200000",
        1234,
        LegDetail.Void("000008", OriginalSale("000003", "000001", "501234567890", "AB12CD", "2025-03-14")),
    )
    private val settlement = request("900000", 1990, LegDetail.Settlement(BatchTotals(2u, 24_990, 1u, 23_000, 0u, 0)))

    private fun ok(vararg extras: Pair<String, String>) = Incoming(PaymentAppProtocol.RESULT_OK, mapOf(*extras))

    private fun assertCommon(extras: Map<String, Any>, processingCode: String, amount: String) {
        assertEquals(processingCode, extras["proc_cd"])
        assertEquals(amount, extras["amt"])
        assertEquals("000001", extras["batch_no"])
        assertEquals("2025-03-14", extras["trans_date"])
        assertEquals(MERCHANT_NO, extras["merchant_no"])
        assertEquals(TERMINAL_ID, extras["terminal_id"])
        assertEquals(CASHIER, extras["oper_no"])
        assertEquals("dev.voidguard.app", extras["appid"])
        assertEquals("0", extras["pay_tp"])
        assertEquals("00", extras["proc_tp"])
    }

    @Test
    fun `a sale is sent as an 0200 with processing code 000000 and the masked card`() {
        val out = protocol.request(sale, "VG1")
        assertEquals("000000", out.processingCode)
        assertEquals("0200", out.extras["msg_tp"])
        assertCommon(out.extras, "000000", "8.80")
        assertEquals("000007", out.extras["voucher_no"])
        assertEquals("622202*********0123", out.extras["card_no"])
        assertEquals("UnionPay", out.extras["card_org"])
        assertEquals("VG1", out.extras["order_no"])
    }

    @Test
    fun `a refund goes to the payment app with its own code 500000 and the original's RRN and date`() {
        val refund = request(
            "200000",
            500,
            LegDetail.Refund("000009", "501234567890", "2025-03-13", 1234, "000003", "000001", "AB12CD", true),
        )
        val out = protocol.request(refund, "VG9")
        assertEquals("500000", out.processingCode)
        assertCommon(out.extras, "500000", "5.00")
        assertEquals("000009", out.extras["voucher_no"])
        assertEquals("501234567890", out.extras["orig_refer_no"])
        assertEquals("2025-03-13", out.extras["orig_date"])
        assertEquals("000003", out.extras["systraceno"], "the original's voucher, under 星POS's key")
        val notLocal = request("200000", 500, LegDetail.Refund("000010", "501234567891", "2025-03-13", 900, null, null, null, false))
        assertEquals(null, protocol.request(notLocal, "VG10").extras["systraceno"])
    }

    @Test
    fun `a void is sent as an 0200 with processing code 200000 and the original's references`() {
        val out = protocol.request(void, "VG2")
        assertEquals("200000", out.processingCode)
        assertEquals("0200", out.extras["msg_tp"])
        assertCommon(out.extras, "200000", "12.34")
        assertEquals("000008", out.extras["voucher_no"])
        assertEquals("000003", out.extras["systraceno"], "the original's voucher, as 星POS takes a void's")
        assertEquals("000001000003", out.extras["batchbillno"], "its batch and voucher")
        assertEquals("000001", out.extras["orig_batch_no"])
        assertEquals("501234567890", out.extras["orig_refer_no"])
        assertEquals("AB12CD", out.extras["orig_auth_code"])
        assertEquals("2025-03-14", out.extras["orig_date"])
    }

    @Test
    fun `a settlement is sent as an 0500 with processing code 900000 and the batch totals`() {
        val out = protocol.request(settlement, "VG3")
        assertEquals("900000", out.processingCode)
        assertEquals("0500", out.extras["msg_tp"])
        assertCommon(out.extras, "900000", "19.90")
        assertEquals("2", out.extras["sale_cnt"])
        assertEquals("000000024990", out.extras["sale_amt"])
        assertEquals("1", out.extras["void_cnt"])
        assertEquals("000000023000", out.extras["void_amt"])
        assertNull(out.extras["voucher_no"], "a settlement has no voucher")
    }

    @Test
    fun `a reversal is the same request as an 0400 with its UnionPay reason code`() {
        for ((reason, code) in listOf(
            ReversalReason.NO_ANSWER to "98",
            ReversalReason.TERMINAL_FAULT to "96",
            ReversalReason.MAC_ERROR to "A0",
            ReversalReason.OTHER to "06",
        )) {
            val out = protocol.reversal(void, reason, "VG4")
            assertEquals("0400", out.extras["msg_tp"])
            assertEquals(code, out.extras["reversal_rsn"])
            assertEquals(protocol.request(void, "VG4").extras - "msg_tp", out.extras - "msg_tp" - "reversal_rsn")
        }
        assertEquals("000000", protocol.reversal(sale, ReversalReason.NO_ANSWER, "VG5").extras["proc_cd"])
    }

    @Test
    fun `a settlement cannot be undone, so its reversal asks for the settlement again`() {
        assertEquals(protocol.request(settlement, "VG6"), protocol.reversal(settlement, ReversalReason.NO_ANSWER, "VG6"))
        assertEquals(ReversalReply.Approved("", ""), protocol.readReversal(settlement, ok("rsp_cd" to "00")))
        assertEquals(ReversalReply.Reversed, protocol.readReversal(settlement, ok("rsp_cd" to "25")))
        assertThrows<HostException.Unreachable> {
            protocol.readReversal(settlement, Incoming(PaymentAppProtocol.RESULT_CANCELED, emptyMap()))
        }
    }

    @Test
    fun `a request whose processing code is not its kind's is refused before it leaves`() {
        assertThrows<IllegalArgumentException> { protocol.request(sale.copy(processingCode = "200000"), "VG7") }
    }

    @Test
    fun `nothing secret or unmasked travels`() {
        val all = listOf(sale, void, settlement).flatMap { protocol.request(it, "VG1").extras.values.map(Any::toString) }
        val long = all.filter { it.length >= 13 && it.all(Char::isDigit) }.toSet()
        assertEquals(setOf(MERCHANT_NO), long, "a run of 13 or more digits other than the merchant no. could be a card number")
        assertFalse(all.any { it.contains(FULL_PAN) })
    }

    @Test
    fun `an approval reads back RRN and auth code`() {
        val answer = ok("rsp_cd" to "00", "refer_no" to "509876543210", "auth_code" to "XY34ZZ")
        assertEquals(HostReply.Approved("509876543210", "XY34ZZ"), protocol.readReply(void, answer))
        assertEquals(HostReply.Approved("509876543210", "XY34ZZ"), protocol.readReply(sale, answer))
    }

    @Test
    fun `a settlement's approval may come without reference numbers`() {
        assertEquals(HostReply.Approved("", ""), protocol.readReply(settlement, ok("rsp_cd" to "00")))
        assertEquals(HostReply.Approved("", ""), protocol.readReply(settlement, ok("rsp_cd" to "00", "refer_no" to "509876543210")))
        assertThrows<HostException.Protocol> { protocol.readReply(sale, ok("rsp_cd" to "00", "refer_no" to "509876543210")) }
    }

    @Test
    fun `a sale approved for another card than the leg's is no answer the journal can keep`() {
        val otherCard = ok("rsp_cd" to "00", "card_no" to "436742******7777", "refer_no" to "509876543210", "auth_code" to "XY34ZZ")
        assertThrows<HostException.Protocol> { protocol.readReply(sale, otherCard) }
        val sameCard = otherCard.copy(extras = otherCard.extras + ("card_no" to "622202******0123"))
        assertEquals(HostReply.Approved("509876543210", "XY34ZZ"), protocol.readReply(sale, sameCard))
    }

    @Test
    fun `a response code other than 00 is a decline, whatever the result code`() {
        assertEquals(HostReply.Declined("51"), protocol.readReply(void, ok("rsp_cd" to "51")))
        assertEquals(HostReply.Declined("55"), protocol.readReply(sale, ok("rsp_cd" to "55")))
        assertEquals(HostReply.Declined("95"), protocol.readReply(settlement, ok("rsp_cd" to "95")))
        assertEquals(
            HostReply.Declined("05"),
            protocol.readReply(void, Incoming(PaymentAppProtocol.RESULT_CANCELED, mapOf("rsp_cd" to "05"))),
        )
    }

    @Test
    fun `no response code is no answer, never a decline`() {
        assertThrows<HostException.Unreachable> {
            protocol.readReply(sale, Incoming(PaymentAppProtocol.RESULT_CANCELED, emptyMap()))
        }
        assertThrows<HostException.Protocol> { protocol.readReply(void, Incoming(-2, emptyMap())) }
        assertThrows<HostException.Protocol> {
            protocol.readReply(void, Incoming(PaymentAppProtocol.RESULT_CANCELED, mapOf("rsp_cd" to "00", "refer_no" to "509876543210", "auth_code" to "XY34ZZ")))
        }
    }

    @Test
    fun `a reversal answered 00 or 25 undoes the sale or void`() {
        for (leg in listOf(sale, void)) {
            assertEquals(ReversalReply.Reversed, protocol.readReversal(leg, ok("rsp_cd" to "00")))
            assertEquals(ReversalReply.Reversed, protocol.readReversal(leg, ok("rsp_cd" to "25")))
            assertThrows<HostException.Unreachable> { protocol.readReversal(leg, ok("rsp_cd" to "96")) }
        }
    }

    @Test
    fun `the other spelling of an acquirer needs only other keys`() {
        val custom = PaymentAppProtocol("dev.voidguard.app", PaymentAppProtocol.Keys(processingCode = "transType"))
        assertEquals("200000", custom.request(void, "VG1").extras["transType"])
    }

    @Test
    fun `the exchange hands the answer to the waiting call once`() {
        val exchange = PaymentAppExchange()
        val id = exchange.open(protocol.request(sale, "VG5"))
        assertEquals("000000", exchange.outgoing(id)?.processingCode)
        val answer = ok("rsp_cd" to "00")
        thread { exchange.complete(id, answer) }
        assertEquals(answer, exchange.await(id, 5_000))
        assertNull(exchange.outgoing(id), "a finished exchange is closed")

        val late = exchange.open(protocol.request(sale, "VG6"))
        assertNull(exchange.await(late, 10))
        exchange.complete(late, answer)
    }
}
