package dev.voidguard.app.flow

import dev.voidguard.core.Locale
import dev.voidguard.core.SimulatorMode
import dev.voidguard.core.TransactionStatus
import dev.voidguard.core.VoidGuardException
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The journal, slips, settlement and the audit trail screens. */
class BooksFlowTest {
    private val fx = Fixture().ready()

    @AfterEach
    fun close() = fx.close()

    private fun voidOf(voucherNo: String, amount: String) {
        val flow = fx.voidFlow()
        flow.on(VoidFlow.Event.ChooseVoid)
        flow.on(VoidFlow.Event.SubmitVoucher(voucherNo))
        flow.on(VoidFlow.Event.ConfirmTransaction)
        flow.on(VoidFlow.Event.SubmitDateAmount(fx.today, amount))
        flow.on(VoidFlow.Event.ChooseReason("customer_request"))
        typePin(PASSWORD) { flow.on(VoidFlow.Event.Key(it)) }.must<VoidFlow.State.Voided>()
    }

    @Test
    fun `the journal pages forward and back, newest first`() {
        val sales = (1..5).map { fx.sale("$it.00") }
        val flow = JournalFlow(fx.terminal, pageSize = 2u)
        val first = flow.on(JournalFlow.Event.Load)
        assertEquals(listOf(sales[4].voucherNo, sales[3].voucherNo), first.items.map { it.voucherNo })
        assertTrue(first.hasNext)
        assertFalse(first.hasPrevious)

        flow.on(JournalFlow.Event.Next)
        val third = flow.on(JournalFlow.Event.Next)
        assertEquals(3, third.page)
        assertEquals(listOf(sales[0].voucherNo), third.items.map { it.voucherNo })
        assertFalse(third.hasNext)
        assertEquals(third, flow.on(JournalFlow.Event.Next), "no page after the last")

        val second = flow.on(JournalFlow.Event.Previous)
        assertEquals(2, second.page)
        assertEquals(listOf(sales[2].voucherNo, sales[1].voucherNo), second.items.map { it.voucherNo })
        assertEquals(1, flow.on(JournalFlow.Event.Previous).page)
    }

    @Test
    fun `the journal is searched by voucher`() {
        val sales = (1..3).map { fx.sale("$it.00") }
        val flow = JournalFlow(fx.terminal)
        val found = flow.on(JournalFlow.Event.Search(sales[1].voucherNo))
        assertEquals(listOf(sales[1].voucherNo), found.items.map { it.voucherNo })
        assertEquals(sales[1].voucherNo, found.voucherFilter)
        assertEquals(3, flow.on(JournalFlow.Event.ClearSearch).items.size)
        flow.on(JournalFlow.Event.Search("12x")).notice?.refusal.must<VoidGuardException.InvalidInput>()
    }

    @Test
    fun `a slip is shown in the merchant's language`() {
        val sale = fx.sale("8.80")
        val zh = SlipFlow(fx.terminal, Locale.ZH_CN).load(sale.voucherNo).must<SlipFlow.State.Shown>()
        assertTrue(zh.receipt.title.contains("签购单"), zh.receipt.title)
        assertFalse(zh.receipt.text.contains(FULL_PAN))
        val en = SlipFlow(fx.terminal, Locale.EN).load(sale.voucherNo).must<SlipFlow.State.Shown>()
        assertFalse(en.receipt.title.contains("签购单"))
        SlipFlow(fx.terminal, Locale.EN).load("999999").must<SlipFlow.State.Failed>()
            .notice.refusal.must<VoidGuardException.TransactionNotFound>()
    }

    @Test
    fun `settlement shows the batch's totals and the voids per operator`() {
        val a = fx.sale("10.00")
        fx.sale("2.50")
        voidOf(a.voucherNo, "10.00")

        val flow = SettlementFlow(fx.terminal)
        val ready = flow.on(SettlementFlow.Event.Load).must<SettlementFlow.State.Ready>()
        assertEquals("000001", ready.status.batchNo)
        assertEquals(1u, ready.voidsByOperator.single().voidCount)

        val settled = flow.on(SettlementFlow.Event.Settle).must<SettlementFlow.State.Settled>()
        with(settled.report) {
            assertEquals("000001", batchNo)
            assertEquals("000002", nextBatchNo)
            assertEquals(2u, saleCount)
            assertEquals(1250L, saleTotal)
            assertEquals(1u, voidCount)
            assertEquals(1000L, voidTotal)
            assertEquals(250L, netTotal)
        }
        assertEquals(CASHIER, settled.voidsByOperator.single().operatorNo)
        assertEquals(TransactionStatus.SETTLED, fx.terminal.journal(dev.voidguard.core.JournalQuery(batchNo = "000001")).items.first().status)
    }

    @Test
    fun `a settlement the host declines keeps the batch open and its sales voidable`() {
        val sale = fx.sale()
        val flow = SettlementFlow(fx.terminal)
        flow.on(SettlementFlow.Event.Load)
        fx.terminal.setSimulatorMode(SimulatorMode.DECLINE)
        val after = flow.on(SettlementFlow.Event.Settle).must<SettlementFlow.State.Ready>()
        assertEquals("05", after.notice?.refusal.must<VoidGuardException.HostDeclined>().responseCode)
        assertEquals("000001", after.status.batchNo)
        assertEquals("000001", fx.terminal.status().batchNo)

        fx.terminal.setSimulatorMode(SimulatorMode.APPROVE)
        voidOf(sale.voucherNo, "12.34")
        assertEquals(TransactionStatus.VOIDED, fx.terminal.findTransaction(sale.voucherNo)?.status)
        flow.on(SettlementFlow.Event.Settle).must<SettlementFlow.State.Settled>()
    }

    @Test
    fun `the audit trail pages back in time and verifies`() {
        repeat(3) { fx.sale() }
        val flow = AuditFlow(fx.terminal, pageSize = 3u)
        val newest = flow.on(AuditFlow.Event.Load)
        assertEquals(3, newest.entries.size)
        assertTrue(newest.report?.ok == true, "${newest.report}")
        assertTrue(newest.hasOlder)
        assertFalse(newest.hasNewer)
        val seqs = newest.entries.map { it.seq }
        assertEquals(seqs.sortedDescending(), seqs)

        val older = flow.on(AuditFlow.Event.Older)
        assertTrue(older.entries.first().seq < seqs.last())
        assertTrue(older.hasNewer)
        assertEquals(seqs, flow.on(AuditFlow.Event.Newer).entries.map { it.seq })
        assertEquals(null, flow.on(AuditFlow.Event.Verify).report?.problem)
    }
}
