package dev.voidguard.jvmtests

import dev.voidguard.core.Field
import dev.voidguard.core.LegState
import dev.voidguard.core.Problem
import dev.voidguard.core.Role
import dev.voidguard.core.TransactionKind
import dev.voidguard.core.VoidGuardException
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * Operator accounts and sessions through the bindings, with the Kotlin exception types:
 * the administrator manages cashiers, sales and voids are keyed by whoever is signed in,
 * and nobody (or the administrator) keys money.
 */
class OperatorsTest {
    /** A ready terminal (administrator's password set, cashier 01 added) with nobody signed in. */
    private fun nobodySignedIn(): TerminalFixture = TerminalFixture.ready().also { it.terminal.signOut() }

    @Test
    fun `the administrator adds a cashier who signs in, and wrong passwords say what is left`() {
        nobodySignedIn().use { f ->
            val t = f.terminal
            assertThrows<VoidGuardException.AdminPasswordAlreadySet> { t.setAdminPassword("69031587") }
            assertEquals(Role.ADMINISTRATOR, t.signIn("99", ADMIN_PASSWORD).role)
            t.addOperator("03", "3817")
            val twice = assertThrows<VoidGuardException.OperatorExists> { t.addOperator("03", "6029") }
            assertEquals("03", twice.operatorNo)
            val kept = assertThrows<VoidGuardException.CannotRemove> { t.removeOperator("99") }
            assertEquals("99", kept.operatorNo)
            t.signOut()
            assertNull(t.session())

            val wrong = assertThrows<VoidGuardException.WrongOperatorPassword> { t.signIn("03", "9999") }
            assertEquals("03", wrong.operatorNo)
            assertEquals(4u, wrong.attemptsLeft)
            val session = t.signIn("03", "3817")
            assertEquals(Role.CASHIER, session.role)
            assertEquals(session, t.session())
            val already = assertThrows<VoidGuardException.AlreadySignedIn> { t.signIn("00", PASSWORD) }
            assertEquals("03", already.operatorNo)
            val cashier = assertThrows<VoidGuardException.NotPermitted> { t.addOperator("04", "3817") }
            assertEquals("03", cashier.operatorNo)
            t.signOut()

            val listed = t.operators().associateBy { it.operatorNo }
            assertEquals(setOf("00", CASHIER, "03", "99"), listed.keys)
            assertEquals(Role.SUPERVISOR, listed.getValue("00").role)
            assertEquals(Role.ADMINISTRATOR, listed.getValue("99").role)
            assertEquals(Role.CASHIER, listed.getValue("03").role)
            assertEquals(0u, listed.getValue("03").consecutiveFailures)
            assertFalse(listed.getValue("03").needsReset)
        }
    }

    @Test
    fun `an unknown number, a removed cashier and a malformed number are refused at sign-in`() {
        nobodySignedIn().use { f ->
            val t = f.terminal
            assertEquals("05", assertThrows<VoidGuardException.UnknownOperator> { t.signIn("05", "3817") }.operatorNo)
            val malformed = assertThrows<VoidGuardException.InvalidInput> { t.signIn("5", "3817") }
            assertEquals(Field.OPERATOR_NO, malformed.field)
            val short = assertThrows<VoidGuardException.InvalidInput> { t.signIn(CASHIER, "381") }
            assertEquals(Field.PASSWORD, short.field)
            assertEquals(Problem.WRONG_LENGTH, short.problem)

            t.signIn("99", ADMIN_PASSWORD)
            t.removeOperator(CASHIER)
            t.signOut()
            assertEquals(CASHIER, assertThrows<VoidGuardException.UnknownOperator> {
                t.signIn(CASHIER, CASHIER_PASSWORD)
            }.operatorNo)
            val removed = t.operators().single { it.operatorNo == CASHIER }
            assertFalse(removed.active, "a removed cashier stays listed, so reports keep naming them")
        }
    }

    @Test
    fun `five wrong passwords lock a cashier and the administrator's reset opens the account`() {
        nobodySignedIn().use { f ->
            val t = f.terminal
            val left = (1..4).map {
                assertThrows<VoidGuardException.WrongOperatorPassword> { t.signIn(CASHIER, "9999") }.attemptsLeft
            }
            assertEquals(listOf(4u, 3u, 2u, 1u), left)
            val locked = assertThrows<VoidGuardException.OperatorLocked> { t.signIn(CASHIER, "9999") }
            assertEquals(CASHIER, locked.operatorNo)
            assertEquals(f.clock.nowMs() + 5 * TestClock.MINUTE_MS, locked.untilMs)
            assertThrows<VoidGuardException.OperatorLocked> { t.signIn(CASHIER, CASHIER_PASSWORD) }
            assertEquals(locked.untilMs, t.operators().single { it.operatorNo == CASHIER }.lockedUntilMs)

            t.signIn("99", ADMIN_PASSWORD)
            t.resetOperatorPassword(CASHIER, "6029")
            t.signOut()
            assertThrows<VoidGuardException.WrongOperatorPassword> { t.signIn(CASHIER, CASHIER_PASSWORD) }
            assertEquals(CASHIER, t.signIn(CASHIER, "6029").operatorNo)
        }
    }

    @Test
    fun `a cashier changes their own password with the current one`() {
        TerminalFixture.ready().use { f ->
            val t = f.terminal
            assertThrows<VoidGuardException.PasswordReused> { t.changeOperatorPassword(CASHIER_PASSWORD, CASHIER_PASSWORD) }
            assertThrows<VoidGuardException.TrivialPassword> { t.changeOperatorPassword(CASHIER_PASSWORD, "1234") }
            assertThrows<VoidGuardException.WrongOperatorPassword> { t.changeOperatorPassword("9999", "6029") }
            t.changeOperatorPassword(CASHIER_PASSWORD, "6029")
            t.signOut()
            assertThrows<VoidGuardException.WrongOperatorPassword> { t.signIn(CASHIER, CASHIER_PASSWORD) }
            t.signIn(CASHIER, "6029")
        }
    }

    @Test
    fun `a sale and its void are keyed by the signed-in cashier and authorised by the supervisor`() {
        TerminalFixture.ready().use { f ->
            f.signInAs("03")
            val sale = f.sale("42.00")
            assertEquals("03", sale.operatorNo)
            assertNull(sale.authoriserNo)
            val preview = f.terminal.voidPreview(lookupOf(sale))
            assertEquals(sale.id, preview.original.id)
            val outcome = f.terminal.voidTransaction(voidOf(sale))
            assertEquals(LegState.APPROVED, outcome.state)
            val void = requireNotNull(outcome.voidTransaction)
            assertEquals("03", void.operatorNo, "the void row names the cashier who keyed it")
            assertEquals("00", void.authoriserNo, "and the supervisor whose password authorised it")

            // Another cashier's sale is theirs; the report counts voids per keying operator.
            f.signInAs(CASHIER)
            assertEquals(CASHIER, f.sale("5.00").operatorNo)
            val byOperator = f.terminal.voidsByOperator(null).single()
            assertEquals("03", byOperator.operatorNo)
            assertEquals(1u, byOperator.voidCount)
            val rows = f.terminal.allRows()
            assertEquals(listOf("03", "03", CASHIER), rows.map { it.operatorNo })
            assertEquals(listOf(TransactionKind.SALE, TransactionKind.VOID, TransactionKind.SALE), rows.map { it.kind })
            // Settlement is keyed by the session too: a cashier closes the batch.
            assertEquals(2u, f.terminal.settle().saleCount)
        }
    }

    @Test
    fun `the administrator is refused every money act, naming 99`() {
        TerminalFixture.ready().use { f ->
            val sale = f.sale("10.00")
            f.signInAs("99")
            val t = f.terminal
            val refusals = listOf(
                assertThrows<VoidGuardException.NotPermitted> { t.recordSale(saleRequest("1.00")) },
                assertThrows<VoidGuardException.NotPermitted> { t.voidPreview(lookupOf(sale)) },
                assertThrows<VoidGuardException.NotPermitted> { t.voidTransaction(voidOf(sale)) },
                assertThrows<VoidGuardException.NotPermitted> { t.beginVoid(voidOf(sale)) },
                assertThrows<VoidGuardException.NotPermitted> { t.settle() },
            )
            assertEquals(listOf("99"), refusals.map { it.operatorNo }.distinct())
            assertEquals(1, t.allRows().size, "nothing was recorded")
            assertEquals(0u, t.vaultStatus().consecutiveFailures, "the void password was never tried")
        }
    }

    @Test
    fun `with nobody signed in sales, voids and settlement are refused`() {
        TerminalFixture.ready().use { f ->
            val sale = f.sale("10.00")
            val t = f.terminal
            t.signOut()
            assertNull(t.session())
            assertThrows<VoidGuardException.NotSignedIn> { t.signOut() }
            assertThrows<VoidGuardException.NotSignedIn> { t.recordSale(saleRequest("1.00")) }
            assertThrows<VoidGuardException.NotSignedIn> { t.voidPreview(lookupOf(sale)) }
            assertThrows<VoidGuardException.NotSignedIn> { t.voidTransaction(voidOf(sale)) }
            assertThrows<VoidGuardException.NotSignedIn> { t.beginVoid(voidOf(sale)) }
            assertThrows<VoidGuardException.NotSignedIn> { t.settle() }
            assertThrows<VoidGuardException.NotSignedIn> { t.addOperator("04", "3817") }
            assertThrows<VoidGuardException.NotSignedIn> { t.changeOperatorPassword(CASHIER_PASSWORD, "6029") }
            assertEquals(1, t.allRows().size)
        }
    }

    @Test
    fun `a session ends with the terminal, so a sale after a restart needs a sign-in`() {
        TerminalFixture.ready().use { f ->
            assertEquals(CASHIER, f.sale("12.00").operatorNo)
            f.closeTerminal()
            f.open().use { t ->
                assertNull(t.session())
                assertThrows<VoidGuardException.NotSignedIn> { t.recordSale(saleRequest("3.00")) }
                t.signIn(CASHIER, CASHIER_PASSWORD)
                assertEquals(CASHIER, t.recordSale(saleRequest("3.00")).operatorNo)
                assertTrue(t.verifyAudit().ok)
            }
        }
    }
}
