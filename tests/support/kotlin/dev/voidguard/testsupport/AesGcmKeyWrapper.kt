package dev.voidguard.testsupport

import dev.voidguard.core.KeyWrapper
import dev.voidguard.core.KeyWrapperException
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions
import java.security.GeneralSecurityException
import java.security.SecureRandom
import java.util.concurrent.atomic.AtomicInteger
import javax.crypto.Cipher
import javax.crypto.spec.GCMParameterSpec
import javax.crypto.spec.SecretKeySpec

/**
 * The platform's side of the data key, as the Android app does it with the Keystore:
 * a 256-bit key-encryption key (KEK) that never leaves this object seals the core's
 * data key with AES-256-GCM. A wrapped key is `nonce (12) || ciphertext || tag (16)`.
 * Anything that does not authenticate is answered with [KeyWrapperException.Rejected],
 * which the core reports as a wrong key.
 */
class AesGcmKeyWrapper private constructor(kek: ByteArray) : KeyWrapper {
    private val kek = SecretKeySpec(kek.copyOf(), "AES")

    /** How often the core called across the FFI into this object. */
    val wraps = AtomicInteger()
    val unwraps = AtomicInteger()

    override fun wrapKey(key: ByteArray): ByteArray {
        wraps.incrementAndGet()
        val nonce = ByteArray(NONCE_BYTES).also(random::nextBytes)
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, kek, GCMParameterSpec(TAG_BITS, nonce))
        cipher.updateAAD(AAD)
        val sealed = cipher.doFinal(key)
        key.fill(0)
        return nonce + sealed
    }

    override fun unwrapKey(wrapped: ByteArray): ByteArray {
        unwraps.incrementAndGet()
        if (wrapped.size < NONCE_BYTES + TAG_BITS / 8) throw KeyWrapperException.Rejected()
        return try {
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(
                Cipher.DECRYPT_MODE,
                kek,
                GCMParameterSpec(TAG_BITS, wrapped, 0, NONCE_BYTES),
            )
            cipher.updateAAD(AAD)
            cipher.doFinal(wrapped, NONCE_BYTES, wrapped.size - NONCE_BYTES)
        } catch (e: GeneralSecurityException) {
            // AEADBadTagException: another KEK sealed it, or the bytes were changed.
            throw KeyWrapperException.Rejected()
        }
    }

    companion object {
        private const val TRANSFORMATION = "AES/GCM/NoPadding"
        private const val NONCE_BYTES = 12
        private const val TAG_BITS = 128
        private val AAD = "voidguard jvm key wrap v1".toByteArray(Charsets.UTF_8)
        private val random = SecureRandom()

        /** A fresh random KEK held only in memory. */
        fun random(): AesGcmKeyWrapper = AesGcmKeyWrapper(ByteArray(32).also(random::nextBytes))

        /**
         * The KEK kept in [file] (owner read/write only), created on first use, as the
         * desktop keeps its key file.
         */
        fun inFile(file: Path): AesGcmKeyWrapper {
            if (!Files.exists(file)) {
                Files.createFile(
                    file,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")),
                )
                Files.write(file, ByteArray(32).also(random::nextBytes))
            }
            val kek = Files.readAllBytes(file)
            require(kek.size == 32) { "a KEK file holds 32 bytes" }
            return AesGcmKeyWrapper(kek).also { kek.fill(0) }
        }
    }
}

/** A key store that cannot be reached (a locked Keystore, a missing key). */
class UnavailableKeyWrapper(private val reason: String) : KeyWrapper {
    override fun wrapKey(key: ByteArray): ByteArray = throw KeyWrapperException.Unavailable(reason)
    override fun unwrapKey(wrapped: ByteArray): ByteArray = throw KeyWrapperException.Unavailable(reason)
}
