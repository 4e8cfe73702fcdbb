package dev.voidguard.app.flow

import dev.voidguard.app.flow.PasswordFlow.Event
import dev.voidguard.app.flow.PasswordFlow.Mode
import dev.voidguard.app.flow.PasswordFlow.State
import dev.voidguard.app.flow.PasswordFlow.Step
import dev.voidguard.core.VoidGuardException
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class PasswordFlowTest {
    private val fx = Fixture().activate()

    @AfterEach
    fun close() = fx.close()

    private fun PasswordFlow.type(digits: String) = typePin(digits) { on(Event.Key(it)) }

    @Test
    fun `a fresh terminal sets its first password, keyed twice`() {
        val flow = PasswordFlow(fx.terminal)
        val first = flow.start().must<State.Entering>()
        assertEquals(Mode.SET to Step.NEW, first.mode to first.step)
        assertEquals(Step.CONFIRM, flow.type(PASSWORD).must<State.Entering>().step)
        val done = flow.type(PASSWORD).must<State.Done>()
        assertTrue(done.vault.passwordSet)
        assertTrue(fx.terminal.vaultStatus().passwordSet)
    }

    @Test
    fun `a confirmation that differs starts the new password again`() {
        val flow = PasswordFlow(fx.terminal)
        flow.start()
        flow.type(PASSWORD)
        val again = flow.type(NEW_PASSWORD).must<State.Entering>()
        assertEquals(Step.NEW, again.step)
        assertEquals(Notice.PasswordsDiffer, again.notice)
    }

    @Test
    fun `the well-known default 123456 is refused as trivial`() {
        val flow = PasswordFlow(fx.terminal)
        flow.start()
        flow.type("123456")
        val refused = flow.type("123456").must<State.Entering>()
        assertEquals(Step.NEW, refused.step)
        refused.notice.must<Notice.Refused>().error.must<VoidGuardException.TrivialPassword>()
    }

    @Test
    fun `a change asks for the current password first and counts a wrong one`() {
        fx.terminal.setVoidPassword(PASSWORD)
        val flow = PasswordFlow(fx.terminal)
        val first = flow.start().must<State.Entering>()
        assertEquals(Mode.CHANGE to Step.CURRENT, first.mode to first.step)
        flow.type(WRONG_PASSWORD)
        flow.type(NEW_PASSWORD)
        val refused = flow.type(NEW_PASSWORD).must<State.Entering>()
        assertEquals(Step.CURRENT, refused.step)
        assertEquals(4u, refused.notice?.refusal.must<VoidGuardException.WrongPassword>().attemptsLeft)

        flow.type(PASSWORD)
        flow.type(NEW_PASSWORD)
        flow.type(NEW_PASSWORD).must<State.Done>().let { assertEquals(Mode.CHANGE, it.mode) }
        assertEquals(0u, fx.terminal.vaultStatus().consecutiveFailures)
    }

    @Test
    fun `the new password must differ from the current one`() {
        fx.terminal.setVoidPassword(PASSWORD)
        val flow = PasswordFlow(fx.terminal)
        flow.start()
        flow.type(PASSWORD)
        flow.type(PASSWORD)
        flow.type(PASSWORD).must<State.Entering>().let {
            assertEquals(Step.NEW, it.step)
            it.notice?.refusal.must<VoidGuardException.PasswordReused>()
        }
    }

    @Test
    fun `backspace and clear edit the entry, back returns a step`() {
        val flow = PasswordFlow(fx.terminal)
        flow.start()
        flow.type("12")
        assertEquals(1, flow.on(Event.Key(PinKey.BACKSPACE)).must<State.Entering>().filled)
        assertEquals(0, flow.on(Event.Key(PinKey.CLEAR)).must<State.Entering>().filled)
        flow.type(PASSWORD)
        assertEquals(Step.NEW, flow.on(Event.Back).must<State.Entering>().step)
    }

    @Test
    fun `locked out, a change is blocked with the time the lock ends`() {
        fx.terminal.setVoidPassword(PASSWORD)
        val flow = PasswordFlow(fx.terminal)
        flow.start()
        repeat(5) {
            flow.type(WRONG_PASSWORD)
            flow.type(NEW_PASSWORD)
            flow.type(NEW_PASSWORD)
        }
        // The fifth wrong one locks; the next attempt is refused before any check.
        flow.type(PASSWORD)
        flow.type(NEW_PASSWORD)
        flow.type(NEW_PASSWORD).must<State.Blocked>().notice.refusal.must<VoidGuardException.LockedUntil>()
    }
}
