package dev.voidguard.app.flow

import dev.voidguard.app.flow.OperatorsFlow.Change
import dev.voidguard.app.flow.OperatorsFlow.Event
import dev.voidguard.app.flow.OperatorsFlow.State
import dev.voidguard.app.flow.OperatorsFlow.Step
import dev.voidguard.core.Role
import dev.voidguard.core.VoidGuardException
import dev.voidguard.testsupport.*
import dev.voidguard.testsupport.TestClock.Companion.START_MS
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The administrator's screen: their own password once, then the cashiers. */
class OperatorsFlowTest {
    private val fx = Fixture()

    @AfterEach
    fun close() = fx.close()

    private fun OperatorsFlow.key(digits: String) = typePin(digits) { on(Event.Key(it)) }

    /** Keys a cashier's password twice, with OK after each entry shorter than eight digits. */
    private fun OperatorsFlow.newPassword(password: String): State {
        key(password)
        if (password.length < Operators.CASHIER_MAX_LENGTH) on(Event.Submit)
        key(password)
        return if (password.length < Operators.CASHIER_MAX_LENGTH) on(Event.Submit) else state
    }

    /** Ready, with the administrator signed in. */
    private fun asAdministrator(): OperatorsFlow {
        fx.ready()
        fx.signInAs(Operators.ADMINISTRATOR)
        return OperatorsFlow(fx.terminal).also { it.start().must<State.Listing>() }
    }

    @Test
    fun `a fresh terminal sets the administrator's password once, keyed twice`() {
        fx.activate()
        val flow = OperatorsFlow(fx.terminal)
        val first = flow.start().must<State.AdminPassword>()
        assertEquals(Step.NEW, first.step)
        assertEquals(8, first.length)

        flow.key("58204719").must<State.AdminPassword>().let { assertEquals(Step.CONFIRM, it.step) }
        val differ = flow.key("58204710").must<State.AdminPassword>()
        assertEquals(Step.NEW, differ.step)
        assertEquals(Notice.PasswordsDiffer, differ.notice)

        flow.key("12345678")
        flow.key("12345678").must<State.AdminPassword>().notice?.refusal.must<VoidGuardException.TrivialPassword>()

        val seen = mutableListOf<State>()
        typePin(ADMIN_PASSWORD + ADMIN_PASSWORD) { flow.on(Event.Key(it)).also(seen::add) }
        assertEquals(State.AdminPasswordSet, flow.state)
        seen.forEach { assertFalse(holdsTypedDigits(it.toString(), ADMIN_PASSWORD + ADMIN_PASSWORD), "$it") }

        // Set once: the screen now wants the administrator signed in.
        OperatorsFlow(fx.terminal).start().must<State.Blocked>().notice.refusal.must<VoidGuardException.NotSignedIn>()
        fx.terminal.signIn(Operators.ADMINISTRATOR, ADMIN_PASSWORD)
        val listed = OperatorsFlow(fx.terminal).start().must<State.Listing>()
        assertEquals(listOf("00", "99"), listed.operators.map { it.operatorNo })
        assertTrue(listed.cashiers.isEmpty())
    }

    @Test
    fun `the administrator adds a cashier, who is listed and signs in`() {
        val flow = asAdministrator()
        flow.on(Event.Add).must<State.NumberEntry>()
        assertEquals("0", flow.key("0").must<State.NumberEntry>().operatorNo)
        val password = flow.key("3").must<State.PasswordEntry>()
        assertEquals("03", password.operatorNo)
        assertEquals(OperatorsFlow.Purpose.ADD, password.purpose)

        flow.key("60")
        assertEquals(Step.NEW, flow.on(Event.Submit).must<State.PasswordEntry>().step, "two digits are too few")
        flow.key("29")
        assertEquals(Step.CONFIRM, flow.on(Event.Submit).must<State.PasswordEntry>().step)
        flow.key("6029")
        val listed = flow.on(Event.Submit).must<State.Listing>()
        assertEquals(Change(Change.Kind.ADDED, "03"), listed.change)
        assertEquals(listOf("00", CASHIER, "03", "99"), listed.operators.map { it.operatorNo })
        assertEquals(Role.CASHIER, listed.operators.single { it.operatorNo == "03" }.role)

        fx.terminal.signOut()
        assertEquals("03", fx.terminal.signIn("03", "6029").operatorNo)
    }

    @Test
    fun `numbers that are not a new cashier's are refused before any password`() {
        val flow = asAdministrator()
        flow.on(Event.Add)
        for (number in listOf(Operators.SUPERVISOR, Operators.ADMINISTRATOR)) {
            assertEquals(Notice.NotACashierNumber, flow.key(number).must<State.NumberEntry>().notice)
        }
        val taken = flow.key(CASHIER).must<State.NumberEntry>()
        assertEquals(CASHIER, taken.notice?.refusal.must<VoidGuardException.OperatorExists>().operatorNo)
        flow.on(Event.Back).must<State.Listing>()
        assertEquals(State.Exit, flow.on(Event.Back))
    }

    @Test
    fun `a trivial first password is refused and keyed again`() {
        val flow = asAdministrator()
        flow.on(Event.Add)
        flow.key("04")
        val trivial = flow.newPassword("1234").must<State.PasswordEntry>()
        assertEquals(Step.NEW, trivial.step)
        trivial.notice?.refusal.must<VoidGuardException.TrivialPassword>()
        assertEquals(Change(Change.Kind.ADDED, "04"), flow.newPassword("58203174").must<State.Listing>().change)
    }

    @Test
    fun `the administrator removes a cashier after confirming, who then cannot sign in`() {
        val flow = asAdministrator()
        assertEquals(CASHIER, flow.on(Event.Select(CASHIER)).must<State.Selected>().operator.operatorNo)
        val confirm = flow.on(Event.Remove).must<State.ConfirmRemove>()
        assertEquals(CASHIER, confirm.operator.operatorNo)
        flow.on(Event.Back).must<State.Selected>()
        flow.on(Event.Back).must<State.Listing>()
        flow.on(Event.Select(CASHIER))
        flow.on(Event.Remove)
        val listed = flow.on(Event.ConfirmRemove).must<State.Listing>()
        assertEquals(Change(Change.Kind.REMOVED, CASHIER), listed.change)
        assertFalse(listed.operators.single { it.operatorNo == CASHIER }.active, "still listed, as removed")
        assertTrue(listed.cashiers.isEmpty())
        // Neither the supervisor, the administrator nor a removed cashier can be chosen.
        for (no in listOf(Operators.SUPERVISOR, Operators.ADMINISTRATOR, CASHIER)) assertEquals(listed, flow.on(Event.Select(no)))

        fx.terminal.signOut()
        val flowIn = SignInFlow(fx.terminal)
        flowIn.start()
        typePin(CASHIER) { flowIn.on(SignInFlow.Event.Key(it)) }.must<SignInFlow.State.OperatorEntry>()
            .notice?.refusal.must<VoidGuardException.UnknownOperator>()
    }

    @Test
    fun `a locked cashier gets a new password from the administrator and signs in again`() {
        fx.ready()
        fx.terminal.signOut()
        repeat(5) { runCatching { fx.terminal.signIn(CASHIER, "9999") } }
        fx.signInAs(Operators.ADMINISTRATOR)
        val flow = OperatorsFlow(fx.terminal)
        val locked = flow.start().must<State.Listing>().operators.single { it.operatorNo == CASHIER }
        assertEquals(START_MS + 5 * 60_000, locked.lockedUntilMs)

        flow.on(Event.Select(CASHIER)).must<State.Selected>()
        val entry = flow.on(Event.ResetPassword).must<State.PasswordEntry>()
        assertEquals(OperatorsFlow.Purpose.RESET, entry.purpose)
        val reset = flow.newPassword("602917").must<State.Listing>()
        assertEquals(Change(Change.Kind.PASSWORD_RESET, CASHIER), reset.change)
        assertEquals(null, reset.operators.single { it.operatorNo == CASHIER }.lockedUntilMs)

        fx.terminal.signOut()
        assertEquals(CASHIER, fx.terminal.signIn(CASHIER, "602917").operatorNo)
    }

    @Test
    fun `a cashier opening the screen is refused, naming them, and so is a terminal not activated`() {
        fx.ready()
        val refused = OperatorsFlow(fx.terminal).start().must<State.Blocked>().notice.refusal.must<VoidGuardException.NotPermitted>()
        assertEquals(CASHIER, refused.operatorNo)
        Fixture().use { bare ->
            OperatorsFlow(bare.terminal).start().must<State.Blocked>().notice.refusal.must<VoidGuardException.NotActivated>()
        }
    }
}
