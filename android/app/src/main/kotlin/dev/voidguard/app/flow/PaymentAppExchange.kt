package dev.voidguard.app.flow

import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicLong

/**
 * The meeting point between a HostLink call, which blocks a worker thread until the
 * payment app answers, and the activity that starts the app and receives its result on
 * the main thread. Only an exchange id crosses the Intent; the request stays here.
 */
class PaymentAppExchange {
    private class Slot(val outgoing: PaymentAppProtocol.Outgoing) {
        val done = CountDownLatch(1)

        @Volatile var incoming: PaymentAppProtocol.Incoming? = null
    }

    private val slots = ConcurrentHashMap<String, Slot>()
    private val ids = AtomicLong()

    /** Registers a request; the returned id is what the bridge activity is given. */
    fun open(outgoing: PaymentAppProtocol.Outgoing): String {
        val id = "x${ids.incrementAndGet()}"
        slots[id] = Slot(outgoing)
        return id
    }

    fun outgoing(id: String): PaymentAppProtocol.Outgoing? = slots[id]?.outgoing

    /** Hands the payment app's answer to the waiting call. Later answers are ignored. */
    fun complete(id: String, incoming: PaymentAppProtocol.Incoming) {
        val slot = slots[id] ?: return
        if (slot.done.count == 0L) return
        slot.incoming = incoming
        slot.done.countDown()
    }

    /** Waits for the answer; null when none came in time. The exchange is closed either way. */
    fun await(id: String, timeoutMs: Long): PaymentAppProtocol.Incoming? {
        val slot = slots[id] ?: return null
        try {
            slot.done.await(timeoutMs, TimeUnit.MILLISECONDS)
        } catch (e: InterruptedException) {
            Thread.currentThread().interrupt()
        } finally {
            slots.remove(id)
        }
        return slot.incoming
    }
}
