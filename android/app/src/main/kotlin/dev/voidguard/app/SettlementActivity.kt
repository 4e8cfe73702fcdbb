package dev.voidguard.app

import android.os.Bundle
import dev.voidguard.app.flow.SettlementFlow
import dev.voidguard.app.flow.SettlementFlow.Event
import dev.voidguard.app.flow.SettlementFlow.State
import dev.voidguard.core.OperatorVoids

/** Settlement (结算): close the batch, show its totals and the voids per operator. */
class SettlementActivity : ScreenActivity() {
    // The settlement report is a slip.
    override val secure = true

    private var flow: SettlementFlow? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.title_settlement)
        onCore({ t -> SettlementFlow(t).also { flow = it }.on(Event.Load) }, ::render)
    }

    private fun send(event: Event) {
        onCore({ checkNotNull(flow).on(event) }, ::render)
    }

    private fun render(state: State) = show {
        val ctx = this@SettlementActivity
        heading(str(R.string.title_settlement))
        when (state) {
            State.Loading -> text(str(R.string.loading))
            is State.Failed -> notice(Texts.explain(ctx, state.notice))
            is State.Ready -> {
                row(str(R.string.label_batch_no), state.status.batchNo, R.id.settlement_batch_no)
                row(str(R.string.label_business_date), state.status.businessDate)
                state.operatorNo?.let { row(str(R.string.label_settled_by), it, R.id.settlement_operator) }
                notice(state.notice?.let { Texts.explain(ctx, it) })
                if (state.needsAttention > 0) {
                    notice(str(R.string.attention_blocks_settlement), android.view.View.NO_ID)
                    button(str(R.string.action_open_attention), R.id.action_open_attention) {
                        startActivity(android.content.Intent(ctx, AttentionActivity::class.java))
                        finish()
                    }
                }
                voids(state.voidsByOperator)
                text(str(R.string.settlement_help))
                button(str(R.string.action_settle), R.id.action_settle) { send(Event.Settle) }
            }
            is State.Settled -> {
                val r = state.report
                info(str(R.string.settlement_done, r.batchNo), R.id.settlement_done)
                row(str(R.string.label_sales), str(R.string.count_and_total, r.saleCount.toInt(), Texts.money(ctx, r.saleTotal)), R.id.settlement_sales)
                row(str(R.string.label_voids), str(R.string.count_and_total, r.voidCount.toInt(), Texts.money(ctx, r.voidTotal)), R.id.settlement_voids)
                row(str(R.string.label_net), Texts.money(ctx, r.netTotal), R.id.settlement_net)
                row(str(R.string.label_settled_at), Texts.time(r.settledAtMs))
                row(str(R.string.label_next_batch_no), r.nextBatchNo)
                voids(state.voidsByOperator)
            }
        }
        button(str(R.string.action_back), R.id.action_back, primary = false) { finish() }
    }

    private fun Screen.voids(perOperator: List<OperatorVoids>) {
        text(str(R.string.settlement_voids_by_operator), sizeSp = Screen.TEXT_SP, bold = true)
        if (perOperator.isEmpty()) text(str(R.string.settlement_no_voids))
        for (o in perOperator) {
            row(
                str(R.string.label_operator, o.operatorNo),
                str(R.string.count_and_total, o.voidCount.toInt(), Texts.money(this@SettlementActivity, o.voidTotal)),
            )
        }
    }
}
