package dev.voidguard.app.robolectric

import android.app.Activity
import android.app.Application
import android.app.Instrumentation
import android.content.ComponentName
import android.content.Intent
import android.content.IntentFilter
import android.os.Bundle
import android.view.InputEvent
import androidx.test.platform.app.InstrumentationRegistry
import dev.voidguard.app.test.TestHost
import dev.voidguard.app.test.flunk
import java.util.concurrent.TimeUnit
import org.robolectric.Robolectric
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf

/**
 * The [TestHost] under Robolectric (instrumentation looper mode: the tests run on their
 * own thread, the main looper on its own, as on a device). Robolectric records the
 * Activities the app starts instead of creating them; the driver launches them.
 */
class RobolectricHost : TestHost() {
    override val instrumentation: Instrumentation
        get() = InstrumentationRegistry.getInstrumentation()

    override fun inject(event: InputEvent): Boolean {
        var handled = false
        instrumentation.runOnMainSync { handled = instrumentation.uiAutomation.injectInputEvent(event, true) }
        return handled
    }

    /** Robolectric's qualifiers: the configuration every Activity started next gets. */
    override fun setLanguage(languageTag: String): Boolean {
        val (language, region) = languageTag.split('-').let { it[0] to it.getOrNull(1) }
        val qualifier = if (region == null) language else "$language-r$region"
        instrumentation.runOnMainSync { RuntimeEnvironment.setQualifiers("+$qualifier") }
        return true
    }

    override fun setFontScale(scale: Float): Boolean {
        instrumentation.runOnMainSync { RuntimeEnvironment.setFontScale(scale) }
        return true
    }

    override fun recreate(activity: Activity, change: () -> Unit): Activity {
        val saved = Bundle()
        var next: Activity? = null
        instrumentation.runOnMainSync {
            instrumentation.callActivityOnSaveInstanceState(activity, saved)
            activity.finish()
        }
        instrumentation.waitForIdleSync()
        change()
        instrumentation.runOnMainSync {
            next = Robolectric.buildActivity(activity.javaClass, Intent(activity.intent)).setup(saved).get()
        }
        instrumentation.waitForIdleSync()
        return checkNotNull(next)
    }

    /** A component Robolectric's package manager resolves [action] to; nothing runs it. */
    override fun installPaymentApp(packageName: String, action: String): Boolean {
        instrumentation.runOnMainSync {
            val packages = shadowOf(instrumentation.targetContext.packageManager)
            val component = ComponentName(packageName, "$packageName.StandIn")
            packages.addActivityIfNotPresent(component)
            packages.addIntentFilterForActivity(component, IntentFilter(action).apply { addCategory(Intent.CATEGORY_DEFAULT) })
        }
        return true
    }

    override fun startedIntent(timeoutMs: Long, matching: (Intent) -> Boolean): Intent? {
        val recorder = shadowOf(instrumentation.targetContext.applicationContext as Application)
        val deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs)
        while (System.nanoTime() < deadline) {
            instrumentation.waitForIdleSync()
            val intent = recorder.nextStartedActivity
            if (intent == null) Thread.sleep(POLL_MS) else if (matching(intent)) return intent
        }
        return null
    }

    override fun <A : Activity> startedBy(screen: Class<A>, timeoutMs: Long, action: () -> Unit): A {
        val recorder = shadowOf(instrumentation.targetContext.applicationContext as Application)
        while (recorder.nextStartedActivity != null) Unit
        action()
        instrumentation.waitForIdleSync()
        val deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs)
        var intent: Intent? = recorder.nextStartedActivity
        while (intent == null) {
            if (System.nanoTime() > deadline) flunk("${screen.simpleName} was not started")
            Thread.sleep(POLL_MS)
            instrumentation.waitForIdleSync()
            intent = recorder.nextStartedActivity
        }
        if (intent.component?.className != screen.name) flunk("${intent.component?.className} was started, not ${screen.simpleName}")
        @Suppress("UNCHECKED_CAST")
        return instrumentation.startActivitySync(Intent(intent).addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)) as A
    }

    private companion object {
        const val POLL_MS = 20L
    }
}
