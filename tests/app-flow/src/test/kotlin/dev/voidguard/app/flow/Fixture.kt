package dev.voidguard.app.flow

import dev.voidguard.core.Application
import dev.voidguard.core.Clock
import dev.voidguard.core.HostLink
import dev.voidguard.core.KeyWrapper
import dev.voidguard.core.KeyWrapperException
import dev.voidguard.core.Locale
import dev.voidguard.core.RequestKind
import dev.voidguard.core.SaleRequest
import dev.voidguard.core.Terminal
import dev.voidguard.core.TerminalConfig
import dev.voidguard.core.Transaction
import dev.voidguard.core.defaultConfig
import java.nio.ByteBuffer
import java.nio.file.Files
import java.nio.file.Path
import java.security.GeneralSecurityException
import java.security.SecureRandom
import javax.crypto.Cipher
import javax.crypto.Mac
import javax.crypto.spec.GCMParameterSpec
import javax.crypto.spec.SecretKeySpec

const val MERCHANT_NO = "898340157220001"
const val TERMINAL_ID = "LKL00042"
const val SECRET_HEX = "7c1f9a2b5d3e4f60718293a4b5c6d7e8"
const val PASSWORD = "274816"
const val NEW_PASSWORD = "580394"
const val WRONG_PASSWORD = "135792"
const val FULL_PAN = "6222021234567890123"
const val CASHIER = "01"
/** The administrator's (99) password, and the first password every cashier gets here. */
const val ADMIN_PASSWORD = "58204719"
const val CASHIER_PASSWORD = "3817"

/** 2025-03-14 10:00 in China (+08:00). */
const val START_MS = 1_741_917_600_000L

fun application(reason: String = "开通消费撤销权限") = Application(
    reason = reason,
    idType = "resident_id",
    idNumber = "11010519491231002X",
    licenceNo = "91110000802100433B",
    contact = "138 0013 8000",
)

/** The platform's side of the data key, as KeystoreKeyWrapper does it on a device. */
class MemoryKeyWrapper : KeyWrapper {
    private val kek = SecretKeySpec(ByteArray(32).also(SecureRandom()::nextBytes), "AES")

    override fun wrapKey(key: ByteArray): ByteArray {
        val iv = ByteArray(12).also(SecureRandom()::nextBytes)
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, kek, GCMParameterSpec(128, iv))
        return iv + cipher.doFinal(key)
    }

    override fun unwrapKey(wrapped: ByteArray): ByteArray = try {
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, kek, GCMParameterSpec(128, wrapped, 0, 12))
        cipher.doFinal(wrapped, 12, wrapped.size - 12)
    } catch (e: GeneralSecurityException) {
        throw KeyWrapperException.Rejected()
    }
}

class TestClock(@Volatile var now: Long = START_MS) : Clock {
    override fun nowMs(): Long = now

    fun advanceMinutes(minutes: Long) {
        now += minutes * 60_000
    }
}

/** The acquirer's back office (DESIGN §2), computed independently of the core. */
object BackOffice {
    fun approve(kind: RequestKind, requestCode: String, secretHex: String = SECRET_HEX): String {
        val action = when (kind) {
            RequestKind.VOID_PERMISSION -> "PERMIT"
            RequestKind.REFUND_PERMISSION -> "PERMIT_REFUND"
            RequestKind.PASSWORD_RESET -> "RESET"
            RequestKind.LIFT_RESTRICTION -> "LIFT"
        }
        val secret = ByteArray(secretHex.length / 2) { secretHex.substring(2 * it, 2 * it + 2).toInt(16).toByte() }
        val mac = Mac.getInstance("HmacSHA256")
        mac.init(SecretKeySpec(secret, "HmacSHA256"))
        val d = mac.doFinal("$action|$requestCode".toByteArray(Charsets.UTF_8))
        val n = ByteBuffer.wrap(d, 0, 4).int.toLong() and 0x7fff_ffffL
        return (n % 100_000_000L).toString().padStart(8, '0')
    }

    /** A code that is certainly not the right one. */
    fun wrong(kind: RequestKind, requestCode: String): String =
        approve(kind, requestCode).let { if (it == "00000000") "00000001" else "00000000" }
}

/**
 * A terminal on a real SQLite file in its own temporary folder, with [host] as its host
 * link (null: the core's simulator) and a clock the test moves.
 */
class Fixture(host: HostLink? = null, adjust: (TerminalConfig) -> TerminalConfig = { it }) : AutoCloseable {
    val dir: Path = Files.createTempDirectory("voidguard-app-flow")
    val clock = TestClock()
    val keys = MemoryKeyWrapper()
    val config = adjust(defaultConfig(dir.resolve("voidguard.db").toString()).copy(kdfIterations = 1000u))
    val terminal: Terminal = Terminal.openWithClock(config, keys, host, clock)

    fun activate(): Fixture = apply { terminal.activate(MERCHANT_NO, TERMINAL_ID, SECRET_HEX) }

    /**
     * Activated, [permissions] (the void and refund permissions) granted by the back office, [PASSWORD] set, the
     * administrator's password set, and cashier [CASHIER] added and signed in.
     */
    fun ready(
        permissions: List<RequestKind> = listOf(RequestKind.VOID_PERMISSION, RequestKind.REFUND_PERMISSION),
    ): Fixture = apply {
        activate()
        for (kind in permissions) {
            val ticket = terminal.applyFor(kind, application())
            terminal.redeemApproval(ticket.requestCode, BackOffice.approve(ticket.kind, ticket.requestCode), null)
        }
        terminal.setVoidPassword(PASSWORD)
        signInAs(CASHIER)
    }

    /**
     * Signs out whoever is signed in and signs [operatorNo] in with their password; a
     * cashier the terminal does not know yet is added by the administrator first (whose
     * password is set first on a terminal that has none).
     */
    fun signInAs(operatorNo: String) {
        if (terminal.session() != null) terminal.signOut()
        val known = terminal.operators().filter { it.active }.map { it.operatorNo }.toSet()
        if (Operators.ADMINISTRATOR !in known) terminal.setAdminPassword(ADMIN_PASSWORD)
        if (operatorNo !in known && Operators.isCashierNumber(operatorNo)) {
            terminal.signIn(Operators.ADMINISTRATOR, ADMIN_PASSWORD)
            terminal.addOperator(operatorNo, CASHIER_PASSWORD)
            terminal.signOut()
        }
        terminal.signIn(operatorNo, passwordOf(operatorNo))
    }

    /** A sale keyed by whoever is signed in. */
    fun sale(amount: String = "12.34"): Transaction =
        terminal.recordSale(SaleRequest(amount, FULL_PAN, "UnionPay"))

    val today: String get() = terminal.status().businessDate

    fun voidFlow(locale: Locale = Locale.EN) = VoidFlow(terminal, config.voidReasons, locale)

    fun refundFlow(locale: Locale = Locale.EN) = RefundFlow(terminal, config.refundReasons, locale)

    override fun close() {
        terminal.close()
        dir.toFile().deleteRecursively()
    }
}

/** The password [operatorNo] signs in with: the void password for 00, the tests' own for the rest. */
fun passwordOf(operatorNo: String): String = when (operatorNo) {
    Operators.SUPERVISOR -> PASSWORD
    Operators.ADMINISTRATOR -> ADMIN_PASSWORD
    else -> CASHIER_PASSWORD
}

/** Keys [digits] on a PIN pad through [on]; returns the last state. */
fun <S> typePin(digits: String, on: (PinKey) -> S): S {
    var last: S? = null
    for (c in digits) last = on(PinKey.digit(c - '0'))
    return checkNotNull(last) { "no digits typed" }
}

/** Asserts the type and returns the value as it. */
inline fun <reified T> Any?.must(): T = org.junit.jupiter.api.Assertions.assertInstanceOf(T::class.java, this)
