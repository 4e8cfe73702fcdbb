package dev.voidguard.app

import android.app.Activity
import android.graphics.Color
import android.graphics.Typeface
import android.graphics.drawable.GradientDrawable
import android.text.InputFilter
import android.text.InputType
import android.util.TypedValue
import android.view.Gravity
import android.view.View
import android.view.accessibility.AccessibilityEvent
import android.view.accessibility.AccessibilityNodeInfo
import android.view.ViewGroup.LayoutParams.MATCH_PARENT
import android.view.ViewGroup.LayoutParams.WRAP_CONTENT
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView
import dev.voidguard.app.flow.PinKey
import kotlin.math.roundToInt

/**
 * What an input field takes; decides the keyboard and whether the IME may learn it.
 * [CODE] is a host's reference no. or auth code: letters and digits, in capitals, read out
 * by the acquirer, so the full keyboard without suggestions (the PIN pad has no letters).
 */
enum class FieldKind { DIGITS, AMOUNT, DATE, TEXT, PHONE, CODE, SECRET_DIGITS, SECRET_TEXT }

/**
 * Builds one screen in code, top to bottom, with the sizes a counter-top terminal needs:
 * every touch target at least 56dp high (the guideline is 48dp), digits large.
 */
class Screen(private val activity: Activity) {
    val column = LinearLayout(activity).apply {
        orientation = LinearLayout.VERTICAL
        val pad = dp(16)
        setPadding(pad, pad, pad, pad)
    }

    val root: View = ScrollView(activity).apply {
        id = R.id.screen_root
        isFillViewport = true
        addView(column, MATCH_PARENT, WRAP_CONTENT)
    }

    fun dp(v: Int): Int = (v * activity.resources.displayMetrics.density).roundToInt()

    fun str(res: Int, vararg args: Any): String = activity.getString(res, *args)

    fun heading(text: CharSequence, id: Int = View.NO_ID): TextView = text(text, id, HEADING_SP, bold = true)

    fun text(text: CharSequence, id: Int = View.NO_ID, sizeSp: Float = TEXT_SP, bold: Boolean = false): TextView =
        TextView(activity).apply {
            this.id = id
            this.text = text
            setTextSize(TypedValue.COMPLEX_UNIT_SP, sizeSp)
            if (bold) setTypeface(typeface, Typeface.BOLD)
            setPadding(0, dp(6), 0, dp(6))
        }.also(::add)

    /** A figure the merchant checks at a glance: amount, voucher, request code. */
    fun figure(text: CharSequence, id: Int = View.NO_ID): TextView =
        text(text, id, FIGURE_SP, bold = true).apply { typeface = Typeface.MONOSPACE }

    fun row(label: CharSequence, value: CharSequence, valueId: Int = View.NO_ID) {
        val line = LinearLayout(activity).apply {
            orientation = LinearLayout.HORIZONTAL
            setPadding(0, dp(4), 0, dp(4))
        }
        line.addView(
            TextView(activity).apply {
                text = label
                setTextSize(TypedValue.COMPLEX_UNIT_SP, TEXT_SP)
            },
            LinearLayout.LayoutParams(0, WRAP_CONTENT, 1f),
        )
        line.addView(
            TextView(activity).apply {
                id = valueId
                text = value
                gravity = Gravity.END
                setTextSize(TypedValue.COMPLEX_UNIT_SP, TEXT_SP)
                setTypeface(Typeface.MONOSPACE, Typeface.BOLD)
            },
            LinearLayout.LayoutParams(0, WRAP_CONTENT, 1.4f),
        )
        add(line)
    }

    /** A refusal or warning, in a red box; nothing when [text] is null. */
    fun notice(text: CharSequence?, id: Int = R.id.notice) {
        if (text == null) return
        box(text, id, WARNING_FILL, WARNING_INK)
    }

    /** Good news or guidance, in a green box. */
    fun info(text: CharSequence, id: Int = View.NO_ID) = box(text, id, INFO_FILL, INFO_INK)

    private fun box(text: CharSequence, id: Int, fill: Int, ink: Int) {
        text(text, id, TEXT_SP, bold = true).apply {
            setTextColor(ink)
            background = GradientDrawable().apply {
                setColor(fill)
                cornerRadius = dp(6).toFloat()
            }
            setPadding(dp(12), dp(12), dp(12), dp(12))
            (layoutParams as LinearLayout.LayoutParams).setMargins(0, dp(8), 0, dp(8))
        }
    }

    fun button(label: CharSequence, id: Int, primary: Boolean = true, onTap: () -> Unit): Button =
        Button(activity).apply {
            this.id = id
            text = label
            isAllCaps = false
            minHeight = dp(TOUCH_DP)
            minimumHeight = dp(TOUCH_DP)
            setTextSize(TypedValue.COMPLEX_UNIT_SP, BUTTON_SP)
            if (!primary) alpha = SECONDARY_ALPHA
            // One action per tap: a second tap while the first one's core call runs
            // (a double tap on Activate, Record sale, Settle) is ignored.
            setOnClickListener { if ((activity as? ScreenActivity)?.idle != false) onTap() }
        }.also { add(it, topMargin = dp(6)) }

    /**
     * A labelled input. The label is a line of its own above the field: a hint would
     * vanish once the field is filled and is cut off at the figures' size.
     */
    fun field(label: CharSequence, id: Int, kind: FieldKind, prefill: String = "", maxLength: Int = 0): EditText {
        text(label).apply {
            labelFor = id
            setPadding(0, dp(8), 0, 0)
        }
        return EditText(activity).apply {
            this.id = id
            setText(prefill)
            minHeight = dp(TOUCH_DP)
            setTextSize(TypedValue.COMPLEX_UNIT_SP, if (kind == FieldKind.TEXT) TEXT_SP else FIGURE_SP)
            isSingleLine = true
            importantForAutofill = View.IMPORTANT_FOR_AUTOFILL_NO
            inputType = when (kind) {
                FieldKind.DIGITS -> InputType.TYPE_CLASS_NUMBER
                FieldKind.AMOUNT -> InputType.TYPE_CLASS_NUMBER or InputType.TYPE_NUMBER_FLAG_DECIMAL
                FieldKind.DATE -> InputType.TYPE_CLASS_DATETIME or InputType.TYPE_DATETIME_VARIATION_DATE
                FieldKind.TEXT -> InputType.TYPE_CLASS_TEXT
                FieldKind.PHONE -> InputType.TYPE_CLASS_PHONE
                FieldKind.CODE -> InputType.TYPE_CLASS_TEXT or
                    InputType.TYPE_TEXT_FLAG_CAP_CHARACTERS or InputType.TYPE_TEXT_FLAG_NO_SUGGESTIONS
                FieldKind.SECRET_DIGITS -> InputType.TYPE_CLASS_NUMBER or InputType.TYPE_NUMBER_VARIATION_PASSWORD
                FieldKind.SECRET_TEXT -> InputType.TYPE_CLASS_TEXT or
                    InputType.TYPE_TEXT_VARIATION_PASSWORD or InputType.TYPE_TEXT_FLAG_NO_SUGGESTIONS
            }
            if (kind == FieldKind.DIGITS || kind == FieldKind.AMOUNT || kind == FieldKind.CODE || kind == FieldKind.SECRET_DIGITS) {
                typeface = Typeface.MONOSPACE
            }
            val length = if (maxLength > 0) listOf(InputFilter.LengthFilter(maxLength)) else emptyList()
            // What the merchant sees is what is recorded: capitals, whatever the keyboard sends.
            val caps = if (kind == FieldKind.CODE) listOf(InputFilter.AllCaps()) else emptyList()
            if (length.isNotEmpty() || caps.isNotEmpty()) filters = (length + caps).toTypedArray()
        }.also { add(it, topMargin = dp(4)) }
    }

    /**
     * The PIN pad: filled dots, then 1–9, clear, 0, backspace. Digits are large and every
     * key is 72dp high. The dots show only how many digits were keyed. A password whose
     * length varies gets an OK key below, enabled once [okEnabled].
     */
    fun pinPad(filled: Int, length: Int, ok: (() -> Unit)? = null, okEnabled: Boolean = true, onKey: (PinKey) -> Unit) {
        val dots = str(R.string.pin_dot_filled).repeat(filled) + str(R.string.pin_dot_empty).repeat(length - filled)
        text(dots, R.id.pin_dots, PIN_DOTS_SP, bold = true).apply {
            gravity = Gravity.CENTER
            contentDescription = str(R.string.pin_filled, filled, length)
        }
        keys(onKey)
        if (ok != null) button(str(R.string.pin_ok), R.id.pin_ok, onTap = ok).apply { isEnabled = okEnabled }
    }

    /**
     * The keypad for digits that are no secret (an operator number): what was keyed is
     * shown as it is, a placeholder for each digit still to come.
     */
    fun digitPad(typed: String, length: Int, onKey: (PinKey) -> Unit) {
        val shown = typed + str(R.string.digit_empty).repeat((length - typed.length).coerceAtLeast(0))
        text(shown.toCharArray().joinToString(" "), R.id.entry_digits, PIN_DOTS_SP, bold = true).apply {
            gravity = Gravity.CENTER
            typeface = Typeface.MONOSPACE
        }
        keys(onKey)
    }

    private fun keys(onKey: (PinKey) -> Unit) {
        val keys = listOf(
            listOf(PinKey.ONE, PinKey.TWO, PinKey.THREE),
            listOf(PinKey.FOUR, PinKey.FIVE, PinKey.SIX),
            listOf(PinKey.SEVEN, PinKey.EIGHT, PinKey.NINE),
            listOf(PinKey.CLEAR, PinKey.ZERO, PinKey.BACKSPACE),
        )
        for (line in keys) {
            val row = LinearLayout(activity).apply { orientation = LinearLayout.HORIZONTAL }
            for (key in line) {
                row.addView(
                    Button(activity).apply {
                        id = pinKeyId(key)
                        text = key.digit?.toString() ?: str(if (key == PinKey.CLEAR) R.string.pin_clear else R.string.pin_backspace)
                        contentDescription = if (key.digit != null) str(R.string.pin_key) else text
                        if (key.digit != null) accessibilityDelegate = SilentDigit
                        setTextSize(TypedValue.COMPLEX_UNIT_SP, if (key.digit != null) PIN_KEY_SP else BUTTON_SP)
                        minHeight = dp(PIN_KEY_DP)
                        minimumHeight = dp(PIN_KEY_DP)
                        isAllCaps = false
                        isSoundEffectsEnabled = false
                        setOnClickListener { onKey(key) }
                    },
                    LinearLayout.LayoutParams(0, dp(PIN_KEY_DP), 1f),
                )
            }
            add(row)
        }
    }

    fun add(view: View, topMargin: Int = 0) {
        column.addView(
            view,
            LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT).apply { setMargins(0, topMargin, 0, 0) },
        )
    }

    /**
     * A PIN key tells accessibility services that it is a PIN key, never its digit: a
     * screen reader speaking the void password aloud at the counter would give it away.
     */
    private object SilentDigit : View.AccessibilityDelegate() {
        override fun onInitializeAccessibilityNodeInfo(host: View, info: AccessibilityNodeInfo) {
            super.onInitializeAccessibilityNodeInfo(host, info)
            info.text = null
        }

        override fun onPopulateAccessibilityEvent(host: View, event: AccessibilityEvent) {
            event.text.clear()
            event.contentDescription = host.contentDescription
        }
    }

    companion object {
        const val TOUCH_DP = 56
        const val PIN_KEY_DP = 72
        const val TEXT_SP = 18f
        const val HEADING_SP = 24f
        const val BUTTON_SP = 20f
        const val FIGURE_SP = 28f
        const val PIN_KEY_SP = 32f
        const val PIN_DOTS_SP = 36f
        const val SECONDARY_ALPHA = 0.85f
        val WARNING_FILL = Color.rgb(0xFD, 0xE7, 0xE7)
        val WARNING_INK = Color.rgb(0xA3, 0x12, 0x12)
        val INFO_FILL = Color.rgb(0xE6, 0xF4, 0xEA)
        val INFO_INK = Color.rgb(0x13, 0x6B, 0x2E)

        fun pinKeyId(key: PinKey): Int = when (key) {
            PinKey.ZERO -> R.id.pin_0
            PinKey.ONE -> R.id.pin_1
            PinKey.TWO -> R.id.pin_2
            PinKey.THREE -> R.id.pin_3
            PinKey.FOUR -> R.id.pin_4
            PinKey.FIVE -> R.id.pin_5
            PinKey.SIX -> R.id.pin_6
            PinKey.SEVEN -> R.id.pin_7
            PinKey.EIGHT -> R.id.pin_8
            PinKey.NINE -> R.id.pin_9
            PinKey.BACKSPACE -> R.id.pin_backspace
            PinKey.CLEAR -> R.id.pin_clear
        }
    }
}
