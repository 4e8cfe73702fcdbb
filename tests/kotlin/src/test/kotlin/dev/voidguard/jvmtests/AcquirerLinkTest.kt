package dev.voidguard.jvmtests

import dev.voidguard.core.Field
import dev.voidguard.core.InstalledMasterKey
import dev.voidguard.core.KeyAlgorithm
import dev.voidguard.core.LegState
import dev.voidguard.core.Problem
import dev.voidguard.core.Terminal
import dev.voidguard.core.TransactionStatus
import dev.voidguard.core.VoidGuardException
import dev.voidguard.core.checkAcquirerHost
import dev.voidguard.core.defaultAcquirerHost
import dev.voidguard.core.installMasterKey
import dev.voidguard.core.masterKeyCheckValue
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * The app's way to the acquirer without a payment app: the core's ISO 8583 link, its
 * master key entered once and kept wrapped by the platform's key wrapper, against the
 * workspace's acquirer host (`voidguard-host`) run as a separate process on loopback.
 */
class AcquirerLinkTest {
    /** The acquirer's host process, its ledger kept in [dir] across restarts. */
    private class AcquirerProcess(private val dir: Path, listen: String = "127.0.0.1:0") : AutoCloseable {
        private val process: Process
        val address: String

        init {
            val keyFile = dir.resolve("master.key")
            if (!Files.exists(keyFile)) Files.writeString(keyFile, MASTER_HEX)
            val binary = System.getProperty("voidguard.host") ?: error("-Dvoidguard.host names no voidguard-host binary")
            process = ProcessBuilder(
                binary, "--listen", listen,
                "--master-key-file", keyFile.toString(),
                "--ledger", dir.resolve("ledger.db").toString(),
            ).redirectErrorStream(true).start()
            val first = process.inputStream.bufferedReader().readLine() ?: error("the host exited: ${process.waitFor()}")
            address = first.substringAfter("listening on ", "").trim().also { require(it.isNotEmpty()) { first } }
        }

        override fun close() {
            process.destroy()
            process.waitFor(10, TimeUnit.SECONDS)
        }
    }

    private fun install(keys: AesGcmKeyWrapper): InstalledMasterKey =
        installMasterKey(keys, MASTER_HEX.toByteArray(Charsets.US_ASCII), KeyAlgorithm.TDES)

    private fun acquirerTerminal(address: String, keys: AesGcmKeyWrapper, wrapped: ByteArray): TerminalFixture =
        TerminalFixture(keys = keys, opener = { config, k, clock ->
            Terminal.openWithAcquirer(config, k, defaultAcquirerHost(address), wrapped, clock, null)
        }).makeReady()

    @Test
    fun `the master key is wrapped once and its check value is the key sheet's`() {
        val keys = AesGcmKeyWrapper.random()
        val installed = install(keys)
        // openssl enc -des-ede -nopad of eight zero bytes under this key: 08D7B4FB629D0885.
        assertEquals("08D7B4FB", installed.checkValue)
        assertEquals(KeyAlgorithm.TDES, installed.algorithm)
        assertEquals(1, keys.wraps.get())
        assertFalse(String(installed.wrapped, Charsets.ISO_8859_1).contains(MASTER_HEX), "the stored form is sealed")
        val shown = masterKeyCheckValue(keys, installed.wrapped)
        assertEquals(installed.checkValue to installed.algorithm, shown.checkValue to shown.algorithm)
        val sm4 = installMasterKey(keys, MASTER_HEX.toByteArray(), KeyAlgorithm.SM4)
        assertEquals(KeyAlgorithm.SM4, masterKeyCheckValue(keys, sm4.wrapped).algorithm)
        assertTrue(sm4.checkValue != installed.checkValue, "SM4 and 3DES check values of one key differ")
    }

    @Test
    fun `a sale, its void and the settlement go to the acquirer's host over ISO 8583`() {
        val dir = Files.createTempDirectory("voidguard-acquirer")
        try {
            AcquirerProcess(dir).use { host ->
                val keys = AesGcmKeyWrapper.random()
                acquirerTerminal(host.address, keys, install(keys).wrapped).use { f ->
                    val shoes = f.sale("230.00")
                    val socks = f.sale("19.90")
                    assertEquals(12, shoes.rrn.length)
                    assertEquals(6, shoes.authCode.length)
                    assertTrue(shoes.rrn != socks.rrn, "the host numbers each sale")

                    val void = f.terminal.voidTransaction(voidOf(shoes))
                    assertEquals(LegState.APPROVED, void.state)
                    assertEquals(TransactionStatus.VOIDED, void.original.status)

                    val report = f.terminal.settle()
                    assertEquals(1990L, report.netTotal)
                    assertEquals(1u, report.voidCount)
                    assertTrue(f.terminal.verifyAudit().ok)
                }
            }
        } finally {
            dir.toFile().deleteRecursively()
        }
    }

    @Test
    fun `a void sent while the host is down is reversed once the host is back, then voids again`() {
        val dir = Files.createTempDirectory("voidguard-acquirer")
        try {
            val keys = AesGcmKeyWrapper.random()
            val wrapped = install(keys).wrapped
            // The first run picks a free port; the host comes back on the same one.
            val address = AcquirerProcess(dir).use { it.address }
            var host = AcquirerProcess(dir, address)
            acquirerTerminal(address, keys, wrapped).use { f ->
                val sale = f.sale("64.00")
                host.close()
                assertThrows<VoidGuardException.HostUnreachable> { f.terminal.voidTransaction(voidOf(sale)) }
                assertEquals(TransactionStatus.APPROVED, f.terminal.findTransaction(sale.voucherNo)?.status)
                assertEquals(1u, f.terminal.status().pendingHostWork)

                host = AcquirerProcess(dir, address)
                val report = f.terminal.reconcile()
                assertEquals(1u, report.reversed)
                assertTrue(f.terminal.pendingHostWork().isEmpty())
                val again = f.terminal.voidTransaction(voidOf(sale))
                assertEquals(LegState.APPROVED, again.state)
            }
            host.close()
        } finally {
            dir.toFile().deleteRecursively()
        }
    }

    @Test
    fun `another wrapper's or an edited master key, a bad key text and a bad address are refused`() {
        val keys = AesGcmKeyWrapper.random()
        val installed = install(keys)
        val dir = Files.createTempDirectory("voidguard-acquirer")
        try {
            val config = testConfig(dir.resolve("voidguard.db"))
            val host = defaultAcquirerHost("127.0.0.1:9")
            assertThrows<VoidGuardException.MasterKeyRejected> {
                Terminal.openWithAcquirer(config, AesGcmKeyWrapper.random(), host, installed.wrapped, TestClock(), null)
            }
            val edited = installed.wrapped.copyOf().also { it[it.size - 1] = (it[it.size - 1].toInt() xor 1).toByte() }
            assertThrows<VoidGuardException.MasterKeyRejected> {
                Terminal.openWithAcquirer(config, keys, host, edited, TestClock(), null)
            }
            assertFalse(Files.exists(dir.resolve("voidguard.db")), "nothing is created before the key opens")

            val before = keys.wraps.get()
            for ((text, problem) in listOf(MASTER_HEX.drop(1) to Problem.WRONG_LENGTH, MASTER_HEX.replaceFirst('0', 'G') to Problem.MALFORMED)) {
                val bad = assertThrows<VoidGuardException.InvalidInput> {
                    installMasterKey(keys, text.toByteArray(), KeyAlgorithm.TDES)
                }
                assertEquals(Field.MASTER_KEY to problem, bad.field to bad.problem)
                assertFalse(bad.message.orEmpty().contains(text), "the key text is in no message")
            }
            assertEquals(before, keys.wraps.get(), "a refused key is not wrapped")

            for (address in listOf("", "no-port", "10.0.0.5:0", "10.0.0.5:70000", "bad host:5000")) {
                val bad = assertThrows<VoidGuardException.InvalidInput> { checkAcquirerHost(defaultAcquirerHost(address)) }
                assertEquals(Field.HOST_ADDRESS, bad.field, address)
                assertThrows<VoidGuardException.InvalidInput> {
                    Terminal.openWithAcquirer(config, keys, defaultAcquirerHost(address), installed.wrapped, TestClock(), null)
                }
            }
            checkAcquirerHost(defaultAcquirerHost("tcp://acquirer.example:5000"))
            val slow = assertThrows<VoidGuardException.InvalidInput> {
                checkAcquirerHost(defaultAcquirerHost("10.0.0.5:5000").copy(readTimeoutMs = 0u))
            }
            assertEquals(Field.CONFIG to Problem.ZERO, slow.field to slow.problem)
        } finally {
            dir.toFile().deleteRecursively()
        }
    }

    companion object {
        /** A test master key, known in the open: the host reads it from its own key file. */
        const val MASTER_HEX = "0123456789ABCDEFFEDCBA9876543210"
    }
}
