package dev.voidguard.jvmtests

import dev.voidguard.core.Field
import dev.voidguard.core.LegState
import dev.voidguard.core.Problem
import dev.voidguard.core.RequestKind
import dev.voidguard.core.TransactionStatus
import dev.voidguard.core.VoidGuardException
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.CsvSource

/** Each refusal of the void screen arrives in Kotlin as its own exception with its data. */
class VoidRefusalsTest {
    @Test
    fun `a terminal without void permission refuses to void`() {
        TerminalFixture().use { f ->
            f.terminal.activate(MERCHANT_NO, TERMINAL_ID, SECRET_HEX)
            f.terminal.setVoidPassword(PASSWORD)
            f.signInAs(CASHIER)
            val sale = f.sale("10.00")
            assertThrows<VoidGuardException.PermissionNotGranted> { f.terminal.voidTransaction(voidOf(sale)) }
            assertThrows<VoidGuardException.PermissionNotGranted> { f.terminal.voidPreview(lookupOf(sale)) }
        }
    }

    @Test
    fun `a permitted terminal without a password refuses to void`() {
        TerminalFixture().use { f ->
            f.terminal.activate(MERCHANT_NO, TERMINAL_ID, SECRET_HEX)
            f.redeem(RequestKind.VOID_PERMISSION)
            f.signInAs(CASHIER)
            val sale = f.sale("10.00")
            assertThrows<VoidGuardException.PasswordNotSet> { f.terminal.voidTransaction(voidOf(sale)) }
            assertThrows<VoidGuardException.PasswordNotSet> {
                f.terminal.changeVoidPassword(PASSWORD, NEW_PASSWORD)
            }
        }
    }

    @Test
    fun `the supervisor signed in keys a void and authorises it with the void password`() {
        TerminalFixture.ready().use { f ->
            f.signInAs("03")
            val sale = f.sale("20.00")
            assertEquals("03", sale.operatorNo)
            f.signInAs("00")
            val outcome = f.terminal.voidTransaction(voidOf(sale))
            assertEquals(LegState.APPROVED, outcome.state)
            val void = requireNotNull(outcome.voidTransaction)
            assertEquals("00", void.operatorNo)
            assertEquals("00", void.authoriserNo)
            val byOperator = f.terminal.voidsByOperator(null)
            assertEquals("00", byOperator.single().operatorNo)
            assertEquals(2000L, byOperator.single().voidTotal)
        }
    }

    @Test
    fun `yesterday's sale is refused with its business date`() {
        TerminalFixture.ready().use { f ->
            val sale = f.sale("30.00")
            f.clock.advance(TestClock.DAY_MS)
            val refused = assertThrows<VoidGuardException.NotSameBusinessDate> {
                f.terminal.voidTransaction(voidOf(sale))
            }
            assertEquals("2026-11-29", refused.businessDate)
            assertEquals("2026-11-30", f.terminal.status().businessDate)
        }
    }

    @Test
    fun `the daily void count limit is reached and lifted by the back office`() {
        TerminalFixture.ready(adjust = { it.copy(dailyVoidCountLimit = 2u) }).use { f ->
            repeat(2) { f.terminal.voidTransaction(voidOf(f.sale("1.00"))) }
            val third = f.sale("1.00")
            val limit = assertThrows<VoidGuardException.DailyCountLimitReached> {
                f.terminal.voidTransaction(voidOf(third))
            }
            assertEquals(2u, limit.limit)
            f.redeem(RequestKind.LIFT_RESTRICTION)
            assertEquals(LegState.APPROVED, f.terminal.voidTransaction(voidOf(third)).state)
        }
    }

    @Test
    fun `the daily void amount limit says how much is used`() {
        TerminalFixture.ready(adjust = { it.copy(dailyVoidAmountLimit = 10_000L) }).use { f ->
            f.terminal.voidTransaction(voidOf(f.sale("60.00")))
            val second = f.sale("50.00")
            val limit = assertThrows<VoidGuardException.DailyAmountLimitReached> {
                f.terminal.voidTransaction(voidOf(second))
            }
            assertEquals(10_000L, limit.limit)
            assertEquals(6_000L, limit.used)
            assertEquals(TransactionStatus.APPROVED, f.terminal.findTransaction(second.voucherNo)?.status)
        }
    }

    @ParameterizedTest(name = "amount \"{0}\" is {1}")
    @CsvSource(
        "'0', ZERO",
        "'0.00', ZERO",
        "'-5.00', NEGATIVE",
        "'12.345', TOO_MANY_DECIMALS",
        "'12,34', MALFORMED",
        "'100000.01', OVER_CAP",
        "'99999999999999999999', OVERFLOW",
        "'', EMPTY",
    )
    fun `a bad sale amount is a typed input error`(amount: String, problem: Problem) {
        TerminalFixture.ready().use { f ->
            val refused = assertThrows<VoidGuardException.InvalidInput> { f.sale(amount) }
            assertEquals(Field.AMOUNT, refused.field)
            assertEquals(problem, refused.problem)
        }
    }

    @Test
    fun `void reasons come from the configured list`() {
        TerminalFixture.ready().use { f ->
            val sale = f.sale("5.00")
            val reason = assertThrows<VoidGuardException.InvalidInput> {
                f.terminal.voidTransaction(voidOf(sale).copy(reason = "felt like it"))
            }
            assertEquals(Field.VOID_REASON, reason.field)
            assertEquals(Problem.NOT_ALLOWED, reason.problem)
        }
    }

    @Test
    fun `a timed lock expires, the next failure doubles it, the tenth needs the back office`() {
        TerminalFixture.ready().use { f ->
            val sale = f.sale("9.99")
            val wrong = voidOf(sale, password = WRONG_PASSWORD)
            repeat(4) { assertThrows<VoidGuardException.WrongPassword> { f.terminal.voidTransaction(wrong) } }
            val five = assertThrows<VoidGuardException.LockedUntil> { f.terminal.voidTransaction(wrong) }
            assertEquals(f.clock.nowMs() + 5 * TestClock.MINUTE_MS, five.untilMs)
            f.clock.set(five.untilMs)
            assertEquals(1u, f.terminal.vaultStatus().attemptsLeft)
            val six = assertThrows<VoidGuardException.LockedUntil> { f.terminal.voidTransaction(wrong) }
            assertEquals(f.clock.nowMs() + 10 * TestClock.MINUTE_MS, six.untilMs)
            repeat(3) {
                f.clock.set(f.terminal.vaultStatus().lockedUntilMs!!)
                assertThrows<VoidGuardException.LockedUntil> { f.terminal.voidTransaction(wrong) }
            }
            f.clock.set(f.terminal.vaultStatus().lockedUntilMs!!)
            assertThrows<VoidGuardException.LockedUntilLifted> { f.terminal.voidTransaction(wrong) }
            f.clock.advance(7 * TestClock.DAY_MS)
            assertThrows<VoidGuardException.LockedUntilLifted> { f.terminal.voidTransaction(voidOf(f.sale("1.00"))) }
            assertTrue(f.terminal.vaultStatus().lockedUntilLifted)

            f.redeem(RequestKind.LIFT_RESTRICTION)
            val vault = f.terminal.vaultStatus()
            assertFalse(vault.lockedUntilLifted)
            assertNull(vault.lockedUntilMs)
        }
    }

    @Test
    fun `changing the password needs the current one and a different new one`() {
        TerminalFixture.ready().use { f ->
            val t = f.terminal
            val wrong = assertThrows<VoidGuardException.WrongPassword> { t.changeVoidPassword(WRONG_PASSWORD, NEW_PASSWORD) }
            assertEquals(4u, wrong.attemptsLeft)
            assertThrows<VoidGuardException.PasswordReused> { t.changeVoidPassword(PASSWORD, PASSWORD) }
            assertThrows<VoidGuardException.TrivialPassword> { t.changeVoidPassword(PASSWORD, "121212") }
            val vault = t.changeVoidPassword(PASSWORD, NEW_PASSWORD)
            assertEquals(0u, vault.consecutiveFailures)
            val sale = f.sale("8.00")
            assertThrows<VoidGuardException.WrongPassword> { t.voidTransaction(voidOf(sale)) }
            assertEquals(LegState.APPROVED, t.voidTransaction(voidOf(sale, password = NEW_PASSWORD)).state)
        }
    }

    @Test
    fun `an expired password still voids but the screen is told a change is due`() {
        TerminalFixture.ready().use { f ->
            f.clock.advance(91 * TestClock.DAY_MS)
            val vault = f.terminal.vaultStatus()
            assertTrue(vault.changeDue)
            val sale = f.sale("15.00")
            assertEquals(LegState.APPROVED, f.terminal.voidTransaction(voidOf(sale)).state)
            assertFalse(f.terminal.changeVoidPassword(PASSWORD, NEW_PASSWORD).changeDue)
        }
    }
}
