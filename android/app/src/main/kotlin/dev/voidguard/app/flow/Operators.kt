package dev.voidguard.app.flow

import dev.voidguard.core.Role

/**
 * Operator numbers (操作员号) and the password each kind of operator keys (DESIGN §2):
 * 00 the supervisor, whose password is the six-digit void password; 99 the system
 * administrator, eight digits; 01–98 cashiers, four to eight.
 */
object Operators {
    const val SUPERVISOR = "00"
    const val ADMINISTRATOR = "99"

    /** Operator numbers are two digits. */
    const val NUMBER_LENGTH = 2

    fun roleOf(operatorNo: String): Role = when (operatorNo) {
        SUPERVISOR -> Role.SUPERVISOR
        ADMINISTRATOR -> Role.ADMINISTRATOR
        else -> Role.CASHIER
    }

    /** 01–98: the numbers the administrator may give a cashier. */
    fun isCashierNumber(operatorNo: String): Boolean =
        operatorNo.length == NUMBER_LENGTH && operatorNo.all { it in '0'..'9' } && roleOf(operatorNo) == Role.CASHIER

    /** The fewest digits a password of [role] has. */
    fun minPasswordLength(role: Role): Int = when (role) {
        Role.SUPERVISOR -> PinPad.PASSWORD_LENGTH
        Role.ADMINISTRATOR -> ADMIN_PASSWORD_LENGTH
        Role.CASHIER -> CASHIER_MIN_LENGTH
    }

    /** The most digits a password of [role] has; the pad submits by itself when they are keyed. */
    fun maxPasswordLength(role: Role): Int = when (role) {
        Role.SUPERVISOR -> PinPad.PASSWORD_LENGTH
        Role.ADMINISTRATOR -> ADMIN_PASSWORD_LENGTH
        Role.CASHIER -> CASHIER_MAX_LENGTH
    }

    const val ADMIN_PASSWORD_LENGTH = 8
    const val CASHIER_MIN_LENGTH = 4
    const val CASHIER_MAX_LENGTH = 8
}

/**
 * Digits keyed on the on-screen keypad that are no secret (an operator number): the
 * state may show them, so they are kept as text.
 */
class DigitEntry(val length: Int) {
    var text: String = ""
        private set

    val isComplete: Boolean
        get() = text.length == length

    /** Applies a key; returns true when [length] digits are keyed. */
    fun press(key: PinKey): Boolean {
        val digit = key.digit
        text = when {
            digit != null -> if (text.length < length) text + digit else text
            key == PinKey.BACKSPACE -> text.dropLast(1)
            else -> ""
        }
        return isComplete
    }

    fun clear() {
        text = ""
    }
}
