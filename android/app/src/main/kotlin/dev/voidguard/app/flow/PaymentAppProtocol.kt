package dev.voidguard.app.flow

import dev.voidguard.core.HostException
import dev.voidguard.core.HostReply
import dev.voidguard.core.HostRequest
import dev.voidguard.core.ReversalReply

/**
 * How VoidGuard talks to the acquirer's payment app on the terminal (DESIGN §2, "Host
 * leg"): a merchant app hands the card leg over by an explicit Intent whose extras carry
 * an ISO 8583-style processing code — 000000 sale, 200000 void, 900000 settle — and
 * reads the activity result code and extras back.
 *
 * This is the mapping only, in plain Kotlin so it is tested on the JVM; the Android
 * side (`PaymentAppHostLink`) turns [Outgoing] into an Intent and the result Intent
 * into [Incoming]. The extra names follow the common Lakala/Newland-style convention
 * and live in [Keys], so an acquirer whose app spells them differently needs only a
 * different [Keys]. Nothing secret travels: no password, no full card number.
 */
class PaymentAppProtocol(
    private val callerPackage: String,
    private val keys: Keys = Keys(),
) {
    /** The extra names, requests and answers alike. */
    data class Keys(
        val messageType: String = "msg_tp",
        val payType: String = "pay_tp",
        val processingCode: String = "proc_cd",
        val amount: String = "amt",
        val orderNo: String = "order_no",
        val appId: String = "appid",
        val batchNo: String = "batch_no",
        val voucherNo: String = "voucher_no",
        val originalVoucherNo: String = "orig_voucher_no",
        val originalRrn: String = "orig_refer_no",
        val originalAuthCode: String = "orig_auth_code",
        val originalDate: String = "orig_date",
        val merchantNo: String = "merchant_no",
        val terminalId: String = "terminal_id",
        val responseCode: String = "rsp_cd",
        val rrn: String = "refer_no",
        val authCode: String = "auth_code",
        val cardNo: String = "card_no",
        val cardScheme: String = "card_org",
    )

    /** What goes into the explicit Intent. */
    data class Outgoing(val processingCode: String, val extras: Map<String, String>)

    /** What came back: the activity result code and the result Intent's string extras. */
    data class Incoming(val resultCode: Int, val extras: Map<String, String>)

    fun voidRequest(request: HostRequest, orderNo: String): Outgoing =
        financial(MSG_FINANCIAL, VOID, request, orderNo)

    /** The reversal (冲正) of a void whose answer was lost: an 0400 for the same void. */
    fun reversalRequest(request: HostRequest, orderNo: String): Outgoing =
        financial(MSG_REVERSAL, VOID, request, orderNo)

    fun saleRequest(amountFen: Long, orderNo: String): Outgoing {
        require(amountFen > 0) { "a sale has a positive amount" }
        return Outgoing(
            SALE,
            common(MSG_FINANCIAL, SALE, orderNo) + (keys.amount to field4(amountFen)),
        )
    }

    fun settleRequest(batchNo: String, orderNo: String): Outgoing =
        Outgoing(SETTLE, common(MSG_SETTLEMENT, SETTLE, orderNo) + (keys.batchNo to batchNo))

    /**
     * The void's answer. Approved needs the RRN and auth code; a response code other
     * than 00 is a decline. A result with no response code — the app was closed, crashed
     * or timed out — is not a decline: nobody knows whether the host voided, so it is
     * reported as a failure and the core reverses the void.
     */
    fun readVoid(incoming: Incoming): HostReply {
        val code = responseCodeOf(incoming)
        return when {
            code == null -> throw noAnswer(incoming)
            code == APPROVED && incoming.resultCode == RESULT_OK -> HostReply.Approved(
                rrn = required(incoming, keys.rrn),
                authCode = required(incoming, keys.authCode),
            )
            code == APPROVED -> throw HostException.Protocol("approval with result code ${incoming.resultCode}")
            else -> HostReply.Declined(code)
        }
    }

    /**
     * The reversal's answer. 00 means the host undid the void; 25 (original not found)
     * means the host never had it — either way the sale stands. Anything else leaves the
     * void pending, and the core retries or shows it for manual handling.
     */
    fun readReversal(incoming: Incoming): ReversalReply {
        val code = responseCodeOf(incoming) ?: throw noAnswer(incoming)
        return when (code) {
            APPROVED, ORIGINAL_NOT_FOUND -> ReversalReply.Reversed
            else -> throw HostException.Unreachable("reversal answered $code")
        }
    }

    fun readSale(incoming: Incoming): CardSale {
        val code = responseCodeOf(incoming) ?: throw noAnswer(incoming)
        if (code != APPROVED || incoming.resultCode != RESULT_OK) {
            throw HostException.Protocol("sale not approved ($code)")
        }
        return CardSale(
            maskedPan = required(incoming, keys.cardNo),
            cardScheme = incoming.extras[keys.cardScheme]?.takeIf { it.isNotBlank() } ?: SaleFlow.DEFAULT_SCHEME,
            rrn = required(incoming, keys.rrn),
            authCode = required(incoming, keys.authCode),
        )
    }

    fun readSettle(incoming: Incoming): CardSettlement {
        val code = responseCodeOf(incoming) ?: throw noAnswer(incoming)
        if (code != APPROVED || incoming.resultCode != RESULT_OK) {
            throw HostException.Protocol("settlement not accepted ($code)")
        }
        return CardSettlement(code)
    }

    private fun financial(messageType: String, processingCode: String, r: HostRequest, orderNo: String): Outgoing {
        require(r.processingCode == processingCode) { "the core asked for ${r.processingCode}" }
        return Outgoing(
            processingCode,
            common(messageType, processingCode, orderNo) + mapOf(
                keys.amount to field4(r.amount),
                keys.batchNo to r.batchNo,
                keys.voucherNo to r.voucherNo,
                keys.originalVoucherNo to r.originalVoucherNo,
                keys.originalRrn to r.originalRrn,
                keys.originalAuthCode to r.originalAuthCode,
                keys.originalDate to r.originalBusinessDate,
                keys.merchantNo to r.merchantNo,
                keys.terminalId to r.terminalId,
            ),
        )
    }

    private fun common(messageType: String, processingCode: String, orderNo: String) = mapOf(
        keys.messageType to messageType,
        keys.payType to PAY_TYPE_BANK_CARD,
        keys.processingCode to processingCode,
        keys.orderNo to orderNo,
        keys.appId to callerPackage,
    )

    private fun responseCodeOf(incoming: Incoming): String? =
        incoming.extras[keys.responseCode]?.trim()?.takeIf { it.isNotEmpty() }

    private fun required(incoming: Incoming, key: String): String =
        incoming.extras[key]?.trim()?.takeIf { it.isNotEmpty() }
            ?: throw HostException.Protocol("the answer lacks $key")

    private fun noAnswer(incoming: Incoming): HostException = when (incoming.resultCode) {
        RESULT_CANCELED -> HostException.Unreachable("the payment app returned no answer")
        else -> HostException.Protocol("result code ${incoming.resultCode} without a response code")
    }

    companion object {
        const val SALE = "000000"
        const val VOID = "200000"
        const val SETTLE = "900000"

        const val MSG_FINANCIAL = "0200"
        const val MSG_REVERSAL = "0400"
        const val MSG_SETTLEMENT = "0500"
        const val PAY_TYPE_BANK_CARD = "0"

        /** ISO 8583 field 39. */
        const val APPROVED = "00"
        const val ORIGINAL_NOT_FOUND = "25"

        /** android.app.Activity.RESULT_OK and RESULT_CANCELED, without importing android.*. */
        const val RESULT_OK = -1
        const val RESULT_CANCELED = 0

        /** The acquirer app most Lakala smart POS ship; changeable in the settings. */
        const val DEFAULT_PACKAGE = "com.lkl.cloudpos.payment"
        const val DEFAULT_ACTIVITY = "com.lkl.cloudpos.payment.activity.MainMenuActivity"

        /** Amount as ISO 8583 field 4: twelve digits of minor units. */
        fun field4(fen: Long): String {
            require(fen in 0..999_999_999_999L) { "amount out of field 4's range" }
            return fen.toString().padStart(12, '0')
        }
    }
}
