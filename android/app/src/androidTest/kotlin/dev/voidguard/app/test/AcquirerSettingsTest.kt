package dev.voidguard.app.test

import dev.voidguard.app.HomeActivity
import dev.voidguard.app.R
import dev.voidguard.app.SaleActivity
import dev.voidguard.app.SettingsActivity
import dev.voidguard.app.VoidGuardApp
import dev.voidguard.testsupport.*
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import java.io.File

/**
 * The acquirer's host (ISO 8583) chosen on the settings screen: the terminal master key
 * is typed once, kept only wrapped by the Keystore and shown by its check value; a
 * terminal whose key file is gone says so and leads back to the settings.
 */
class AcquirerSettingsTest : MerchantTest() {
    private val keyFile: File
        get() = File(d.app.noBackupFilesDir, VoidGuardApp.MASTER_KEY)

    @After
    fun removeKey() {
        keyFile.delete()
    }

    @Test
    fun theMasterKeyIsTypedOnceAndShownOnlyByItsCheckValue() {
        keyFile.delete()
        val s = d.launch(SettingsActivity::class.java)
        d.tap(s, R.id.host_acquirer)
        d.type(s, R.id.field_acquirer_address, "127.0.0.1:9")
        d.tap(s, R.id.action_save)
        assertTrue(d.screenText(s), d.screenText(s).contains(s.getString(R.string.settings_problem_master_key_missing)))
        assertEquals("the address typed stays", "127.0.0.1:9", d.text(s, R.id.field_acquirer_address))

        d.type(s, R.id.field_master_key, MASTER_HEX)
        d.tap(s, R.id.action_save)
        d.find(s, R.id.settings_saved)
        assertTrue("the key is kept wrapped", keyFile.exists())
        assertFalse(String(keyFile.readBytes(), Charsets.ISO_8859_1).contains(MASTER_HEX))
        d.finishAll()

        val again = d.launch(SettingsActivity::class.java)
        // openssl enc -des-ede -nopad of eight zero bytes under this key: 08D7B4FB629D0885.
        assertTrue(d.text(again, R.id.master_key_status), d.text(again, R.id.master_key_status).contains("08D7B4FB"))
        assertEquals("the key is never shown again", "", d.text(again, R.id.field_master_key))
        assertFalse(d.screenText(again).contains(MASTER_HEX))
        d.finishAll()

        // The terminal opens on the acquirer's link (nothing is sent before a leg), and
        // the sale screen says the terminal itself asks the acquirer's host.
        d.signInAs(CASHIER, CASHIER_PASSWORD)
        val sale = d.launch(SaleActivity::class.java)
        assertTrue(d.screenText(sale), d.screenText(sale).contains(sale.getString(R.string.sale_acquirer_help)))
    }

    @Test
    fun aTerminalWhoseMasterKeyIsGoneLeadsBackToTheSettings() {
        val s = d.launch(SettingsActivity::class.java)
        d.tap(s, R.id.host_acquirer)
        d.type(s, R.id.field_acquirer_address, "127.0.0.1:9")
        d.type(s, R.id.field_master_key, MASTER_HEX)
        d.tap(s, R.id.action_save)
        d.find(s, R.id.settings_saved)
        d.finishAll()

        keyFile.delete()
        d.reopenTerminal()
        val home = d.launch(HomeActivity::class.java)
        val shown = d.screenText(home)
        assertTrue(shown, shown.contains(home.getString(R.string.field_master_key)))
        val settings = d.expect(SettingsActivity::class.java) { d.tap(home, R.id.menu_settings) }
        assertTrue(d.screenText(settings).contains(settings.getString(R.string.settings_master_key_none)))
    }

    private companion object {
        const val MASTER_HEX = "0123456789ABCDEFFEDCBA9876543210"
    }
}
