package dev.voidguard.app.flow

import dev.voidguard.app.flow.AttentionFlow.Answer
import dev.voidguard.app.flow.AttentionFlow.Event
import dev.voidguard.app.flow.AttentionFlow.State
import dev.voidguard.core.Field
import dev.voidguard.core.LegDetail
import dev.voidguard.core.LegKind
import dev.voidguard.core.LegState
import dev.voidguard.core.Problem
import dev.voidguard.core.SimulatorMode
import dev.voidguard.core.Transaction
import dev.voidguard.core.TransactionStatus
import dev.voidguard.core.VoidGuardException
import dev.voidguard.core.VoidRequest
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * Needs attention: a void whose answer was lost and whose reversals kept failing is
 * closed with what the acquirer says, through the screen's steps, against the real core.
 */
class AttentionFlowTest {
    private val fx = Fixture().ready()

    @AfterEach
    fun close() = fx.close()

    private fun voidOf(sale: Transaction) = VoidRequest(
        voucherNo = sale.voucherNo,
        date = fx.today,
        amount = "%d.%02d".format(sale.amount / 100, sale.amount % 100),
        password = PASSWORD,
        reason = "customer_request",
    )

    /** The way a merchant gets there: the host times out on the void and on every reversal. */
    private fun stuck(amount: String = "88.00"): Transaction {
        val sale = fx.sale(amount)
        fx.terminal.setSimulatorMode(SimulatorMode.TIMEOUT)
        assertThrows<VoidGuardException.HostUnreachable> { fx.terminal.voidTransaction(voidOf(sale)) }
        fx.terminal.reconcile()
        assertEquals(1u, fx.terminal.reconcile().needsManualHandling)
        fx.terminal.setSimulatorMode(SimulatorMode.APPROVE)
        return sale
    }

    /** Start → the only void → the answer, up to the note step. */
    private fun upToNote(flow: AttentionFlow, answer: Answer, rrn: String = RRN, authCode: String = AUTH_CODE): State.NoteEntry {
        val list = flow.start().must<State.Legs>()
        flow.on(Event.Choose(list.legs.single().legId)).must<State.AnswerChoice>()
        return when (answer) {
            Answer.APPROVED -> {
                flow.on(Event.ChooseAnswer(answer)).must<State.ApprovalEntry>()
                flow.on(Event.SubmitApproval(rrn, authCode)).must()
            }
            Answer.NEVER_HAPPENED -> flow.on(Event.ChooseAnswer(answer)).must()
        }
    }

    private fun upToPassword(flow: AttentionFlow, answer: Answer, rrn: String = RRN, authCode: String = AUTH_CODE): State.PasswordEntry {
        upToNote(flow, answer, rrn, authCode)
        flow.on(Event.SubmitNote(NOTE)).must<State.Confirm>()
        return flow.on(Event.ConfirmResolution).must()
    }

    @Test
    fun `the list shows what the acquirer will ask about`() {
        val sale = stuck()
        val list = AttentionFlow(fx.terminal).start().must<State.Legs>()
        val p = list.legs.single()
        assertEquals(LegKind.VOID, p.kind)
        assertEquals(LegState.NEEDS_MANUAL_HANDLING, p.state)
        assertEquals(sale.voucherNo, p.originalVoucherNo)
        val original = p.request.detail.must<LegDetail.Void>().original
        assertEquals(sale.rrn, original.rrn)
        assertEquals(8800L, p.amount)
        assertEquals(sale.batchNo, p.request.batchNo)
        assertEquals(3u, p.attempts, "the reversal right away and two reconciliations")
        assertEquals(fx.today, original.businessDate)
        assertTrue(p.voucherNo != sale.voucherNo)
    }

    @Test
    fun `nothing in manual handling is an empty list`() {
        assertEquals(State.Legs(emptyList()), AttentionFlow(fx.terminal).start())
        assertEquals(State.Exit, AttentionFlow(fx.terminal).also { it.start() }.on(Event.Back))
    }

    @Test
    fun `the acquirer's approval voids the sale and opens voids and settlement again`() {
        val sale = stuck()
        val next = fx.sale("12.00")
        assertThrows<VoidGuardException.PendingHostWork> { fx.terminal.voidTransaction(voidOf(next)) }

        val flow = AttentionFlow(fx.terminal)
        val note = upToNote(flow, Answer.APPROVED, " $RRN ", AUTH_CODE)
        assertEquals(Answer.APPROVED, note.answer)
        val confirm = flow.on(Event.SubmitNote("  $NOTE ")).must<State.Confirm>()
        assertEquals(RRN, confirm.rrn, "keyed codes are trimmed")
        assertEquals(AUTH_CODE, confirm.authCode)
        assertEquals(NOTE, confirm.note)
        assertEquals(CASHIER, confirm.operatorNo, "the signed-in cashier keys the resolution")
        assertEquals(Operators.SUPERVISOR, confirm.authoriserNo, "the void password's holder authorises it")
        flow.on(Event.ConfirmResolution).must<State.PasswordEntry>()
        val resolved = typePin(PASSWORD) { flow.on(Event.Key(it)) }.must<State.Resolved>()

        assertEquals(LegState.APPROVED, resolved.leg.state)
        assertEquals(sale.voucherNo, resolved.leg.originalVoucherNo)
        val void = checkNotNull(fx.terminal.findTransaction(checkNotNull(resolved.leg.voucherNo))) { "an approved resolution has its void row" }
        assertEquals(sale.voucherNo, void.originalVoucherNo)
        assertEquals(TransactionStatus.VOIDED, fx.terminal.findTransaction(sale.voucherNo)?.status)
        assertEquals(RRN to AUTH_CODE, void.rrn to void.authCode)
        assertEquals(State.Legs(emptyList()), flow.on(Event.Back))

        fx.terminal.voidTransaction(voidOf(next))
        val report = fx.terminal.settle()
        assertEquals(2u to 2u, report.saleCount to report.voidCount)
        val entry = fx.terminal.audit(null, 500u).first { it.kind == "void.resolved_manually" }
        assertTrue(entry.detail.contains(NOTE), entry.detail)
    }

    @Test
    fun `a void that never happened leaves the sale standing and voidable`() {
        val sale = stuck()
        val flow = AttentionFlow(fx.terminal)
        val confirm = upToNote(flow, Answer.NEVER_HAPPENED).let { flow.on(Event.SubmitNote(NOTE)) }.must<State.Confirm>()
        assertNull(confirm.rrn)
        assertNull(confirm.authCode)
        flow.on(Event.ConfirmResolution)
        val resolved = typePin(PASSWORD) { flow.on(Event.Key(it)) }.must<State.Resolved>()
        assertEquals(LegState.REVERSED, resolved.leg.state)
        assertNull(fx.terminal.findTransaction(checkNotNull(resolved.leg.voucherNo)), "no void row")
        assertEquals(TransactionStatus.APPROVED, fx.terminal.findTransaction(sale.voucherNo)?.status)

        fx.terminal.voidTransaction(voidOf(sale))
        assertEquals(TransactionStatus.VOIDED, fx.terminal.findTransaction(sale.voucherNo)?.status)
        fx.terminal.settle()
    }

    @Test
    fun `a wrong password counts toward the lockout and stays on the PIN pad`() {
        stuck()
        val flow = AttentionFlow(fx.terminal)
        upToPassword(flow, Answer.APPROVED)
        val again = typePin(WRONG_PASSWORD) { flow.on(Event.Key(it)) }.must<State.PasswordEntry>()
        assertEquals(0, again.filled)
        assertEquals(4u, again.notice?.refusal.must<VoidGuardException.WrongPassword>().attemptsLeft)
        assertEquals(1u, fx.terminal.vaultStatus().consecutiveFailures)
        assertEquals(LegState.NEEDS_MANUAL_HANDLING, fx.terminal.pendingHostWork().single().state)

        typePin(PASSWORD) { flow.on(Event.Key(it)) }.must<State.Resolved>()
        assertEquals(0u, fx.terminal.vaultStatus().consecutiveFailures)
    }

    @Test
    fun `five wrong passwords lock voiding and offer lifting the restriction`() {
        stuck()
        val flow = AttentionFlow(fx.terminal)
        upToPassword(flow, Answer.NEVER_HAPPENED)
        repeat(4) { typePin(WRONG_PASSWORD) { flow.on(Event.Key(it)) }.must<State.PasswordEntry>() }
        val locked = typePin(WRONG_PASSWORD) { flow.on(Event.Key(it)) }.must<State.Refused>()
        locked.notice.refusal.must<VoidGuardException.LockedUntil>()
        assertEquals(AttentionFlow.Retry.LIFT_RESTRICTION, locked.retry)
        assertEquals(State.LiftRestriction, flow.on(Event.ChooseLift))
    }

    @Test
    fun `a malformed reference no or auth code goes back to its step with what was keyed`() {
        stuck()
        val flow = AttentionFlow(fx.terminal)
        upToPassword(flow, Answer.APPROVED, rrn = "12345")
        val entry = typePin(PASSWORD) { flow.on(Event.Key(it)) }.must<State.ApprovalEntry>()
        val bad = entry.notice?.refusal.must<VoidGuardException.InvalidInput>()
        assertEquals(Field.RRN to Problem.WRONG_LENGTH, bad.field to bad.problem)
        assertEquals("12345", entry.rrn)
        assertEquals(AUTH_CODE, entry.authCode)
        assertEquals(0u, fx.terminal.vaultStatus().consecutiveFailures, "a malformed answer is no wrong password")

        flow.on(Event.SubmitApproval(RRN, "H0T!1E")).must<State.NoteEntry>().also { assertEquals(NOTE, it.note, "the note is kept") }
        flow.on(Event.SubmitNote(NOTE))
        flow.on(Event.ConfirmResolution)
        val auth = typePin(PASSWORD) { flow.on(Event.Key(it)) }.must<State.ApprovalEntry>()
        assertEquals(Field.AUTH_CODE, auth.notice?.refusal.must<VoidGuardException.InvalidInput>().field)

        flow.on(Event.SubmitApproval(RRN, AUTH_CODE))
        flow.on(Event.SubmitNote(NOTE))
        flow.on(Event.ConfirmResolution)
        typePin(PASSWORD) { flow.on(Event.Key(it)) }.must<State.Resolved>()
    }

    @Test
    fun `an empty note goes back to the note step`() {
        stuck()
        val flow = AttentionFlow(fx.terminal)
        upToNote(flow, Answer.NEVER_HAPPENED)
        flow.on(Event.SubmitNote("   ")).must<State.Confirm>()
        flow.on(Event.ConfirmResolution)
        val note = typePin(PASSWORD) { flow.on(Event.Key(it)) }.must<State.NoteEntry>()
        val bad = note.notice?.refusal.must<VoidGuardException.InvalidInput>()
        assertEquals(Field.RESOLUTION_NOTE to Problem.EMPTY, bad.field to bad.problem)
    }

    @Test
    fun `a void closed meanwhile elsewhere sends the screen back to the list`() {
        stuck()
        val flow = AttentionFlow(fx.terminal)
        upToPassword(flow, Answer.NEVER_HAPPENED)
        val id = fx.terminal.pendingHostWork().single().legId
        fx.terminal.resolveLeg(id, dev.voidguard.core.Resolution.NeverHappened, PASSWORD, "desktop tool")
        val list = typePin(PASSWORD) { flow.on(Event.Key(it)) }.must<State.Legs>()
        assertTrue(list.legs.isEmpty())
        list.notice?.refusal.must<VoidGuardException.NotInManualHandling>()
    }

    @Test
    fun `back goes a step at a time and no state holds the password`() {
        stuck()
        val flow = AttentionFlow(fx.terminal)
        upToPassword(flow, Answer.APPROVED)
        val seen = mutableListOf<State>()
        typePin(PASSWORD.dropLast(1)) { flow.on(Event.Key(it)).also(seen::add) }
        seen.forEach { assertFalse(holdsTypedDigits(it.toString(), PASSWORD), "$it") }
        flow.on(Event.Back).must<State.Confirm>()
        flow.on(Event.Back).must<State.NoteEntry>().also { assertEquals(NOTE, it.note) }
        flow.on(Event.Back).must<State.ApprovalEntry>().also { assertEquals(RRN, it.rrn) }
        flow.on(Event.Back).must<State.AnswerChoice>()
        flow.on(Event.Back).must<State.Legs>()
        assertEquals(State.Exit, flow.on(Event.Back))
    }

    @Test
    fun `nobody signed in or the administrator is not offered the list`() {
        stuck()
        fx.terminal.signOut()
        AttentionFlow(fx.terminal).start().must<State.Blocked>().notice.refusal.must<VoidGuardException.NotSignedIn>()
        assertEquals(HomeFlow.State.SignedOut::class, HomeFlow(fx.terminal).refresh()::class)

        fx.signInAs(Operators.ADMINISTRATOR)
        AttentionFlow(fx.terminal).start().must<State.Blocked>().notice.refusal.must<VoidGuardException.NotPermitted>()
        fx.signInAs(Operators.SUPERVISOR)
        AttentionFlow(fx.terminal).start().must<State.Legs>().legs.single()
    }

    @Test
    fun `home points to it only while a void needs manual handling`() {
        val home = HomeFlow(fx.terminal)
        assertTrue(home.refresh().must<HomeFlow.State.Ready>().alerts.none { it is HomeFlow.Alert.NeedsAttention })
        stuck()
        val ready = home.refresh().must<HomeFlow.State.Ready>()
        assertEquals(HomeFlow.Alert.NeedsAttention(1), ready.alerts.first(), "the most urgent, first")
        assertTrue(ready.alerts.none { it is HomeFlow.Alert.PendingHostWork }, "nothing left for the core to retry: ${ready.alerts}")
        assertFalse(ready.canVoid)

        val flow = AttentionFlow(fx.terminal)
        upToPassword(flow, Answer.NEVER_HAPPENED)
        typePin(PASSWORD) { flow.on(Event.Key(it)) }.must<State.Resolved>()
        assertTrue(home.refresh().must<HomeFlow.State.Ready>().alerts.none { it is HomeFlow.Alert.NeedsAttention })
    }

    @Test
    fun `the void and settlement screens point to it when refused for it`() {
        stuck()
        val next = fx.sale("5.00")
        val void = fx.voidFlow()
        void.on(VoidFlow.Event.ChooseVoid)
        void.on(VoidFlow.Event.SubmitVoucher(next.voucherNo))
        void.on(VoidFlow.Event.ConfirmTransaction)
        val refused = void.on(VoidFlow.Event.SubmitDateAmount(fx.today, "5.00")).must<VoidFlow.State.Refused>()
        refused.notice.refusal.must<VoidGuardException.PendingHostWork>()
        assertEquals(Retry.NEEDS_ATTENTION, refused.retry)
        assertEquals(VoidFlow.State.NeedsAttention, void.on(VoidFlow.Event.ChooseAttention))

        val settlement = SettlementFlow(fx.terminal)
        assertEquals(1, settlement.on(SettlementFlow.Event.Load).must<SettlementFlow.State.Ready>().needsAttention)
        val blocked = settlement.on(SettlementFlow.Event.Settle).must<SettlementFlow.State.Ready>()
        blocked.notice?.refusal.must<VoidGuardException.PendingHostWork>()
        assertEquals(1, blocked.needsAttention)
    }

    @Test
    fun `a void still awaiting its reversal is not offered for manual handling`() {
        val sale = fx.sale()
        fx.terminal.setSimulatorMode(SimulatorMode.TIMEOUT)
        assertThrows<VoidGuardException.HostUnreachable> { fx.terminal.voidTransaction(voidOf(sale)) }
        assertEquals(State.Legs(emptyList()), AttentionFlow(fx.terminal).start())
        val ready = HomeFlow(fx.terminal).refresh().must<HomeFlow.State.Ready>()
        assertEquals(listOf<HomeFlow.Alert>(HomeFlow.Alert.PendingHostWork(1)), ready.alerts)
    }

    private companion object {
        const val RRN = "202612020042"
        const val AUTH_CODE = "H0T11E"
        const val NOTE = "acquirer hotline, agent 0042"
    }
}
