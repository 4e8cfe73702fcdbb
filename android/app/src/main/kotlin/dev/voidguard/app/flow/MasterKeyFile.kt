package dev.voidguard.app.flow

import dev.voidguard.core.InstalledMasterKey
import dev.voidguard.core.KeyAlgorithm
import dev.voidguard.core.KeyWrapper
import dev.voidguard.core.KeyWrapperException
import dev.voidguard.core.VoidGuardException
import dev.voidguard.core.installMasterKey
import dev.voidguard.core.masterKeyCheckValue
import java.io.File
import java.io.FileOutputStream
import java.io.IOException

/**
 * The terminal master key in one file, as the core's [installMasterKey] wrapped it with
 * the platform's key wrapper (the Keystore's on a terminal): the bytes here open only
 * with that wrapper's key, which never leaves the key store. The app keeps the file in
 * its no-backup folder, as a backup restored elsewhere could not open it anyway.
 */
class MasterKeyFile(private val file: File, private val keys: KeyWrapper) : MasterKeys {
    /** The wrapped key, for the core to open; null when none is installed. */
    fun wrapped(): ByteArray? = try {
        if (file.exists()) file.readBytes() else null
    } catch (e: IOException) {
        throw KeyWrapperException.Unavailable("the master key file cannot be read")
    }

    override fun installed(): InstalledMasterKey? {
        val wrapped = wrapped() ?: return null
        // One that no longer opens (the key store was reset) is as good as none: the
        // settings ask for the key again.
        return try {
            masterKeyCheckValue(keys, wrapped)
        } catch (e: VoidGuardException.MasterKeyRejected) {
            null
        }
    }

    override fun install(hex: ByteArray, algorithm: KeyAlgorithm): InstalledMasterKey {
        val installed = installMasterKey(keys, hex, algorithm)
        val tmp = File(file.path + ".tmp")
        try {
            FileOutputStream(tmp).use { out ->
                out.write(installed.wrapped)
                // Synced before the rename: a crash leaves the old key or the new one.
                out.fd.sync()
            }
            if (!tmp.renameTo(file)) throw IOException("rename failed")
        } catch (e: IOException) {
            tmp.delete()
            throw KeyWrapperException.Unavailable("the master key file cannot be written")
        }
        return installed
    }
}
