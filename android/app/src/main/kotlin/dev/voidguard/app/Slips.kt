package dev.voidguard.app

import android.graphics.Color
import android.graphics.Typeface
import dev.voidguard.core.Receipt

/** A slip (签购单) drawn as paper: the title, then one line per label and value. */
fun Screen.slip(receipt: Receipt) {
    heading(receipt.title, R.id.slip_title).apply { gravity = android.view.Gravity.CENTER }
    text(receipt.lines.joinToString("\n") { str(R.string.slip_line, it.label, it.value) }, R.id.slip_text, Screen.TEXT_SP).apply {
        typeface = Typeface.MONOSPACE
        setBackgroundColor(Color.WHITE)
        setTextColor(Color.BLACK)
        val pad = dp(12)
        setPadding(pad, pad, pad, pad)
    }
}
