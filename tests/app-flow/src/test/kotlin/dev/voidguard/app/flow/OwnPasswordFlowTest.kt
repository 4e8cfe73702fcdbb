package dev.voidguard.app.flow

import dev.voidguard.app.flow.OwnPasswordFlow.Event
import dev.voidguard.app.flow.OwnPasswordFlow.State
import dev.voidguard.app.flow.OwnPasswordFlow.Step
import dev.voidguard.core.Role
import dev.voidguard.core.VoidGuardException
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** A cashier or the administrator changes their own password: the current one, then the new one twice. */
class OwnPasswordFlowTest {
    private val fx = Fixture().ready()

    @AfterEach
    fun close() = fx.close()

    /** Keys one entry, with OK after it when it is shorter than the role's longest. */
    private fun OwnPasswordFlow.entry(digits: String): State {
        val s = typePin(digits) { on(Event.Key(it)) }
        return if (s is State.Entering && s.needsOk && digits.length < s.maxLength) on(Event.Submit) else s
    }

    /** The whole change: current, new, new again. */
    private fun OwnPasswordFlow.change(current: String, new: String, again: String = new): State {
        entry(current)
        entry(new)
        return entry(again)
    }

    private fun started(): OwnPasswordFlow = OwnPasswordFlow(fx.terminal).also { it.start().must<State.Entering>() }

    @Test
    fun `a cashier changes their password, then signs in with the new one and not the old`() {
        val flow = OwnPasswordFlow(fx.terminal)
        val first = flow.start().must<State.Entering>()
        assertEquals(CASHIER to Role.CASHIER, first.operatorNo to first.role)
        assertEquals(Step.CURRENT, first.step)
        assertEquals(4 to 8, first.minLength to first.maxLength)
        assertTrue(first.needsOk)

        val seen = mutableListOf<State>()
        typePin(CASHIER_PASSWORD) { flow.on(Event.Key(it)).also(seen::add) }
        flow.state.must<State.Entering>().let { assertTrue(it.step == Step.CURRENT && it.canSubmit, "$it") }
        assertEquals(Step.NEW, flow.on(Event.Submit).must<State.Entering>().step)
        typePin("60") { flow.on(Event.Key(it)).also(seen::add) }
        assertEquals(Step.NEW, flow.on(Event.Submit).must<State.Entering>().step, "two digits are too few")
        typePin("29") { flow.on(Event.Key(it)).also(seen::add) }
        assertEquals(Step.CONFIRM, flow.on(Event.Submit).must<State.Entering>().step)
        typePin("6029") { flow.on(Event.Key(it)).also(seen::add) }
        assertEquals(State.Done(CASHIER), flow.on(Event.Submit))
        seen.forEach { assertFalse(holdsTypedDigits(it.toString(), "6029") || holdsTypedDigits(it.toString(), CASHIER_PASSWORD), "$it") }

        fx.terminal.signOut()
        fx.terminal.signIn(CASHIER, "6029")
        fx.terminal.signOut()
        assertThrows<VoidGuardException.WrongOperatorPassword> { fx.terminal.signIn(CASHIER, CASHIER_PASSWORD) }
    }

    @Test
    fun `a wrong current password is counted, says the attempts left, and five lock the cashier`() {
        val flow = started()
        for (left in 4 downTo 1) {
            val refused = flow.change("9999", "6029").must<State.Entering>()
            assertEquals(Step.CURRENT, refused.step)
            val wrong = refused.notice?.refusal.must<VoidGuardException.WrongOperatorPassword>()
            assertEquals(CASHIER to left.toUInt(), wrong.operatorNo to wrong.attemptsLeft)
        }
        val locked = flow.change("9999", "6029").must<State.Blocked>()
        assertEquals(CASHIER, locked.notice.refusal.must<VoidGuardException.OperatorLocked>().operatorNo)
        // The lock ends the session: whoever typed those does not go on keying as 01.
        assertNull(fx.terminal.session())
        assertThrows<VoidGuardException.OperatorLocked> { fx.terminal.signIn(CASHIER, CASHIER_PASSWORD) }
    }

    @Test
    fun `a trivial or unchanged new password is refused on the new step, the current one kept`() {
        val flow = started()
        val trivial = flow.change(CASHIER_PASSWORD, "1234").must<State.Entering>()
        assertEquals(Step.NEW, trivial.step)
        trivial.notice?.refusal.must<VoidGuardException.TrivialPassword>()

        flow.entry(CASHIER_PASSWORD)
        val reused = flow.entry(CASHIER_PASSWORD).must<State.Entering>()
        assertEquals(Step.NEW, reused.step)
        reused.notice?.refusal.must<VoidGuardException.PasswordReused>()

        flow.entry("602917")
        assertEquals(State.Done(CASHIER), flow.entry("602917"))
        fx.terminal.signOut()
        fx.terminal.signIn(CASHIER, "602917")
    }

    @Test
    fun `new entries that differ are keyed again, nothing sent to the core`() {
        val flow = started()
        val differ = flow.change(CASHIER_PASSWORD, "6029", "6028").must<State.Entering>()
        assertEquals(Step.NEW, differ.step)
        assertEquals(Notice.PasswordsDiffer, differ.notice)
        flow.entry("7153")
        assertEquals(State.Done(CASHIER), flow.entry("7153"))
        fx.terminal.signOut()
        fx.terminal.signIn(CASHIER, "7153")
    }

    @Test
    fun `the administrator changes their eight digits, each entry moving on by itself`() {
        fx.signInAs(Operators.ADMINISTRATOR)
        val flow = OwnPasswordFlow(fx.terminal)
        val first = flow.start().must<State.Entering>()
        assertEquals(Role.ADMINISTRATOR, first.role)
        assertFalse(first.needsOk)
        assertEquals(8, first.maxLength)

        typePin("9999999") { flow.on(Event.Key(it)) }
        assertEquals(Step.CURRENT, flow.on(Event.Submit).must<State.Entering>().step, "seven digits are too few")
        flow.on(Event.Key(PinKey.CLEAR))
        assertEquals(Step.NEW, typePin(ADMIN_PASSWORD) { flow.on(Event.Key(it)) }.must<State.Entering>().step)
        assertEquals(Step.CONFIRM, typePin("73920584") { flow.on(Event.Key(it)) }.must<State.Entering>().step)
        assertEquals(State.Done(Operators.ADMINISTRATOR), typePin("73920584") { flow.on(Event.Key(it)) })

        fx.terminal.signOut()
        assertThrows<VoidGuardException.WrongOperatorPassword> { fx.terminal.signIn(Operators.ADMINISTRATOR, ADMIN_PASSWORD) }
        fx.terminal.signIn(Operators.ADMINISTRATOR, "73920584")

        // A wrong current one counts for the administrator too.
        val again = OwnPasswordFlow(fx.terminal).also { it.start() }
        val refused = again.change("99999999", "40617283").must<State.Entering>()
        assertEquals(Step.CURRENT, refused.step)
        assertEquals(4u, refused.notice?.refusal.must<VoidGuardException.WrongOperatorPassword>().attemptsLeft)
    }

    @Test
    fun `the supervisor is sent to the void password, and nobody signed in is told so`() {
        fx.signInAs(Operators.SUPERVISOR)
        OwnPasswordFlow(fx.terminal).start().must<State.Blocked>().notice.refusal
            .must<VoidGuardException.NotPermitted>().let { assertEquals(Operators.SUPERVISOR, it.operatorNo) }
        fx.terminal.signOut()
        OwnPasswordFlow(fx.terminal).start().must<State.Blocked>().notice.refusal.must<VoidGuardException.NotSignedIn>()
    }

    @Test
    fun `back goes a step at a time, the current password forgotten on the way out`() {
        val flow = started()
        flow.entry(CASHIER_PASSWORD)
        flow.entry("6029")
        assertEquals(Step.NEW, flow.on(Event.Back).must<State.Entering>().step)
        assertEquals(Step.CURRENT, flow.on(Event.Back).must<State.Entering>().step)
        assertEquals(State.Exit, flow.on(Event.Back))
        // Keyed afresh after going back, the change goes through.
        assertEquals(State.Done(CASHIER), started().change(CASHIER_PASSWORD, "6029"))
    }

    @Test
    fun `home offers a cashier their own password and not the supervisor, whose password is the void password`() {
        assertTrue(HomeFlow(fx.terminal).refresh().must<HomeFlow.State.Ready>().ownPassword)
        fx.signInAs(Operators.SUPERVISOR)
        assertFalse(HomeFlow(fx.terminal).refresh().must<HomeFlow.State.Ready>().ownPassword)
        assertTrue(OwnPasswordFlow.offeredTo(Role.ADMINISTRATOR))
    }
}
