package dev.voidguard.app.robolectric

import android.app.Activity
import android.graphics.Bitmap
import android.graphics.Canvas
import android.graphics.Color
import android.graphics.Paint
import android.graphics.Rect
import android.os.Handler
import android.os.Looper
import android.view.PixelCopy
import android.view.View
import android.view.ViewGroup
import android.widget.EditText
import android.widget.TextView
import dev.voidguard.app.ActivationActivity
import dev.voidguard.app.AdminActivity
import dev.voidguard.app.AttentionActivity
import dev.voidguard.app.AuditActivity
import dev.voidguard.app.HomeActivity
import dev.voidguard.app.JournalActivity
import dev.voidguard.app.OperatorsActivity
import dev.voidguard.app.OwnPasswordActivity
import dev.voidguard.app.PasswordActivity
import dev.voidguard.app.R
import dev.voidguard.app.RefundActivity
import dev.voidguard.app.RequestsActivity
import dev.voidguard.app.SaleActivity
import dev.voidguard.app.SettingsActivity
import dev.voidguard.app.SettlementActivity
import dev.voidguard.app.SignInActivity
import dev.voidguard.app.VoidActivity
import dev.voidguard.app.test.Driver
import dev.voidguard.app.test.Merchant
import dev.voidguard.app.test.Sale
import dev.voidguard.testsupport.ADMINISTRATOR
import dev.voidguard.testsupport.ADMIN_PASSWORD
import dev.voidguard.testsupport.CASHIER
import dev.voidguard.testsupport.CASHIER_PASSWORD
import dev.voidguard.testsupport.PASSWORD
import dev.voidguard.testsupport.TestClock
import java.io.File
import java.io.FileOutputStream
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import org.junit.After
import org.junit.Assert.assertTrue
import org.junit.Test
import org.robolectric.RuntimeEnvironment
import org.robolectric.annotation.GraphicsMode

/**
 * Every screen in English and 简体中文 rendered to PNG (`build/screens/<language>/NN-name.png`)
 * with a contact sheet per language, from a walk through the real app: Robolectric's
 * native graphics (its fonts, Noto CJK among them), `PixelCopy` of the window, the core
 * on a fixed clock, the JVM in Asia/Shanghai. Fails, after writing every image, when a
 * screen's text is clipped or a touch target is under 48dp. Run by `scripts/screens`.
 */
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class ScreenRenders {
    private val d = Driver()
    private val merchant = Merchant(d)
    private val out = File(System.getProperty("voidguard.screens.dir") ?: "build/screens")
    private val problems = mutableListOf<String>()

    @After
    fun closeScreens() {
        d.finishAll()
        d.setLanguage("en")
    }

    @Test
    fun everyScreenInBothLanguages() {
        // The tests' one start date, not moved: every run renders the same times.
        d.onCoreThread { d.app.clock = TestClock() }
        // A counter terminal's portrait screen, tall enough that most screens fit whole.
        d.instrumentation.runOnMainSync { RuntimeEnvironment.setQualifiers("+w360dp-h900dp") }
        try {
            merchant.ready()
            for (language in listOf("en", "zh-CN")) {
                d.setLanguage(language)
                walk(language)
            }
        } finally {
            d.onCoreThread { d.app.clock = null }
        }
        assertTrue("screens with clipped text or small touch targets:\n" + problems.joinToString("\n"), problems.isEmpty())
    }

    private fun walk(language: String) {
        val dir = File(out, language).apply {
            deleteRecursively()
            mkdirs()
        }
        val shots = mutableListOf<Pair<String, Bitmap>>()
        fun shoot(name: String, a: Activity) {
            d.settle(a)
            val bitmap = capture(a)
            check(language, name, a)
            val file = File(dir, "%02d-%s.png".format(shots.size + 1, name))
            FileOutputStream(file).use { bitmap.compress(Bitmap.CompressFormat.PNG, 100, it) }
            shots += name to bitmap
        }

        d.signInAs(CASHIER, CASHIER_PASSWORD)
        val sale = merchant.sale("128.00")
        val kept = merchant.sale("35.50")

        shoot("home", d.launch(HomeActivity::class.java))
        shoot("administration", d.launch(AdminActivity::class.java))
        val s = d.launch(SaleActivity::class.java)
        d.keys(s, "66.80")
        shoot("sale", s)

        val v = d.launch(VoidActivity::class.java)
        shoot("void-menu", v)
        d.tap(v, R.id.void_menu_void)
        d.keys(v, sale.voucherNo)
        shoot("void-voucher", v)
        d.tap(v, R.id.action_next)
        shoot("void-transaction", v)
        d.tap(v, R.id.action_confirm_transaction)
        d.keys(v, sale.businessDate.replace("-", ""))
        d.tap(v, R.id.field_amount)
        d.keys(v, sale.amount)
        shoot("void-date-amount", v)
        d.tap(v, R.id.action_next)
        shoot("void-reason", v)
        d.tap(v, R.id.reason_0)
        d.pin(v, PASSWORD.take(3))
        shoot("void-password", v)
        d.pin(v, PASSWORD.drop(3))
        shoot("void-result", v)
        d.tap(v, R.id.action_show_slip)
        shoot("void-slip", v)
        d.finishAll()

        shoot("journal", d.launch(JournalActivity::class.java))
        val settlement = d.launch(SettlementActivity::class.java)
        shoot("settlement", settlement)
        d.tap(settlement, R.id.action_settle)
        d.find(settlement, R.id.settlement_done)
        shoot("settlement-done", settlement)
        refund(kept, ::shoot)
        shoot("requests", d.launch(RequestsActivity::class.java))
        shoot("void-password-screen", d.launch(PasswordActivity::class.java))
        shoot("audit", d.launch(AuditActivity::class.java))
        val settings = d.launch(SettingsActivity::class.java)
        shoot("settings", settings)
        // Sunmi L3 chosen, not saved: the form asks for L3's package only.
        d.tap(settings, R.id.payment_app_sunmi)
        shoot("settings-sunmi-l3", settings)
        shoot("needs-attention", d.launch(AttentionActivity::class.java))
        shoot("own-password", d.launch(OwnPasswordActivity::class.java))
        d.finishAll()

        d.signInAs(ADMINISTRATOR, ADMIN_PASSWORD)
        shoot("home-administrator", d.launch(HomeActivity::class.java))
        shoot("operators", d.launch(OperatorsActivity::class.java))
        d.finishAll()

        d.signOutNow()
        shoot("home-signed-out", d.launch(HomeActivity::class.java))
        val signIn = d.launch(SignInActivity::class.java)
        shoot("sign-in", signIn)
        d.pin(signIn, CASHIER)
        shoot("sign-in-password", signIn)
        d.finishAll()

        // Activation is seen once, on a terminal of its own.
        val app = d.app
        d.onCoreThread { app.useDatabase("screens-activation-${System.nanoTime()}.db") }
        val act = d.launch(ActivationActivity::class.java)
        d.keys(act, "898340157220001")
        shoot("activation", act)
        d.finishAll()
        d.reopenTerminal()

        sheet(language, shots)
    }

    /** The refund (退货) of the settled [sale], by its RRN and date, step by step to its slip. */
    private fun refund(sale: Sale, shoot: (String, Activity) -> Unit) {
        var rrn = ""
        d.onCoreThread { rrn = checkNotNull(d.app.terminal().findTransaction(sale.voucherNo)).rrn }
        val r = d.launch(RefundActivity::class.java)
        shoot("refund-menu", r)
        d.tap(r, R.id.refund_menu_by_rrn)
        d.type(r, R.id.field_rrn, rrn)
        d.type(r, R.id.field_date, sale.businessDate)
        shoot("refund-lookup", r)
        d.tap(r, R.id.action_next)
        shoot("refund-original", r)
        d.tap(r, R.id.action_confirm_transaction)
        d.type(r, R.id.field_amount, "10.50")
        shoot("refund-amount", r)
        d.tap(r, R.id.action_next)
        shoot("refund-reason", r)
        d.tap(r, R.id.reason_0)
        d.pin(r, PASSWORD.take(3))
        shoot("refund-password", r)
        d.pin(r, PASSWORD.drop(3))
        d.find(r, R.id.refund_success)
        shoot("refund-result", r)
        d.tap(r, R.id.action_show_slip)
        shoot("refund-slip", r)
        d.finishAll()
    }

    /** The activity's window, as the screen shows it. */
    private fun capture(a: Activity): Bitmap {
        val decor = a.window.decorView
        var w = 0
        var h = 0
        d.instrumentation.runOnMainSync {
            w = decor.width
            h = decor.height
        }
        val bitmap = Bitmap.createBitmap(w, h, Bitmap.Config.ARGB_8888)
        val done = CountDownLatch(1)
        var result = -1
        d.instrumentation.runOnMainSync {
            PixelCopy.request(a.window, bitmap, { r -> result = r; done.countDown() }, Handler(Looper.getMainLooper()))
        }
        d.instrumentation.waitForIdleSync()
        if (!done.await(COPY_TIMEOUT_S, TimeUnit.SECONDS) || result != PixelCopy.SUCCESS) {
            // Whatever PixelCopy could not do, the view hierarchy still draws itself.
            d.instrumentation.runOnMainSync { decor.draw(Canvas(bitmap)) }
        }
        return bitmap
    }

    /** Text cut off (ellipsized, taller than its view, a hint wider than its field) and touch targets under 48dp. */
    private fun check(language: String, name: String, a: Activity) {
        d.instrumentation.runOnMainSync {
            val root = a.findViewById<View>(R.id.screen_root) ?: return@runOnMainSync
            val density = a.resources.displayMetrics.density
            fun walk(v: View) {
                if (v.visibility != View.VISIBLE) return
                if (v is TextView && v.text.isNotEmpty()) {
                    val layout = v.layout
                    val room = v.height - v.compoundPaddingTop - v.compoundPaddingBottom
                    val label = "$language/$name: '${v.text.toString().take(40)}'"
                    when {
                        layout == null -> problems += "$label has no layout"
                        (0 until layout.lineCount).any { layout.getEllipsisCount(it) > 0 } -> problems += "$label is ellipsized"
                        v !is EditText && layout.height > room + 1 -> problems += "$label needs ${layout.height}px, has $room"
                    }
                }
                if (v is EditText && v.text.isEmpty() && !v.hint.isNullOrEmpty()) {
                    val room = v.width - v.compoundPaddingLeft - v.compoundPaddingRight
                    if (v.paint.measureText(v.hint.toString()) > room) problems += "$language/$name: hint '${v.hint}' is cut off"
                }
                if (v.isClickable && v.id != R.id.busy_overlay) {
                    val min = (TOUCH_DP * density).toInt()
                    if (v.width < min || v.height < min) {
                        problems += "$language/$name: ${runCatching { a.resources.getResourceEntryName(v.id) }.getOrDefault("a view")} is ${(v.width / density).toInt()}x${(v.height / density).toInt()}dp"
                    }
                }
                if (v is ViewGroup) for (i in 0 until v.childCount) walk(v.getChildAt(i))
            }
            walk(root)
        }
    }

    /** Every screen of [language] side by side, a third of its size, named below. */
    private fun sheet(language: String, shots: List<Pair<String, Bitmap>>) {
        if (shots.isEmpty()) return
        val cellW = shots.maxOf { it.second.width } / SCALE
        val cellH = shots.maxOf { it.second.height } / SCALE
        val rows = (shots.size + COLUMNS - 1) / COLUMNS
        val sheet = Bitmap.createBitmap(COLUMNS * (cellW + GAP) + GAP, rows * (cellH + LABEL + GAP) + GAP, Bitmap.Config.ARGB_8888)
        val canvas = Canvas(sheet)
        canvas.drawColor(Color.rgb(0xEE, 0xEE, 0xEE))
        val paint = Paint(Paint.ANTI_ALIAS_FLAG or Paint.FILTER_BITMAP_FLAG).apply {
            color = Color.BLACK
            textSize = LABEL * 0.45f
        }
        shots.forEachIndexed { i, (name, bitmap) ->
            val x = GAP + (i % COLUMNS) * (cellW + GAP)
            val y = GAP + (i / COLUMNS) * (cellH + LABEL + GAP)
            canvas.drawBitmap(bitmap, null, Rect(x, y, x + bitmap.width / SCALE, y + bitmap.height / SCALE), paint)
            val label = "%02d %s".format(i + 1, name)
            val fits = paint.breakText(label, true, cellW.toFloat(), null)
            canvas.drawText(label, 0, fits, x.toFloat(), (y + cellH + LABEL * 0.7f), paint)
        }
        FileOutputStream(File(out, "contact-sheet-$language.png")).use { sheet.compress(Bitmap.CompressFormat.PNG, 100, it) }
    }

    private companion object {
        const val TOUCH_DP = 48
        const val COLUMNS = 6
        const val SCALE = 3
        const val GAP = 16
        const val LABEL = 40
        const val COPY_TIMEOUT_S = 10L
    }
}
