package dev.voidguard.testsupport

import dev.voidguard.core.Clock
import java.util.concurrent.atomic.AtomicLong

/** A clock the tests set and move; the core reads it through the FFI. */
class TestClock(startMs: Long = START_MS) : Clock {
    private val now = AtomicLong(startMs)

    override fun nowMs(): Long = now.get()

    fun advance(ms: Long) {
        now.addAndGet(ms)
    }

    fun set(ms: Long) {
        now.set(ms)
    }

    companion object {
        /** 2026-11-29 10:00 in Beijing (+08:00): the day every test's terminal starts on. */
        const val START_MS = 1_795_917_600_000L
        const val MINUTE_MS = 60_000L
        const val HOUR_MS = 60 * MINUTE_MS
        const val DAY_MS = 24 * HOUR_MS
    }
}
