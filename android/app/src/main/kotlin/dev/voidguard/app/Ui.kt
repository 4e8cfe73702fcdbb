package dev.voidguard.app

import android.app.Activity
import dev.voidguard.app.flow.Retry
import android.content.res.ColorStateList
import android.graphics.Color
import android.graphics.Typeface
import android.graphics.drawable.GradientDrawable
import android.graphics.drawable.RippleDrawable
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

    /**
     * A button. The step's primary action is filled in the accent colour with white
     * bold text; every other one (Back, Done, the lesser choices) is outlined, so the one
     * to tap stands out at a glance.
     */
    fun button(label: CharSequence, id: Int, primary: Boolean = true, onTap: () -> Unit): Button =
        Button(activity).apply {
            this.id = id
            text = label
            isAllCaps = false
            minHeight = dp(TOUCH_DP)
            minimumHeight = dp(TOUCH_DP)
            setTextSize(TypedValue.COMPLEX_UNIT_SP, BUTTON_SP)
            style(primary)
            // One action per tap: a second tap while the first one's core call runs
            // (a double tap on Activate, Record sale, Settle) is ignored.
            setOnClickListener { if ((activity as? ScreenActivity)?.idle != false) onTap() }
        }.also { add(it, topMargin = dp(8)) }

    private fun Button.style(primary: Boolean) {
        val fill = if (primary) PRIMARY_FILL else SECONDARY_FILL
        val shape = GradientDrawable().apply {
            cornerRadius = dp(8).toFloat()
            color = ColorStateList(
                arrayOf(intArrayOf(-android.R.attr.state_enabled), intArrayOf()),
                intArrayOf(DISABLED_FILL, fill),
            )
            if (!primary) setStroke(dp(2), SECONDARY_STROKE)
        }
        background = RippleDrawable(ColorStateList.valueOf(PRESSED), shape, null)
        setTextColor(if (primary) PRIMARY_INK else SECONDARY_INK)
        if (primary) setTypeface(typeface, Typeface.BOLD)
        stateListAnimator = null
        setPadding(dp(12), dp(10), dp(12), dp(10))
    }

    /**
     * Large tiles, two to a row: the money actions on home. A tile is a button (a tap
     * target of [TILE_DP]) with its label centred in large type.
     */
    fun tiles(items: List<Tile>) {
        for (pair in items.chunked(2)) {
            val line = LinearLayout(activity).apply {
                orientation = LinearLayout.HORIZONTAL
                isBaselineAligned = false
            }
            for ((i, item) in pair.withIndex()) {
                line.addView(
                    Button(activity).apply {
                        id = item.id
                        text = item.label
                        isAllCaps = false
                        minHeight = dp(TILE_DP)
                        minimumHeight = dp(TILE_DP)
                        setTextSize(TypedValue.COMPLEX_UNIT_SP, TILE_SP)
                        val shape = GradientDrawable().apply {
                            cornerRadius = dp(12).toFloat()
                            color = ColorStateList(
                                arrayOf(intArrayOf(-android.R.attr.state_enabled), intArrayOf()),
                                intArrayOf(DISABLED_FILL, TILE_FILL),
                            )
                        }
                        background = RippleDrawable(ColorStateList.valueOf(PRESSED), shape, null)
                        setTextColor(TILE_INK)
                        setTypeface(typeface, Typeface.BOLD)
                        stateListAnimator = null
                        isEnabled = item.enabled
                        setPadding(dp(8), dp(12), dp(8), dp(12))
                        setOnClickListener { if ((activity as? ScreenActivity)?.idle != false) item.onTap() }
                    },
                    // A pair shares the taller one's height; a tile alone wraps its own
                    // (matching a row of nothing else would leave it no height at all).
                    LinearLayout.LayoutParams(0, if (pair.size > 1) MATCH_PARENT else WRAP_CONTENT, 1f).apply {
                        setMargins(if (i == 0) 0 else dp(6), 0, if (i == 0 && pair.size > 1) dp(6) else 0, 0)
                    },
                )
            }
            // An odd tile out keeps a tile's width, not the row's.
            if (pair.size == 1) line.addView(View(activity), LinearLayout.LayoutParams(0, 0, 1f).apply { setMargins(dp(6), 0, 0, 0) })
            add(line, topMargin = dp(12))
        }
    }

    /** One tile of [tiles]. */
    class Tile(val label: CharSequence, val id: Int, val enabled: Boolean = true, val onTap: () -> Unit)

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
            // Single line first: it sets a minimum of one line, which would replace the
            // minimum height and leave a text field under the 48dp touch target.
            isSingleLine = true
            minHeight = dp(TOUCH_DP)
            minimumHeight = dp(TOUCH_DP)
            setTextSize(TypedValue.COMPLEX_UNIT_SP, if (kind == FieldKind.TEXT) TEXT_SP else FIGURE_SP)
            importantForAutofill = View.IMPORTANT_FOR_AUTOFILL_NO
            // The framework would keep a password's text in the saved state; the screen
            // keeps the fields that are no secret itself (ScreenActivity).
            isSaveEnabled = false
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
            if (kind in KEYPAD_KINDS) {
                // Keyed on the screen's own keypad ([keypad]): a counter terminal has no
                // use for the system keyboard, which would cover the fields.
                showSoftInputOnFocus = false
                keyed += Keyed(this, kind, maxLength)
            }
        }.also { add(it, topMargin = dp(4)) }
    }

    private class Keyed(val field: EditText, val kind: FieldKind, val maxLength: Int)

    private val keyed = mutableListOf<Keyed>()

    /**
     * The numeric keypad for the digit fields above it (voucher no., date, amount,
     * merchant no., card no., approval code): 1–9, then Clear (or the decimal point where
     * an amount is keyed), 0 and backspace, keyed into the field that has the cursor (the
     * first empty one at first); a field that is full passes the cursor to the next.
     * Long-pressing backspace clears the field.
     */
    fun keypad() {
        val targets = keyed.toList()
        if (targets.isEmpty()) return
        (targets.firstOrNull { it.field.text.isEmpty() } ?: targets.first()).field.requestFocus()
        fun target(): Keyed = targets.firstOrNull { it.field.isFocused } ?: targets.first()
        val secret = targets.any { it.kind == FieldKind.SECRET_DIGITS }
        val decimal = targets.any { it.kind == FieldKind.AMOUNT }
        fun insert(c: Char) {
            val t = target()
            if (c == '.' && (t.kind != FieldKind.AMOUNT || t.field.text.contains('.'))) return
            val e = t.field.text
            val a = t.field.selectionStart.coerceAtLeast(0)
            val b = t.field.selectionEnd.coerceAtLeast(0)
            e.replace(minOf(a, b), maxOf(a, b), c.toString())
            if (t.maxLength > 0 && e.length >= t.maxLength) {
                targets.getOrNull(targets.indexOf(t) + 1)?.field?.requestFocus()
            }
        }
        fun backspace() {
            val f = target().field
            val a = f.selectionStart.coerceAtLeast(0)
            val b = f.selectionEnd.coerceAtLeast(0)
            when {
                a != b -> f.text.delete(minOf(a, b), maxOf(a, b))
                a > 0 -> f.text.delete(a - 1, a)
            }
        }
        val digit = { n: Int -> Key(('0' + n).toString(), ENTRY_KEY_IDS[n], secret) { insert('0' + n) } }
        val left = if (decimal) {
            Key(str(R.string.key_decimal_point), R.id.entry_key_point) { insert('.') }
        } else {
            Key(str(R.string.pin_clear), R.id.entry_key_clear) { target().field.text.clear() }
        }
        val back = Key(str(R.string.pin_backspace), R.id.entry_key_backspace, onLongTap = { target().field.text.clear() }) { backspace() }
        keyRows(
            listOf(
                listOf(digit(1), digit(2), digit(3)),
                listOf(digit(4), digit(5), digit(6)),
                listOf(digit(7), digit(8), digit(9)),
                listOf(left, digit(0), back),
            ),
            ENTRY_KEY_DP,
        )
    }

    private class Key(
        val label: String,
        val id: Int,
        val silent: Boolean = false,
        val description: String? = null,
        val onLongTap: (() -> Unit)? = null,
        val onTap: () -> Unit,
    )

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
        fun key(k: PinKey): Key {
            val label = k.digit?.toString() ?: str(if (k == PinKey.CLEAR) R.string.pin_clear else R.string.pin_backspace)
            return Key(label, pinKeyId(k), silent = k.digit != null, description = if (k.digit != null) str(R.string.pin_key) else label) { onKey(k) }
        }
        keyRows(
            listOf(
                listOf(key(PinKey.ONE), key(PinKey.TWO), key(PinKey.THREE)),
                listOf(key(PinKey.FOUR), key(PinKey.FIVE), key(PinKey.SIX)),
                listOf(key(PinKey.SEVEN), key(PinKey.EIGHT), key(PinKey.NINE)),
                listOf(key(PinKey.CLEAR), key(PinKey.ZERO), key(PinKey.BACKSPACE)),
            ),
            PIN_KEY_DP,
            sound = false,
        )
    }

    /**
     * Rows of equal keys. A row is not baseline-aligned (a digit's baseline and a word's
     * would stagger the keys) and grows with its tallest key, so a large font scale
     * makes the keys taller instead of clipping them.
     */
    private fun keyRows(lines: List<List<Key>>, heightDp: Int, sound: Boolean = true) {
        for (line in lines) {
            val row = LinearLayout(activity).apply {
                orientation = LinearLayout.HORIZONTAL
                isBaselineAligned = false
            }
            for (key in line) {
                row.addView(
                    Button(activity).apply {
                        id = key.id
                        text = key.label
                        contentDescription = key.description ?: if (key.silent) str(R.string.pin_key) else null
                        if (key.silent) accessibilityDelegate = SilentDigit
                        val isDigit = key.label.length == 1 && key.label[0].isDigit()
                        setTextSize(TypedValue.COMPLEX_UNIT_SP, if (isDigit) PIN_KEY_SP else BUTTON_SP)
                        if (isDigit) typeface = Typeface.MONOSPACE
                        minHeight = dp(heightDp)
                        minimumHeight = dp(heightDp)
                        isAllCaps = false
                        isSoundEffectsEnabled = sound
                        gravity = Gravity.CENTER
                        setPadding(dp(4), dp(4), dp(4), dp(4))
                        setOnClickListener { key.onTap() }
                        key.onLongTap?.let { long -> setOnLongClickListener { long(); true } }
                    },
                    LinearLayout.LayoutParams(0, MATCH_PARENT, 1f),
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
        const val TILE_DP = 112
        const val TILE_SP = 24f
        const val ENTRY_KEY_DP = 64

        val PRIMARY_FILL = Color.rgb(0x15, 0x65, 0xC0)
        val PRIMARY_INK = Color.WHITE
        val SECONDARY_FILL = Color.WHITE
        val SECONDARY_STROKE = Color.rgb(0x75, 0x75, 0x75)
        val SECONDARY_INK = Color.rgb(0x21, 0x21, 0x21)
        val DISABLED_FILL = Color.rgb(0xBD, 0xBD, 0xBD)
        val TILE_FILL = Color.rgb(0xE3, 0xF2, 0xFD)
        val TILE_INK = Color.rgb(0x0D, 0x47, 0xA1)
        val PRESSED = Color.argb(0x40, 0, 0, 0)
        val WARNING_FILL = Color.rgb(0xFD, 0xE7, 0xE7)
        val WARNING_INK = Color.rgb(0xA3, 0x12, 0x12)
        val INFO_FILL = Color.rgb(0xE6, 0xF4, 0xEA)
        val INFO_INK = Color.rgb(0x13, 0x6B, 0x2E)

        private val KEYPAD_KINDS = setOf(FieldKind.DIGITS, FieldKind.AMOUNT, FieldKind.DATE, FieldKind.SECRET_DIGITS)

        /** The numeric keypad's digit keys, 0–9. */
        val ENTRY_KEY_IDS = listOf(
            R.id.entry_key_0, R.id.entry_key_1, R.id.entry_key_2, R.id.entry_key_3, R.id.entry_key_4,
            R.id.entry_key_5, R.id.entry_key_6, R.id.entry_key_7, R.id.entry_key_8, R.id.entry_key_9,
        )

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

/**
 * A refused void or refund: its [title], the refusal [explained], the way out it
 * offers ([retryActions]), whom to call, and Done.
 */
fun Screen.refusedAct(
    title: String,
    ids: Pair<Int, Int>,
    explained: String,
    retry: Retry,
    onPassword: () -> Unit,
    onLift: () -> Unit,
    onAttention: () -> Unit,
    onDone: () -> Unit,
) {
    heading(title, ids.first)
    notice(explained, ids.second)
    retryActions(retry, onPassword, onLift, onAttention)
    text(str(R.string.contact_support))
    button(str(R.string.action_done), R.id.action_done, primary = false, onTap = onDone)
}

/** The way out a refused void or refund offers ([Retry]), as one button or none. */
fun Screen.retryActions(retry: Retry, onPassword: () -> Unit, onLift: () -> Unit, onAttention: () -> Unit) {
    when (retry) {
        Retry.PASSWORD -> button(str(R.string.action_retry_password), R.id.action_retry_password, onTap = onPassword)
        Retry.LIFT_RESTRICTION -> button(str(R.string.action_lift_restriction), R.id.action_lift_restriction, onTap = onLift)
        Retry.NEEDS_ATTENTION -> button(str(R.string.action_open_attention), R.id.action_open_attention, onTap = onAttention)
        Retry.NONE -> Unit
    }
}
