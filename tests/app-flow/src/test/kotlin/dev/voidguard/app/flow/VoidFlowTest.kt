package dev.voidguard.app.flow

import dev.voidguard.app.flow.VoidFlow.Event
import dev.voidguard.app.flow.VoidFlow.State
import dev.voidguard.core.SimulatorMode
import dev.voidguard.core.TransactionKind
import dev.voidguard.core.TransactionStatus
import dev.voidguard.core.VoidGuardException
import dev.voidguard.testsupport.*
import dev.voidguard.testsupport.TestClock.Companion.START_MS
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class VoidFlowTest {
    private val fx = Fixture().ready()

    @AfterEach
    fun close() = fx.close()

    /** Menu → voucher → transaction → date and amount → reason → password. */
    private fun upToPassword(flow: VoidFlow, voucherNo: String, amount: String = "12.34"): State.PasswordEntry {
        flow.on(Event.ChooseVoid).must<State.VoucherEntry>()
        flow.on(Event.SubmitVoucher(voucherNo)).must<State.TransactionShown>()
        flow.on(Event.ConfirmTransaction).must<State.DateAmountEntry>()
        val reasons = flow.on(Event.SubmitDateAmount(fx.today, amount)).must<State.ReasonChoice>()
        return flow.on(Event.ChooseReason(reasons.reasons.first())).must()
    }

    @Test
    fun `a same-day sale is voided step by step and its slip shown`() {
        val sale = fx.sale("12.34")
        val flow = fx.voidFlow()

        assertEquals(State.Menu, flow.state)
        flow.on(Event.ChooseVoid).must<State.VoucherEntry>()
        val shown = flow.on(Event.SubmitVoucher(sale.voucherNo)).must<State.TransactionShown>()
        assertEquals(1234L, shown.transaction.amount)
        assertEquals("622202*********0123", shown.transaction.maskedPan)
        assertEquals(null, shown.blocker)

        flow.on(Event.ConfirmTransaction).must<State.DateAmountEntry>()
        val reasons = flow.on(Event.SubmitDateAmount(fx.today, "12.34")).must<State.ReasonChoice>()
        assertEquals(fx.config.voidReasons, reasons.reasons)
        assertEquals(20u, reasons.preview.voidCountLeftToday, "the daily limit, before this void")

        var entry = flow.on(Event.ChooseReason("customer_request")).must<State.PasswordEntry>()
        assertEquals(0, entry.filled)
        assertEquals(CASHIER, entry.operatorNo, "the confirmation names the signed-in cashier as keying the void")
        assertEquals("00", entry.authoriserNo, "and the supervisor, whose void password is asked for, as authorising it")
        entry = typePin(PASSWORD.take(5)) { flow.on(Event.Key(it)) }.must()
        assertEquals(5, entry.filled)
        val voided = flow.on(Event.Key(PinKey.digit(PASSWORD.last() - '0'))).must<State.Voided>()

        val void = checkNotNull(voided.outcome.voidTransaction) { "an approved void has its row" }
        assertEquals(TransactionKind.VOID, void.kind)
        assertEquals(sale.voucherNo, void.originalVoucherNo)
        assertEquals(CASHIER, void.operatorNo)
        assertEquals("00", void.authoriserNo)
        assertEquals(TransactionStatus.VOIDED, fx.terminal.findTransaction(sale.voucherNo)?.status)

        val slip = flow.on(Event.ShowSlip).must<State.Slip>()
        assertTrue(slip.receipt.text.contains(void.voucherNo), slip.receipt.text)
        assertTrue(slip.receipt.text.contains(sale.voucherNo), "the void slip names the original voucher")
        assertTrue(slip.receipt.lines.any { it.value == CASHIER && it.label == "OPERATOR" }, slip.receipt.text)
        assertTrue(slip.receipt.lines.any { it.value == "00" && it.label == "AUTHORISED BY" }, slip.receipt.text)
        assertEquals(State.Menu, flow.on(Event.Back))
    }

    @Test
    fun `no screen state ever holds the password`() {
        val sale = fx.sale()
        val flow = fx.voidFlow()
        upToPassword(flow, sale.voucherNo)
        val seen = mutableListOf<State>()
        typePin(PASSWORD.dropLast(1)) { flow.on(Event.Key(it)).also(seen::add) }
        seen.forEach { assertFalse(holdsTypedDigits(it.toString(), PASSWORD), "$it") }
    }

    @Test
    fun `an unknown voucher stays on the voucher step with not-found`() {
        val flow = fx.voidFlow()
        flow.on(Event.ChooseVoid)
        val entry = flow.on(Event.SubmitVoucher("000123")).must<State.VoucherEntry>()
        assertEquals("000123", entry.voucherNo)
        entry.notice.must<Notice.Refused>().error.must<VoidGuardException.TransactionNotFound>()
    }

    @Test
    fun `a voucher that is not six digits is explained as invalid input`() {
        val flow = fx.voidFlow()
        flow.on(Event.ChooseVoid)
        val entry = flow.on(Event.SubmitVoucher("12a")).must<State.VoucherEntry>()
        entry.notice.must<Notice.Refused>().error.must<VoidGuardException.InvalidInput>()
    }

    @Test
    fun `a wrong amount or date is explained on the date and amount step`() {
        val sale = fx.sale("12.34")
        val flow = fx.voidFlow()
        flow.on(Event.ChooseVoid)
        flow.on(Event.SubmitVoucher(sale.voucherNo))
        flow.on(Event.ConfirmTransaction)

        val amount = flow.on(Event.SubmitDateAmount(fx.today, "12.35")).must<State.DateAmountEntry>()
        amount.notice.must<Notice.Refused>().error.must<VoidGuardException.AmountMismatch>()
        assertEquals("12.35", amount.amount, "what was keyed is kept for correction")

        val date = flow.on(Event.SubmitDateAmount("2026-11-28", "12.34")).must<State.DateAmountEntry>()
        date.notice.must<Notice.Refused>().error.must<VoidGuardException.DateMismatch>()

        flow.on(Event.SubmitDateAmount("1129", "12.34")).must<State.ReasonChoice>()
    }

    @Test
    fun `a wrong password shows the attempts left and offers another try`() {
        val sale = fx.sale()
        val flow = fx.voidFlow()
        upToPassword(flow, sale.voucherNo)
        val refused = typePin(WRONG_PASSWORD) { flow.on(Event.Key(it)) }.must<State.Refused>()
        assertEquals(Retry.PASSWORD, refused.retry)
        assertEquals(4u, refused.notice.refusal.must<VoidGuardException.WrongPassword>().attemptsLeft)

        flow.on(Event.RetryPassword).must<State.PasswordEntry>()
        typePin(PASSWORD) { flow.on(Event.Key(it)) }.must<State.Voided>()
    }

    @Test
    fun `five wrong passwords lock voiding until a time and offer lifting the restriction`() {
        val sale = fx.sale()
        val flow = fx.voidFlow()
        upToPassword(flow, sale.voucherNo)
        repeat(4) {
            typePin(WRONG_PASSWORD) { flow.on(Event.Key(it)) }.must<State.Refused>()
            flow.on(Event.RetryPassword).must<State.PasswordEntry>()
        }
        val locked = typePin(WRONG_PASSWORD) { flow.on(Event.Key(it)) }.must<State.Refused>()
        val until = locked.notice.refusal.must<VoidGuardException.LockedUntil>().untilMs
        assertEquals(START_MS + 5 * 60_000, until)
        assertEquals(Retry.LIFT_RESTRICTION, locked.retry)
        assertEquals(State.LiftRestriction, flow.on(Event.ChooseLift))

        // Even the right password is refused while locked, from the start of the flow.
        val again = fx.voidFlow()
        again.on(Event.ChooseVoid)
        again.on(Event.SubmitVoucher(sale.voucherNo))
        again.on(Event.ConfirmTransaction)
        again.on(Event.SubmitDateAmount(fx.today, "12.34")).must<State.Refused>()
            .notice.refusal.must<VoidGuardException.LockedUntil>()

        fx.clock.advance(6 * TestClock.MINUTE_MS)
        upToPassword(fx.voidFlow(), sale.voucherNo)
    }

    @Test
    fun `a voided sale is shown with its blocker before anything is keyed`() {
        val sale = fx.sale()
        val first = fx.voidFlow()
        upToPassword(first, sale.voucherNo)
        typePin(PASSWORD) { first.on(Event.Key(it)) }.must<State.Voided>()

        val flow = fx.voidFlow()
        flow.on(Event.ChooseVoid)
        val shown = flow.on(Event.SubmitVoucher(sale.voucherNo)).must<State.TransactionShown>()
        assertEquals(VoidFlow.Blocker.ALREADY_VOIDED, shown.blocker)
        assertEquals(shown, flow.on(Event.ConfirmTransaction), "a blocked transaction goes no further")
    }

    @Test
    fun `a settled sale points to a refund`() {
        val sale = fx.sale()
        fx.terminal.settle()
        val flow = fx.voidFlow()
        flow.on(Event.ChooseVoid)
        flow.on(Event.SubmitVoucher(sale.voucherNo)).must<State.TransactionShown>().let {
            assertEquals(VoidFlow.Blocker.SETTLED, it.blocker)
        }
    }

    @Test
    fun `a host decline is explained with its response code`() {
        val sale = fx.sale()
        fx.terminal.setSimulatorMode(SimulatorMode.DECLINE)
        val flow = fx.voidFlow()
        upToPassword(flow, sale.voucherNo)
        val refused = typePin(PASSWORD) { flow.on(Event.Key(it)) }.must<State.Refused>()
        assertEquals("05", refused.notice.refusal.must<VoidGuardException.HostDeclined>().responseCode)
        assertEquals(Retry.NONE, refused.retry)
        assertEquals(TransactionStatus.APPROVED, fx.terminal.findTransaction(sale.voucherNo)?.status)
    }

    @Test
    fun `without void permission the flow stops at the confirmation with the reason`() {
        Fixture().use { bare ->
            bare.activate()
            bare.signInAs(CASHIER)
            val sale = bare.sale()
            val flow = bare.voidFlow()
            flow.on(Event.ChooseVoid)
            flow.on(Event.SubmitVoucher(sale.voucherNo))
            flow.on(Event.ConfirmTransaction)
            flow.on(Event.SubmitDateAmount(bare.today, "12.34")).must<State.Refused>()
                .notice.refusal.must<VoidGuardException.PermissionNotGranted>()
        }
    }

    @Test
    fun `with nobody signed in, or the administrator, the void stops before the password`() {
        val sale = fx.sale()
        fx.terminal.signOut()
        fun toDateAmount(flow: VoidFlow): State {
            flow.on(Event.ChooseVoid)
            flow.on(Event.SubmitVoucher(sale.voucherNo))
            flow.on(Event.ConfirmTransaction)
            return flow.on(Event.SubmitDateAmount(fx.today, "12.34"))
        }
        toDateAmount(fx.voidFlow()).must<State.Refused>().notice.refusal.must<VoidGuardException.NotSignedIn>()
        fx.signInAs(Operators.ADMINISTRATOR)
        val admin = toDateAmount(fx.voidFlow()).must<State.Refused>().notice.refusal.must<VoidGuardException.NotPermitted>()
        assertEquals("99", admin.operatorNo)
        assertEquals(TransactionStatus.APPROVED, fx.terminal.findTransaction(sale.voucherNo)?.status)
    }

    @Test
    fun `the supervisor signed in keys and authorises a void alike`() {
        val sale = fx.sale()
        fx.signInAs(Operators.SUPERVISOR)
        val flow = fx.voidFlow()
        assertEquals("00", upToPassword(flow, sale.voucherNo).operatorNo)
        val void = checkNotNull(typePin(PASSWORD) { flow.on(Event.Key(it)) }.must<State.Voided>().outcome.voidTransaction)
        assertEquals("00", void.operatorNo)
        assertEquals("00", void.authoriserNo)
        assertEquals(CASHIER, fx.terminal.findTransaction(sale.voucherNo)?.operatorNo, "the sale stays the cashier's")
    }

    @Test
    fun `the menu leads to lifting a restriction, and back from the menu closes`() {
        assertEquals(State.LiftRestriction, fx.voidFlow().on(Event.ChooseLift))
        assertEquals(State.Exit, fx.voidFlow().on(Event.Back))
    }

    @Test
    fun `back walks the steps in reverse and keeps what was keyed`() {
        val sale = fx.sale()
        val flow = fx.voidFlow()
        upToPassword(flow, sale.voucherNo)
        typePin("12") { flow.on(Event.Key(it)) }
        flow.on(Event.Back).must<State.ReasonChoice>()
        val dateAmount = flow.on(Event.Back).must<State.DateAmountEntry>()
        assertEquals("12.34", dateAmount.amount)
        flow.on(Event.Back).must<State.TransactionShown>()
        assertEquals(sale.voucherNo, flow.on(Event.Back).must<State.VoucherEntry>().voucherNo)
        assertEquals(State.Menu, flow.on(Event.Back))
    }
}
