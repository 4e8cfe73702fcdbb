package dev.voidguard.app.flow

import dev.voidguard.core.LegKind
import dev.voidguard.core.LegState
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** What a run left with the host is reversed when the app opens its terminal again. */
class LeftoversTest {
    private val app = ScriptedPaymentApp()
    private val silent = ScriptedPaymentApp.SILENT

    private fun fixture(maxReversalAttempts: UInt = 3u) = app.fixture(maxReversalAttempts)

    @Test
    fun `a sale whose answer and reversal were lost is reversed at the next start`() {
        fixture().use { fx ->
            app.then(silent, silent)
            SaleFlow(fx.terminal, viaPaymentApp = true).on(SaleFlow.Event.Submit("19.90", FULL_PAN, "UnionPay"))
            val left = fx.terminal.pendingHostWork().single()
            assertEquals(LegKind.SALE to LegState.AWAITING_REVERSAL, left.kind to left.state)

            val report = Leftovers.reconcileAtStart(fx.terminal)

            assertEquals(1u, report?.reversed)
            assertEquals("0400", app.seen.last().extras["msg_tp"])
            assertTrue(fx.terminal.pendingHostWork().isEmpty())
        }
    }

    @Test
    fun `nothing is sent when nothing is due or only the supervisor's legs are left`() {
        fixture(maxReversalAttempts = 1u).use { fx ->
            assertNull(Leftovers.reconcileAtStart(fx.terminal))
            app.then(silent, silent)
            SaleFlow(fx.terminal, viaPaymentApp = true).on(SaleFlow.Event.Submit("19.90", FULL_PAN, "UnionPay"))
            assertEquals(LegState.NEEDS_MANUAL_HANDLING, fx.terminal.pendingHostWork().single().state)
            val asked = app.seen.size

            assertNull(Leftovers.reconcileAtStart(fx.terminal))
            assertEquals(asked, app.seen.size, "nothing went to the payment app")
        }
    }
}
