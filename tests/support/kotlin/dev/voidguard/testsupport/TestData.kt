package dev.voidguard.testsupport

import dev.voidguard.core.Application

/*
 * The one merchant, terminal and set of passwords every Kotlin test build uses: the JVM
 * tests of the bindings (tests/kotlin), the app's flows (tests/app-flow) and the app's
 * instrumentation tests (android/app/src/androidTest).
 */

const val MERCHANT_NO = "898340157220001"
const val TERMINAL_ID = "LKL00042"
const val SECRET_HEX = "7c1f9a2b5d3e4f60718293a4b5c6d7e8"
/** The void password, which the supervisor (00) also signs in with. */
const val PASSWORD = "274816"
const val NEW_PASSWORD = "580394"
const val WRONG_PASSWORD = "135792"
const val FULL_PAN = "6222021234567890123"
/** The supervisor, who signs in with the void password [PASSWORD]. */
const val SUPERVISOR = "00"
/** The administrator (99), and their password. */
const val ADMINISTRATOR = "99"
const val ADMIN_PASSWORD = "58204719"
/** The cashier a ready terminal has signed in, and the first password every cashier gets. */
const val CASHIER = "01"
const val CASHIER_PASSWORD = "3817"

/** The PBKDF2 floor the core accepts; the shipped default takes ~200 ms per hash. */
const val TEST_KDF_ITERATIONS = 1000u

/** The password [operatorNo] signs in with: the void password for 00, the tests' own for the rest. */
fun passwordOf(operatorNo: String): String = when (operatorNo) {
    SUPERVISOR -> PASSWORD
    ADMINISTRATOR -> ADMIN_PASSWORD
    else -> CASHIER_PASSWORD
}

/** The merchant's application for a permission, as the back office receives it. */
fun application(reason: String = "开通消费撤销权限") = Application(
    reason = reason,
    idType = "resident_id",
    idNumber = "11010519491231002X",
    licenceNo = "91110000802100433B",
    contact = "138 0013 8000",
)

/**
 * Whether [text] (a screen state as its `toString` shows it) holds three or more of the
 * typed [secret]'s first digits as a number of its own: what a state keeping the
 * entry would show. A longer number that merely contains them (a random RRN, an
 * instant in milliseconds) is not the entry, and would make the check fail by chance.
 */
fun holdsTypedDigits(text: String, secret: String): Boolean =
    Regex("\\d+").findAll(text).any { it.value.length >= 3 && secret.startsWith(it.value) }
