package dev.voidguard.app.flow

import dev.voidguard.core.Field
import dev.voidguard.core.KeyAlgorithm
import dev.voidguard.core.Problem
import dev.voidguard.core.VoidGuardException
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File
import java.nio.file.Files

/** A settings flow whose master key lives in a fresh file, wrapped by an in-memory key store. */
fun settingsFlow(initial: Settings = Settings(), keys: MasterKeyFile = masterKeyFile()): SettingsFlow = SettingsFlow(initial, keys)

fun masterKeyFile(wrapper: AesGcmKeyWrapper = AesGcmKeyWrapper.random()): MasterKeyFile =
    MasterKeyFile(File(Files.createTempDirectory("voidguard-master").toFile(), "master-key.wrapped"), wrapper)

/**
 * The acquirer's host as a settings choice: its address checked by the core's rule, the
 * terminal master key typed once from the key sheet, wrapped at once and shown only by
 * its check value.
 */
class AcquirerSettingsTest {
    private val acquirer = Settings(hostChoice = HostChoice.ACQUIRER_HOST, acquirerAddress = " 10.0.0.5:5000 ")

    @Test
    fun `choosing the acquirer's host installs the typed master key and wipes what was typed`() {
        val keys = masterKeyFile()
        val flow = settingsFlow(keys = keys)
        assertNull(flow.state.must<SettingsFlow.State.Editing>().masterKey)

        val typed = MASTER_HEX.toCharArray()
        val saved = flow.on(SettingsFlow.Event.Save(acquirer, typed, KeyAlgorithm.TDES)).must<SettingsFlow.State.Saved>()
        assertEquals("10.0.0.5:5000", saved.settings.acquirerAddress)
        // openssl enc -des-ede -nopad of eight zero bytes under this key: 08D7B4FB629D0885.
        assertEquals("08D7B4FB", saved.masterKey?.checkValue)
        assertTrue(typed.all { it == '\u0000' }, "the typed digits are wiped")
        val stored = keys.wrapped()!!
        assertFalse(String(stored, Charsets.ISO_8859_1).contains(MASTER_HEX), "the file holds the key sealed")

        // Saved again without typing, the installed key stays and is shown.
        val again = settingsFlow(saved.settings, keys).on(SettingsFlow.Event.Save(saved.settings)).must<SettingsFlow.State.Saved>()
        assertEquals("08D7B4FB", again.masterKey?.checkValue)
        assertArrayEquals(stored, keys.wrapped())
        assertEquals(saved.settings, StoredSettings.read(StoredSettings.write(saved.settings)::get))
    }

    @Test
    fun `no key, a malformed key or a bad address keeps the form open and installs nothing`() {
        val keys = masterKeyFile()
        val missing = settingsFlow(keys = keys).on(SettingsFlow.Event.Save(acquirer)).must<SettingsFlow.State.Editing>()
        assertEquals(setOf(SettingsFlow.Problem.MASTER_KEY_MISSING), missing.problems)

        val short = MASTER_HEX.drop(2).toCharArray()
        val bad = settingsFlow(keys = keys).on(SettingsFlow.Event.Save(acquirer, short)).must<SettingsFlow.State.Editing>()
        assertEquals(setOf(SettingsFlow.Problem.MASTER_KEY), bad.problems)
        assertTrue(short.all { it == '\u0000' }, "a refused key is wiped too")
        assertNull(keys.wrapped())

        for (address in listOf("", "10.0.0.5", "10.0.0.5:0", "a host:5000")) {
            val typed = MASTER_HEX.toCharArray()
            val refused = settingsFlow(keys = keys)
                .on(SettingsFlow.Event.Save(acquirer.copy(acquirerAddress = address), typed))
                .must<SettingsFlow.State.Editing>()
            assertEquals(setOf(SettingsFlow.Problem.ACQUIRER_ADDRESS), refused.problems, address)
            assertNull(keys.wrapped(), "no key is installed while the form is wrong")
            assertTrue(typed.all { it == '\u0000' })
        }
    }

    @Test
    fun `an SM4 key is kept with its algorithm, and a key that no longer opens reads as none`() {
        val file = File(Files.createTempDirectory("voidguard-master").toFile(), "master-key.wrapped")
        val keys = MasterKeyFile(file, AesGcmKeyWrapper.random())
        val saved = settingsFlow(keys = keys)
            .on(SettingsFlow.Event.Save(acquirer, MASTER_HEX.toCharArray(), KeyAlgorithm.SM4))
            .must<SettingsFlow.State.Saved>()
        assertEquals(KeyAlgorithm.SM4, saved.masterKey?.algorithm)
        assertEquals(KeyAlgorithm.SM4, keys.installed()?.algorithm)

        // The key store was reset: the same file under another key store's key.
        val reset = MasterKeyFile(file, AesGcmKeyWrapper.random())
        assertNull(reset.installed())
        val again = settingsFlow(saved.settings, reset).on(SettingsFlow.Event.Save(saved.settings)).must<SettingsFlow.State.Editing>()
        assertEquals(setOf(SettingsFlow.Problem.MASTER_KEY_MISSING), again.problems)
    }

    @Test
    fun `only host-setting refusals send the merchant to the settings`() {
        assertTrue(settingsMend(Notice.Refused(VoidGuardException.MasterKeyRejected())))
        assertTrue(settingsMend(Notice.Refused(VoidGuardException.InvalidInput(Field.MASTER_KEY, Problem.EMPTY))))
        assertTrue(settingsMend(Notice.Refused(VoidGuardException.InvalidInput(Field.HOST_ADDRESS, Problem.MALFORMED))))
        assertFalse(settingsMend(Notice.Refused(VoidGuardException.WrongKey())))
        assertFalse(settingsMend(Notice.Refused(VoidGuardException.InvalidInput(Field.AMOUNT, Problem.EMPTY))))
        assertFalse(settingsMend(Notice.Unexpected))
    }

    private companion object {
        const val MASTER_HEX = "0123456789ABCDEFFEDCBA9876543210"
    }
}
