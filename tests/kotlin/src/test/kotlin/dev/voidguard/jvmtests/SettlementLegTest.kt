package dev.voidguard.jvmtests

import dev.voidguard.core.LegDetail
import dev.voidguard.core.LegKind
import dev.voidguard.core.LegState
import dev.voidguard.core.Resolution
import dev.voidguard.core.ReversalReason
import dev.voidguard.core.TransactionStatus
import dev.voidguard.core.VoidGuardException
import dev.voidguard.jvmtests.ScriptedHostLink.Answer
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * Settlement (结算) is a host leg: the terminal's totals go to the Kotlin
 * [ScriptedHostLink] first, and the batch closes here only when the host approves.
 */
class SettlementLegTest {
    @Test
    fun `the host gets the batch totals and its approval closes the batch`() {
        val host = ScriptedHostLink()
        TerminalFixture.ready(host = host).use { f ->
            val shoes = f.sale("230.00")
            f.sale("19.90")
            f.terminal.voidTransaction(voidOf(shoes))
            val batch = f.terminal.status().batchNo

            val report = f.terminal.settle()
            val sent = host.sent(LegKind.SETTLEMENT).single()
            assertEquals("900000", sent.processingCode)
            assertEquals(batch, sent.batchNo)
            assertEquals(1990L, sent.amount, "a settlement's amount is the batch's net total")
            val totals = (sent.detail as LegDetail.Settlement).totals
            assertEquals(2u, totals.saleCount)
            assertEquals(24_990L, totals.saleTotal)
            assertEquals(1u, totals.voidCount)
            assertEquals(23_000L, totals.voidTotal)

            assertEquals(batch, report.batchNo)
            assertEquals(1990L, report.netTotal)
            assertEquals(report.nextBatchNo, f.terminal.status().batchNo)
            assertNotEquals(batch, report.nextBatchNo)
            assertEquals(
                setOf("settlement.begun", "settlement.approved", "batch.settled"),
                f.terminal.audit(null, 3u).map { it.kind }.toSet(),
            )
            assertTrue(f.terminal.verifyAudit().ok)
        }
    }

    @Test
    fun `a settlement the host declines leaves the batch open and its sales voidable`() {
        val host = ScriptedHostLink(onSettle = Answer.Decline("95"))
        TerminalFixture.ready(host = host).use { f ->
            val sale = f.sale("64.00")
            val batch = f.terminal.status().batchNo
            val declined = assertThrows<VoidGuardException.HostDeclined> { f.terminal.settle() }
            assertEquals("95", declined.responseCode)
            assertEquals(batch, f.terminal.status().batchNo, "the batch stays open")
            assertEquals(TransactionStatus.APPROVED, f.terminal.findTransaction(sale.voucherNo)?.status)
            assertTrue(f.terminal.pendingHostWork().isEmpty())
            assertTrue(host.reversals.isEmpty())
            assertEquals("settlement.declined", f.terminal.audit(null, 1u).single().kind)

            val void = f.terminal.voidTransaction(voidOf(sale))
            assertEquals(LegState.APPROVED, void.state)
            assertEquals(TransactionStatus.VOIDED, void.original.status)
            assertEquals(batch, void.voidTransaction?.batchNo)

            host.onSettle = Answer.Approve
            val report = f.terminal.settle()
            assertEquals(batch, report.batchNo)
            assertEquals(1u, report.voidCount)
            assertEquals(0L, report.netTotal)
        }
    }

    @Test
    fun `a settlement whose answer was lost and that the host does not have leaves the batch open`() {
        val host = ScriptedHostLink(onSettle = Answer.Timeout, onReverse = Answer.Approve)
        TerminalFixture.ready(host = host).use { f ->
            val sale = f.sale("12.00")
            val batch = f.terminal.status().batchNo
            assertThrows<VoidGuardException.HostReversed> { f.terminal.settle() }
            val (asked, reason) = host.reversals.single()
            assertEquals("900000", asked.processingCode)
            assertEquals(ReversalReason.NO_ANSWER, reason)
            assertEquals(batch, f.terminal.status().batchNo)
            assertTrue(f.terminal.pendingHostWork().isEmpty())
            assertEquals("settlement.reversed", f.terminal.audit(null, 1u).single().kind)
            assertEquals(LegState.APPROVED, f.terminal.voidTransaction(voidOf(sale)).state)
        }
    }

    @Test
    fun `a settlement whose answer was lost but that the host closed is confirmed`() {
        val host = ScriptedHostLink(onSettle = Answer.Timeout, onReverse = Answer.Confirm)
        TerminalFixture.ready(host = host).use { f ->
            val sale = f.sale("12.00")
            val batch = f.terminal.status().batchNo
            val report = f.terminal.settle()
            assertEquals(batch, report.batchNo)
            assertEquals(report.nextBatchNo, f.terminal.status().batchNo)
            assertEquals(TransactionStatus.SETTLED, f.terminal.findTransaction(sale.voucherNo)?.status)
            assertThrows<VoidGuardException.SettledUseRefund> { f.terminal.voidTransaction(voidOf(sale)) }
        }
    }

    @Test
    fun `an open settlement holds sales until the acquirer's word closes the batch`() {
        val host = ScriptedHostLink(onSettle = Answer.Timeout, onReverse = Answer.Unreachable("line down"))
        TerminalFixture.ready(host = host, adjust = { it.copy(maxReversalAttempts = 1u) }).use { f ->
            val sale = f.sale("48.00")
            val batch = f.terminal.status().batchNo
            assertThrows<VoidGuardException.HostUnreachable> { f.terminal.settle() }
            val leg = f.terminal.pendingHostWork().single()
            assertEquals(LegKind.SETTLEMENT, leg.kind)
            assertEquals(LegState.NEEDS_MANUAL_HANDLING, leg.state)
            assertEquals(null, leg.voucherNo, "a settlement has no voucher of its own")
            assertEquals(batch, leg.request.batchNo)

            // Every act waits for an open settlement, sales too: they would miss its totals.
            assertEquals(1u, assertThrows<VoidGuardException.PendingHostWork> { f.sale("1.00") }.count)
            assertThrows<VoidGuardException.PendingHostWork> { f.terminal.voidTransaction(voidOf(sale)) }
            assertEquals(batch, f.terminal.status().batchNo)

            // A batch close carries no reference numbers: the acquirer's word is approval alone.
            val resolved = f.terminal.resolveLeg(leg.legId, Resolution.Approved("", ""), PASSWORD, "acquirer hotline, batch closed")
            assertEquals(LegState.APPROVED, resolved.state)
            assertNotEquals(batch, f.terminal.status().batchNo, "the batch closed")
            assertEquals(TransactionStatus.SETTLED, f.terminal.findTransaction(sale.voucherNo)?.status)
            assertEquals("settlement.resolved_manually", f.terminal.audit(null, 1u).single().kind)
            assertEquals(TransactionStatus.APPROVED, f.sale("1.00").status)
        }
    }
}
