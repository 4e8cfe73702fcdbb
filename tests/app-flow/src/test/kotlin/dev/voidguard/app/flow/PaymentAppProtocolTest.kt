package dev.voidguard.app.flow

import dev.voidguard.app.flow.PaymentAppProtocol.Incoming
import dev.voidguard.core.HostException
import dev.voidguard.core.HostReply
import dev.voidguard.core.HostRequest
import dev.voidguard.core.ReversalReply
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import kotlin.concurrent.thread

class PaymentAppProtocolTest {
    private val protocol = PaymentAppProtocol("dev.voidguard.app")

    private val request = HostRequest(
        processingCode = "200000",
        amount = 1234,
        currency = 156u,
        voucherNo = "000007",
        batchNo = "000001",
        originalVoucherNo = "000003",
        originalRrn = "501234567890",
        originalAuthCode = "AB12CD",
        originalBusinessDate = "2025-03-14",
        merchantNo = MERCHANT_NO,
        terminalId = TERMINAL_ID,
    )

    private fun ok(vararg extras: Pair<String, String>) = Incoming(PaymentAppProtocol.RESULT_OK, mapOf(*extras))

    @Test
    fun `a void is sent as processing code 200000 with the original's references`() {
        val out = protocol.voidRequest(request, "VG1")
        assertEquals("200000", out.processingCode)
        assertEquals("0200", out.extras["msg_tp"])
        assertEquals("200000", out.extras["proc_cd"])
        assertEquals("000000001234", out.extras["amt"])
        assertEquals("000003", out.extras["orig_voucher_no"])
        assertEquals("501234567890", out.extras["orig_refer_no"])
        assertEquals("AB12CD", out.extras["orig_auth_code"])
        assertEquals("dev.voidguard.app", out.extras["appid"])
        assertEquals("VG1", out.extras["order_no"])
    }

    @Test
    fun `sale and settlement use 000000 and 900000`() {
        val sale = protocol.saleRequest(880, "VG2")
        assertEquals("000000", sale.extras["proc_cd"])
        assertEquals("000000000880", sale.extras["amt"])
        val settle = protocol.settleRequest("000001", "VG3")
        assertEquals("900000", settle.extras["proc_cd"])
        assertEquals("000001", settle.extras["batch_no"])
        assertEquals("0400", protocol.reversalRequest(request, "VG4").extras["msg_tp"])
    }

    @Test
    fun `nothing secret or unmasked travels`() {
        val all = protocol.voidRequest(request, "VG1").extras.values + protocol.saleRequest(1, "VG2").extras.values
        assertFalse(all.any { it.length >= 16 && it.all(Char::isDigit) }, "$all")
    }

    @Test
    fun `an approved void reads back RRN and auth code`() {
        val reply = protocol.readVoid(ok("rsp_cd" to "00", "refer_no" to "509876543210", "auth_code" to "XY34ZZ"))
        assertEquals(HostReply.Approved("509876543210", "XY34ZZ"), reply)
    }

    @Test
    fun `a response code other than 00 is a decline, whatever the result code`() {
        assertEquals(HostReply.Declined("51"), protocol.readVoid(ok("rsp_cd" to "51")))
        assertEquals(
            HostReply.Declined("05"),
            protocol.readVoid(Incoming(PaymentAppProtocol.RESULT_CANCELED, mapOf("rsp_cd" to "05"))),
        )
    }

    @Test
    fun `no response code is no answer, never a decline`() {
        assertThrows<HostException.Unreachable> {
            protocol.readVoid(Incoming(PaymentAppProtocol.RESULT_CANCELED, emptyMap()))
        }
        assertThrows<HostException.Protocol> { protocol.readVoid(Incoming(-2, emptyMap())) }
        assertThrows<HostException.Protocol> { protocol.readVoid(ok("rsp_cd" to "00", "refer_no" to "509876543210")) }
    }

    @Test
    fun `a reversal answered 00 or 25 leaves the sale standing`() {
        assertEquals(ReversalReply.Reversed, protocol.readReversal(ok("rsp_cd" to "00")))
        assertEquals(ReversalReply.Reversed, protocol.readReversal(ok("rsp_cd" to "25")))
        assertThrows<HostException.Unreachable> { protocol.readReversal(ok("rsp_cd" to "96")) }
    }

    @Test
    fun `a sale reads back the masked card and the host's references`() {
        val sale = protocol.readSale(
            ok("rsp_cd" to "00", "card_no" to "622202******0123", "refer_no" to "509876543210", "auth_code" to "XY34ZZ"),
        )
        assertEquals(CardSale("622202******0123", "UnionPay", "509876543210", "XY34ZZ"), sale)
        assertThrows<HostException.Protocol> { protocol.readSale(ok("rsp_cd" to "55")) }
        assertEquals(CardSettlement("00"), protocol.readSettle(ok("rsp_cd" to "00")))
    }

    @Test
    fun `the other spelling of an acquirer needs only other keys`() {
        val custom = PaymentAppProtocol("dev.voidguard.app", PaymentAppProtocol.Keys(processingCode = "transType"))
        assertEquals("200000", custom.voidRequest(request, "VG1").extras["transType"])
    }

    @Test
    fun `the exchange hands the answer to the waiting call once`() {
        val exchange = PaymentAppExchange()
        val id = exchange.open(protocol.saleRequest(1, "VG5"))
        assertEquals("000000", exchange.outgoing(id)?.processingCode)
        val answer = ok("rsp_cd" to "00")
        thread { exchange.complete(id, answer) }
        assertEquals(answer, exchange.await(id, 5_000))
        assertNull(exchange.outgoing(id), "a finished exchange is closed")

        val late = exchange.open(protocol.saleRequest(1, "VG6"))
        assertNull(exchange.await(late, 10))
        exchange.complete(late, answer)
    }
}
