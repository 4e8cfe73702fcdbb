package dev.voidguard.app.flow

import dev.voidguard.core.SimulatorMode

/** Which HostLink carries the void's card leg. */
enum class HostChoice {
    /** The core's built-in simulated acquirer (the default). */
    SIMULATOR,

    /** The acquirer's payment app on the terminal, spoken to in its [PaymentAppChoice]. */
    PAYMENT_APP,
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
)

/** The settings screen: edit, check, save. */
class SettingsFlow(initial: Settings) {
    enum class Problem { PAYMENT_APP_PACKAGE, PAYMENT_APP_ACTIVITY, SUNMI_PACKAGE }

    sealed interface State {
        data class Editing(val settings: Settings, val problems: Set<Problem> = emptySet()) : State
        data class Saved(val settings: Settings) : State
    }

    sealed interface Event {
        data class Save(val settings: Settings) : Event

        /** A choice changed before saving (the payment app's dialect, say): the form shows what it needs, unchecked. */
        data class Change(val settings: Settings) : Event
        data object Edit : Event
    }

    var state: State = State.Editing(initial)
        private set

    fun on(event: Event): State {
        val next = when (event) {
            is Event.Save -> {
                val s = event.settings.copy(
                    paymentAppPackage = event.settings.paymentAppPackage.trim(),
                    paymentAppActivity = event.settings.paymentAppActivity.trim(),
                    sunmiPackage = event.settings.sunmiPackage.trim(),
                )
                val problems = problemsOf(s)
                if (problems.isEmpty()) State.Saved(s) else State.Editing(s, problems)
            }
            is Event.Change -> State.Editing(event.settings)
            Event.Edit -> when (val s = state) {
                is State.Saved -> State.Editing(s.settings)
                is State.Editing -> s
            }
        }
        state = next
        return next
    }

    companion object {
        private val JAVA_NAME = Regex("""[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+""")

        fun problemsOf(s: Settings): Set<Problem> = buildSet {
            if (s.hostChoice != HostChoice.PAYMENT_APP) return@buildSet
            when (s.paymentApp) {
                PaymentAppChoice.STAR_POS -> {
                    if (!JAVA_NAME.matches(s.paymentAppPackage)) add(Problem.PAYMENT_APP_PACKAGE)
                    if (!JAVA_NAME.matches(s.paymentAppActivity)) add(Problem.PAYMENT_APP_ACTIVITY)
                }
                // L3 is found by its action inside the package; only the package is asked for.
                PaymentAppChoice.SUNMI_L3 -> if (!JAVA_NAME.matches(s.sunmiPackage)) add(Problem.SUNMI_PACKAGE)
            }
        }
    }
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

    fun read(stored: (String) -> String?): Settings {
        val defaults = Settings()
        return Settings(
            hostChoice = enumOr(stored(HOST), defaults.hostChoice),
            simulatorMode = enumOr(stored(SIMULATOR_MODE), defaults.simulatorMode),
            paymentAppPackage = stored(PAYMENT_PACKAGE) ?: defaults.paymentAppPackage,
            paymentAppActivity = stored(PAYMENT_ACTIVITY) ?: defaults.paymentAppActivity,
            paymentApp = enumOr(stored(PAYMENT_APP), defaults.paymentApp),
            sunmiPackage = stored(SUNMI_PACKAGE) ?: defaults.sunmiPackage,
        )
    }

    fun write(s: Settings): Map<String, String> = mapOf(
        HOST to s.hostChoice.name,
        SIMULATOR_MODE to s.simulatorMode.name,
        PAYMENT_PACKAGE to s.paymentAppPackage,
        PAYMENT_ACTIVITY to s.paymentAppActivity,
        PAYMENT_APP to s.paymentApp.name,
        SUNMI_PACKAGE to s.sunmiPackage,
    )

    private inline fun <reified E : Enum<E>> enumOr(name: String?, default: E): E =
        enumValues<E>().firstOrNull { it.name == name } ?: default
}
