package dev.voidguard.app.flow

/** The keys of the on-screen PIN pad. */
enum class PinKey(val digit: Char?) {
    ZERO('0'), ONE('1'), TWO('2'), THREE('3'), FOUR('4'),
    FIVE('5'), SIX('6'), SEVEN('7'), EIGHT('8'), NINE('9'),
    BACKSPACE(null), CLEAR(null);

    companion object {
        fun digit(n: Int): PinKey {
            require(n in 0..9) { "a PIN pad digit is 0–9" }
            return entries[n]
        }
    }
}

/**
 * The digits typed on a PIN pad. The digits live in a char array that is wiped when
 * taken, so no screen state (which may be printed or kept) ever holds them; states
 * carry only how many are filled.
 */
class PinPad(val length: Int = PASSWORD_LENGTH) {
    private val digits = CharArray(length)

    var filled: Int = 0
        private set

    val isComplete: Boolean
        get() = filled == length

    /** Applies a key; returns true when the PIN is complete. */
    fun press(key: PinKey): Boolean {
        val digit = key.digit
        when {
            digit != null -> if (filled < length) digits[filled++] = digit
            key == PinKey.BACKSPACE -> if (filled > 0) digits[--filled] = '\u0000'
            else -> wipe()
        }
        return isComplete
    }

    /** The digits typed so far, handed over once: the pad is wiped. */
    fun take(): CharArray = digits.copyOf(filled).also { wipe() }

    fun wipe() {
        digits.fill('\u0000')
        filled = 0
    }

    companion object {
        /** The void password is six digits (DESIGN §2). */
        const val PASSWORD_LENGTH = 6
    }
}

/** Overwrites a secret held in a char array. */
fun CharArray.wipe() = fill('\u0000')
