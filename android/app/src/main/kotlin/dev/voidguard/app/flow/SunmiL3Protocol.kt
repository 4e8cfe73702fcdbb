package dev.voidguard.app.flow

import dev.voidguard.app.flow.PaymentAppProtocol.Incoming
import dev.voidguard.app.flow.PaymentAppProtocol.Outgoing
import dev.voidguard.core.HostException
import dev.voidguard.core.HostReply
import dev.voidguard.core.HostRequest
import dev.voidguard.core.LegDetail
import dev.voidguard.core.ReversalReason
import dev.voidguard.core.ReversalReply
import dev.voidguard.core.intentProcessingCode
import java.security.SecureRandom
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

/**
 * Sunmi's L3 payment app, the second choice beside the 星POS-style [PaymentAppProtocol].
 * Its names follow Sunmi's public L3 integration demo: the implicit action
 * `sunmi.payment.L3`; `transType` 0 sale (消费), 1 void (撤销) with `oriVoucherNo`, 2
 * refund (退货) with `oriReferenceNo` and `oriTransDate` (MMDD), 7 settlement (结算), 18
 * the query of one transaction by its `transId`; `amount` in fen as a Long; `paymentType`
 * 0, a bank card; `isManagePwd` false, because VoidGuard's void password has already
 * authorised the act. The answer carries `resultCode` (0 when the transaction ran),
 * `answerCode` (ISO 8583 field 39), `referenceNo`, `authNo`, `voucherNo`, `batchNo` and
 * `cardNo`, masked. Sunmi documents the result as a broadcast; which action it is sent
 * under has varied between its releases, so [RESULT_ACTIONS] names both seen.
 *
 * L3 talks to the acquirer itself and reverses its own lost answers, so a leg whose
 * answer VoidGuard lost is not reversed from here: L3 is asked (18) how the transaction
 * with that `transId` ended. `transId` is therefore the leg's own — terminal, batch and
 * voucher — the same on every try, and never the exchange's order number.
 *
 * Any app on the terminal may send a broadcast under L3's result actions, and terminal,
 * batch and voucher are easy to guess (they are on the slip). So `transId` also carries a
 * tag keyed with [transIdKey], a secret of this installation: the request goes to L3's
 * package alone, so an app that did not see it cannot name an open leg, and a forged
 * "approved" broadcast answers nothing. Same leg, same key: the same `transId` on every
 * try, after a restart too.
 */
class SunmiL3Protocol(private val callerPackage: String, private val transIdKey: ByteArray) : PaymentAppDialect {
    init {
        require(transIdKey.size >= TRANS_ID_KEY_BYTES) { "a transId key of $TRANS_ID_KEY_BYTES bytes" }
    }

    /** The leg's own id, tagged with this installation's key. */
    fun transIdOf(r: HostRequest): String = transIdOf(r, transIdKey)

    override fun request(request: HostRequest, orderNo: String): Outgoing = when (val d = request.detail) {
        is LegDetail.Sale -> outgoing(TRANS_SALE, request, emptyMap())
        is LegDetail.Void -> outgoing(TRANS_VOID, request, mapOf("oriVoucherNo" to d.original.voucherNo))
        is LegDetail.Refund -> outgoing(
            TRANS_REFUND,
            request,
            mapOf("oriReferenceNo" to d.originalRrn, "oriTransDate" to mmdd(d.originalBusinessDate)),
        )
        is LegDetail.Settlement -> outgoing(TRANS_SETTLEMENT, request, mapOf("isSettlementTicket" to false))
    }

    /** The query of the leg's transaction; a settlement is asked again (a host closes a batch once). */
    override fun reversal(request: HostRequest, reason: ReversalReason, orderNo: String): Outgoing =
        when (request.detail) {
            is LegDetail.Settlement -> request(request, orderNo)
            is LegDetail.Sale, is LegDetail.Void, is LegDetail.Refund -> Outgoing(
                intentProcessingCode(request.legKind()),
                mapOf("transType" to TRANS_QUERY, "transId" to transIdOf(request), "appId" to callerPackage),
                ACTION,
            )
        }

    /**
     * 00 with the RRN and auth code is an approval; another answer code a decline; no
     * answer code — L3 closed, the card not read, the host not reached — is not knowing,
     * and the core asks L3 again. A sale approved for a card other than the leg's is not
     * an approval of the leg.
     */
    override fun readReply(request: HostRequest, incoming: Incoming): HostReply {
        val code = optional(incoming, "answerCode") ?: throw HostException.Unreachable("L3 returned no answer code")
        if (code != APPROVED) return HostReply.Declined(code)
        if (optional(incoming, "resultCode") != RESULT_DONE) throw HostException.Protocol("approval without resultCode 0")
        val d = request.detail
        if (d is LegDetail.Settlement) return HostReply.Approved("", "")
        if (d is LegDetail.Sale) checkSameCard(d, optional(incoming, "cardNo"))
        return HostReply.Approved(required(incoming, "referenceNo"), required(incoming, "authNo"))
    }

    /**
     * The query's answer: 00 means the transaction stands (confirmed, with its
     * references); another answer code means the host refused it, so nothing stands.
     * No answer code leaves the leg open: the core asks again, then hands it over for
     * manual handling. For a settlement asked again, 00 means the batch is closed.
     */
    override fun readReversal(request: HostRequest, incoming: Incoming): ReversalReply {
        val code = optional(incoming, "answerCode") ?: throw HostException.Unreachable("L3 could not say how it ended")
        if (code != APPROVED) return ReversalReply.Reversed
        return when (val reply = readReply(request, incoming)) {
            is HostReply.Approved -> ReversalReply.Approved(reply.rrn, reply.authCode)
            is HostReply.Declined -> ReversalReply.Reversed
            is HostReply.NoAnswer -> throw HostException.Unreachable("L3 could not say how it ended")
        }
    }

    private fun outgoing(transType: Int, r: HostRequest, extra: Map<String, Any>): Outgoing {
        require(r.amount >= 0) { "a host leg's amount is not negative" }
        val extras = mapOf(
            "transType" to transType,
            "transId" to transIdOf(r),
            "appId" to callerPackage,
            "paymentType" to PAYMENT_TYPE_BANK_CARD,
            "amount" to r.amount,
            "isManagePwd" to false,
            "isPrintTicket" to false,
        )
        return Outgoing(intentProcessingCode(r.legKind()), extras + extra, ACTION)
    }

    private fun optional(incoming: Incoming, key: String): String? = incoming.text(key)

    private fun required(incoming: Incoming, key: String): String =
        optional(incoming, key) ?: throw HostException.Protocol("the answer lacks $key")

    companion object {
        const val ACTION = "sunmi.payment.L3"
        val RESULT_ACTIONS = listOf("sunmi.payment.L3.RESULT", "sunmi.payment.L3Route.RESULT")

        /** L3's result broadcast answers the exchange whose request carried the same `transId`. */
        val BROADCAST_ANSWERS = BroadcastAnswers(RESULT_ACTIONS, "transId")

        /**
         * The package L3 is looked for in, changeable in the settings. Public integrations
         * address Sunmi's payment service by setting this package on its `sunmi.payment.*`
         * actions (its cashier-service entry `sunmi.payment.action.entry` among them); a
         * terminal whose L3 ships under another package needs only the setting changed.
         */
        const val DEFAULT_PACKAGE = "com.sunmi.payment"

        const val TRANS_SALE = 0
        const val TRANS_VOID = 1
        const val TRANS_REFUND = 2
        const val TRANS_SETTLEMENT = 7
        const val TRANS_QUERY = 18
        const val PAYMENT_TYPE_BANK_CARD = 0
        const val RESULT_DONE = "0"
        const val APPROVED = "00"

        /** Bytes of the installation's transId key. */
        const val TRANS_ID_KEY_BYTES = 32

        /** Hex digits of the tag: 40 bits, so guessing one open leg's takes ~10^12 tries. */
        private const val TAG_BYTES = 5

        /** A new installation's transId key. */
        fun newTransIdKey(): ByteArray = ByteArray(TRANS_ID_KEY_BYTES).also(SecureRandom()::nextBytes)

        /**
         * The leg's own id: terminal, batch and the leg's voucher (a settlement: its
         * batch), then the first bytes of HMAC-SHA256 of those under [key] in hex —
         * 32 characters for an 8-character terminal id.
         */
        fun transIdOf(r: HostRequest, key: ByteArray): String {
            val voucher = when (val d = r.detail) {
                is LegDetail.Sale -> d.voucherNo
                is LegDetail.Void -> d.voucherNo
                is LegDetail.Refund -> d.voucherNo
                is LegDetail.Settlement -> "S"
            }
            val leg = "VG${r.terminalId}${r.batchNo}$voucher"
            val mac = Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(key, "HmacSHA256")) }
            val tag = mac.doFinal(leg.toByteArray(Charsets.US_ASCII)).take(TAG_BYTES)
            return leg + tag.joinToString("") { "%02x".format(it.toInt() and 0xff) }
        }

        /** `2025-03-14` → `0314`, as L3's `oriTransDate` takes it. */
        fun mmdd(isoDate: String): String {
            require(isoDate.length == 10 && isoDate[4] == '-' && isoDate[7] == '-') { "not an ISO date: $isoDate" }
            return isoDate.substring(5, 7) + isoDate.substring(8, 10)
        }
    }
}
