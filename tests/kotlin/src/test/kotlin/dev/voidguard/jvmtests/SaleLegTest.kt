package dev.voidguard.jvmtests

import dev.voidguard.core.LegDetail
import dev.voidguard.core.LegKind
import dev.voidguard.core.LegState
import dev.voidguard.core.Resolution
import dev.voidguard.core.ReversalReason
import dev.voidguard.core.TransactionKind
import dev.voidguard.core.TransactionStatus
import dev.voidguard.core.VoidGuardException
import dev.voidguard.jvmtests.ScriptedHostLink.Answer
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * A sale (消费) is a host leg: the core sends it through the Kotlin [ScriptedHostLink]
 * and journals it only on the host's approval, with the host's RRN and auth code.
 */
class SaleLegTest {
    @Test
    fun `an approved sale is journaled with the host's numbers and the masked card it was sent with`() {
        val host = ScriptedHostLink()
        TerminalFixture.ready(host = host).use { f ->
            val voucher = f.terminal.status().nextVoucherNo
            val sale = f.sale("88.00")
            val sent = host.sent(LegKind.SALE).single()
            assertEquals("000000", sent.processingCode)
            assertEquals(8800L, sent.amount)
            assertEquals(f.terminal.status().batchNo, sent.batchNo)
            assertEquals(CASHIER, sent.operatorNo)
            val detail = sent.detail as LegDetail.Sale
            assertEquals(voucher, detail.voucherNo)
            assertEquals("622202*********0123", detail.maskedPan)
            assertFalse(sent.toString().contains(FULL_PAN), "no full card number crosses to the host link")

            assertEquals(voucher, sale.voucherNo)
            assertEquals(TransactionKind.SALE, sale.kind)
            assertEquals(TransactionStatus.APPROVED, sale.status)
            assertEquals(detail.maskedPan, sale.maskedPan)
            assertTrue(sale.rrn.startsWith("HOST"), "the journal keeps the host's RRN: ${sale.rrn}")
            assertEquals(6, sale.authCode.length)
            assertTrue(f.terminal.pendingHostWork().isEmpty())
            assertEquals(listOf("sale.approved", "sale.begun"), f.terminal.audit(null, 2u).map { it.kind })
        }
    }

    @Test
    fun `a declined sale is reported with its response code and journals nothing`() {
        val host = ScriptedHostLink(onSale = Answer.Decline("51"))
        TerminalFixture.ready(host = host).use { f ->
            val declined = assertThrows<VoidGuardException.HostDeclined> { f.sale("42.00") }
            assertEquals("51", declined.responseCode)
            assertTrue(f.terminal.allRows().isEmpty())
            assertTrue(f.terminal.pendingHostWork().isEmpty(), "a decline is an answer: nothing is left to reverse")
            assertTrue(host.reversals.isEmpty())
            assertEquals("sale.declined", f.terminal.audit(null, 1u).single().kind)

            host.onSale = Answer.Approve
            assertEquals(TransactionStatus.APPROVED, f.sale("42.00").status)
        }
    }

    @Test
    fun `a sale whose answer was lost is reversed at once and leaves no journal row`() {
        val host = ScriptedHostLink(onSale = Answer.Timeout, onReverse = Answer.Approve)
        TerminalFixture.ready(host = host).use { f ->
            assertThrows<VoidGuardException.HostReversed> { f.sale("19.90") }
            val (reversed, reason) = host.reversals.single()
            assertEquals(host.sent.single(), reversed, "the exact request sent is reversed")
            assertEquals(ReversalReason.NO_ANSWER, reason)
            assertTrue(f.terminal.allRows().isEmpty(), "a reversed sale is not journaled")
            assertTrue(f.terminal.pendingHostWork().isEmpty())
            assertEquals(listOf("sale.reversed", "sale.unanswered"), f.terminal.audit(null, 2u).map { it.kind })

            host.onSale = Answer.Approve
            assertEquals(TransactionStatus.APPROVED, f.sale("19.90").status)
            assertEquals(1, f.terminal.allRows().size)
        }
    }

    @Test
    fun `an answer failing its MAC check is reversed with reason A0`() {
        val host = ScriptedHostLink(onSale = Answer.BadMac)
        TerminalFixture.ready(host = host).use { f ->
            assertThrows<VoidGuardException.HostReversed> { f.sale("5.00") }
            assertEquals(ReversalReason.MAC_ERROR, host.reversals.single().second)
            assertTrue(f.terminal.allRows().isEmpty())
        }
    }

    @Test
    fun `a sale whose reversal keeps failing blocks every act until it goes to manual handling`() {
        val host = ScriptedHostLink(onSale = Answer.Timeout, onReverse = Answer.Unreachable("no signal"))
        TerminalFixture.ready(host = host).use { f ->
            host.onSale = Answer.Approve
            val earlier = f.sale("30.00")
            host.onSale = Answer.Timeout
            assertThrows<VoidGuardException.HostUnreachable> { f.sale("12.00") }
            val leg = f.terminal.pendingHostWork().single()
            assertEquals(LegKind.SALE, leg.kind)
            assertEquals(LegState.AWAITING_REVERSAL, leg.state)
            assertEquals(1u, leg.attempts)
            assertEquals(1200L, leg.amount)
            assertEquals(CASHIER, leg.operatorNo)

            // A reversal due goes before every online act: a sale tries it again first.
            host.onSale = Answer.Approve
            val blocked = assertThrows<VoidGuardException.PendingHostWork> { f.sale("1.00") }
            assertEquals(1u, blocked.count)
            assertThrows<VoidGuardException.PendingHostWork> { f.terminal.voidTransaction(voidOf(earlier)) }
            assertEquals(LegState.NEEDS_MANUAL_HANDLING, f.terminal.pendingHostWork().single().state)

            // In manual handling it holds voids and settlement, not sales.
            assertEquals(TransactionStatus.APPROVED, f.sale("2.00").status)
            assertEquals(1u, assertThrows<VoidGuardException.PendingHostWork> { f.terminal.voidTransaction(voidOf(earlier)) }.count)
            assertThrows<VoidGuardException.PendingHostWork> { f.terminal.settle() }
        }
    }

    @Test
    fun `the acquirer's approval of a sale in manual handling journals it with the acquirer's numbers`() {
        val host = ScriptedHostLink(onSale = Answer.Timeout, onReverse = Answer.Timeout)
        TerminalFixture.ready(host = host, adjust = { it.copy(maxReversalAttempts = 1u) }).use { f ->
            assertThrows<VoidGuardException.HostUnreachable> { f.sale("66.60") }
            val leg = f.terminal.pendingHostWork().single()
            assertEquals(LegState.NEEDS_MANUAL_HANDLING, leg.state)

            val wrong = assertThrows<VoidGuardException.WrongPassword> {
                f.terminal.resolveLeg(leg.legId, Resolution.Approved("501234567890", "AB12CD"), WRONG_PASSWORD, "hotline, agent 0451")
            }
            assertEquals(4u, wrong.attemptsLeft)
            val resolved = f.terminal.resolveLeg(leg.legId, Resolution.Approved("501234567890", "AB12CD"), PASSWORD, "hotline, agent 0451")
            assertEquals(LegState.APPROVED, resolved.state)
            assertEquals(LegKind.SALE, resolved.kind)

            val row = f.terminal.findTransaction(requireNotNull(leg.voucherNo))
            assertEquals("501234567890", row?.rrn)
            assertEquals("AB12CD", row?.authCode)
            assertEquals(6660L, row?.amount)
            assertEquals(CASHIER, row?.operatorNo, "the row is keyed by whoever keyed the sale")
            assertTrue(f.terminal.pendingHostWork().isEmpty())
            assertEquals("sale.resolved_manually", f.terminal.audit(null, 1u).single().kind)
            assertTrue(f.terminal.verifyAudit().ok)

            val again = assertThrows<VoidGuardException.NotInManualHandling> {
                f.terminal.resolveLeg(leg.legId, Resolution.NeverHappened, PASSWORD, "again")
            }
            assertEquals(LegState.APPROVED, again.state)
        }
    }

    @Test
    fun `a sale the acquirer says never happened stays out of the journal`() {
        val host = ScriptedHostLink(onSale = Answer.Timeout, onReverse = Answer.Timeout)
        TerminalFixture.ready(host = host, adjust = { it.copy(maxReversalAttempts = 1u) }).use { f ->
            assertThrows<VoidGuardException.HostUnreachable> { f.sale("9.99") }
            val leg = f.terminal.pendingHostWork().single()
            val resolved = f.terminal.resolveLeg(leg.legId, Resolution.NeverHappened, PASSWORD, "e-mail from the acquirer")
            assertEquals(LegState.REVERSED, resolved.state)
            assertNull(f.terminal.findTransaction(requireNotNull(leg.voucherNo)))
            assertTrue(f.terminal.pendingHostWork().isEmpty())
            assertThrows<VoidGuardException.UnknownHostLeg> {
                f.terminal.resolveLeg(leg.legId + 1000, Resolution.NeverHappened, PASSWORD, "none")
            }
        }
    }
}
