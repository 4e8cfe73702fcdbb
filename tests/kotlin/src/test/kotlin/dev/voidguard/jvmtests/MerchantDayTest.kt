package dev.voidguard.jvmtests

import dev.voidguard.core.AuditProblem
import dev.voidguard.core.Field
import dev.voidguard.core.Locale
import dev.voidguard.core.LegDetail
import dev.voidguard.core.LegKind
import dev.voidguard.core.LegState
import dev.voidguard.core.Problem
import dev.voidguard.core.RequestKind
import dev.voidguard.core.RequestStatus
import dev.voidguard.core.Role
import dev.voidguard.core.Terminal
import dev.voidguard.core.Transaction
import dev.voidguard.core.TransactionKind
import dev.voidguard.core.TransactionStatus
import dev.voidguard.core.VoidGuardException
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.MethodOrderer
import org.junit.jupiter.api.Order
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.TestMethodOrder
import org.junit.jupiter.api.assertThrows
import java.nio.file.Files
import java.nio.file.StandardCopyOption
import java.sql.DriverManager

/**
 * One merchant's day, step by step, through the generated Kotlin API: activation,
 * the back office granting void permission, the void password, the administrator adding
 * a cashier who signs in, sales and a void keyed by that cashier's session, its
 * slips, every refusal the void screen explains, a lockout that survives a restart and
 * its lift, settlement, a reset that forces a new password, and the audit trail — then
 * a copy of the database edited behind the terminal's back.
 *
 * The steps share one terminal and run in order; each names the rule it checks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation::class)
class MerchantDayTest {
    private val host = ScriptedHostLink()
    private val f = TerminalFixture(host = host)
    private val t: Terminal get() = f.terminal

    private lateinit var coffee: Transaction
    private lateinit var lunch: Transaction
    private lateinit var books: Transaction
    private lateinit var lunchVoid: Transaction

    @AfterAll
    fun closeTerminal() = f.close()

    @Test
    @Order(1)
    fun `a fresh terminal is not activated and refuses everything but activation`() {
        val status = t.status()
        assertFalse(status.activated)
        assertNull(status.merchantNo)
        assertFalse(status.vault.passwordSet)
        assertThrows<VoidGuardException.NotActivated> { t.setVoidPassword(PASSWORD) }
        assertThrows<VoidGuardException.NotActivated> {
            t.applyFor(RequestKind.VOID_PERMISSION, application())
        }
    }

    @Test
    @Order(2)
    fun `activation records the merchant and terminal and happens once`() {
        val status = t.activate(MERCHANT_NO, TERMINAL_ID, SECRET_HEX)
        assertTrue(status.activated)
        assertEquals(MERCHANT_NO, status.merchantNo)
        assertEquals(TERMINAL_ID, status.terminalId)
        assertFalse(status.voidPermitted)
        assertEquals("000001", status.batchNo)
        assertEquals("000001", status.nextVoucherNo)
        assertEquals("2026-11-29", status.businessDate)
        assertThrows<VoidGuardException.AlreadyActivated> {
            t.activate(MERCHANT_NO, TERMINAL_ID, SECRET_HEX)
        }
    }

    @Test
    @Order(3)
    fun `void permission is applied for and granted with the back office's code`() {
        val ticket = t.applyFor(RequestKind.VOID_PERMISSION, application())
        assertEquals(10, ticket.requestCode.length)
        assertTrue(ticket.requestCode.all(Char::isDigit))
        assertEquals(RequestKind.VOID_PERMISSION, ticket.kind)
        assertEquals(RequestStatus.OPEN, ticket.status)
        assertEquals("1*************002X", ticket.idNumberMasked)
        assertEquals(72 * TestClock.HOUR_MS, ticket.expiresAtMs - ticket.createdAtMs)

        // A code for another action does not open this request.
        val liftCode = BackOffice.approve(RequestKind.LIFT_RESTRICTION, ticket.requestCode)
        val wrong = assertThrows<VoidGuardException.ApprovalCodeInvalid> {
            t.redeemApproval(ticket.requestCode, liftCode, null)
        }
        assertEquals(4u, wrong.attemptsLeft)
        assertFalse(t.status().voidPermitted)

        val code = BackOffice.approve(RequestKind.VOID_PERMISSION, ticket.requestCode)
        t.redeemApproval(ticket.requestCode, code, null)
        assertTrue(t.status().voidPermitted)
        assertEquals(RequestStatus.REDEEMED, t.requests().first { it.requestCode == ticket.requestCode }.status)
        assertThrows<VoidGuardException.ApprovalAlreadyUsed> {
            t.redeemApproval(ticket.requestCode, code, null)
        }
    }

    @Test
    @Order(4)
    fun `trivial passwords are refused when set`() {
        for (trivial in listOf("123456", "111111", "987654", "012345")) {
            assertThrows<VoidGuardException.TrivialPassword>("password $trivial") {
                t.setVoidPassword(trivial)
            }
        }
        val notSix = assertThrows<VoidGuardException.InvalidInput> { t.setVoidPassword("27481") }
        assertEquals(Field.PASSWORD, notSix.field)
        assertFalse(t.vaultStatus().passwordSet)
    }

    @Test
    @Order(5)
    fun `a good password is set once and expires after ninety days`() {
        val vault = t.setVoidPassword(PASSWORD)
        assertTrue(vault.passwordSet)
        assertFalse(vault.changeDue)
        assertEquals(TestClock.START_MS, vault.setAtMs)
        assertEquals(TestClock.START_MS + 90 * TestClock.DAY_MS, vault.expiresAtMs)
        assertEquals(5u, vault.attemptsLeft)
        assertThrows<VoidGuardException.PasswordAlreadySet> { t.setVoidPassword(NEW_PASSWORD) }
    }

    @Test
    @Order(6)
    fun `the administrator's password is set once, a cashier is added and signs in`() {
        assertThrows<VoidGuardException.NotSignedIn> { f.sale("1.00") }
        t.setAdminPassword(ADMIN_PASSWORD)
        assertThrows<VoidGuardException.AdminPasswordAlreadySet> { t.setAdminPassword("69031587") }
        t.signIn("99", ADMIN_PASSWORD)
        t.addOperator(CASHIER, CASHIER_PASSWORD)
        t.signOut()
        val session = t.signIn(CASHIER, CASHIER_PASSWORD)
        assertEquals(CASHIER, session.operatorNo)
        assertEquals(Role.CASHIER, session.role)
        assertEquals(TestClock.START_MS, session.signedInAtMs)
    }

    @Test
    @Order(7)
    fun `sales are journaled with increasing vouchers and masked card numbers`() {
        coffee = f.sale("12.34")
        lunch = f.sale("８８.００") // full-width digits from a Chinese input method
        books = f.sale("66.6")
        assertEquals(listOf("000001", "000002", "000003"), listOf(coffee, lunch, books).map { it.voucherNo })
        assertEquals(listOf(1234L, 8800L, 6660L), listOf(coffee, lunch, books).map { it.amount })
        assertEquals("622202*********0123", coffee.maskedPan)
        assertEquals(156.toUShort(), coffee.currency)
        assertEquals(TransactionKind.SALE, coffee.kind)
        assertEquals(TransactionStatus.APPROVED, coffee.status)
        assertEquals(listOf(CASHIER), listOf(coffee, lunch, books).map { it.operatorNo }.distinct())
        assertEquals(12, coffee.rrn.length)
        assertEquals(6, coffee.authCode.length)
        assertEquals(lunch, t.findTransaction("000002"))
        assertNull(t.findTransaction("000999"))
    }

    @Test
    @Order(8)
    fun `a void with the right voucher, date, amount and password goes through the host`() {
        val preview = t.voidPreview(lookupOf(lunch).copy(date = "1129"))
        assertEquals(lunch.id, preview.original.id)
        assertEquals(20u, preview.voidCountLeftToday)

        val outcome = t.voidTransaction(voidOf(lunch))
        assertEquals(LegState.APPROVED, outcome.state)
        assertEquals(TransactionStatus.VOIDED, outcome.original.status)
        lunchVoid = requireNotNull(outcome.voidTransaction)
        assertEquals(TransactionKind.VOID, lunchVoid.kind)
        assertEquals("000004", lunchVoid.voucherNo)
        assertEquals("000002", lunchVoid.originalVoucherNo)
        assertEquals(CASHIER, lunchVoid.operatorNo, "the void is keyed by the signed-in cashier")
        assertEquals("00", lunchVoid.authoriserNo, "and authorised by the supervisor's password")
        assertEquals("customer_request", lunchVoid.voidReason)
        assertEquals(8800L, lunchVoid.amount)

        // What crossed to the Kotlin host link is the exact ISO 8583-style request.
        val sent = host.sent(LegKind.VOID).single()
        assertEquals("200000", sent.processingCode)
        assertEquals(8800L, sent.amount)
        assertEquals(156.toUShort(), sent.currency)
        assertEquals(MERCHANT_NO, sent.merchantNo)
        assertEquals(TERMINAL_ID, sent.terminalId)
        assertEquals(CASHIER, sent.operatorNo)
        val detail = sent.detail as LegDetail.Void
        assertEquals(lunchVoid.voucherNo, detail.voucherNo)
        assertEquals("000002", detail.original.voucherNo)
        assertEquals(lunch.rrn, detail.original.rrn)
        assertEquals(lunch.authCode, detail.original.authCode)
        assertEquals(lunch.batchNo, detail.original.batchNo)
        assertEquals(lunch.businessDate, detail.original.businessDate)
        assertTrue(lunchVoid.rrn.startsWith("HOST"), "the void row keeps the host's RRN")
        assertTrue(t.pendingHostWork().isEmpty())
    }

    @Test
    @Order(9)
    fun `the void slip names the original voucher in Chinese and English`() {
        val zh = t.receipt(lunchVoid.voucherNo, Locale.ZH_CN)
        assertTrue(zh.text.contains("原凭证号: 000002"), zh.text)
        assertTrue(zh.text.contains("消费撤销"), zh.text)
        assertTrue(zh.lines.any { it.label == "原凭证号" && it.value == "000002" })
        val en = t.receipt(lunchVoid.voucherNo, Locale.EN)
        assertTrue(en.text.contains("ORIG VOUCHER NO: 000002"), en.text)
        for (slip in listOf(zh.text, en.text)) {
            assertFalse(slip.contains(FULL_PAN), "a slip shows no full card number")
        }
        val missing = assertThrows<VoidGuardException.TransactionNotFound> { t.receipt("000999", Locale.EN) }
        assertEquals("000999", missing.voucherNo)
    }

    @Test
    @Order(10)
    fun `voiding the same voucher again names the void that did it`() {
        val again = assertThrows<VoidGuardException.AlreadyVoided> { t.voidTransaction(voidOf(lunch)) }
        assertEquals("000002", again.voucherNo)
        assertEquals(lunchVoid.voucherNo, again.voidVoucherNo)
        val notASale = assertThrows<VoidGuardException.NotVoidable> {
            t.voidTransaction(voidOf(lunchVoid))
        }
        assertEquals(lunchVoid.voucherNo, notASale.voucherNo)
    }

    @Test
    @Order(11)
    fun `a wrong amount, a wrong date or an unknown voucher is refused before the password`() {
        assertThrows<VoidGuardException.AmountMismatch> {
            t.voidTransaction(voidOf(books).copy(amount = "66.66"))
        }
        assertThrows<VoidGuardException.DateMismatch> {
            t.voidTransaction(voidOf(books).copy(date = "2026-11-28"))
        }
        val unknown = assertThrows<VoidGuardException.TransactionNotFound> {
            t.voidTransaction(voidOf(books).copy(voucherNo = "000999"))
        }
        assertEquals("000999", unknown.voucherNo)
        val bad = assertThrows<VoidGuardException.InvalidInput> {
            t.voidTransaction(voidOf(books).copy(amount = "66.666"))
        }
        assertEquals(Field.AMOUNT, bad.field)
        assertEquals(Problem.TOO_MANY_DECIMALS, bad.problem)
        // None of these reached the password, so none counts towards a lockout.
        assertEquals(0u, t.vaultStatus().consecutiveFailures)
        assertEquals(TransactionStatus.APPROVED, t.findTransaction(books.voucherNo)?.status)
    }

    private var lockedUntil = 0L

    @Test
    @Order(12)
    fun `five wrong passwords count down and then lock voiding for five minutes`() {
        val left = (1..4).map {
            assertThrows<VoidGuardException.WrongPassword> {
                t.voidTransaction(voidOf(books, password = WRONG_PASSWORD))
            }.attemptsLeft
        }
        assertEquals(listOf(4u, 3u, 2u, 1u), left)
        val locked = assertThrows<VoidGuardException.LockedUntil> {
            t.voidTransaction(voidOf(books, password = WRONG_PASSWORD))
        }
        assertEquals(f.clock.nowMs() + 5 * TestClock.MINUTE_MS, locked.untilMs)
        lockedUntil = locked.untilMs
        // While locked even the right password is refused, and nothing reached the host.
        val still = assertThrows<VoidGuardException.LockedUntil> { t.voidTransaction(voidOf(books)) }
        assertEquals(lockedUntil, still.untilMs)
        assertEquals(1, host.sent(LegKind.VOID).size)
        val vault = t.vaultStatus()
        assertEquals(5u, vault.consecutiveFailures)
        assertEquals(0u, vault.attemptsLeft)
        assertEquals(lockedUntil, vault.lockedUntilMs)
    }

    @Test
    @Order(13)
    fun `the lock survives closing and reopening the terminal`() {
        f.reopen()
        assertEquals(CASHIER, t.session()?.operatorNo, "the cashier signed in again after the restart")
        val locked = assertThrows<VoidGuardException.LockedUntil> { t.voidTransaction(voidOf(books)) }
        assertEquals(lockedUntil, locked.untilMs)
        assertEquals(lockedUntil, t.status().vault.lockedUntilMs)
    }

    @Test
    @Order(14)
    fun `the back office lifts the restriction and the right password voids again`() {
        val ticket = t.applyFor(RequestKind.LIFT_RESTRICTION, application("密码输错被锁定"))
        val vault = t.redeemApproval(
            ticket.requestCode,
            BackOffice.approve(RequestKind.LIFT_RESTRICTION, ticket.requestCode),
            null,
        )
        assertNull(vault.lockedUntilMs)
        assertEquals(0u, vault.consecutiveFailures)
        assertEquals(5u, vault.attemptsLeft)
        assertThrows<VoidGuardException.NothingToLift> {
            t.applyFor(RequestKind.LIFT_RESTRICTION, application())
        }
        val outcome = t.voidTransaction(voidOf(books))
        assertEquals(LegState.APPROVED, outcome.state)
        assertEquals("000005", outcome.voidTransaction?.voucherNo)
    }

    @Test
    @Order(15)
    fun `settlement closes the batch with its totals`() {
        val report = t.settle()
        assertEquals("000001", report.batchNo)
        assertEquals("000002", report.nextBatchNo)
        assertEquals(3u, report.saleCount)
        assertEquals(1234L + 8800L + 6660L, report.saleTotal)
        assertEquals(2u, report.voidCount)
        assertEquals(8800L + 6660L, report.voidTotal)
        assertEquals(1234L, report.netTotal)
        assertEquals("000002", t.status().batchNo)
    }

    @Test
    @Order(16)
    fun `a settled sale is pointed to a refund`() {
        val settled = assertThrows<VoidGuardException.SettledUseRefund> { t.voidTransaction(voidOf(coffee)) }
        assertEquals("000001", settled.voucherNo)
        assertEquals("000001", settled.batchNo)
    }

    @Test
    @Order(17)
    fun `a reset redeemed with a new password retires the old one`() {
        val ticket = t.applyFor(RequestKind.PASSWORD_RESET, application("忘记撤销密码"))
        val code = BackOffice.approve(RequestKind.PASSWORD_RESET, ticket.requestCode)
        assertThrows<VoidGuardException.NewPasswordRequired> { t.redeemApproval(ticket.requestCode, code, null) }
        assertThrows<VoidGuardException.TrivialPassword> { t.redeemApproval(ticket.requestCode, code, "000000") }
        assertThrows<VoidGuardException.PasswordReused> { t.redeemApproval(ticket.requestCode, code, PASSWORD) }

        val vault = t.redeemApproval(ticket.requestCode, code, NEW_PASSWORD)
        assertTrue(vault.passwordSet)
        assertEquals(f.clock.nowMs(), vault.setAtMs)

        val tea = f.sale("18.00")
        assertEquals("000002", tea.batchNo)
        val old = assertThrows<VoidGuardException.WrongPassword> { t.voidTransaction(voidOf(tea)) }
        assertEquals(4u, old.attemptsLeft)
        val outcome = t.voidTransaction(voidOf(tea, password = NEW_PASSWORD))
        assertEquals(LegState.APPROVED, outcome.state)
        assertEquals(0u, t.vaultStatus().consecutiveFailures)
    }

    @Test
    @Order(18)
    fun `the audit trail verifies, records every act and keeps no secret`() {
        val report = t.verifyAudit()
        assertTrue(report.ok, report.toString())
        assertNull(report.firstBadSeq)
        assertNull(report.problem)
        val entries = t.audit(null, 500u)
        // The page lists the acts; the entries that record covered rows are evidence only.
        assertTrue(report.entriesChecked > entries.size.toULong(), report.toString())
        assertTrue(report.rowsChecked > 10u, report.toString())
        assertEquals(entries.map { it.seq }.sortedDescending().distinct(), entries.map { it.seq })
        val kinds = entries.map { it.kind }.toSet()
        for (kind in listOf(
            "terminal.activated", "request.opened", "request.code_rejected", "request.redeemed",
            "permission.granted", "password.set", "void.begun", "void.approved", "password.failed",
            "lockout.started", "restriction.lifted", "batch.settled", "password.reset",
            "operator.added", "operator.signed_in", "operator.signed_out",
        )) {
            assertTrue(kind in kinds, "audit has $kind: $kinds")
        }
        val everything = entries.joinToString("\n") { it.detail }
        for (secret in listOf(PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, ADMIN_PASSWORD, SECRET_HEX, FULL_PAN)) {
            assertFalse(everything.contains(secret), "the audit trail must not hold $secret")
        }
    }

    @Test
    @Order(19)
    fun `one edited audit row in a copy of the database is named by its seq`() {
        val entries = t.audit(null, 500u)
        val target = entries.last { it.kind == "void.approved" }.seq // the lunch void
        // Closing checkpoints the WAL, so the main file holds everything.
        f.closeTerminal()
        val copy = f.dir.resolve("copy.db")
        Files.copy(f.db, copy, StandardCopyOption.REPLACE_EXISTING)
        for (suffix in listOf("-wal", "-shm")) {
            val side = f.db.resolveSibling(f.db.fileName.toString() + suffix)
            if (Files.exists(side)) {
                Files.copy(side, copy.resolveSibling(copy.fileName.toString() + suffix), StandardCopyOption.REPLACE_EXISTING)
            }
        }

        DriverManager.getConnection("jdbc:sqlite:$copy").use { sql ->
            // Anyone editing the file drops the trigger that refuses it first.
            sql.createStatement().use { it.execute("DROP TRIGGER audit_entries_are_never_changed") }
            sql.prepareStatement("UPDATE audit SET detail = ? WHERE seq = ?").use { st ->
                st.setString(1, """{"amount_fen":1,"note":"nothing to see"}""")
                st.setLong(2, target.toLong())
                assertEquals(1, st.executeUpdate())
            }
        }

        Terminal.openWithClock(testConfig(copy), f.keys, host, f.clock).use { tampered ->
            val report = tampered.verifyAudit()
            assertFalse(report.ok)
            assertEquals(target, report.firstBadSeq)
            assertEquals(AuditProblem.ALTERED, report.problem)
            assertEquals(target - 1u, report.entriesChecked)
        }
        // The original is untouched and still verifies.
        assertTrue(f.reopen().verifyAudit().ok)
    }
}
