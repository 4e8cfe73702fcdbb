package dev.voidguard.app.flow

import dev.voidguard.core.Field
import dev.voidguard.core.InstalledMasterKey
import dev.voidguard.core.KeyAlgorithm
import dev.voidguard.core.SimulatorMode
import dev.voidguard.core.VoidGuardException
import dev.voidguard.core.checkAcquirerHost
import dev.voidguard.core.defaultAcquirerHost

/** Which HostLink carries the void's card leg. */
enum class HostChoice {
    /** The core's built-in simulated acquirer (the default). */
    SIMULATOR,

    /** The acquirer's payment app on the terminal, spoken to in its [PaymentAppChoice]. */
    PAYMENT_APP,

    /**
     * The acquirer's host itself, in ISO 8583 (the UnionPay POS dialect) over TCP: the
     * core's own link, with the terminal master key the platform keeps wrapped.
     */
    ACQUIRER_HOST,
}

/** Which payment app's dialect the host link speaks. */
enum class PaymentAppChoice {
    /** 星POS-style apps ([PaymentAppProtocol]): an explicit Intent to a package and activity (the default). */
    STAR_POS,

    /** Sunmi's L3 ([SunmiL3Protocol]): its implicit action inside one package; the answer also comes as a broadcast. */
    SUNMI_L3,
}

/** The terminal's local settings; kept by the UI layer, checked here. */
data class Settings(
    val hostChoice: HostChoice = HostChoice.SIMULATOR,
    val simulatorMode: SimulatorMode = SimulatorMode.APPROVE,
    val paymentAppPackage: String = PaymentAppProtocol.DEFAULT_PACKAGE,
    val paymentAppActivity: String = PaymentAppProtocol.DEFAULT_ACTIVITY,
    val paymentApp: PaymentAppChoice = PaymentAppChoice.STAR_POS,
    /** L3's package: it is reached by [SunmiL3Protocol.ACTION] inside it, so no activity is named. */
    val sunmiPackage: String = SunmiL3Protocol.DEFAULT_PACKAGE,
    /** The acquirer's host, `host:port`; its timeouts are the core's defaults. */
    val acquirerAddress: String = "",
)

/**
 * Where the terminal master key is kept: wrapped by the platform's key wrapper, never
 * in [Settings]. The UI layer keeps the wrapped bytes in a file; tests keep them in memory.
 */
interface MasterKeys {
    /** The installed key's check value and algorithm; null when none is installed (or it no longer opens). */
    fun installed(): InstalledMasterKey?

    /**
     * Wraps and keeps the key typed as [hex] (ASCII hex digits), replacing any other.
     * Throws the core's refusal for a malformed key; nothing is kept then.
     */
    fun install(hex: ByteArray, algorithm: KeyAlgorithm): InstalledMasterKey
}

/**
 * The settings screen: edit, check, save. A master key typed with a save is installed
 * (wrapped at once, the typed digits wiped) only when the rest of the form is right.
 */
class SettingsFlow(initial: Settings, private val masterKeys: MasterKeys) {
    enum class Problem {
        PAYMENT_APP_PACKAGE,
        PAYMENT_APP_ACTIVITY,
        SUNMI_PACKAGE,
        ACQUIRER_ADDRESS,

        /** The typed master key is not 32 hex digits. */
        MASTER_KEY,

        /** The acquirer's host is chosen and no master key is installed or typed. */
        MASTER_KEY_MISSING,
    }

    sealed interface State {
        /** [masterKey]: the installed key's check value and algorithm, to compare with the key sheet. */
        data class Editing(
            val settings: Settings,
            val problems: Set<Problem> = emptySet(),
            val masterKey: InstalledMasterKey? = null,
        ) : State
        data class Saved(val settings: Settings, val masterKey: InstalledMasterKey? = null) : State
    }

    sealed interface Event {
        /**
         * [masterKey]: a key typed from the key sheet, of [algorithm], or null to keep
         * the installed one. The flow wipes it.
         */
        class Save(
            val settings: Settings,
            val masterKey: CharArray? = null,
            val algorithm: KeyAlgorithm = KeyAlgorithm.TDES,
        ) : Event

        /** A choice changed before saving (the payment app's dialect, say): the form shows what it needs, unchecked. */
        data class Change(val settings: Settings) : Event
        data object Edit : Event
    }

    var state: State = State.Editing(initial, masterKey = masterKeys.installed())
        private set

    fun on(event: Event): State {
        val next = when (event) {
            is Event.Save -> save(event)
            is Event.Change -> State.Editing(event.settings, masterKey = masterKeys.installed())
            Event.Edit -> when (val s = state) {
                is State.Saved -> State.Editing(s.settings, masterKey = s.masterKey)
                is State.Editing -> s
            }
        }
        state = next
        return next
    }

    private fun save(event: Event.Save): State {
        val typed = event.masterKey
        try {
            val s = event.settings.copy(
                paymentAppPackage = event.settings.paymentAppPackage.trim(),
                paymentAppActivity = event.settings.paymentAppActivity.trim(),
                sunmiPackage = event.settings.sunmiPackage.trim(),
                acquirerAddress = event.settings.acquirerAddress.trim(),
            )
            val problems = problemsOf(s).toMutableSet()
            var key = masterKeys.installed()
            val keyed = typed?.takeIf { t -> t.any { !it.isWhitespace() } }
            if (s.hostChoice == HostChoice.ACQUIRER_HOST && problems.isEmpty()) {
                if (keyed != null) {
                    val bytes = ByteArray(keyed.size) { i -> keyed[i].code.toByte() }
                    try {
                        key = masterKeys.install(bytes, event.algorithm)
                    } catch (e: VoidGuardException.InvalidInput) {
                        if (e.field != Field.MASTER_KEY) throw e
                        problems += Problem.MASTER_KEY
                    } finally {
                        bytes.fill(0)
                    }
                } else if (key == null) {
                    problems += Problem.MASTER_KEY_MISSING
                }
            }
            return if (problems.isEmpty()) State.Saved(s, key) else State.Editing(s, problems, key)
        } finally {
            typed?.fill('\u0000')
        }
    }

    companion object {
        private val JAVA_NAME = Regex("""[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+""")

        /** What is wrong with [s] alone; the address is checked by the core's rule, the one the link applies. */
        fun problemsOf(s: Settings): Set<Problem> = buildSet {
            when (s.hostChoice) {
                HostChoice.SIMULATOR -> Unit
                HostChoice.PAYMENT_APP -> when (s.paymentApp) {
                    PaymentAppChoice.STAR_POS -> {
                        if (!JAVA_NAME.matches(s.paymentAppPackage)) add(Problem.PAYMENT_APP_PACKAGE)
                        if (!JAVA_NAME.matches(s.paymentAppActivity)) add(Problem.PAYMENT_APP_ACTIVITY)
                    }
                    // L3 is found by its action inside the package; only the package is asked for.
                    PaymentAppChoice.SUNMI_L3 -> if (!JAVA_NAME.matches(s.sunmiPackage)) add(Problem.SUNMI_PACKAGE)
                }
                HostChoice.ACQUIRER_HOST -> try {
                    checkAcquirerHost(defaultAcquirerHost(s.acquirerAddress))
                } catch (e: VoidGuardException.InvalidInput) {
                    add(Problem.ACQUIRER_ADDRESS)
                }
            }
        }
    }
}

/**
 * Whether the settings mend what kept the terminal from opening: the acquirer's master
 * key gone or no longer opening, or its address refused. The settings screen needs no
 * open terminal, so the home screen offers it then.
 */
fun settingsMend(notice: Notice): Boolean = when (val e = notice.refusal) {
    is VoidGuardException.MasterKeyRejected -> true
    is VoidGuardException.InvalidInput -> e.field == Field.MASTER_KEY || e.field == Field.HOST_ADDRESS
    else -> false
}

/**
 * The settings as the preferences keep them, one string per key, so the mapping is
 * tested on the JVM: a key that is missing or holds an unknown value (settings stored
 * before the key existed) reads as the default.
 */
object StoredSettings {
    const val HOST = "host_choice"
    const val SIMULATOR_MODE = "simulator_mode"
    const val PAYMENT_PACKAGE = "payment_app_package"
    const val PAYMENT_ACTIVITY = "payment_app_activity"
    const val PAYMENT_APP = "payment_app_dialect"
    const val SUNMI_PACKAGE = "sunmi_l3_package"
    const val ACQUIRER_ADDRESS = "acquirer_address"

    fun read(stored: (String) -> String?): Settings {
        val defaults = Settings()
        return Settings(
            hostChoice = enumOr(stored(HOST), defaults.hostChoice),
            simulatorMode = enumOr(stored(SIMULATOR_MODE), defaults.simulatorMode),
            paymentAppPackage = stored(PAYMENT_PACKAGE) ?: defaults.paymentAppPackage,
            paymentAppActivity = stored(PAYMENT_ACTIVITY) ?: defaults.paymentAppActivity,
            paymentApp = enumOr(stored(PAYMENT_APP), defaults.paymentApp),
            sunmiPackage = stored(SUNMI_PACKAGE) ?: defaults.sunmiPackage,
            acquirerAddress = stored(ACQUIRER_ADDRESS) ?: defaults.acquirerAddress,
        )
    }

    fun write(s: Settings): Map<String, String> = mapOf(
        HOST to s.hostChoice.name,
        SIMULATOR_MODE to s.simulatorMode.name,
        PAYMENT_PACKAGE to s.paymentAppPackage,
        PAYMENT_ACTIVITY to s.paymentAppActivity,
        PAYMENT_APP to s.paymentApp.name,
        SUNMI_PACKAGE to s.sunmiPackage,
        ACQUIRER_ADDRESS to s.acquirerAddress,
    )

    private inline fun <reified E : Enum<E>> enumOr(name: String?, default: E): E =
        enumValues<E>().firstOrNull { it.name == name } ?: default
}
