package dev.voidguard.app.test

import android.app.Activity
import android.app.Instrumentation
import android.os.Bundle
import org.junit.runner.Description
import org.junit.runner.JUnitCore
import org.junit.runner.Result
import org.junit.runner.notification.Failure
import org.junit.runner.notification.RunListener

/**
 * Runs the JUnit 4 tests inside the app's process, without AndroidX Test. Progress and
 * the summary go out as `stream` texts, which `am instrument -w` prints as they come;
 * the last line is JUnit's `OK (n tests)` or `FAILURES!!! Tests run: n, Failures: f`.
 * `-e class a.B,c.D` runs only those classes.
 */
class VoidGuardTestRunner : Instrumentation() {
    private var arguments: Bundle? = null

    override fun onCreate(arguments: Bundle?) {
        super.onCreate(arguments)
        this.arguments = arguments
        current = this
        start()
    }

    override fun onStart() {
        super.onStart()
        val classes = selected()
        val core = JUnitCore()
        core.addListener(Reporter())
        val result = core.run(*classes.toTypedArray())
        finish(
            if (result.wasSuccessful()) Activity.RESULT_OK else Activity.RESULT_CANCELED,
            Bundle().apply { putString(REPORT_KEY_STREAMRESULT, summary(result)) },
        )
    }

    private fun selected(): List<Class<*>> {
        val names = arguments?.getString("class")?.split(',')?.map { it.substringBefore('#').trim() }?.filter { it.isNotEmpty() }
        return names?.map { Class.forName(it) } ?: ALL
    }

    private fun summary(result: Result): String = buildString {
        append('\n')
        result.failures.forEachIndexed { i, f ->
            append("${i + 1}) ${f.testHeader}\n${f.trace}\n")
        }
        if (result.wasSuccessful()) {
            append("OK (${result.runCount} tests)\n")
        } else {
            append("FAILURES!!!\nTests run: ${result.runCount},  Failures: ${result.failureCount}\n")
        }
    }

    private inner class Reporter : RunListener() {
        private var failed = false

        override fun testStarted(description: Description) {
            failed = false
            status(STARTED, "${description.className}#${description.methodName} …")
        }

        override fun testFailure(failure: Failure) {
            failed = true
        }

        override fun testFinished(description: Description) {
            status(if (failed) FAILED else PASSED, if (failed) " FAILED\n" else " ok\n")
        }

        private fun status(code: Int, text: String) {
            sendStatus(code, Bundle().apply { putString(REPORT_KEY_STREAMRESULT, text) })
        }
    }

    companion object {
        /** The running instrumentation, for the tests' driver. */
        @Volatile lateinit var current: Instrumentation
            private set

        private const val STARTED = 1
        private const val PASSED = 0
        private const val FAILED = -2

        private val ALL: List<Class<*>> = listOf(
            VoidFlowTest::class.java,
            RefundScreenTest::class.java,
            LockoutTest::class.java,
            SettlementTest::class.java,
            ResetTest::class.java,
            ScreensTest::class.java,
            EveryScreenTest::class.java,
            DoubleTapTest::class.java,
            FieldLabelTest::class.java,
            CounterTest::class.java,
            RecreationTest::class.java,
        )
    }
}
