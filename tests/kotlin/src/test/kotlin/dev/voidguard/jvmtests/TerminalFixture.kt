package dev.voidguard.jvmtests

import dev.voidguard.core.HostLink
import dev.voidguard.core.JournalQuery
import dev.voidguard.core.KeyWrapper
import dev.voidguard.core.RequestKind
import dev.voidguard.core.SaleRequest
import dev.voidguard.core.Session
import dev.voidguard.core.Terminal
import dev.voidguard.core.TerminalConfig
import dev.voidguard.core.Transaction
import dev.voidguard.core.VaultStatus
import dev.voidguard.core.VoidLookup
import dev.voidguard.core.VoidRequest
import dev.voidguard.core.defaultConfig
import dev.voidguard.testsupport.*
import java.nio.file.Files
import java.nio.file.Path

/** The configuration the tests use: the shipped defaults with a cheap KDF. */
fun testConfig(db: Path): TerminalConfig =
    defaultConfig(db.toString()).copy(kdfIterations = TEST_KDF_ITERATIONS)

/**
 * A terminal on a real SQLite file in its own temporary folder, with a Kotlin key
 * wrapper, an optional Kotlin host link (null: the core's simulator) and a clock the
 * test moves. Closing the fixture closes the terminal and removes the folder.
 */
class TerminalFixture(
    val host: HostLink? = null,
    val keys: KeyWrapper = AesGcmKeyWrapper.random(),
    val clock: TestClock = TestClock(),
    val adjust: (TerminalConfig) -> TerminalConfig = { it },
    /** How the terminal is opened when not with [host] (the acquirer's ISO 8583 link, say). */
    val opener: ((TerminalConfig, KeyWrapper, TestClock) -> Terminal)? = null,
) : AutoCloseable {
    val dir: Path = Files.createTempDirectory("voidguard-jvm")
    val db: Path = dir.resolve("voidguard.db")
    var terminal: Terminal = open()
        private set

    fun config(): TerminalConfig = adjust(testConfig(db))

    /** A new handle on the same files (the caller closes it). */
    fun open(keys: KeyWrapper = this.keys, host: HostLink? = this.host): Terminal =
        opener?.invoke(config(), keys, clock) ?: Terminal.openWithClock(config(), keys, host, clock)

    /**
     * Closes the terminal and opens the same files again, as after a restart. The
     * session ends with the terminal; whoever was signed in signs in again when the
     * reopened terminal lets them (a terminal that found tampering refuses it).
     */
    fun reopen(): Terminal {
        closeTerminal()
        terminal = open()
        closed = false
        signedInBeforeClose?.let { no -> runCatching { terminal.signIn(no, passwordOf(no)) } }
        signedInBeforeClose = null
        return terminal
    }

    /** Who was signed in when the terminal was last closed. */
    private var signedInBeforeClose: String? = null
    private var closed = false

    /** Closes the terminal (and its SQLite connection) and keeps the files. */
    fun closeTerminal() {
        if (!closed) signedInBeforeClose = terminal.session()?.operatorNo
        terminal.close()
        closed = true
    }

    /**
     * Activated, permitted to void and to refund (with the back office's codes), [PASSWORD] set, the
     * administrator's password set, and cashier [CASHIER] added and signed in.
     */
    fun makeReady(): TerminalFixture {
        terminal.activate(MERCHANT_NO, TERMINAL_ID, SECRET_HEX)
        redeem(RequestKind.VOID_PERMISSION)
        redeem(RequestKind.REFUND_PERMISSION)
        terminal.setVoidPassword(PASSWORD)
        signInAs(CASHIER)
        return this
    }

    /**
     * Signs out whoever is signed in and signs [operatorNo] in with their password; a
     * cashier the terminal does not know yet is added by the administrator first (whose
     * password is set first on a terminal that has none).
     */
    fun signInAs(operatorNo: String): Session {
        val t = terminal
        if (t.session() != null) t.signOut()
        val known = t.operators().filter { it.active }.map { it.operatorNo }.toSet()
        if ("99" !in known) t.setAdminPassword(ADMIN_PASSWORD)
        if (operatorNo !in known && operatorNo != "00" && operatorNo != "99") {
            t.signIn("99", ADMIN_PASSWORD)
            t.addOperator(operatorNo, CASHIER_PASSWORD)
            t.signOut()
        }
        return t.signIn(operatorNo, passwordOf(operatorNo))
    }

    /** Applies for [kind] and redeems the back office's answer. */
    fun redeem(kind: RequestKind, newPassword: String? = null): VaultStatus {
        val ticket = terminal.applyFor(kind, application())
        val code = BackOffice.approve(kind, ticket.requestCode)
        return terminal.redeemApproval(ticket.requestCode, code, newPassword)
    }

    /** A sale keyed by whoever is signed in. */
    fun sale(amount: String): Transaction = terminal.recordSale(saleRequest(amount))

    override fun close() {
        terminal.close()
        dir.toFile().deleteRecursively()
    }

    companion object {
        fun ready(
            host: HostLink? = null,
            clock: TestClock = TestClock(),
            adjust: (TerminalConfig) -> TerminalConfig = { it },
        ) = TerminalFixture(host = host, clock = clock, adjust = adjust).makeReady()
    }
}

fun saleRequest(amount: String) = SaleRequest(amount = amount, cardNumber = FULL_PAN, cardScheme = "UnionPay")

/**
 * The void of [t] as a merchant keys it: right date, amount and password. The signed-in
 * operator keys it; the supervisor's password (the void password) authorises it.
 */
fun voidOf(t: Transaction, password: String = PASSWORD) = VoidRequest(
    voucherNo = t.voucherNo,
    date = t.businessDate,
    amount = amountText(t.amount),
    password = password,
    reason = "customer_request",
)

fun lookupOf(t: Transaction) = VoidLookup(t.voucherNo, t.businessDate, amountText(t.amount))

/** Fen as the merchant reads it off the slip: 1234 → "12.34". */
fun amountText(fen: Long): String = "%d.%02d".format(fen / 100, fen % 100)

/** Every journal row, oldest first, read page by page. */
fun Terminal.allRows(pageSize: UInt = 100u): List<Transaction> {
    val rows = mutableListOf<Transaction>()
    var cursor: Long? = null
    do {
        val page = journal(JournalQuery(cursor = cursor, limit = pageSize))
        rows += page.items
        cursor = page.nextCursor
    } while (cursor != null)
    return rows.reversed()
}
