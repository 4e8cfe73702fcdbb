package dev.voidguard.app.test

import android.app.Activity
import android.app.Instrumentation
import android.content.Intent
import android.graphics.Rect
import android.os.SystemClock
import android.view.InputDevice
import android.view.KeyCharacterMap
import android.view.KeyEvent
import android.view.MotionEvent
import android.view.View
import android.view.inputmethod.InputMethodManager
import android.widget.EditText
import android.widget.TextView
import dev.voidguard.app.ScreenActivity
import dev.voidguard.app.VoidGuardApp
import dev.voidguard.app.flow.Settings
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit

/** Fails the test with [message]. */
fun flunk(message: String): Nothing = throw AssertionError(message)

/**
 * Drives the real Activities the way a merchant does: starts them, taps views (a touch
 * injected at the view's centre), types into fields, and waits until the core call a tap
 * started has been rendered. The same on a device and under Robolectric ([TestHost]);
 * waits are in real time, as the core works on its own thread.
 */
class Driver(private val host: TestHost = TestHost.current) {
    val instrumentation: Instrumentation = host.instrumentation

    private val started = mutableListOf<Activity>()

    val app: VoidGuardApp
        get() = instrumentation.targetContext.applicationContext as VoidGuardApp

    private var database: String? = null

    /** A database file of its own (so nobody is signed in) and the default settings (built-in simulator). */
    fun freshTerminal() = onCoreThread {
        val name = "instrumented-${System.nanoTime()}.db"
        app.useDatabase(name)
        app.saveSettings(Settings())
        database = name
    }

    /**
     * Closes the terminal and opens the same files on next use, as a new process would
     * after the old one was ended: the journal stays, the session is gone.
     */
    fun reopenTerminal() = onCoreThread { app.useDatabase(checkNotNull(database) { "no fresh terminal yet" }) }

    /**
     * Signs [operatorNo] in straight through the core, signing out whoever else is signed
     * in first: for tests whose subject is another screen than sign-in.
     */
    fun signInAs(operatorNo: String, password: String) = onCoreThread {
        val t = app.terminal()
        val current = t.session()?.operatorNo
        if (current != operatorNo) {
            if (current != null) t.signOut()
            t.signIn(operatorNo, password)
        }
    }

    /** Signs out straight through the core, if anyone is signed in. */
    fun signOutNow() = onCoreThread {
        val t = app.terminal()
        if (t.session() != null) t.signOut()
    }

    fun onCoreThread(task: () -> Unit) {
        val done = CountDownLatch(1)
        var failure: Throwable? = null
        app.submit {
            try {
                task()
            } catch (e: Throwable) {
                failure = e
            } finally {
                done.countDown()
            }
        }
        if (!done.await(TIMEOUT_MS, TimeUnit.MILLISECONDS)) flunk("the core thread did not finish in time")
        failure?.let { throw it }
    }

    fun <A : Activity> launch(screen: Class<A>, configure: Intent.() -> Unit = {}): A {
        val intent = Intent(instrumentation.targetContext, screen).addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)
        intent.configure()
        @Suppress("UNCHECKED_CAST")
        val activity = instrumentation.startActivitySync(intent) as A
        started += activity
        settle(activity)
        return activity
    }

    /** The next Activity of [screen] that [action] starts. */
    fun <A : Activity> expect(screen: Class<A>, action: () -> Unit): A {
        val activity = host.startedBy(screen, TIMEOUT_MS, action)
        started += activity
        settle(activity)
        return activity
    }

    /** Waits until every tap's core call has been rendered. */
    fun settle(activity: Activity) {
        instrumentation.waitForIdleSync()
        val deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS)
        while (true) {
            var idle = true
            instrumentation.runOnMainSync { idle = (activity as? ScreenActivity)?.idle ?: true }
            if (idle) break
            if (System.nanoTime() > deadline) flunk("${activity.javaClass.simpleName} stayed busy")
            Thread.sleep(POLL_MS)
        }
        instrumentation.waitForIdleSync()
    }

    fun find(activity: Activity, id: Int): View {
        settle(activity)
        var view: View? = null
        instrumentation.runOnMainSync { view = activity.findViewById(id) }
        return view ?: flunk("no view ${name(activity, id)} on ${activity.javaClass.simpleName}: ${screenText(activity)}")
    }

    /** The view tagged [tag] (a cashier's button on the operators' list, say). */
    fun findTagged(activity: Activity, tag: Any): View {
        settle(activity)
        var view: View? = null
        instrumentation.runOnMainSync { view = activity.window.decorView.findViewWithTag(tag) }
        return view ?: flunk("no view tagged $tag on ${activity.javaClass.simpleName}: ${screenText(activity)}")
    }

    fun has(activity: Activity, id: Int): Boolean {
        settle(activity)
        var found = false
        instrumentation.runOnMainSync { found = activity.findViewById<View>(id) != null }
        return found
    }

    fun text(activity: Activity, id: Int): String {
        val view = find(activity, id) as TextView
        var text = ""
        instrumentation.runOnMainSync { text = view.text.toString() }
        return text
    }

    /** Everything the screen says, for failure messages and broad checks. */
    fun screenText(activity: Activity): String {
        val texts = mutableListOf<String>()
        instrumentation.runOnMainSync { collect(activity.window.decorView, texts) }
        return texts.joinToString(" | ")
    }

    private fun collect(view: View, into: MutableList<String>) {
        if (view is TextView && view !is EditText && view.text.isNotEmpty()) into += view.text.toString()
        if (view is android.view.ViewGroup) for (i in 0 until view.childCount) collect(view.getChildAt(i), into)
    }

    fun type(activity: Activity, id: Int, text: String) {
        val field = find(activity, id) as EditText
        instrumentation.runOnMainSync { field.setText(text) }
    }

    /**
     * Taps [id]: scrolls it into view, hides the keyboard, and touches its centre; then
     * waits for the core call the tap started, unless [wait] is false (a call that waits
     * in turn for a payment app the test answers).
     */
    fun tap(activity: Activity, id: Int, wait: Boolean = true) = tapView(activity, find(activity, id), wait)

    fun tapView(activity: Activity, view: View, wait: Boolean = true) {
        instrumentation.runOnMainSync {
            val imm = activity.getSystemService(InputMethodManager::class.java)
            imm?.hideSoftInputFromWindow(view.windowToken, 0)
            view.requestRectangleOnScreen(Rect(0, 0, view.width, view.height), true)
        }
        instrumentation.waitForIdleSync()
        val location = IntArray(2)
        instrumentation.runOnMainSync { view.getLocationOnScreen(location) }
        val x = location[0] + view.width / 2f
        val y = location[1] + view.height / 2f
        touch(MotionEvent.ACTION_DOWN, x, y)
        touch(MotionEvent.ACTION_UP, x, y)
        if (wait) settle(activity) else instrumentation.waitForIdleSync()
    }

    /** Whether a core call [activity] started is still to be rendered; does not wait. */
    fun busy(activity: Activity): Boolean {
        var idle = true
        instrumentation.runOnMainSync { idle = (activity as? ScreenActivity)?.idle ?: true }
        return !idle
    }

    /** See [TestHost.installPaymentApp]. */
    fun installPaymentApp(packageName: String, action: String): Boolean = host.installPaymentApp(packageName, action)

    /** See [TestHost.startedIntent]. */
    fun startedIntent(matching: (Intent) -> Boolean): Intent? = host.startedIntent(TIMEOUT_MS, matching)

    private var downTime = 0L

    private fun touch(action: Int, x: Float, y: Float) {
        val now = SystemClock.uptimeMillis()
        if (action == MotionEvent.ACTION_DOWN) downTime = now
        val event = MotionEvent.obtain(downTime, now, action, x, y, 0)
        event.source = InputDevice.SOURCE_TOUCHSCREEN
        try {
            if (!host.inject(event)) flunk("the touch at ($x, $y) was not delivered")
        } finally {
            event.recycle()
        }
    }

    /**
     * Two taps on [id], the second landing before the first one's core call has come
     * back (both clicks in one pass of the main thread, so on every host the second one
     * meets the screen as the first one left it); then waits.
     */
    fun doubleTap(activity: Activity, id: Int) {
        val view = find(activity, id)
        instrumentation.runOnMainSync {
            view.performClick()
            view.performClick()
        }
        settle(activity)
    }

    /** Presses the system Back key once. */
    fun back(activity: Activity) {
        settle(activity)
        val now = SystemClock.uptimeMillis()
        for (action in listOf(KeyEvent.ACTION_DOWN, KeyEvent.ACTION_UP)) {
            val event = KeyEvent(now, now, action, KeyEvent.KEYCODE_BACK, 0, 0, KeyCharacterMap.VIRTUAL_KEYBOARD, 0, 0, InputDevice.SOURCE_KEYBOARD)
            if (!host.inject(event)) flunk("the Back key was not delivered")
        }
        if (!activity.isFinishing) settle(activity)
    }

    /** Switches the app's language for the screens started next; false where the host cannot. */
    fun setLanguage(languageTag: String): Boolean = host.setLanguage(languageTag)

    /** Scales the app's fonts for the screens started next; false where the host cannot. */
    fun setFontScale(scale: Float): Boolean = host.setFontScale(scale)

    /** [activity] recreated from its saved state after [change] (see [TestHost.recreate]); null where the host cannot. */
    fun recreate(activity: Activity, change: () -> Unit = {}): Activity? = host.recreate(activity, change)?.also {
        started += it
        settle(it)
    }

    /** Keys [text] on the screen's numeric keypad, into the field that has the cursor. */
    fun keys(activity: Activity, text: String) {
        for (c in text) tap(activity, if (c == '.') dev.voidguard.app.R.id.entry_key_point else dev.voidguard.app.Screen.ENTRY_KEY_IDS[c - '0'])
    }

    /** Keys [digits] on the on-screen PIN pad. */
    fun pin(activity: Activity, digits: String) {
        for (d in digits) tap(activity, PIN_KEYS[d - '0'])
    }

    fun name(activity: Activity, id: Int): String =
        runCatching { activity.resources.getResourceEntryName(id) }.getOrDefault(id.toString())

    fun finishAll() {
        instrumentation.runOnMainSync { started.forEach { if (!it.isFinishing) it.finish() } }
        started.clear()
        instrumentation.waitForIdleSync()
    }

    companion object {
        const val TIMEOUT_MS = 30_000L
        private const val POLL_MS = 20L

        private val PIN_KEYS = listOf(
            dev.voidguard.app.R.id.pin_0, dev.voidguard.app.R.id.pin_1, dev.voidguard.app.R.id.pin_2,
            dev.voidguard.app.R.id.pin_3, dev.voidguard.app.R.id.pin_4, dev.voidguard.app.R.id.pin_5,
            dev.voidguard.app.R.id.pin_6, dev.voidguard.app.R.id.pin_7, dev.voidguard.app.R.id.pin_8,
            dev.voidguard.app.R.id.pin_9,
        )
    }
}
