package dev.voidguard.app.flow

import dev.voidguard.app.flow.VoidFlow.Event
import dev.voidguard.app.flow.VoidFlow.State
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Test

/** A void screen recreated (language, font size) or restarted comes back at its step, the password never. */
class VoidResumeTest {
    private val fx = Fixture().ready()

    @AfterEach
    fun close() = fx.close()

    @Test
    fun `a void at the password step comes back there with nothing keyed`() {
        val sale = fx.sale("12.34")
        val flow = fx.voidFlow()
        flow.on(Event.ChooseVoid)
        flow.on(Event.SubmitVoucher(sale.voucherNo))
        flow.on(Event.ConfirmTransaction)
        val reasons = flow.on(Event.SubmitDateAmount(fx.today, "12.34")).must<State.ReasonChoice>()
        flow.on(Event.ChooseReason(reasons.reasons[1]))
        typePin(PASSWORD.take(3)) { flow.on(Event.Key(it)) }
        val saved = flow.progress()
        assertFalse(holdsTypedDigits(saved.toString(), PASSWORD), "no keyed digit in what is kept: $saved")

        val again = fx.voidFlow().resume(saved).must<State.PasswordEntry>()
        assertEquals(sale.voucherNo, again.transaction.voucherNo)
        assertEquals(reasons.reasons[1], again.reason)
        assertEquals(0, again.filled, "the password is keyed again")
    }

    @Test
    fun `each step before the password comes back as it was`() {
        val sale = fx.sale("5.00")
        val flow = fx.voidFlow()
        flow.on(Event.ChooseVoid)
        assertEquals(State.VoucherEntry(), fx.voidFlow().resume(flow.progress()))
        flow.on(Event.SubmitVoucher(sale.voucherNo))
        assertEquals(flow.state, fx.voidFlow().resume(flow.progress()))
        flow.on(Event.ConfirmTransaction)
        assertEquals(flow.state, fx.voidFlow().resume(flow.progress()))
        flow.on(Event.SubmitDateAmount(fx.today, "5.00"))
        assertEquals(flow.state, fx.voidFlow().resume(flow.progress()))
    }

    @Test
    fun `a step that no longer goes through stops where the core refuses`() {
        val sale = fx.sale("5.00")
        val flow = fx.voidFlow()
        flow.on(Event.ChooseVoid)
        flow.on(Event.SubmitVoucher(sale.voucherNo))
        flow.on(Event.ConfirmTransaction)
        flow.on(Event.SubmitDateAmount(fx.today, "5.00"))
        val saved = flow.progress()
        fx.terminal.settle()
        val shown = fx.voidFlow().resume(saved).must<State.TransactionShown>()
        assertEquals(VoidFlow.Blocker.SETTLED, shown.blocker, "settled meanwhile: shown with why it cannot be voided")
    }

    @Test
    fun `a result comes back as the menu`() {
        val sale = fx.sale("5.00")
        val flow = fx.voidFlow()
        flow.on(Event.ChooseVoid)
        flow.on(Event.SubmitVoucher(sale.voucherNo))
        flow.on(Event.ConfirmTransaction)
        val reasons = flow.on(Event.SubmitDateAmount(fx.today, "5.00")).must<State.ReasonChoice>()
        flow.on(Event.ChooseReason(reasons.reasons.first()))
        typePin(PASSWORD) { flow.on(Event.Key(it)) }.must<State.Voided>()
        assertEquals(State.Menu, fx.voidFlow().resume(flow.progress()))
    }
}
