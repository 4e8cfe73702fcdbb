package dev.voidguard.jvmtests

import dev.voidguard.core.Field
import dev.voidguard.core.Problem
import dev.voidguard.core.Terminal
import dev.voidguard.core.VoidGuardException
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.nio.file.Files
import java.nio.file.attribute.PosixFilePermission
import java.sql.DriverManager

/**
 * The data key as the Kotlin side protects it: wrapped by a Kotlin [AesGcmKeyWrapper]
 * through the FFI. A database that will not open is reported with a typed error and
 * left exactly as it was.
 */
class KeysTest {
    @Test
    fun `the core hands its data key to the Kotlin wrapper and asks for it back on reopen`() {
        val keys = AesGcmKeyWrapper.random()
        TerminalFixture(keys = keys).use { f ->
            assertEquals(1, keys.wraps.get(), "a fresh database gets one data key, wrapped once")
            assertEquals(0, keys.unwraps.get())
            f.makeReady()
            f.reopen()
            assertEquals(1, keys.wraps.get())
            assertEquals(1, keys.unwraps.get())
            assertTrue(f.terminal.status().vault.passwordSet)
        }
    }

    @Test
    fun `another Kotlin key wrapper is refused as a wrong key and the file is untouched`() {
        TerminalFixture.ready().use { f ->
            f.sale("10.00")
            f.closeTerminal()
            val before = Files.readAllBytes(f.db)
            val stranger = AesGcmKeyWrapper.random()
            assertThrows<VoidGuardException.WrongKey> { f.open(keys = stranger).close() }
            assertEquals(1, stranger.unwraps.get())
            assertEquals(0, stranger.wraps.get(), "a wrong key never gets a new data key")
            assertArrayEquals(before, Files.readAllBytes(f.db))
            // The right wrapper still opens it.
            f.reopen()
            assertEquals(1, f.terminal.allRows().size)
        }
    }

    @Test
    fun `a second Terminal on an open database is refused as in use until the first closes`() {
        TerminalFixture.ready().use { f ->
            val sale = f.sale("10.00")
            assertThrows<VoidGuardException.InUse> { f.open().close() }
            f.terminal.voidTransaction(voidOf(sale))
            f.reopen()
            assertEquals(sale.voucherNo, f.terminal.findTransaction(sale.voucherNo)?.voucherNo)
        }
    }

    @Test
    fun `a key store that cannot be reached is reported with its reason`() {
        TerminalFixture.ready().use { f ->
            f.closeTerminal()
            val down = assertThrows<VoidGuardException.KeyUnavailable> {
                f.open(keys = UnavailableKeyWrapper("keystore locked until first unlock")).close()
            }
            assertEquals("keystore locked until first unlock", down.reason)
        }
    }

    @Test
    fun `a KEK kept in a file opens the database from a new wrapper object`() {
        val dir = Files.createTempDirectory("voidguard-kek")
        try {
            val kekFile = dir.resolve("voidguard.kek")
            val first = AesGcmKeyWrapper.inFile(kekFile)
            assertEquals(setOf(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(kekFile))
            TerminalFixture(keys = first).use { f ->
                f.makeReady()
                f.closeTerminal()
                val second = AesGcmKeyWrapper.inFile(kekFile)
                f.open(keys = second).use { t -> assertTrue(t.status().activated) }
                assertEquals(1, second.unwraps.get())
            }
        } finally {
            dir.toFile().deleteRecursively()
        }
    }

    @Test
    fun `a file that is not SQLite is NotADatabase and stays byte-identical`() {
        val dir = Files.createTempDirectory("voidguard-garbage")
        try {
            val file = dir.resolve("voidguard.db")
            val bytes = ("this is the merchant's shopping list, not a database\n").repeat(100).toByteArray()
            Files.write(file, bytes)
            assertThrows<VoidGuardException.NotADatabase> {
                Terminal.openWithClock(testConfig(file), AesGcmKeyWrapper.random(), null, TestClock()).close()
            }
            assertArrayEquals(bytes, Files.readAllBytes(file))
        } finally {
            dir.toFile().deleteRecursively()
        }
    }

    @Test
    fun `another application's SQLite database is ForeignDatabase and stays byte-identical`() {
        val dir = Files.createTempDirectory("voidguard-foreign")
        try {
            val file = dir.resolve("contacts.db")
            DriverManager.getConnection("jdbc:sqlite:$file").use { sql ->
                sql.createStatement().use { it.execute("CREATE TABLE contacts (name TEXT)") }
            }
            val bytes = Files.readAllBytes(file)
            assertThrows<VoidGuardException.ForeignDatabase> {
                Terminal.openWithClock(testConfig(file), AesGcmKeyWrapper.random(), null, TestClock()).close()
            }
            assertArrayEquals(bytes, Files.readAllBytes(file))
            assertFalse(Files.exists(dir.resolve("contacts.db-wal")))
        } finally {
            dir.toFile().deleteRecursively()
        }
    }

    @Test
    fun `a configuration the core refuses is an InvalidInput on Config`() {
        val dir = Files.createTempDirectory("voidguard-config")
        try {
            val refused = assertThrows<VoidGuardException.InvalidInput> {
                Terminal.open(testConfig(dir.resolve("v.db")).copy(kdfIterations = 999u), AesGcmKeyWrapper.random(), null)
                    .close()
            }
            assertEquals(Field.CONFIG, refused.field)
            assertEquals(Problem.NOT_ALLOWED, refused.problem)
            assertFalse(Files.exists(dir.resolve("v.db")), "a refused configuration creates no file")
        } finally {
            dir.toFile().deleteRecursively()
        }
    }
}
