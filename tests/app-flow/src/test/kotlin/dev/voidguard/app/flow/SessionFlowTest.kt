package dev.voidguard.app.flow

import dev.voidguard.core.Role
import dev.voidguard.core.VoidGuardException
import dev.voidguard.testsupport.*
import dev.voidguard.testsupport.TestClock.Companion.START_MS
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Signing in and out, and home routing each kind of operator to what they may do. */
class SessionFlowTest {
    private val fx = Fixture().ready().also { it.terminal.signOut() }

    @AfterEach
    fun close() = fx.close()

    private fun SignInFlow.key(digits: String) = typePin(digits) { on(SignInFlow.Event.Key(it)) }

    @Test
    fun `a cashier keys their number and password and is signed in`() {
        val flow = SignInFlow(fx.terminal)
        assertEquals(SignInFlow.State.OperatorEntry(), flow.start())
        assertEquals("0", flow.key("0").must<SignInFlow.State.OperatorEntry>().operatorNo)
        val password = flow.on(SignInFlow.Event.Key(PinKey.ONE)).must<SignInFlow.State.PasswordEntry>()
        assertEquals(CASHIER, password.operatorNo)
        assertEquals(Role.CASHIER, password.role)
        assertEquals(4, password.minLength)
        assertEquals(8, password.maxLength)
        assertTrue(password.needsOk, "a cashier's password is four to eight digits: the OK key submits it")

        val three = flow.key(CASHIER_PASSWORD.take(3)).must<SignInFlow.State.PasswordEntry>()
        assertFalse(three.canSubmit)
        assertEquals(three, flow.on(SignInFlow.Event.Submit), "three digits are too few to submit")
        val four = flow.key(CASHIER_PASSWORD.drop(3)).must<SignInFlow.State.PasswordEntry>()
        assertTrue(four.canSubmit)
        assertFalse(holdsTypedDigits(four.toString(), CASHIER_PASSWORD), "no state holds the password: $four")

        val signedIn = flow.on(SignInFlow.Event.Submit).must<SignInFlow.State.SignedIn>()
        assertEquals(CASHIER, signedIn.session.operatorNo)
        assertEquals(signedIn.session, fx.terminal.session())
        // Opening the screen again with someone signed in goes straight through.
        SignInFlow(fx.terminal).start().must<SignInFlow.State.SignedIn>()
    }

    @Test
    fun `a wrong password stays on the password step with the attempts left`() {
        val flow = SignInFlow(fx.terminal)
        flow.start()
        flow.key(CASHIER)
        flow.key("9999")
        val wrong = flow.on(SignInFlow.Event.Submit).must<SignInFlow.State.PasswordEntry>()
        assertEquals(0, wrong.filled, "the pad is cleared for another try")
        val refusal = wrong.notice?.refusal.must<VoidGuardException.WrongOperatorPassword>()
        assertEquals(CASHIER, refusal.operatorNo)
        assertEquals(4u, refusal.attemptsLeft)

        flow.key(CASHIER_PASSWORD)
        flow.on(SignInFlow.Event.Submit).must<SignInFlow.State.SignedIn>()
    }

    @Test
    fun `five wrong passwords lock the cashier, told on the number step until when`() {
        val flow = SignInFlow(fx.terminal)
        flow.start()
        flow.key(CASHIER)
        repeat(4) {
            flow.key("9999")
            flow.on(SignInFlow.Event.Submit).must<SignInFlow.State.PasswordEntry>()
        }
        flow.key("9999")
        val locked = flow.on(SignInFlow.Event.Submit).must<SignInFlow.State.OperatorEntry>()
        val refusal = locked.notice?.refusal.must<VoidGuardException.OperatorLocked>()
        assertEquals(CASHIER, refusal.operatorNo)
        assertEquals(START_MS + 5 * 60_000, refusal.untilMs)
        assertEquals("", locked.operatorNo)

        // Keyed again while locked: refused before any password is asked for.
        val again = flow.key(CASHIER).must<SignInFlow.State.OperatorEntry>()
        assertEquals(refusal.untilMs, again.notice?.refusal.must<VoidGuardException.OperatorLocked>().untilMs)

        fx.clock.advance(6 * TestClock.MINUTE_MS)
        flow.key(CASHIER).must<SignInFlow.State.PasswordEntry>()
        flow.key(CASHIER_PASSWORD)
        flow.on(SignInFlow.Event.Submit).must<SignInFlow.State.SignedIn>()
    }

    @Test
    fun `an unknown number is refused before the password, and Back leaves`() {
        val flow = SignInFlow(fx.terminal)
        flow.start()
        val unknown = flow.key("05").must<SignInFlow.State.OperatorEntry>()
        assertEquals("05", unknown.notice?.refusal.must<VoidGuardException.UnknownOperator>().operatorNo)
        flow.key(CASHIER).must<SignInFlow.State.PasswordEntry>()
        flow.on(SignInFlow.Event.Back).must<SignInFlow.State.OperatorEntry>()
        assertEquals(SignInFlow.State.Exit, flow.on(SignInFlow.Event.Back))
        assertNull(fx.terminal.session())
    }

    @Test
    fun `the supervisor signs in with the void password and the administrator with eight digits, each by itself`() {
        val supervisor = SignInFlow(fx.terminal)
        supervisor.start()
        val six = supervisor.key(Operators.SUPERVISOR).must<SignInFlow.State.PasswordEntry>()
        assertEquals(6, six.maxLength)
        assertFalse(six.needsOk)
        assertEquals(Role.SUPERVISOR, supervisor.key(PASSWORD).must<SignInFlow.State.SignedIn>().session.role)
        fx.terminal.signOut()

        val admin = SignInFlow(fx.terminal)
        admin.start()
        assertEquals(8, admin.key(Operators.ADMINISTRATOR).must<SignInFlow.State.PasswordEntry>().maxLength)
        assertEquals(Role.ADMINISTRATOR, admin.key(ADMIN_PASSWORD).must<SignInFlow.State.SignedIn>().session.role)
    }

    @Test
    fun `sign-in on a terminal that is not activated is blocked`() {
        Fixture().use { bare ->
            SignInFlow(bare.terminal).start().must<SignInFlow.State.Blocked>()
                .notice.refusal.must<VoidGuardException.NotActivated>()
        }
    }

    @Test
    fun `home routes nobody to sign-in, the administrator to operators and a cashier to the money tiles`() {
        val home = HomeFlow(fx.terminal)
        home.refresh().must<HomeFlow.State.SignedOut>()

        fx.signInAs(Operators.ADMINISTRATOR)
        val admin = home.refresh().must<HomeFlow.State.Administrator>()
        assertEquals(Operators.ADMINISTRATOR, admin.session.operatorNo)
        home.on(HomeFlow.Event.SignOut).must<HomeFlow.State.SignedOut>()
        assertNull(fx.terminal.session())

        fx.signInAs("03")
        val cashier = home.refresh().must<HomeFlow.State.Ready>()
        assertEquals("03", cashier.session.operatorNo)
        assertTrue(cashier.canVoid)
        home.on(HomeFlow.Event.SignOut).must<HomeFlow.State.SignedOut>()
        // A sign-out the screen missed (another screen signed out) still lands on sign-in.
        home.on(HomeFlow.Event.SignOut).must<HomeFlow.State.SignedOut>()
    }

    @Test
    fun `a sale is keyed by the signed-in cashier and the form says who`() {
        fx.signInAs("03")
        val flow = SaleFlow(fx.terminal)
        assertEquals("03", flow.state.must<SaleFlow.State.Form>().operatorNo)
        val sale = flow.on(SaleFlow.Event.Submit("9.90", FULL_PAN, "UnionPay")).must<SaleFlow.State.Recorded>().transaction
        assertEquals("03", sale.operatorNo)
        val slip = SlipFlow(fx.terminal, dev.voidguard.core.Locale.EN).load(sale.voucherNo).must<SlipFlow.State.Shown>()
        assertTrue(slip.receipt.lines.any { it.label == "OPERATOR" && it.value == "03" }, slip.receipt.text)

        fx.signInAs(CASHIER)
        assertEquals(CASHIER, SaleFlow(fx.terminal).on(SaleFlow.Event.Submit("1.00", FULL_PAN, "UnionPay"))
            .must<SaleFlow.State.Recorded>().transaction.operatorNo)
        assertEquals(CASHIER, SettlementFlow(fx.terminal).on(SettlementFlow.Event.Load).must<SettlementFlow.State.Ready>().operatorNo)
    }

    @Test
    fun `the administrator is offered no sale, and the core refuses one keyed anyway`() {
        fx.signInAs(Operators.ADMINISTRATOR)
        val flow = SaleFlow(fx.terminal)
        val refused = flow.on(SaleFlow.Event.Submit("1.00", FULL_PAN, "UnionPay")).must<SaleFlow.State.Form>()
        assertEquals("99", refused.notice?.refusal.must<VoidGuardException.NotPermitted>().operatorNo)
        fx.terminal.signOut()
        SaleFlow(fx.terminal).on(SaleFlow.Event.Submit("1.00", FULL_PAN, "UnionPay")).must<SaleFlow.State.Form>()
            .notice?.refusal.must<VoidGuardException.NotSignedIn>()
        assertEquals("000001", fx.terminal.status().nextVoucherNo)
    }
}
