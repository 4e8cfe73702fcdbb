package dev.voidguard.jvmtests

import dev.voidguard.core.Role
import dev.voidguard.core.VoidGuardException
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Operator accounts and sessions through the bindings, with the Kotlin exception types. */
class OperatorsTest {
    private val adminPassword = "58204719"

    @Test
    fun `the administrator adds a cashier who signs in, and wrong passwords say what is left`() {
        TerminalFixture.ready().use { f ->
            val t = f.terminal
            t.setAdminPassword(adminPassword)
            assertEquals(Role.ADMINISTRATOR, t.signIn("99", adminPassword).role)
            t.addOperator("03", "3817")
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
            assertThrows<VoidGuardException.AlreadySignedIn> { t.signIn("00", PASSWORD) }
            assertThrows<VoidGuardException.NotPermitted> { t.addOperator("04", "3817") }
            t.signOut()

            val listed = t.operators().associateBy { it.operatorNo }
            assertEquals(setOf("00", "03", "99"), listed.keys)
            assertEquals(Role.SUPERVISOR, listed.getValue("00").role)
            assertEquals(0u, listed.getValue("03").consecutiveFailures)
            assertFalse(listed.getValue("03").needsReset)
        }
    }
}
