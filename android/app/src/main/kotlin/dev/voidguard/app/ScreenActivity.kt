package dev.voidguard.app

import android.app.Activity
import android.content.Intent
import android.os.Bundle
import android.util.Log
import android.view.Gravity
import android.text.InputType
import android.view.View
import android.view.ViewGroup
import android.view.ViewGroup.LayoutParams.MATCH_PARENT
import android.view.WindowManager
import android.widget.EditText
import android.widget.FrameLayout
import android.widget.ProgressBar
import dev.voidguard.app.flow.Notice
import dev.voidguard.app.flow.settingsMend
import dev.voidguard.core.Locale
import dev.voidguard.core.Terminal
import dev.voidguard.core.VoidGuardException

/**
 * The base of every screen: taps become events that run, in order, on the core thread
 * (the flows are only ever touched there); each result is rendered on the main thread.
 * A call that takes a moment (the password's key derivation, the host) shows a busy
 * overlay that swallows taps until it is done.
 * Screens that show a password or a slip set [secure], which forbids screenshots and
 * hides the screen from the recents thumbnail (FLAG_SECURE).
 */
abstract class ScreenActivity : Activity() {
    protected open val secure: Boolean = false

    protected val app: VoidGuardApp
        get() = application as VoidGuardApp

    private lateinit var frame: FrameLayout
    private lateinit var overlay: View

    /** Core calls submitted and not yet rendered. Main thread only. */
    private var pending = 0

    private val showOverlay = Runnable { if (pending > 0) overlay.visibility = View.VISIBLE }

    /** Nothing submitted is waiting to be rendered; the instrumentation tests wait for it. Main thread only. */
    val idle: Boolean
        get() = pending == 0

    /** What the merchant had typed before the screen was recreated, put back as its fields appear. */
    private var typed: Bundle? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        typed = savedInstanceState?.getBundle(TYPED)
        if (secure) window.setFlags(WindowManager.LayoutParams.FLAG_SECURE, WindowManager.LayoutParams.FLAG_SECURE)
        frame = FrameLayout(this)
        overlay = FrameLayout(this).apply {
            id = R.id.busy_overlay
            setBackgroundColor(OVERLAY)
            isClickable = true
            visibility = View.GONE
            addView(ProgressBar(this@ScreenActivity), FrameLayout.LayoutParams(WRAP, WRAP, Gravity.CENTER))
        }
        setContentView(frame)
    }

    /** A Back while a core call runs would drop its result (a void's outcome): wait for it. */
    override fun onBackPressed() {
        if (idle) super.onBackPressed()
    }

    /**
     * Keeps what was typed into the fields across a recreation (a language or font-size
     * change, the process ended in the background), except secrets: a password, the
     * terminal secret, a card number or an approval code is never kept. The fields
     * themselves save nothing ([Screen.field]); this is the only copy.
     */
    override fun onSaveInstanceState(outState: Bundle) {
        super.onSaveInstanceState(outState)
        val kept = Bundle()
        if (::frame.isInitialized) forEachField(frame) { f -> if (f.id != View.NO_ID && !isSecret(f)) kept.putString(f.id.toString(), f.text.toString()) }
        typed?.let { earlier -> for (k in earlier.keySet()) if (!kept.containsKey(k)) kept.putString(k, earlier.getString(k)) }
        outState.putBundle(TYPED, kept)
    }

    private fun forEachField(v: View, action: (EditText) -> Unit) {
        if (v is EditText) action(v)
        if (v is ViewGroup) for (i in 0 until v.childCount) forEachField(v.getChildAt(i), action)
    }

    private fun isSecret(f: EditText): Boolean {
        val variation = f.inputType and InputType.TYPE_MASK_VARIATION
        val cls = f.inputType and InputType.TYPE_MASK_CLASS
        return (cls == InputType.TYPE_CLASS_TEXT && (variation == InputType.TYPE_TEXT_VARIATION_PASSWORD ||
            variation == InputType.TYPE_TEXT_VARIATION_VISIBLE_PASSWORD || variation == InputType.TYPE_TEXT_VARIATION_WEB_PASSWORD)) ||
            (cls == InputType.TYPE_CLASS_NUMBER && variation == InputType.TYPE_NUMBER_VARIATION_PASSWORD)
    }

    /** Replaces the screen's content with what [build] makes. */
    protected fun show(build: Screen.() -> Unit) {
        val screen = Screen(this)
        screen.build()
        typed?.let { kept ->
            forEachField(screen.root) { f ->
                val key = f.id.toString()
                if (kept.containsKey(key)) {
                    f.setText(kept.getString(key))
                    f.setSelection(f.text.length)
                    kept.remove(key)
                }
            }
            if (kept.isEmpty) typed = null
        }
        frame.removeAllViews()
        frame.addView(screen.root, FrameLayout.LayoutParams(MATCH_PARENT, MATCH_PARENT))
        frame.addView(overlay, FrameLayout.LayoutParams(MATCH_PARENT, MATCH_PARENT))
    }

    /**
     * Runs [work] on the core thread with the terminal, then [render] with its result on
     * the main thread. A terminal that cannot be opened shows why, and nothing else.
     */
    protected fun <T> onCore(work: (Terminal) -> T, render: (T) -> Unit) = onCoreThread({ work(app.terminal()) }, render)

    /** Runs [work] on the core thread (without opening the terminal), then [render]. */
    protected fun <T> onCoreThread(work: () -> T, render: (T) -> Unit) {
        pending++
        frame.postDelayed(showOverlay, OVERLAY_DELAY_MS)
        app.submit {
            val result = try {
                Outcome.Done(work())
            } catch (e: VoidGuardException) {
                Outcome.Failed(Notice.Refused(e))
            } catch (e: Exception) {
                // The bindings' InternalException (a panic in the core) is no
                // RuntimeException; nothing may escape the core thread. The class alone
                // is logged: a message could carry what the merchant keyed.
                Log.e(TAG, "core call failed: ${e.javaClass.name}")
                Outcome.Failed(Notice.Unexpected)
            }
            runOnUiThread {
                if (--pending == 0) {
                    frame.removeCallbacks(showOverlay)
                    overlay.visibility = View.GONE
                }
                if (isDestroyed) return@runOnUiThread
                when (result) {
                    is Outcome.Done -> render(result.value)
                    is Outcome.Failed -> showFailure(result.notice)
                }
            }
        }
    }

    /** The terminal could not be used at all; the database is left as it is. */
    private fun showFailure(notice: Notice) = show {
        heading(str(R.string.terminal_unavailable_title))
        notice(Texts.explain(this@ScreenActivity, notice))
        if (settingsMend(notice)) {
            button(str(R.string.title_settings), R.id.menu_settings) { startActivity(Intent(this@ScreenActivity, SettingsActivity::class.java)) }
        } else {
            text(str(R.string.terminal_unavailable_help))
        }
        button(str(R.string.action_back), R.id.action_back, primary = false) { finish() }
    }

    /** The slip language that matches the merchant's. */
    protected val slipLocale: Locale
        get() = if (resources.configuration.locales[0].language == "zh") Locale.ZH_CN else Locale.EN

    private sealed interface Outcome<out T> {
        class Done<T>(val value: T) : Outcome<T>
        class Failed(val notice: Notice) : Outcome<Nothing>
    }

    private companion object {
        const val WRAP = FrameLayout.LayoutParams.WRAP_CONTENT
        const val OVERLAY = 0x55FFFFFF
        const val OVERLAY_DELAY_MS = 150L
        const val TAG = "VoidGuard"
        const val TYPED = "dev.voidguard.app.typed"
    }
}
