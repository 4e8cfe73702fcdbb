package dev.voidguard.app.flow

import dev.voidguard.core.SimulatorMode

/** Which HostLink carries the void's card leg. */
enum class HostChoice {
    /** The core's built-in simulated acquirer (the default). */
    SIMULATOR,

    /** The acquirer's payment app on the terminal, by explicit Intent. */
    PAYMENT_APP,
}

/** The terminal's local settings; kept by the UI layer, checked here. */
data class Settings(
    val hostChoice: HostChoice = HostChoice.SIMULATOR,
    val simulatorMode: SimulatorMode = SimulatorMode.APPROVE,
    val paymentAppPackage: String = PaymentAppProtocol.DEFAULT_PACKAGE,
    val paymentAppActivity: String = PaymentAppProtocol.DEFAULT_ACTIVITY,
)

/** The settings screen: edit, check, save. */
class SettingsFlow(initial: Settings) {
    enum class Problem { PAYMENT_APP_PACKAGE, PAYMENT_APP_ACTIVITY }

    sealed interface State {
        data class Editing(val settings: Settings, val problems: Set<Problem> = emptySet()) : State
        data class Saved(val settings: Settings) : State
    }

    sealed interface Event {
        data class Save(val settings: Settings) : Event
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
                )
                val problems = problemsOf(s)
                if (problems.isEmpty()) State.Saved(s) else State.Editing(s, problems)
            }
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
            if (s.hostChoice == HostChoice.PAYMENT_APP) {
                if (!JAVA_NAME.matches(s.paymentAppPackage)) add(Problem.PAYMENT_APP_PACKAGE)
                if (!JAVA_NAME.matches(s.paymentAppActivity)) add(Problem.PAYMENT_APP_ACTIVITY)
            }
        }
    }
}
