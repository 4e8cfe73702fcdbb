package dev.voidguard.app

import android.os.Bundle
import dev.voidguard.app.flow.SlipFlow

/** One slip from the journal. The voucher number is the only extra: nothing secret. */
class SlipActivity : ScreenActivity() {
    override val secure = true

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.title_slip)
        val voucher = intent.getStringExtra(EXTRA_VOUCHER).orEmpty()
        val locale = slipLocale
        onCore({ t -> SlipFlow(t, locale).load(voucher) }, ::render)
    }

    private fun render(state: SlipFlow.State) = show {
        when (state) {
            SlipFlow.State.Loading -> text(str(R.string.loading))
            is SlipFlow.State.Shown -> slip(state.receipt)
            is SlipFlow.State.Failed -> notice(Texts.explain(this@SlipActivity, state.notice))
        }
        button(str(R.string.action_back), R.id.action_back, primary = false) { finish() }
    }

    companion object {
        const val EXTRA_VOUCHER = "dev.voidguard.app.extra.VOUCHER_NO"
    }
}
