package dev.voidguard.app.flow

import dev.voidguard.core.HostException
import dev.voidguard.core.HostReply
import dev.voidguard.core.HostRequest
import dev.voidguard.core.LegDetail
import dev.voidguard.core.ReversalReason
import dev.voidguard.core.ReversalReply
import dev.voidguard.core.intentProcessingCode
import dev.voidguard.core.processingCode
import dev.voidguard.core.reversalReasonCode

/**
 * How VoidGuard talks to the acquirer's payment app on the terminal (DESIGN §2, "Host
 * leg"): a merchant app hands the card leg over by an explicit Intent whose extras carry
 * an ISO 8583-style processing code — 000000 sale, 200000 void, 900000 settle — and
 * reads the activity result code and extras back.
 *
 * This is the mapping only, in plain Kotlin so it is tested on the JVM; the Android
 * side (`PaymentAppHostLink`) turns [Outgoing] into an Intent and the result Intent
 * into [Incoming]. The request follows Newland 星POS's published invoke API (收单应用调用):
 * `msg_tp` 0200, `pay_tp` 0 (bank card), `proc_tp` 00, `proc_cd`, `amt` in yuan with
 * two decimals (`100.01`), `order_no`, and for a void the original's voucher as
 * `systraceno` and its batch and voucher as `batchbillno`; the extras it does not
 * define (the terminal, operator, totals, the original's RRN and auth code) ride along
 * for apps that read them. The answer's names are the common Lakala-style ones and
 * live in [Keys] with the rest, so an app that spells them differently needs only a
 * different [Keys]. Nothing secret travels: no password, no full card number.
 */
class PaymentAppProtocol(
    private val callerPackage: String,
    private val keys: Keys = Keys(),
) : PaymentAppDialect {
    /** The extra names, requests and answers alike. */
    data class Keys(
        val messageType: String = "msg_tp",
        val payType: String = "pay_tp",
        val processingType: String = "proc_tp",
        val processingCode: String = "proc_cd",
        val amount: String = "amt",
        val orderNo: String = "order_no",
        val appId: String = "appid",
        val batchNo: String = "batch_no",
        val voucherNo: String = "voucher_no",
        val originalVoucherNo: String = "systraceno",
        val originalBatchVoucher: String = "batchbillno",
        val originalBatchNo: String = "orig_batch_no",
        val originalRrn: String = "orig_refer_no",
        val originalAuthCode: String = "orig_auth_code",
        val originalDate: String = "orig_date",
        val merchantNo: String = "merchant_no",
        val terminalId: String = "terminal_id",
        val operatorNo: String = "oper_no",
        val businessDate: String = "trans_date",
        val reversalReason: String = "reversal_rsn",
        val saleCount: String = "sale_cnt",
        val saleTotal: String = "sale_amt",
        val voidCount: String = "void_cnt",
        val voidTotal: String = "void_amt",
        val responseCode: String = "rsp_cd",
        val rrn: String = "refer_no",
        val authCode: String = "auth_code",
        val cardNo: String = "card_no",
        val cardScheme: String = "card_org",
    )

    /**
     * What goes into the Intent: [extras] of the types Intents carry (String, Int, Long,
     * Boolean); sent to the configured component, or as an implicit [action] to the app
     * that declares it.
     */
    data class Outgoing(val processingCode: String, val extras: Map<String, Any>, val action: String? = null)

    /** What came back: the activity result code and the result Intent's string extras. */
    data class Incoming(val resultCode: Int, val extras: Map<String, String>)

    /**
     * The request for the host leg the core persisted: a sale (0200, 000000), a void
     * (0200, 200000, with the original's references) or a settlement (0500, 900000,
     * with the terminal's totals for the host to compare). The card goes masked: the
     * payment app reads the card itself.
     */
    override fun request(request: HostRequest, orderNo: String): Outgoing = when (val d = request.detail) {
        is LegDetail.Sale -> outgoing(
            MSG_FINANCIAL,
            request,
            orderNo,
            mapOf(keys.voucherNo to d.voucherNo, keys.cardNo to d.maskedPan, keys.cardScheme to d.cardScheme),
        )
        is LegDetail.Void -> outgoing(
            MSG_FINANCIAL,
            request,
            orderNo,
            mapOf(
                keys.voucherNo to d.voucherNo,
                keys.originalVoucherNo to d.original.voucherNo,
                keys.originalBatchVoucher to d.original.batchNo + d.original.voucherNo,
                keys.originalBatchNo to d.original.batchNo,
                keys.originalRrn to d.original.rrn,
                keys.originalAuthCode to d.original.authCode,
                keys.originalDate to d.original.businessDate,
            ),
        )
        is LegDetail.Settlement -> outgoing(
            MSG_SETTLEMENT,
            request,
            orderNo,
            mapOf(
                keys.saleCount to d.totals.saleCount.toString(),
                keys.saleTotal to field4(d.totals.saleTotal),
                keys.voidCount to d.totals.voidCount.toString(),
                keys.voidTotal to field4(d.totals.voidTotal),
            ),
        )
        // A refund (退货): the original by its RRN and date, and by voucher and batch
        // where it is in this journal.
        is LegDetail.Refund -> outgoing(
            MSG_FINANCIAL,
            request,
            orderNo,
            listOfNotNull(
                keys.voucherNo to d.voucherNo,
                keys.originalRrn to d.originalRrn,
                keys.originalDate to d.originalBusinessDate,
                d.originalVoucherNo?.let { keys.originalVoucherNo to it },
                d.originalBatchNo?.let { keys.originalBatchNo to it },
                d.originalAuthCode?.let { keys.originalAuthCode to it },
            ).toMap(),
        )
    }

    /**
     * The reversal (冲正) of a sale or void whose answer was lost: an 0400 for the same
     * request with the UnionPay reason code (98, 96, A0, 06). A settlement cannot be
     * undone: it is asked again (the host closes a batch once), and [readReversal] says
     * whether the host's batch is closed.
     */
    override fun reversal(request: HostRequest, reason: ReversalReason, orderNo: String): Outgoing = when (request.detail) {
        is LegDetail.Settlement -> request(request, orderNo)
        is LegDetail.Sale, is LegDetail.Void, is LegDetail.Refund -> request(request, orderNo).let { sent ->
            sent.copy(extras = sent.extras + mapOf(keys.messageType to MSG_REVERSAL, keys.reversalReason to reasonCode(reason)))
        }
    }

    /**
     * The answer to a sale, void or settlement. Approved needs the RRN and auth code (a
     * settlement's may come without); a response code other than 00 is a decline. A
     * result with no response code — the app was closed, crashed or timed out — is not a
     * decline: nobody knows whether the host acted, so it is reported as a failure and
     * the core reverses the leg. A sale approved for a card other than the one the leg
     * carries is a failure too: the journal would name the wrong card, so it is reversed.
     */
    override fun readReply(request: HostRequest, incoming: Incoming): HostReply {
        val code = responseCodeOf(incoming) ?: throw noAnswer(incoming)
        return when {
            code != APPROVED -> HostReply.Declined(code)
            incoming.resultCode != RESULT_OK -> throw HostException.Protocol("approval with result code ${incoming.resultCode}")
            else -> when (val d = request.detail) {
                is LegDetail.Settlement -> settlementApproval(incoming)
                is LegDetail.Sale -> {
                    checkSameCard(d, optional(incoming, keys.cardNo))
                    approval(incoming)
                }
                is LegDetail.Void, is LegDetail.Refund -> approval(incoming)
            }
        }
    }

    /**
     * The reversal's answer. For a sale or void: 00 means the host undid it; 25
     * (original not found) means the host never had it — either way nothing stands.
     * Anything else leaves the leg unresolved, and the core retries or shows it for
     * manual handling. For a settlement asked again: 00 means the host's batch is
     * closed (the settlement stands); another response code means the host has not
     * closed it, so nothing happened.
     */
    override fun readReversal(request: HostRequest, incoming: Incoming): ReversalReply {
        val code = responseCodeOf(incoming) ?: throw noAnswer(incoming)
        if (request.detail is LegDetail.Settlement) {
            return when {
                code != APPROVED -> ReversalReply.Reversed
                incoming.resultCode != RESULT_OK -> throw HostException.Protocol("approval with result code ${incoming.resultCode}")
                else -> settlementApproval(incoming).let { ReversalReply.Approved(it.rrn, it.authCode) }
            }
        }
        return when (code) {
            APPROVED, ORIGINAL_NOT_FOUND -> ReversalReply.Reversed
            else -> throw HostException.Unreachable("reversal answered $code")
        }
    }

    /** The extras every request carries, then the kind's own [extra]. */
    private fun outgoing(messageType: String, r: HostRequest, orderNo: String, extra: Map<String, String>): Outgoing {
        val kind = r.legKind()
        require(r.processingCode == processingCode(kind)) { "the core asked for ${r.processingCode} with a ${r.detail::class.simpleName}" }
        val extras = mapOf(
            keys.messageType to messageType,
            keys.payType to PAY_TYPE_BANK_CARD,
            keys.processingType to PROCESSING_TYPE_PURCHASE,
            // The Intent's own code: a refund is 500000 there, 200000 in ISO 8583.
            keys.processingCode to intentProcessingCode(kind),
            keys.orderNo to orderNo,
            keys.appId to callerPackage,
            keys.amount to amountOf(r.amount),
            keys.batchNo to r.batchNo,
            keys.businessDate to r.businessDate,
            keys.merchantNo to r.merchantNo,
            keys.terminalId to r.terminalId,
            keys.operatorNo to r.operatorNo,
        )
        return Outgoing(intentProcessingCode(kind), extras + extra)
    }

    private fun approval(incoming: Incoming) = HostReply.Approved(
        rrn = required(incoming, keys.rrn),
        authCode = required(incoming, keys.authCode),
    )

    /** A batch close has no reference numbers of its own; when the app gives both, they are kept. */
    private fun settlementApproval(incoming: Incoming): HostReply.Approved {
        val rrn = optional(incoming, keys.rrn)
        val authCode = optional(incoming, keys.authCode)
        return if (rrn != null && authCode != null) HostReply.Approved(rrn, authCode) else HostReply.Approved("", "")
    }

    private fun responseCodeOf(incoming: Incoming): String? = incoming.text(keys.responseCode)

    private fun optional(incoming: Incoming, key: String): String? = incoming.text(key)

    private fun required(incoming: Incoming, key: String): String =
        optional(incoming, key) ?: throw HostException.Protocol("the answer lacks $key")

    private fun noAnswer(incoming: Incoming): HostException = when (incoming.resultCode) {
        RESULT_CANCELED -> HostException.Unreachable("the payment app returned no answer")
        else -> HostException.Protocol("result code ${incoming.resultCode} without a response code")
    }

    companion object {
        const val MSG_FINANCIAL = "0200"
        const val MSG_REVERSAL = "0400"
        const val MSG_SETTLEMENT = "0500"
        const val PAY_TYPE_BANK_CARD = "0"

        /** 星POS `proc_tp`: 00, the purchase class every card transaction is filed under. */
        const val PROCESSING_TYPE_PURCHASE = "00"

        /** ISO 8583 field 39. */
        const val APPROVED = "00"
        const val ORIGINAL_NOT_FOUND = "25"

        /** android.app.Activity.RESULT_OK and RESULT_CANCELED, without importing android.*. */
        const val RESULT_OK = -1
        const val RESULT_CANCELED = 0

        /** The acquirer app most Lakala smart POS ship; changeable in the settings. */
        const val DEFAULT_PACKAGE = "com.lkl.cloudpos.payment"
        const val DEFAULT_ACTIVITY = "com.lkl.cloudpos.payment.activity.MainMenuActivity"

        /** The F39 reason code a reversal carries (UnionPay terminal specification), from the core's table. */
        fun reasonCode(reason: ReversalReason): String = reversalReasonCode(reason)

        /** The request's `amt` as 星POS takes it: yuan with two decimals, `12.34`. */
        fun amountOf(fen: Long): String {
            require(fen >= 0) { "a host leg's amount is not negative" }
            return Money.format(fen)
        }

        /** Amount as ISO 8583 field 4: twelve digits of minor units (the settlement totals). */
        fun field4(fen: Long): String {
            require(fen in 0..999_999_999_999L) { "amount out of field 4's range" }
            return fen.toString().padStart(12, '0')
        }
    }
}
