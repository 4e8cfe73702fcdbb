package dev.voidguard.app.flow

/** Amounts as the screens show them; the core keeps money as integer fen. */
object Money {
    /** `1234` fen → `"12.34"`. */
    fun format(fen: Long): String {
        val sign = if (fen < 0) "-" else ""
        val abs = kotlin.math.abs(fen)
        return "$sign${abs / 100}.${(abs % 100).toString().padStart(2, '0')}"
    }

    /**
     * Amount text as keyed (`12.34`, `12`, `0.5`, full-width digits too) → fen, or null
     * when it is not a positive amount with at most two decimals. Only used to hand the
     * amount to a payment app; the core checks it again when the sale is journaled.
     */
    fun parseFen(text: String): Long? {
        val ascii = buildString {
            for (c in text.trim()) {
                append(
                    when (c) {
                        in '０'..'９' -> '0' + (c - '０')
                        '．' -> '.'
                        else -> c
                    },
                )
            }
        }
        val match = AMOUNT.matchEntire(ascii) ?: return null
        val yuan = match.groupValues[1].toLongOrNull() ?: return null
        val decimals = match.groupValues[2].padEnd(2, '0')
        if (yuan > MAX_YUAN) return null
        val fen = yuan * 100 + decimals.toLong()
        return fen.takeIf { it > 0 }
    }

    private val AMOUNT = Regex("""(\d{1,12})(?:\.(\d{1,2}))?""")
    private const val MAX_YUAN = 9_999_999_999L
}
