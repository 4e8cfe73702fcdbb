package dev.voidguard.app.flow

import dev.voidguard.app.flow.RequestsFlow.Event
import dev.voidguard.app.flow.RequestsFlow.State
import dev.voidguard.app.flow.RequestsFlow.Step
import dev.voidguard.core.RequestKind
import dev.voidguard.core.RequestStatus
import dev.voidguard.core.VoidGuardException
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class RequestsFlowTest {
    private val fx = Fixture().activate()

    @AfterEach
    fun close() = fx.close()

    private fun RequestsFlow.code(code: String) = on(Event.SubmitCode(code.toCharArray()))

    @Test
    fun `void permission is applied for, quoted and granted with the back office's code`() {
        val flow = RequestsFlow(fx.terminal)
        flow.start(RequestKind.VOID_PERMISSION).must<State.Applying>()
        val issued = flow.on(Event.Submit(application())).must<State.TicketIssued>()
        val ticket = issued.ticket
        assertEquals(10, ticket.requestCode.length)
        assertTrue(!ticket.idNumberMasked.contains("19491231"), "the identity number is stored masked")

        flow.on(Event.Redeem(ticket.requestCode)).must<State.Redeeming>()
        val wrong = flow.code(BackOffice.wrong(ticket.kind, ticket.requestCode)).must<State.Redeeming>()
        assertEquals(4u, wrong.notice?.refusal.must<VoidGuardException.ApprovalCodeInvalid>().attemptsLeft)

        val redeemed = flow.code(BackOffice.approve(ticket.kind, ticket.requestCode)).must<State.Redeemed>()
        assertTrue(redeemed.voidPermitted)

        val overview = flow.on(Event.Back).must<State.Overview>()
        assertTrue(overview.voidPermitted)
        assertFalse(overview.refundPermitted, "the void permission does not open refunds")
        assertEquals(RequestStatus.REDEEMED, overview.tickets.single().status)
    }

    @Test
    fun `refund permission is its own request, which a void permission's code does not redeem`() {
        val flow = RequestsFlow(fx.terminal)
        flow.start(RequestKind.REFUND_PERMISSION).must<State.Applying>()
        val ticket = flow.on(Event.Submit(application())).must<State.TicketIssued>().ticket
        assertEquals(RequestKind.REFUND_PERMISSION, ticket.kind)
        flow.on(Event.Redeem(ticket.requestCode)).must<State.Redeeming>()
        val wrong = flow.code(BackOffice.approve(RequestKind.VOID_PERMISSION, ticket.requestCode)).must<State.Redeeming>()
        wrong.notice?.refusal.must<VoidGuardException.ApprovalCodeInvalid>()

        val redeemed = flow.code(BackOffice.approve(ticket.kind, ticket.requestCode)).must<State.Redeemed>()
        assertTrue(redeemed.refundPermitted)
        assertFalse(redeemed.voidPermitted)
        assertTrue(flow.on(Event.Back).must<State.Overview>().refundPermitted)
    }

    @Test
    fun `opening on a kind with an open request goes straight to redeeming it`() {
        val flow = RequestsFlow(fx.terminal)
        flow.start(RequestKind.VOID_PERMISSION)
        val ticket = flow.on(Event.Submit(application())).must<State.TicketIssued>().ticket
        assertEquals(ticket, RequestsFlow(fx.terminal).start(RequestKind.VOID_PERMISSION).must<State.Redeeming>().ticket)
    }

    @Test
    fun `an application with an empty reason is explained`() {
        val flow = RequestsFlow(fx.terminal)
        flow.start(RequestKind.VOID_PERMISSION)
        val refused = flow.on(Event.Submit(application(reason = " "))).must<State.Applying>()
        refused.notice?.refusal.must<VoidGuardException.InvalidInput>()
    }

    @Test
    fun `lifting when nothing is restricted is explained`() {
        val flow = RequestsFlow(fx.terminal)
        flow.start(RequestKind.LIFT_RESTRICTION).must<State.Applying>()
        flow.on(Event.Submit(application("解除限制"))).must<State.Applying>()
            .notice?.refusal.must<VoidGuardException.NothingToLift>()
    }

    @Test
    fun `a reset takes the approval code, then the new password twice`() {
        fx.terminal.setVoidPassword(PASSWORD)
        val flow = RequestsFlow(fx.terminal)
        flow.start(null).must<State.Overview>()
        flow.on(Event.Apply(RequestKind.PASSWORD_RESET)).must<State.Applying>()
        val ticket = flow.on(Event.Submit(application("忘记密码"))).must<State.TicketIssued>().ticket
        flow.on(Event.Redeem(ticket.requestCode))

        val first = flow.code(BackOffice.approve(ticket.kind, ticket.requestCode)).must<State.NewPassword>()
        assertEquals(Step.NEW, first.step)
        typePin(NEW_PASSWORD) { flow.on(Event.Key(it)) }.must<State.NewPassword>().let { assertEquals(Step.CONFIRM, it.step) }
        val mismatch = typePin(PASSWORD) { flow.on(Event.Key(it)) }.must<State.NewPassword>()
        assertEquals(Notice.PasswordsDiffer, mismatch.notice)

        typePin(NEW_PASSWORD) { flow.on(Event.Key(it)) }
        val redeemed = typePin(NEW_PASSWORD) { flow.on(Event.Key(it)) }.must<State.Redeemed>()
        assertEquals(RequestKind.PASSWORD_RESET, redeemed.kind)
        assertTrue(redeemed.vault.passwordSet)

        // The new password is the one that now changes the vault.
        fx.terminal.changeVoidPassword(NEW_PASSWORD, "692057")
    }

    @Test
    fun `a trivial new password at reset is refused and the code kept`() {
        val flow = RequestsFlow(fx.terminal)
        flow.start(RequestKind.PASSWORD_RESET)
        val ticket = flow.on(Event.Submit(application("忘记密码"))).must<State.TicketIssued>().ticket
        flow.on(Event.Redeem(ticket.requestCode))
        flow.code(BackOffice.approve(ticket.kind, ticket.requestCode))
        typePin("111111") { flow.on(Event.Key(it)) }
        val refused = typePin("111111") { flow.on(Event.Key(it)) }.must<State.NewPassword>()
        refused.notice?.refusal.must<VoidGuardException.TrivialPassword>()
        typePin(NEW_PASSWORD) { flow.on(Event.Key(it)) }
        typePin(NEW_PASSWORD) { flow.on(Event.Key(it)) }.must<State.Redeemed>()
    }

    @Test
    fun `a lockout is lifted with the back office's approval`() {
        Fixture().ready().use { ready ->
            val sale = ready.sale()
            val void = ready.voidFlow()
            void.on(VoidFlow.Event.ChooseVoid)
            void.on(VoidFlow.Event.SubmitVoucher(sale.voucherNo))
            void.on(VoidFlow.Event.ConfirmTransaction)
            val reason = void.on(VoidFlow.Event.SubmitDateAmount(ready.today, "12.34")).must<VoidFlow.State.ReasonChoice>()
            void.on(VoidFlow.Event.ChooseReason(reason.reasons.first()))
            repeat(5) {
                typePin(WRONG_PASSWORD) { void.on(VoidFlow.Event.Key(it)) }
                void.on(VoidFlow.Event.RetryPassword)
            }
            assertEquals(VoidFlow.State.LiftRestriction, void.on(VoidFlow.Event.ChooseLift))

            val flow = RequestsFlow(ready.terminal)
            flow.start(RequestKind.LIFT_RESTRICTION).must<State.Applying>()
            val ticket = flow.on(Event.Submit(application("解除限制"))).must<State.TicketIssued>().ticket
            flow.on(Event.Redeem(ticket.requestCode))
            val redeemed = flow.code(BackOffice.approve(ticket.kind, ticket.requestCode)).must<State.Redeemed>()
            assertEquals(null, redeemed.vault.lockedUntilMs)
            assertFalse(redeemed.vault.lockedUntilLifted)
            assertEquals(5u, redeemed.vault.attemptsLeft)
        }
    }
}
