package dev.voidguard.app.flow

import dev.voidguard.app.flow.PaymentAppProtocol.Incoming
import dev.voidguard.app.flow.PaymentAppProtocol.Outgoing
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.CopyOnWriteArrayList

/** The acquirer's payment app as a script: each exchange takes the next answer, else approves. */
class ScriptedPaymentApp : (Outgoing) -> Incoming {
    val seen = CopyOnWriteArrayList<Outgoing>()
    private val script = ConcurrentLinkedQueue<Incoming>()

    fun then(vararg answers: Incoming) = apply { script.addAll(answers) }

    override fun invoke(outgoing: Outgoing): Incoming {
        seen += outgoing
        return script.poll() ?: approve(outgoing)
    }

    fun approve(outgoing: Outgoing): Incoming = when (outgoing.extras["msg_tp"]) {
        PaymentAppProtocol.MSG_FINANCIAL -> ok("rsp_cd" to "00", "refer_no" to "50%010d".format(seen.size), "auth_code" to "AU%04d".format(seen.size))
        else -> ok("rsp_cd" to "00")
    }

    /** A fixture whose core talks to this app through [PaymentAppLink], as on the device. */
    fun fixture(maxReversalAttempts: UInt = 3u): Fixture =
        Fixture(PaymentAppLink(PaymentAppProtocol("dev.voidguard.app"), this), adjust = { it.copy(maxReversalAttempts = maxReversalAttempts) }).ready()

    companion object {
        /** The app came back without an answer (the cashier left it, or it failed). */
        val SILENT = Incoming(PaymentAppProtocol.RESULT_CANCELED, emptyMap())

        fun ok(vararg extras: Pair<String, String>) = Incoming(PaymentAppProtocol.RESULT_OK, mapOf(*extras))
    }
}
