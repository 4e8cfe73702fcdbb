package dev.voidguard.jvmtests

import dev.voidguard.core.Field
import dev.voidguard.core.HostReply
import dev.voidguard.core.LegKind
import dev.voidguard.core.LegState
import dev.voidguard.core.Resolution
import dev.voidguard.core.SimulatorMode
import dev.voidguard.core.TransactionKind
import dev.voidguard.core.TransactionStatus
import dev.voidguard.core.VoidGuardException
import dev.voidguard.jvmtests.ScriptedHostLink.Answer
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * The void's host leg through a Kotlin [ScriptedHostLink]: the core calls Kotlin for the
 * authorisation and the reversal (冲正), and Kotlin's HostException comes back to the
 * core as its HostError. (Sales and settlement: SaleLegTest, SettlementLegTest.)
 */
class HostLegTest {
    @Test
    fun `a declining host is reported with its response code and the sale stands`() {
        val host = ScriptedHostLink(onVoid = Answer.Decline("51"))
        TerminalFixture.ready(host = host).use { f ->
            val sale = f.sale("42.00")
            val declined = assertThrows<VoidGuardException.HostDeclined> { f.terminal.voidTransaction(voidOf(sale)) }
            assertEquals("51", declined.responseCode)
            assertEquals(TransactionStatus.APPROVED, f.terminal.findTransaction(sale.voucherNo)?.status)
            assertTrue(f.terminal.pendingHostWork().isEmpty())
            assertEquals("void.declined", f.terminal.audit(null, 1u).single().kind)

            host.onVoid = Answer.Approve
            assertEquals(LegState.APPROVED, f.terminal.voidTransaction(voidOf(sale)).state)
        }
    }

    @Test
    fun `a host timeout leaves a pending void that blocks voids until a restart reverses it`() {
        val host = ScriptedHostLink(onVoid = Answer.Timeout, onReverse = Answer.Timeout)
        TerminalFixture.ready(host = host).use { f ->
            val shoes = f.sale("230.00")
            val socks = f.sale("19.90")
            assertThrows<VoidGuardException.HostUnreachable> { f.terminal.voidTransaction(voidOf(shoes)) }
            assertEquals(1, host.sent(LegKind.VOID).size)
            assertEquals(1, host.reversed.size, "a lost answer is reversed at once")

            val pending = f.terminal.pendingHostWork().single()
            assertEquals(LegState.AWAITING_REVERSAL, pending.state)
            assertEquals(shoes.voucherNo, pending.originalVoucherNo)
            assertEquals(23_000L, pending.amount)
            assertEquals(1u, pending.attempts)
            assertEquals(1u, f.terminal.status().pendingHostWork)
            assertEquals(TransactionStatus.APPROVED, f.terminal.findTransaction(shoes.voucherNo)?.status)

            val blocked = assertThrows<VoidGuardException.PendingHostWork> { f.terminal.beginVoid(voidOf(socks)) }
            assertEquals(1u, blocked.count)
            assertThrows<VoidGuardException.PendingHostWork> { f.terminal.voidPreview(lookupOf(socks)) }
            val inProgress = assertThrows<VoidGuardException.VoidInProgress> { f.terminal.beginVoid(voidOf(shoes)) }
            assertEquals(shoes.voucherNo, inProgress.voucherNo)

            // The terminal restarts; the acquirer is reachable again.
            host.onVoid = Answer.Approve
            host.onReverse = Answer.Approve
            f.reopen()
            assertEquals(1, f.terminal.pendingHostWork().size, "a restart alone changes nothing")
            val report = f.terminal.reconcile()
            assertEquals(1u, report.reversed)
            assertEquals(0u, report.confirmed)
            assertEquals(0u, report.stillPending)
            assertEquals(0u, report.needsManualHandling)
            assertTrue(f.terminal.pendingHostWork().isEmpty())
            assertEquals(0u, f.terminal.status().pendingHostWork)
            assertEquals(host.reversed.first(), host.reversed.last(), "the same request is reversed")
            assertEquals("void.reversed", f.terminal.audit(null, 1u).single().kind)

            // The sale stands and can be voided now; so can the other one.
            assertEquals(TransactionStatus.APPROVED, f.terminal.findTransaction(shoes.voucherNo)?.status)
            assertEquals(LegState.APPROVED, f.terminal.voidTransaction(voidOf(socks)).state)
            assertEquals(LegState.APPROVED, f.terminal.voidTransaction(voidOf(shoes)).state)
            assertTrue(f.terminal.verifyAudit().ok)
        }
    }

    @Test
    fun `reversals that keep failing put the void up for manual handling`() {
        val host = ScriptedHostLink(onVoid = Answer.Timeout, onReverse = Answer.Unreachable("no signal"))
        TerminalFixture.ready(host = host).use { f ->
            val sale = f.sale("12.00")
            assertThrows<VoidGuardException.HostUnreachable> { f.terminal.voidTransaction(voidOf(sale)) }
            f.reopen()
            assertEquals(1u, f.terminal.reconcile().stillPending)
            val last = f.terminal.reconcile()
            assertEquals(1u, last.needsManualHandling)
            val pending = f.terminal.pendingHostWork().single()
            assertEquals(LegState.NEEDS_MANUAL_HANDLING, pending.state)
            assertEquals(3u, pending.attempts)
            assertEquals(LegKind.VOID, pending.kind)
            assertThrows<VoidGuardException.PendingHostWork> { f.terminal.settle() }

            // The acquirer says the void never reached it: the sale stands and can be voided again.
            val resolved = f.terminal.resolveLeg(pending.legId, Resolution.NeverHappened, PASSWORD, "hotline, agent 0451")
            assertEquals(LegState.REVERSED, resolved.state)
            assertEquals("void.resolved_manually", f.terminal.audit(null, 1u).single().kind)
            assertEquals(TransactionStatus.APPROVED, f.terminal.findTransaction(sale.voucherNo)?.status)
            host.onVoid = Answer.Approve
            assertEquals(LegState.APPROVED, f.terminal.voidTransaction(voidOf(sale)).state)
        }
    }

    @Test
    fun `the acquirer's approval of a void in manual handling voids the sale with its numbers`() {
        val host = ScriptedHostLink(onVoid = Answer.Timeout, onReverse = Answer.Timeout)
        TerminalFixture.ready(host = host, adjust = { it.copy(maxReversalAttempts = 1u) }).use { f ->
            val sale = f.sale("21.00")
            assertThrows<VoidGuardException.HostUnreachable> { f.terminal.voidTransaction(voidOf(sale)) }
            val leg = f.terminal.pendingHostWork().single()
            assertEquals(LegState.NEEDS_MANUAL_HANDLING, leg.state)
            assertEquals(sale.voucherNo, leg.originalVoucherNo)

            val refused = assertThrows<VoidGuardException.InvalidInput> {
                f.terminal.resolveLeg(leg.legId, Resolution.Approved("", ""), PASSWORD, "hotline")
            }
            assertEquals(Field.RRN, refused.field, "only a settlement's approval may come without numbers")
            f.terminal.resolveLeg(leg.legId, Resolution.Approved("509876543210", "XY34ZZ"), PASSWORD, "hotline")
            val void = f.terminal.allRows().single { it.kind == TransactionKind.VOID }
            assertEquals(leg.voucherNo, void.voucherNo)
            assertEquals("509876543210", void.rrn)
            assertEquals(TransactionStatus.VOIDED, f.terminal.findTransaction(sale.voucherNo)?.status)
        }
    }

    @Test
    fun `a void begun before a crash is reversed by the next opening`() {
        val host = ScriptedHostLink()
        TerminalFixture.ready(host = host).use { f ->
            val sale = f.sale("77.70")
            val pending = f.terminal.beginVoid(voidOf(sale))
            assertEquals(LegState.AWAITING_ANSWER, pending.state)
            assertEquals("200000", pending.request.processingCode)
            // This process may still get its answer (the void is claimed while it waits): reconcile leaves it alone.
            assertEquals(0u, f.terminal.reconcile().reversed)
            assertTrue(host.reversed.isEmpty())

            f.reopen() // the process died before the host answered
            assertEquals(1u, f.terminal.reconcile().reversed)
            assertEquals(pending.request, host.reversed.single())
            // A late answer for the reversed void changes nothing.
            val late = f.terminal.completeVoid(pending.legId, HostReply.Approved("HOST00000001", "A00001"))
            assertEquals(LegState.REVERSED, late.state)
            assertNull(late.voidTransaction)
            assertEquals(TransactionStatus.APPROVED, late.original.status)
        }
    }

    @Test
    fun `a reversal answered with the void's approval confirms the void`() {
        val host = ScriptedHostLink(onVoid = Answer.Timeout, onReverse = Answer.Timeout)
        TerminalFixture.ready(host = host).use { f ->
            val sale = f.sale("64.00")
            assertThrows<VoidGuardException.HostUnreachable> { f.terminal.voidTransaction(voidOf(sale)) }
            host.onReverse = Answer.Confirm
            val report = f.terminal.reconcile()
            assertEquals(1u, report.confirmed)
            assertEquals(0u, report.reversed)
            val rows = f.terminal.allRows()
            val void = rows.single { it.kind == TransactionKind.VOID }
            assertEquals(sale.voucherNo, void.originalVoucherNo)
            assertEquals(TransactionStatus.VOIDED, rows.single { it.id == sale.id }.status)
        }
    }

    @Test
    fun `answering a void twice returns the recorded outcome and voids once`() {
        TerminalFixture.ready(host = ScriptedHostLink()).use { f ->
            val sale = f.sale("25.00")
            val pending = f.terminal.beginVoid(voidOf(sale))
            val reply = HostReply.Approved("HOST12345678", "A12345")
            val first = f.terminal.completeVoid(pending.legId, reply)
            val again = f.terminal.completeVoid(pending.legId, HostReply.Declined("05"))
            assertEquals(first, again)
            assertEquals(pending.voucherNo, first.voidTransaction?.voucherNo)
            assertEquals("HOST12345678", first.voidTransaction?.rrn)
            assertEquals(1, f.terminal.allRows().count { it.kind == TransactionKind.VOID })
            assertThrows<VoidGuardException.UnknownHostLeg> {
                f.terminal.completeVoid(pending.legId + 1000, reply)
            }
        }
    }

    @Test
    fun `an adapter that throws something else is treated as a lost answer`() {
        val host = ScriptedHostLink(onVoid = Answer.Crash, onReverse = Answer.Approve)
        TerminalFixture.ready(host = host).use { f ->
            val sale = f.sale("33.00")
            // The answer was lost; the immediate reversal succeeded, so nothing is pending.
            assertThrows<VoidGuardException.HostReversed> { f.terminal.voidTransaction(voidOf(sale)) }
            assertTrue(f.terminal.pendingHostWork().isEmpty())
            assertEquals(TransactionStatus.APPROVED, f.terminal.findTransaction(sale.voucherNo)?.status)
            assertEquals(1, host.reversed.size)
        }
    }

    @Test
    fun `the built-in simulator answers when no Kotlin host is given`() {
        TerminalFixture.ready(host = null).use { f ->
            val sale = f.sale("11.00")
            f.terminal.setSimulatorMode(SimulatorMode.DECLINE)
            assertEquals("05", assertThrows<VoidGuardException.HostDeclined> { f.terminal.voidTransaction(voidOf(sale)) }.responseCode)
            f.terminal.setSimulatorMode(SimulatorMode.APPROVE)
            assertEquals(LegState.APPROVED, f.terminal.voidTransaction(voidOf(sale)).state)
        }
        TerminalFixture.ready(host = ScriptedHostLink()).use { f ->
            assertThrows<VoidGuardException.NotSimulated> { f.terminal.setSimulatorMode(SimulatorMode.TIMEOUT) }
        }
    }
}
