package dev.voidguard.jvmtests

import dev.voidguard.core.RequestKind
import dev.voidguard.core.VoidGuardException
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.CsvSource

/** The Kotlin back office agrees with the core on approval codes, byte for byte. */
class BackOfficeCodesTest {
    @ParameterizedTest(name = "{0}|{1} -> {2}")
    @CsvSource(
        "PERMIT, 4830193722, 81361438",
        "PERMIT_REFUND, 4830193722, 15676897",
        "RESET, 4830193722, 35422980",
        "LIFT, 0000000001, 97408756",
    )
    fun `the published vectors are reproduced with javax crypto`(action: String, request: String, code: String) {
        val secret = BackOffice.hexToBytes("000102030405060708090a0b0c0d0e0f")
        assertEquals(code, BackOffice.approvalCode(secret, BackOffice.Action.valueOf(action), request))
    }

    @Test
    fun `a code is bound to its request and action, and five wrong codes close the request for good`() {
        TerminalFixture().use { f ->
            val t = f.terminal
            t.activate(MERCHANT_NO, TERMINAL_ID, SECRET_HEX)
            val ticket = t.applyFor(RequestKind.VOID_PERMISSION, application())
            val other = t.applyFor(RequestKind.PASSWORD_RESET, application())
            val forOther = BackOffice.approve(RequestKind.VOID_PERMISSION, other.requestCode)
            val resetCode = BackOffice.approve(RequestKind.PASSWORD_RESET, ticket.requestCode)
            val left = listOf(forOther, resetCode, "00000000", "12345678", "87654321").map { wrong ->
                assertThrows<VoidGuardException.ApprovalCodeInvalid> {
                    t.redeemApproval(ticket.requestCode, wrong, null)
                }.attemptsLeft
            }
            assertEquals(listOf(4u, 3u, 2u, 1u, 0u), left)
            // Closed for good: not even the right code opens it now.
            val right = BackOffice.approve(RequestKind.VOID_PERMISSION, ticket.requestCode)
            assertThrows<VoidGuardException.RequestClosed> { t.redeemApproval(ticket.requestCode, right, null) }
            assertFalse(t.status().voidPermitted)
            assertThrows<VoidGuardException.UnknownRequest> { t.redeemApproval("0000000000", right, null) }
        }
    }

    @Test
    fun `an approval expires after seventy-two hours`() {
        TerminalFixture().use { f ->
            val t = f.terminal
            t.activate(MERCHANT_NO, TERMINAL_ID, SECRET_HEX)
            val ticket = t.applyFor(RequestKind.VOID_PERMISSION, application())
            val open = assertThrows<VoidGuardException.RequestAlreadyOpen> {
                t.applyFor(RequestKind.VOID_PERMISSION, application())
            }
            assertEquals(ticket.requestCode, open.requestCode)
            f.clock.advance(72 * TestClock.HOUR_MS + 1)
            val code = BackOffice.approve(RequestKind.VOID_PERMISSION, ticket.requestCode)
            assertThrows<VoidGuardException.ApprovalExpired> { t.redeemApproval(ticket.requestCode, code, null) }
            // A new application gets a new code, and that one works.
            f.redeem(RequestKind.VOID_PERMISSION)
            assertTrue(t.status().voidPermitted)
        }
    }
}
