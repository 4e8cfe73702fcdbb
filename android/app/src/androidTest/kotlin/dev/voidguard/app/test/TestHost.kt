package dev.voidguard.app.test

import android.app.Activity
import android.app.Instrumentation
import android.content.Intent
import android.view.InputEvent
import java.util.ServiceLoader

/**
 * What differs between a device and Robolectric on the JVM, so that one [Driver] serves
 * both: where the instrumentation comes from, how a touch is delivered, and how an
 * Activity the app starts is obtained. A device uses [DeviceHost]; the JVM suite
 * registers its own through `META-INF/services`.
 */
abstract class TestHost {
    abstract val instrumentation: Instrumentation

    /** Delivers [event] (a touch, a key) to the app's window and returns when it has been handled. */
    abstract fun inject(event: InputEvent): Boolean

    /**
     * Switches the app to [languageTag] (e.g. "zh-CN") for the Activities started next;
     * false where this host cannot (a device's language belongs to its owner).
     */
    open fun setLanguage(languageTag: String): Boolean = false

    /**
     * Scales the app's fonts (1.0 is the default) for the Activities started next;
     * false where this host cannot (a device's font size belongs to its owner).
     */
    open fun setFontScale(scale: Float): Boolean = false

    /**
     * Saves [activity]'s instance state, finishes it, runs [change] (a language or font
     * size for the next Activity, a new process), and starts a new one of its class from
     * that state, as Android does after a configuration change or when the process was
     * ended in the background; null where this host cannot hand a saved state to a new
     * Activity.
     */
    open fun recreate(activity: Activity, change: () -> Unit): Activity? = null

    /**
     * Makes [action] inside [packageName] resolve to a stand-in Activity, as if a payment
     * app declaring it were installed; false where this host cannot (a device has the
     * real app or none).
     */
    open fun installPaymentApp(packageName: String, action: String): Boolean = false

    /**
     * The next Intent the app started an Activity with (an Activity's
     * startActivityForResult included) that [matching] accepts, the others passed over;
     * null where this host does not record them or none came in [timeoutMs].
     */
    open fun startedIntent(timeoutMs: Long, matching: (Intent) -> Boolean): Intent? = null

    /** Runs [action] and returns the Activity of class [screen] it started. */
    abstract fun <A : Activity> startedBy(screen: Class<A>, timeoutMs: Long, action: () -> Unit): A

    companion object {
        val current: TestHost by lazy {
            ServiceLoader.load(TestHost::class.java, TestHost::class.java.classLoader).firstOrNull() ?: DeviceHost()
        }
    }
}

/** On a terminal or emulator under `am instrument`: the platform's own mechanisms. */
class DeviceHost : TestHost() {
    override val instrumentation: Instrumentation
        get() = VoidGuardTestRunner.current

    override fun inject(event: InputEvent): Boolean = instrumentation.uiAutomation.injectInputEvent(event, true)

    override fun <A : Activity> startedBy(screen: Class<A>, timeoutMs: Long, action: () -> Unit): A {
        val monitor = instrumentation.addMonitor(screen.name, null, false)
        try {
            action()
            @Suppress("UNCHECKED_CAST")
            return instrumentation.waitForMonitorWithTimeout(monitor, timeoutMs) as A?
                ?: flunk("${screen.simpleName} was not started")
        } finally {
            instrumentation.removeMonitor(monitor)
        }
    }
}
