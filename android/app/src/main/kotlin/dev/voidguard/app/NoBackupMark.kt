package dev.voidguard.app

import dev.voidguard.core.KeyWrapperException
import dev.voidguard.core.RollbackMark
import java.io.File
import java.io.FileOutputStream
import java.io.IOException

/**
 * The audit high-water mark, in the app's no-backup folder: outside the database file
 * and never restored from a backup together with it. The core seals what it stores
 * here under a key only the Keystore-wrapped data key yields; this class keeps bytes.
 */
class NoBackupMark(private val file: File) : RollbackMark {
    override fun readMark(): ByteArray? = try {
        if (file.exists()) file.readBytes() else null
    } catch (e: IOException) {
        throw KeyWrapperException.Unavailable("the rollback mark cannot be read")
    }

    override fun writeMark(mark: ByteArray) {
        val tmp = File(file.path + ".tmp")
        try {
            FileOutputStream(tmp).use { out ->
                out.write(mark)
                // Synced before the rename: a crash leaves the old mark or the new one.
                out.fd.sync()
            }
            if (!tmp.renameTo(file)) throw IOException("rename failed")
        } catch (e: IOException) {
            throw KeyWrapperException.Unavailable("the rollback mark cannot be written")
        }
    }
}
