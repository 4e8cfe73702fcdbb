package dev.voidguard.jvmtests

import dev.voidguard.core.HostException
import dev.voidguard.core.HostLink
import dev.voidguard.core.HostReply
import dev.voidguard.core.HostRequest
import dev.voidguard.core.LegDetail
import dev.voidguard.core.LegKind
import dev.voidguard.core.ReversalReason
import dev.voidguard.core.ReversalReply
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicLong

/**
 * The acquirer as a script, for every kind of host leg (sale, void, settlement): a
 * request takes the next scripted answer of its kind, or that kind's default once the
 * script is used up; a reversal likewise. The core calls it through the FFI (Rust →
 * Kotlin), and a [HostException] thrown here reaches the core as its `HostError`.
 * Safe to call from many threads.
 */
class ScriptedHostLink(
    @Volatile var onSale: Answer = Answer.Approve,
    @Volatile var onVoid: Answer = Answer.Approve,
    @Volatile var onSettle: Answer = Answer.Approve,
    @Volatile var onRefund: Answer = Answer.Approve,
    @Volatile var onReverse: Answer = Answer.Approve,
) : HostLink {
    sealed interface Answer {
        /** Approves a request; answers a reversal with "reversed". */
        data object Approve : Answer
        data class Decline(val responseCode: String) : Answer
        data object Timeout : Answer
        data class Unreachable(val reason: String) : Answer
        data object BadMac : Answer
        /** Answers a reversal with "it went through" (only for reversals). */
        data object Confirm : Answer
        /** Throws something that is no HostException, as a buggy adapter might. */
        data object Crash : Answer
    }

    private val sendScripts = LegKind.entries.associateWith { ConcurrentLinkedQueue<Answer>() }
    private val reverseScript = ConcurrentLinkedQueue<Answer>()
    private val serial = AtomicLong(100_000)

    /** Every request sent, oldest first. */
    val sent = CopyOnWriteArrayList<HostRequest>()

    /** Every request a reversal was sent for, with its reason. */
    val reversals = CopyOnWriteArrayList<Pair<HostRequest, ReversalReason>>()

    val reversed: List<HostRequest> get() = reversals.map { it.first }

    fun sent(kind: LegKind): List<HostRequest> = sent.filter { kindOf(it) == kind }

    fun thenSend(kind: LegKind, vararg answers: Answer) = apply { sendScripts.getValue(kind).addAll(answers) }
    fun thenReverse(vararg answers: Answer) = apply { reverseScript.addAll(answers) }

    override fun send(request: HostRequest): HostReply {
        sent += request
        val kind = kindOf(request)
        val fallback = when (kind) {
            LegKind.SALE -> onSale
            LegKind.VOID -> onVoid
            LegKind.SETTLEMENT -> onSettle
            LegKind.REFUND -> onRefund
        }
        return when (val a = sendScripts.getValue(kind).poll() ?: fallback) {
            Answer.Approve, Answer.Confirm -> approved(kind)
            is Answer.Decline -> HostReply.Declined(a.responseCode)
            else -> fail(a)
        }
    }

    override fun reverse(request: HostRequest, reason: ReversalReason): ReversalReply {
        reversals += request to reason
        return when (val a = reverseScript.poll() ?: onReverse) {
            Answer.Approve, is Answer.Decline -> ReversalReply.Reversed
            Answer.Confirm -> approved(kindOf(request)).let { ReversalReply.Approved(it.rrn, it.authCode) }
            else -> fail(a)
        }
    }

    /** A host's approval; a settlement's carries no reference numbers, as acquirers' batch closes do not. */
    private fun approved(kind: LegKind): HostReply.Approved {
        if (kind == LegKind.SETTLEMENT) return HostReply.Approved(rrn = "", authCode = "")
        val n = serial.incrementAndGet()
        return HostReply.Approved(rrn = "HOST%08d".format(n), authCode = "A%05d".format(n % 100_000))
    }

    private fun fail(a: Answer): Nothing = when (a) {
        Answer.Timeout -> throw HostException.Timeout()
        is Answer.Unreachable -> throw HostException.Unreachable(a.reason)
        Answer.BadMac -> throw HostException.BadMac()
        Answer.Crash -> throw IllegalStateException("the payment app's intent returned no extras")
        else -> error("not a failure: $a")
    }

    companion object {
        fun kindOf(request: HostRequest): LegKind = when (request.detail) {
            is LegDetail.Sale -> LegKind.SALE
            is LegDetail.Void -> LegKind.VOID
            is LegDetail.Settlement -> LegKind.SETTLEMENT
            is LegDetail.Refund -> LegKind.REFUND
        }
    }
}
