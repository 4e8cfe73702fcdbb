package dev.voidguard.jvmtests

import dev.voidguard.core.LegKind
import dev.voidguard.core.LegState
import dev.voidguard.core.Transaction
import dev.voidguard.core.TransactionKind
import dev.voidguard.core.TransactionStatus
import dev.voidguard.core.VoidGuardException
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout
import java.util.Collections
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlin.random.Random

/**
 * Eight Kotlin threads share one Terminal and its one session (cashier 01 signed in):
 * each records sales and voids sales at random, its own and the others', so several
 * threads race to void the same sale and the host leg (a Kotlin callback) runs on all
 * of them. Afterwards the journal must hold the invariants a void promises.
 */
class ConcurrencyTest {
    private val threads = 8
    private val rounds = 30

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    fun `eight threads selling and voiding on one terminal keep the journal invariants`() {
        val host = ScriptedHostLink()
        TerminalFixture.ready(host = host, adjust = {
            it.copy(dailyVoidCountLimit = 1_000_000u, dailyVoidAmountLimit = 1_000_000_000_000L)
        }).use { f ->
            val t = f.terminal
            val sales = CopyOnWriteArrayList<Transaction>()
            val approvedVoids = ConcurrentHashMap<String, String>() // original voucher -> void voucher
            val doubleApprovals = Collections.synchronizedList(mutableListOf<String>())
            val alreadyVoided = AtomicInteger()
            val contended = AtomicInteger()
            val failures = Collections.synchronizedList(mutableListOf<Throwable>())
            val start = CountDownLatch(1)

            fun tryVoid(target: Transaction) {
                repeat(10_000) {
                    try {
                        val outcome = t.voidTransaction(voidOf(target))
                        assertEquals(LegState.APPROVED, outcome.state)
                        val void = requireNotNull(outcome.voidTransaction)
                        if (approvedVoids.putIfAbsent(target.voucherNo, void.voucherNo) != null) {
                            doubleApprovals += target.voucherNo
                        }
                        return
                    } catch (e: VoidGuardException.AlreadyVoided) {
                        assertEquals(target.voucherNo, e.voucherNo)
                        alreadyVoided.incrementAndGet()
                        return
                    } catch (e: VoidGuardException.PendingHostWork) {
                        contended.incrementAndGet() // another thread's void awaits its answer
                    } catch (e: VoidGuardException.VoidInProgress) {
                        contended.incrementAndGet() // another thread is voiding this very sale
                    } catch (e: VoidGuardException.Busy) {
                        contended.incrementAndGet()
                    }
                    Thread.sleep(0, 200_000)
                }
                error("void of ${target.voucherNo} never reached a verdict")
            }

            val pool = Executors.newFixedThreadPool(threads)
            try {
                repeat(threads) { n ->
                    pool.execute {
                        val random = Random(n)
                        try {
                            start.await()
                            repeat(rounds) {
                                val sale = f.sale(amountText(random.nextLong(1, 50_000)))
                                sales += sale
                                // Void this sale or any earlier one, maybe one another thread voids too.
                                val target = if (random.nextBoolean()) sale else sales[random.nextInt(sales.size)]
                                tryVoid(target)
                                t.status()
                            }
                        } catch (e: Throwable) {
                            failures += e
                        }
                    }
                }
                start.countDown()
                pool.shutdown()
                assertTrue(pool.awaitTermination(110, TimeUnit.SECONDS), "threads finished")
            } finally {
                pool.shutdownNow()
            }
            failures.firstOrNull()?.let { throw AssertionError("a thread failed", it) }
            assertTrue(doubleApprovals.isEmpty(), "sales approved twice: $doubleApprovals")

            val rows = t.allRows(pageSize = 500u)
            val salesRows = rows.filter { it.kind == TransactionKind.SALE }
            val voidRows = rows.filter { it.kind == TransactionKind.VOID }
            assertEquals(threads * rounds, salesRows.size)
            assertEquals(approvedVoids.size, voidRows.size)
            assertTrue(voidRows.isNotEmpty())

            // Voucher numbers are unique across sales and voids.
            assertEquals(rows.size, rows.map { it.voucherNo }.toSet().size)
            // No sale is voided twice.
            val originals = voidRows.map { requireNotNull(it.originalVoucherNo) }
            assertEquals(originals.size, originals.toSet().size)
            // Every void points at a sale that is marked voided, and every voided sale has its void.
            val byVoucher = salesRows.associateBy { it.voucherNo }
            for (void in voidRows) {
                val original = requireNotNull(byVoucher[void.originalVoucherNo]) { "void ${void.voucherNo} points at no sale" }
                assertEquals(TransactionStatus.VOIDED, original.status)
                assertEquals(original.amount, void.amount)
                assertEquals(approvedVoids[original.voucherNo], void.voucherNo)
            }
            // Every row is keyed by the one session's cashier.
            assertEquals(setOf(CASHIER), rows.map { it.operatorNo }.toSet())
            assertEquals(originals.toSet(), salesRows.filter { it.status == TransactionStatus.VOIDED }.map { it.voucherNo }.toSet())
            // Every host leg was answered; nothing is left pending.
            assertTrue(t.pendingHostWork().isEmpty())
            assertEquals(voidRows.size, host.sent(LegKind.VOID).size)
            assertEquals(salesRows.size, host.sent(LegKind.SALE).size)
            assertTrue(t.verifyAudit().ok)
            val report = t.settle()
            assertEquals((threads * rounds).toUInt(), report.saleCount)
            assertEquals(voidRows.size.toUInt(), report.voidCount)
            assertEquals(salesRows.sumOf { it.amount } - voidRows.sumOf { it.amount }, report.netTotal)
            println("concurrency: ${salesRows.size} sales, ${voidRows.size} voids, " +
                "${alreadyVoided.get()} already voided, ${contended.get()} retried under contention")
        }
    }
}
