package dev.voidguard.app.flow

import dev.voidguard.core.HostLink
import dev.voidguard.core.Locale
import dev.voidguard.core.RequestKind
import dev.voidguard.core.SaleRequest
import dev.voidguard.core.Terminal
import dev.voidguard.core.TerminalConfig
import dev.voidguard.core.Transaction
import dev.voidguard.core.defaultConfig
import dev.voidguard.testsupport.*
import java.nio.file.Files
import java.nio.file.Path

/**
 * A terminal on a real SQLite file in its own temporary folder, with [host] as its host
 * link (null: the core's simulator) and a clock the test moves.
 */
class Fixture(host: HostLink? = null, adjust: (TerminalConfig) -> TerminalConfig = { it }) : AutoCloseable {
    val dir: Path = Files.createTempDirectory("voidguard-app-flow")
    val clock = TestClock()
    val keys = AesGcmKeyWrapper.random()
    val config = adjust(defaultConfig(dir.resolve("voidguard.db").toString()).copy(kdfIterations = TEST_KDF_ITERATIONS))
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

/** Keys [digits] on a PIN pad through [on]; returns the last state. */
fun <S> typePin(digits: String, on: (PinKey) -> S): S {
    var last: S? = null
    for (c in digits) last = on(PinKey.digit(c - '0'))
    return checkNotNull(last) { "no digits typed" }
}

/** Asserts the type and returns the value as it. */
inline fun <reified T> Any?.must(): T = org.junit.jupiter.api.Assertions.assertInstanceOf(T::class.java, this)
