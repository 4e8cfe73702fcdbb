package dev.voidguard.app

import android.app.Application
import android.content.pm.PackageManager
import android.os.Build
import dev.voidguard.app.flow.HostChoice
import dev.voidguard.app.flow.Leftovers
import dev.voidguard.app.flow.MasterKeyFile
import dev.voidguard.app.flow.PaymentAppExchange
import dev.voidguard.app.flow.PaymentAppRoute
import dev.voidguard.app.flow.Settings
import dev.voidguard.app.flow.TerminalTime
import dev.voidguard.core.Clock
import dev.voidguard.core.Field
import dev.voidguard.core.HostLink
import dev.voidguard.core.Problem
import dev.voidguard.core.Terminal
import dev.voidguard.core.VoidGuardException
import dev.voidguard.core.defaultAcquirerHost
import dev.voidguard.core.defaultConfig
import java.io.File
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors

/**
 * Holds the one [Terminal] of the app and the thread every core call runs on. The
 * terminal is opened on first use with the Keystore key wrapper and the host link the
 * settings choose, and reopened when that choice changes.
 */
class VoidGuardApp : Application() {
    /** Where the payment-app host link and its bridge activity meet. */
    val exchange = PaymentAppExchange()

    private val core: ExecutorService = Executors.newSingleThreadExecutor { r -> Thread(r, "voidguard-core") }
    private lateinit var store: SettingsStore

    @Volatile private var opened: Opened? = null

    @Volatile private var databaseName: String = DATABASE

    private class Opened(
        val terminal: Terminal,
        val host: HostLink?,
        val voidReasons: List<String>,
        val refundReasons: List<String>,
    )

    override fun onCreate() {
        super.onCreate()
        store = SettingsStore(this)
    }

    /** The Keystore's wrapper of the data key and the master key, in StrongBox where the terminal has one. */
    private val keys: KeystoreKeyWrapper by lazy {
        val strongBox = Build.VERSION.SDK_INT >= Build.VERSION_CODES.P &&
            packageManager.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE)
        KeystoreKeyWrapper(strongBox)
    }

    /** The terminal master key of the acquirer's host, wrapped by [keys]. */
    val masterKeys: MasterKeyFile by lazy { MasterKeyFile(File(noBackupFilesDir, MASTER_KEY), keys) }

    val settings: Settings
        get() = store.load()

    /** Runs [task] on the core thread, after everything submitted before it. */
    fun submit(task: () -> Unit) {
        core.execute(task)
    }

    /** The terminal, opened on first use. Core thread only. */
    fun terminal(): Terminal = current().terminal

    /** The configured void reasons of the open terminal. Core thread only. */
    fun voidReasons(): List<String> = current().voidReasons

    /** The refund reason codes the core is configured with. Core thread only. */
    fun refundReasons(): List<String> = current().refundReasons

    /** Whether the acquirer's payment app does the host legs (else the built-in simulator). Core thread only. */
    fun viaPaymentApp(): Boolean = current().host != null

    /**
     * The core's clock from the next opening: null for the wall clock; the screen
     * renders fix it so their images are the same on every run. Core thread only.
     */
    var clock: Clock? = null

    /** Saves the settings; the terminal is reopened with them on next use. Core thread only. */
    fun saveSettings(settings: Settings) {
        store.save(settings)
        close()
    }

    /**
     * Points the app at another database file in its files folder (the instrumentation
     * tests give each test a fresh one). Core thread only.
     */
    fun useDatabase(name: String) {
        require(name.isNotBlank() && !name.contains('/')) { "a file name in the app's folder" }
        close()
        databaseName = name
    }

    private fun current(): Opened = opened ?: open().also { opened = it }

    private fun open(): Opened {
        val settings = store.load()
        val config = defaultConfig(File(filesDir, databaseName).path)
        TerminalTime.offsetMinutes = config.utcOffsetMinutes
        // The dialect the settings chose is the one the host link speaks.
        val host: HostLink? = PaymentAppRoute.of(settings, packageName, TransIdKeyStore(this)::key)?.let { PaymentAppHostLink(this, it, exchange) }
        val mark = NoBackupMark(File(noBackupFilesDir, "$databaseName.mark"))
        val fixed = clock
        val terminal = when {
            settings.hostChoice == HostChoice.ACQUIRER_HOST -> {
                // The settings let the acquirer be chosen only with a key installed; a
                // file gone since is said as the key missing, and the settings stay open.
                val wrapped = masterKeys.wrapped() ?: throw VoidGuardException.InvalidInput(Field.MASTER_KEY, Problem.EMPTY)
                Terminal.openWithAcquirer(config, keys, defaultAcquirerHost(settings.acquirerAddress), wrapped, fixed, mark)
            }
            fixed != null -> Terminal.openWithClock(config, keys, host, fixed, mark)
            else -> Terminal.open(config, keys, host, mark)
        }
        if (settings.hostChoice == HostChoice.SIMULATOR) terminal.setSimulatorMode(settings.simulatorMode)
        // After whatever asked for the terminal, on the same thread: what the last run
        // left with the host is reversed or confirmed first.
        core.execute { Leftovers.reconcileAtStart(terminal) }
        return Opened(terminal, host, config.voidReasons, config.refundReasons)
    }

    private fun close() {
        opened?.terminal?.close()
        opened = null
    }

    companion object {
        const val DATABASE = "voidguard.db"
        const val MASTER_KEY = "master-key.wrapped"
    }
}
