package dev.voidguard.app.flow

import dev.voidguard.core.LegKind
import dev.voidguard.core.LegState
import dev.voidguard.core.TransactionStatus
import dev.voidguard.core.VoidGuardException
import dev.voidguard.core.VoidRequest
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * The sale, void, settlement and needs-attention screens against the real core, whose
 * host link is the payment app's ([PaymentAppLink] and [PaymentAppProtocol], as on the
 * device) with a scripted app behind it instead of Intents.
 */
class PaymentAppFlowTest {
    private val app = ScriptedPaymentApp()

    private fun fixture(maxReversalAttempts: UInt = 3u) = app.fixture(maxReversalAttempts)

    private fun sale(fx: Fixture, amount: String) = SaleFlow(fx.terminal, viaPaymentApp = true).on(SaleFlow.Event.Submit(amount, FULL_PAN, "UnionPay"))

    @Test
    fun `a sale through the payment app is journaled with the app's RRN and auth code`() {
        fixture().use { fx ->
            val form = SaleFlow(fx.terminal, viaPaymentApp = true).state.must<SaleFlow.State.Form>()
            assertTrue(form.viaPaymentApp)
            val t = sale(fx, "８.８０").must<SaleFlow.State.Recorded>().transaction
            val asked = app.seen.single()
            assertEquals("000000", asked.processingCode)
            assertEquals("8.80", asked.extras["amt"])
            assertEquals("622202*********0123", asked.extras["card_no"])
            assertEquals(t.voucherNo, asked.extras["voucher_no"])
            assertEquals("500000000001", t.rrn)
            assertEquals("AU0001", t.authCode)
            assertEquals(TransactionStatus.APPROVED, t.status)
        }
    }

    @Test
    fun `a sale the app declines stays on the form with the response code and journals nothing`() {
        fixture().use { fx ->
            app.then(ok("rsp_cd" to "51"))
            val form = sale(fx, "1.00").must<SaleFlow.State.Form>()
            assertEquals("51", form.notice?.refusal.must<VoidGuardException.HostDeclined>().responseCode)
            assertEquals("1.00", form.amount, "what was keyed stays")
            assertTrue(fx.terminal.journal(dev.voidguard.core.JournalQuery()).items.isEmpty())
        }
    }

    @Test
    fun `a sale the app returns no answer for is reversed with reason 98 and journals nothing`() {
        fixture().use { fx ->
            app.then(ScriptedPaymentApp.SILENT)
            val form = sale(fx, "19.90").must<SaleFlow.State.Form>()
            form.notice?.refusal.must<VoidGuardException.HostReversed>()
            val reversal = app.seen.last()
            assertEquals("0400", reversal.extras["msg_tp"])
            assertEquals("000000", reversal.processingCode)
            assertEquals("98", reversal.extras["reversal_rsn"])
            assertEquals(app.seen.first().extras["voucher_no"], reversal.extras["voucher_no"])
            assertTrue(fx.terminal.journal(dev.voidguard.core.JournalQuery()).items.isEmpty())
            assertTrue(fx.terminal.pendingHostWork().isEmpty())
            assertEquals("sale.reversed", fx.terminal.audit(null, 1u).single().kind)
        }
    }

    @Test
    fun `a void through the payment app carries the original's references`() {
        fixture().use { fx ->
            val sale = sale(fx, "10.00").must<SaleFlow.State.Recorded>().transaction
            val outcome = fx.terminal.voidTransaction(VoidRequest(voucherNo = sale.voucherNo, date = fx.today, amount = "10.00", password = PASSWORD, reason = "customer_request"))
            assertEquals(LegState.APPROVED, outcome.state)
            val asked = app.seen.last()
            assertEquals("200000", asked.processingCode)
            assertEquals(sale.rrn, asked.extras["orig_refer_no"])
            assertEquals(sale.voucherNo, asked.extras["systraceno"])
            assertEquals(outcome.voidTransaction?.rrn, "50%010d".format(app.seen.size))
        }
    }

    @Test
    fun `a settlement the app declines leaves the batch open and says why`() {
        fixture().use { fx ->
            val sale = sale(fx, "64.00").must<SaleFlow.State.Recorded>().transaction
            val flow = SettlementFlow(fx.terminal)
            val batch = flow.on(SettlementFlow.Event.Load).must<SettlementFlow.State.Ready>().status.batchNo
            app.then(ok("rsp_cd" to "95"))
            val after = flow.on(SettlementFlow.Event.Settle).must<SettlementFlow.State.Ready>()
            assertEquals("95", after.notice?.refusal.must<VoidGuardException.HostDeclined>().responseCode)
            assertEquals(batch, after.status.batchNo)
            assertEquals(batch, fx.terminal.status().batchNo)
            assertEquals("900000", app.seen.last().processingCode)
            assertEquals("1", app.seen.last().extras["sale_cnt"])
            assertEquals(TransactionStatus.APPROVED, fx.terminal.findTransaction(sale.voucherNo)?.status)

            val settled = flow.on(SettlementFlow.Event.Settle).must<SettlementFlow.State.Settled>()
            assertEquals(batch, settled.report.batchNo)
            assertEquals(6400L, settled.report.netTotal)
        }
    }

    @Test
    fun `a settlement the app cannot answer, asked again, is confirmed when the host closed the batch`() {
        fixture().use { fx ->
            sale(fx, "5.00").must<SaleFlow.State.Recorded>()
            val flow = SettlementFlow(fx.terminal)
            val batch = flow.on(SettlementFlow.Event.Load).must<SettlementFlow.State.Ready>().status.batchNo
            app.then(ScriptedPaymentApp.SILENT, ok("rsp_cd" to "00"))
            val settled = flow.on(SettlementFlow.Event.Settle).must<SettlementFlow.State.Settled>()
            assertEquals(batch, settled.report.batchNo)
            assertEquals(listOf("900000", "900000"), app.seen.takeLast(2).map { it.processingCode })
        }
    }

    @Test
    fun `a sale whose reversal keeps failing is resolved on the needs-attention screen and journaled`() {
        fixture(maxReversalAttempts = 1u).use { fx ->
            app.then(ScriptedPaymentApp.SILENT, ok("rsp_cd" to "96"))
            sale(fx, "66.60").must<SaleFlow.State.Form>().notice?.refusal.must<VoidGuardException.HostUnreachable>()

            val flow = AttentionFlow(fx.terminal)
            val leg = flow.start().must<AttentionFlow.State.Legs>().legs.single()
            assertEquals(LegKind.SALE, leg.kind)
            assertEquals(6660L, leg.amount)
            // A leg in manual handling holds voids and settlement, not sales.
            assertEquals(TransactionStatus.APPROVED, sale(fx, "1.00").must<SaleFlow.State.Recorded>().transaction.status)
            SettlementFlow(fx.terminal).also { it.on(SettlementFlow.Event.Load) }.on(SettlementFlow.Event.Settle)
                .must<SettlementFlow.State.Ready>().notice?.refusal.must<VoidGuardException.PendingHostWork>()

            flow.on(AttentionFlow.Event.Choose(leg.legId)).must<AttentionFlow.State.AnswerChoice>()
            flow.on(AttentionFlow.Event.ChooseAnswer(AttentionFlow.Answer.APPROVED)).must<AttentionFlow.State.ApprovalEntry>()
            flow.on(AttentionFlow.Event.SubmitApproval("509876543210", "XY34ZZ")).must<AttentionFlow.State.NoteEntry>()
            flow.on(AttentionFlow.Event.SubmitNote("acquirer hotline")).must<AttentionFlow.State.Confirm>()
            flow.on(AttentionFlow.Event.ConfirmResolution).must<AttentionFlow.State.PasswordEntry>()
            val resolved = typePin(PASSWORD) { flow.on(AttentionFlow.Event.Key(it)) }.must<AttentionFlow.State.Resolved>()
            assertEquals(LegState.APPROVED, resolved.leg.state)
            val row = fx.terminal.findTransaction(checkNotNull(resolved.leg.voucherNo))
            assertEquals("509876543210", row?.rrn)
            assertEquals(6660L, row?.amount)
            assertEquals("sale.resolved_manually", fx.terminal.audit(null, 1u).single().kind)
        }
    }
}

private fun ok(vararg extras: Pair<String, String>) = ScriptedPaymentApp.ok(*extras)
