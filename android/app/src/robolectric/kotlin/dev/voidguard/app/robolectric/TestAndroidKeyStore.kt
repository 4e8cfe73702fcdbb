package dev.voidguard.app.robolectric

import java.security.Key
import java.security.KeyStore
import java.security.KeyStoreSpi
import java.security.Provider
import java.security.SecureRandom
import java.security.cert.Certificate
import java.security.spec.AlgorithmParameterSpec
import java.util.Collections
import java.util.Date
import java.util.Enumeration
import java.util.concurrent.ConcurrentHashMap
import javax.crypto.KeyGenerator
import javax.crypto.KeyGeneratorSpi
import javax.crypto.SecretKey

/**
 * Stands in for the platform's AndroidKeyStore provider, which Robolectric does not have:
 * AES keys made by `KeyGenerator.getInstance("AES", "AndroidKeyStore")` from a
 * KeyGenParameterSpec and kept, in memory, under its alias. Test-only; it lives outside
 * Robolectric's sandbox, so it reads the spec by reflection.
 */
class TestAndroidKeyStore : Provider(NAME, "1.0", "in-memory stand-in for AndroidKeyStore, for tests") {
    init {
        put("KeyStore.$NAME", Store::class.java.name)
        put("KeyGenerator.AES", Generator::class.java.name)
    }

    class Store : KeyStoreSpi() {
        override fun engineLoad(param: KeyStore.LoadStoreParameter?) = Unit
        override fun engineLoad(stream: java.io.InputStream?, password: CharArray?) = Unit
        override fun engineGetKey(alias: String, password: CharArray?): Key? = keys[alias]
        override fun engineContainsAlias(alias: String) = keys.containsKey(alias)
        override fun engineIsKeyEntry(alias: String) = keys.containsKey(alias)
        override fun engineDeleteEntry(alias: String) {
            keys.remove(alias)
        }
        override fun engineAliases(): Enumeration<String> = Collections.enumeration(keys.keys.toList())
        override fun engineSize() = keys.size
        override fun engineGetCreationDate(alias: String): Date? = if (keys.containsKey(alias)) Date(0) else null
        override fun engineGetCertificate(alias: String): Certificate? = null
        override fun engineGetCertificateChain(alias: String): Array<Certificate>? = null
        override fun engineIsCertificateEntry(alias: String) = false
        override fun engineGetCertificateAlias(cert: Certificate): String? = null
        override fun engineSetKeyEntry(alias: String, key: Key, password: CharArray?, chain: Array<out Certificate>?) =
            throw UnsupportedOperationException("keys are only made by the key generator, as in AndroidKeyStore")
        override fun engineSetKeyEntry(alias: String, key: ByteArray, chain: Array<out Certificate>?) =
            throw UnsupportedOperationException("keys are only made by the key generator, as in AndroidKeyStore")
        override fun engineSetCertificateEntry(alias: String, cert: Certificate) = throw UnsupportedOperationException()
        override fun engineStore(stream: java.io.OutputStream?, password: CharArray?) = throw UnsupportedOperationException()
    }

    class Generator : KeyGeneratorSpi() {
        private var alias: String? = null
        private var bits = 0

        override fun engineInit(random: SecureRandom?) = throw IllegalStateException("a KeyGenParameterSpec is required")
        override fun engineInit(keysize: Int, random: SecureRandom?) = throw IllegalStateException("a KeyGenParameterSpec is required")

        override fun engineInit(params: AlgorithmParameterSpec, random: SecureRandom?) {
            val spec = params.javaClass
            alias = spec.getMethod("getKeystoreAlias").invoke(params) as String
            bits = spec.getMethod("getKeySize").invoke(params) as Int
        }

        override fun engineGenerateKey(): SecretKey {
            val name = alias ?: throw IllegalStateException("not initialised")
            val generator = KeyGenerator.getInstance("AES", "SunJCE")
            generator.init(bits)
            return generator.generateKey().also { keys[name] = it }
        }
    }

    companion object {
        const val NAME = "AndroidKeyStore"
        private val keys = ConcurrentHashMap<String, SecretKey>()
    }
}
