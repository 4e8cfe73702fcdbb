package dev.voidguard.app.flow

import dev.voidguard.core.HostException
import dev.voidguard.core.HostLink
import dev.voidguard.core.HostReply
import dev.voidguard.core.HostRequest
import dev.voidguard.core.LegDetail
import dev.voidguard.core.LegKind
import dev.voidguard.core.ReversalReason
import dev.voidguard.core.ReversalReply
import java.util.concurrent.atomic.AtomicLong

/**
 * The host link through the acquirer's payment app, without the platform: every leg the
 * core sends or reverses is mapped by [protocol] (the app's dialect: [PaymentAppProtocol]
 * for 星POS-style apps, [SunmiL3Protocol] for Sunmi's L3) and handed to [transport], which starts
 * the app and waits for its answer (throwing [dev.voidguard.core.HostException] when none
 * comes). On Android the transport moves Intents (`PaymentAppHostLink`); the JVM tests
 * give it a scripted payment app.
 */
class PaymentAppLink(
    private val protocol: PaymentAppDialect,
    private val transport: (PaymentAppProtocol.Outgoing) -> PaymentAppProtocol.Incoming,
) : HostLink {
    private val orders = AtomicLong(System.currentTimeMillis())

    override fun send(request: HostRequest): HostReply =
        protocol.readReply(request, transport(protocol.request(request, orderNo())))

    override fun reverse(request: HostRequest, reason: ReversalReason): ReversalReply =
        protocol.readReversal(request, transport(protocol.reversal(request, reason, orderNo())))

    /** Each exchange gets its own order number, a reversal too: the app pairs answers by it. */
    private fun orderNo(): String = "VG${orders.incrementAndGet()}"
}

/** How one payment app is spoken to: the Intent for each leg and how its answers read. */
interface PaymentAppDialect {
    fun request(request: HostRequest, orderNo: String): PaymentAppProtocol.Outgoing

    /** What undoes, or finds out about, a leg whose answer was lost. */
    fun reversal(request: HostRequest, reason: ReversalReason, orderNo: String): PaymentAppProtocol.Outgoing

    fun readReply(request: HostRequest, incoming: PaymentAppProtocol.Incoming): HostReply

    fun readReversal(request: HostRequest, incoming: PaymentAppProtocol.Incoming): ReversalReply
}

/** The kind of leg a request is for, as the core's processing-code tables name it. */
fun HostRequest.legKind(): LegKind = when (detail) {
    is LegDetail.Sale -> LegKind.SALE
    is LegDetail.Void -> LegKind.VOID
    is LegDetail.Settlement -> LegKind.SETTLEMENT
    is LegDetail.Refund -> LegKind.REFUND
}

/** An answer's extra, trimmed; none when absent or blank. */
fun PaymentAppProtocol.Incoming.text(key: String): String? = extras[key]?.trim()?.takeIf { it.isNotEmpty() }

/**
 * PCI DSS 3.4.1: a payment app reports the card masked; it is the leg's card when its
 * BIN and last four are the leg's. A sale approved for another card is no approval of
 * the leg (the journal would name the wrong card), whichever app answered.
 */
fun checkSameCard(sale: LegDetail.Sale, reported: String?) {
    if (reported == null) return
    if (reported.take(6) != sale.maskedPan.take(6) || reported.takeLast(4) != sale.maskedPan.takeLast(4)) {
        throw HostException.Protocol("the payment app read another card")
    }
}
