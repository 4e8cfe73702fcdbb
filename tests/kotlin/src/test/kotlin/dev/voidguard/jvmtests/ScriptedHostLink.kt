package dev.voidguard.jvmtests

import dev.voidguard.core.HostException
import dev.voidguard.core.HostLink
import dev.voidguard.core.HostReply
import dev.voidguard.core.HostRequest
import dev.voidguard.core.ReversalReply
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicLong

/**
 * The acquirer as a script: each host leg takes the next scripted answer, or the
 * default once the script is used up. The core calls it through the FFI (Rust →
 * Kotlin), and a [HostException] thrown here reaches the core as its `HostError`.
 * Safe to call from many threads.
 */
class ScriptedHostLink(
    @Volatile var onAuthorise: Answer = Answer.Approve,
    @Volatile var onReverse: Answer = Answer.Approve,
) : HostLink {
    sealed interface Answer {
        /** Approves a void; answers a reversal with "reversed". */
        data object Approve : Answer
        data class Decline(val responseCode: String) : Answer
        data object Timeout : Answer
        data class Unreachable(val reason: String) : Answer
        /** Answers a reversal with "the void went through" (only for reversals). */
        data object ConfirmVoid : Answer
        /** Throws something that is no HostException, as a buggy adapter might. */
        data object Crash : Answer
    }

    private val authoriseScript = ConcurrentLinkedQueue<Answer>()
    private val reverseScript = ConcurrentLinkedQueue<Answer>()
    private val serial = AtomicLong(100_000)

    val authorised = CopyOnWriteArrayList<HostRequest>()
    val reversed = CopyOnWriteArrayList<HostRequest>()

    fun thenAuthorise(vararg answers: Answer) = apply { authoriseScript.addAll(answers) }
    fun thenReverse(vararg answers: Answer) = apply { reverseScript.addAll(answers) }

    override fun authoriseVoid(request: HostRequest): HostReply {
        authorised += request
        return when (val a = authoriseScript.poll() ?: onAuthorise) {
            Answer.Approve, Answer.ConfirmVoid -> approved()
            is Answer.Decline -> HostReply.Declined(a.responseCode)
            else -> fail(a)
        }
    }

    override fun reverseVoid(request: HostRequest): ReversalReply {
        reversed += request
        return when (val a = reverseScript.poll() ?: onReverse) {
            Answer.Approve, is Answer.Decline -> ReversalReply.Reversed
            Answer.ConfirmVoid -> {
                val r = approved()
                ReversalReply.VoidApproved(r.rrn, r.authCode)
            }
            else -> fail(a)
        }
    }

    private fun approved(): HostReply.Approved {
        val n = serial.incrementAndGet()
        return HostReply.Approved(rrn = "HOST%08d".format(n), authCode = "A%05d".format(n % 100_000))
    }

    private fun fail(a: Answer): Nothing = when (a) {
        Answer.Timeout -> throw HostException.Timeout()
        is Answer.Unreachable -> throw HostException.Unreachable(a.reason)
        Answer.Crash -> throw IllegalStateException("the payment app's intent returned no extras")
        else -> error("not a failure: $a")
    }
}
