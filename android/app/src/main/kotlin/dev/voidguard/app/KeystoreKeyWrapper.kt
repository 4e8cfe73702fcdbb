package dev.voidguard.app

import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import dev.voidguard.core.KeyWrapper
import dev.voidguard.core.KeyWrapperException
import java.security.GeneralSecurityException
import java.security.KeyStore
import java.security.ProviderException
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * Wraps the core's data key with an AES-256-GCM key that lives in the Android Keystore
 * and never leaves it (non-exportable by construction; in StrongBox where the terminal
 * has one). A wrapped key is `version (1) || IV (12) || ciphertext || tag (16)`; the
 * Keystore chooses the IV. Anything that does not authenticate is [KeyWrapperException.Rejected].
 */
class KeystoreKeyWrapper(
    /** PackageManager.FEATURE_STRONGBOX_KEYSTORE: the terminal has a StrongBox secure element. */
    private val strongBox: Boolean,
    private val alias: String = ALIAS,
) : KeyWrapper {
    override fun wrapKey(key: ByteArray): ByteArray = try {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, keystoreKey() ?: createKey())
        cipher.updateAAD(AAD)
        val sealed = cipher.doFinal(key)
        byteArrayOf(VERSION) + cipher.iv + sealed
    } catch (e: GeneralSecurityException) {
        throw KeyWrapperException.Unavailable(e.javaClass.simpleName)
    } catch (e: ProviderException) {
        throw KeyWrapperException.Unavailable(e.javaClass.simpleName)
    } finally {
        key.fill(0)
    }

    override fun unwrapKey(wrapped: ByteArray): ByteArray {
        if (wrapped.size < 1 + IV_BYTES + TAG_BITS / 8 || wrapped[0] != VERSION) throw KeyWrapperException.Rejected()
        val secret = try {
            keystoreKey()
        } catch (e: GeneralSecurityException) {
            throw KeyWrapperException.Unavailable(e.javaClass.simpleName)
        } ?: throw KeyWrapperException.Unavailable("the Keystore key is missing")
        return try {
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.DECRYPT_MODE, secret, GCMParameterSpec(TAG_BITS, wrapped, 1, IV_BYTES))
            cipher.updateAAD(AAD)
            cipher.doFinal(wrapped, 1 + IV_BYTES, wrapped.size - 1 - IV_BYTES)
        } catch (e: AEADBadTagException) {
            throw KeyWrapperException.Rejected()
        } catch (e: GeneralSecurityException) {
            throw KeyWrapperException.Unavailable(e.javaClass.simpleName)
        }
    }

    private fun keystoreKey(): SecretKey? {
        val store = KeyStore.getInstance(PROVIDER).apply { load(null) }
        return store.getKey(alias, null) as? SecretKey
    }

    private fun createKey(): SecretKey {
        // StrongBox (API 28+) where the terminal has one; a terminal that claims it but
        // cannot make the key falls back to the TEE-backed Keystore.
        if (strongBox && Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) {
            try {
                return generate(strongBox = true)
            } catch (e: ProviderException) {
                // StrongBoxUnavailableException is a ProviderException.
            }
        }
        return generate(strongBox = false)
    }

    private fun generate(strongBox: Boolean): SecretKey {
        val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setKeySize(256)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setRandomizedEncryptionRequired(true)
        if (strongBox && Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) spec.setIsStrongBoxBacked(true)
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, PROVIDER)
        generator.init(spec.build())
        return generator.generateKey()
    }

    private companion object {
        const val ALIAS = "voidguard.data-key-wrapper"
        const val PROVIDER = "AndroidKeyStore"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val VERSION: Byte = 1
        const val IV_BYTES = 12
        const val TAG_BITS = 128
        val AAD = "voidguard data key v1".toByteArray(Charsets.UTF_8)
    }
}
