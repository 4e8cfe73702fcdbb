package dev.voidguard.jvmtests

import dev.voidguard.core.FfiConverterTypeClock
import dev.voidguard.core.FfiConverterTypeHostLink
import dev.voidguard.core.FfiConverterTypeKeyWrapper
import dev.voidguard.core.JournalQuery
import dev.voidguard.core.Terminal
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout
import org.junit.jupiter.api.assertThrows
import java.nio.file.Files
import java.nio.file.Paths
import java.util.concurrent.TimeUnit

/**
 * Short-lived objects by the ten thousand, each closed with `use {}`: what Rust
 * allocates for them (a SQLite connection per Terminal, a buffer per record) and the
 * callback handles Kotlin lends to Rust must all be given back. The heap is fixed and
 * pre-touched (see the surefire argLine), so after warming up the process's resident
 * set only grows if native memory leaks.
 */
class MemoryTest {
    private val roundTrips = 10_000

    /**
     * Each Terminal also lends Rust three Kotlin callback objects (keys, host, clock):
     * 10,000 objects across the FFI.
     */
    private val terminals = 2_500

    /**
     * An open Terminal costs about 200 KiB of native memory (its SQLite connection,
     * schema and statement cache), so 2,500 leaked ones would be ~500 MiB; a leaked
     * page of 50 transactions per round trip would be ~70 MiB over 10,000.
     */
    private val allowedGrowthKb = 32 * 1024L

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    fun `thousands of terminals opened and closed give back their memory and callback handles`() {
        val host = ScriptedHostLink()
        TerminalFixture.ready(host = host).use { f ->
            repeat(20) { f.sale("1.${it % 10}0") }
            // One Terminal holds a database at a time: the fixture's steps aside while
            // the short-lived ones come and go.
            f.closeTerminal()
            val config = f.config()
            fun openOnce() = Terminal.openWithClock(config, f.keys, host, f.clock).use { t ->
                check(t.status().activated)
            }

            repeat(500) { openOnce() } // warm up the JIT, the allocator and SQLite
            val handles = callbackHandles()
            val before = residentKb()
            val started = System.nanoTime()
            repeat(terminals) { openOnce() }
            val seconds = (System.nanoTime() - started) / 1e9
            val after = residentKb()

            assertEquals(handles, callbackHandles(), "every key wrapper, host link and clock handle lent to Rust came back")
            assertTrue(after - before < allowedGrowthKb,
                "resident set grew by ${after - before} KiB over $terminals terminals")
            println("memory: $terminals terminals in %.1f s, VmRSS %d -> %d KiB".format(seconds, before, after))
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    fun `ten thousand journal pages, transactions and statuses cross the FFI without growth`() {
        TerminalFixture.ready().use { f ->
            val t = f.terminal
            val sales = (1..100).map { f.sale("%d.%02d".format(it, it % 100)) }
            t.voidTransaction(voidOf(sales[7]))
            fun roundTrip(i: Int) {
                val page = t.journal(JournalQuery(limit = 50u))
                check(page.items.size == 50 && page.nextCursor != null)
                val found = t.findTransaction(sales[i % sales.size].voucherNo)
                check(found?.voucherNo == sales[i % sales.size].voucherNo)
                check(t.status().activated)
                check(t.audit(null, 5u).size == 5)
            }

            repeat(2_000) { roundTrip(it) } // until the JIT has compiled the converters
            val before = residentKb()
            val started = System.nanoTime()
            repeat(roundTrips) { roundTrip(it) }
            val seconds = (System.nanoTime() - started) / 1e9
            val after = residentKb()
            assertTrue(after - before < allowedGrowthKb,
                "resident set grew by ${after - before} KiB over $roundTrips round trips")
            println("memory: $roundTrips journal round trips in %.1f s, VmRSS %d -> %d KiB".format(seconds, before, after))
        }
    }

    @Test
    fun `a closed terminal refuses further calls instead of touching freed memory`() {
        TerminalFixture.ready().use { f ->
            val t = f.terminal
            t.close()
            t.close() // closing twice is harmless
            val refused = assertThrows<IllegalStateException> { t.status() }
            assertTrue(refused.message.orEmpty().contains("destroyed"), refused.message)
        }
    }

    private fun callbackHandles() = listOf(
        FfiConverterTypeKeyWrapper.handleMap.size,
        FfiConverterTypeHostLink.handleMap.size,
        FfiConverterTypeClock.handleMap.size,
    )

    /** VmRSS of this process after the collector ran, in KiB. */
    private fun residentKb(): Long {
        repeat(3) {
            System.gc()
            Thread.sleep(50)
        }
        val line = Files.readAllLines(Paths.get("/proc/self/status")).first { it.startsWith("VmRSS:") }
        return line.removePrefix("VmRSS:").trim().removeSuffix("kB").trim().toLong()
    }
}
