package dev.voidguard.jvmtests

import dev.voidguard.core.KeyWrapperException
import dev.voidguard.core.RollbackMark
import dev.voidguard.core.Terminal
import dev.voidguard.core.VoidGuardException
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.IOException
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption

/** The high-water mark kept by Kotlin, as the app keeps it in its no-backup folder. */
class FileMark(private val file: Path) : RollbackMark {
    var writes = 0
        private set

    override fun readMark(): ByteArray? = if (Files.exists(file)) Files.readAllBytes(file) else null

    override fun writeMark(mark: ByteArray) {
        try {
            val tmp = file.resolveSibling(file.fileName.toString() + ".tmp")
            Files.write(tmp, mark)
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE)
            writes++
        } catch (e: IOException) {
            throw KeyWrapperException.Unavailable("mark not written")
        }
    }
}

/**
 * A restored older copy of the database file is refused as rolled back, through a
 * mark the Kotlin side stores: the foreign trait crosses the FFI both ways.
 */
class RollbackMarkTest {
    private fun openMarked(f: TerminalFixture, mark: FileMark): Terminal =
        Terminal.openWithClock(f.config(), f.keys, null, f.clock, mark)

    @Test
    fun `an older copy of the database restored over the file is refused as rolled back`() {
        TerminalFixture().use { f ->
            val markFile = f.dir.resolve("voidguard.mark")
            val mark = FileMark(markFile)
            f.closeTerminal()
            openMarked(f, mark).use { t ->
                t.activate(MERCHANT_NO, TERMINAL_ID, SECRET_HEX)
            }
            assertTrue(Files.exists(markFile))
            val older = f.dir.resolve("older.db")
            Files.copy(f.db, older, StandardCopyOption.REPLACE_EXISTING)

            openMarked(f, mark).use { t ->
                val ticket = t.applyFor(dev.voidguard.core.RequestKind.VOID_PERMISSION, application())
                t.redeemApproval(ticket.requestCode, BackOffice.approve(ticket.kind, ticket.requestCode), null)
            }
            assertTrue(mark.writes >= 2, "the mark follows the commits: ${mark.writes}")

            Files.copy(older, f.db, StandardCopyOption.REPLACE_EXISTING)
            openMarked(f, mark).use { t ->
                val refused = assertThrows<VoidGuardException.RolledBack> {
                    t.setVoidPassword(PASSWORD)
                }
                assertTrue(refused.foundSeq < refused.markSeq, refused.toString())
                // The evidence stays readable.
                assertTrue(t.verifyAudit().ok)
                assertEquals(true, t.status().activated)
            }
        }
    }

    @Test
    fun `a deleted mark is refused once a database insisted on one`() {
        TerminalFixture().use { f ->
            val markFile = f.dir.resolve("voidguard.mark")
            val mark = FileMark(markFile)
            f.closeTerminal()
            openMarked(f, mark).use { t -> t.activate(MERCHANT_NO, TERMINAL_ID, SECRET_HEX) }
            Files.delete(markFile)
            openMarked(f, mark).use { t ->
                assertThrows<VoidGuardException.MarkMissing> { t.setVoidPassword(PASSWORD) }
            }
        }
    }
}
