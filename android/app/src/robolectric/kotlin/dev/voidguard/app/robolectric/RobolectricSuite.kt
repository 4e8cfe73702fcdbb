package dev.voidguard.app.robolectric

import java.security.Security
import org.junit.runner.Computer
import org.junit.runner.Description
import org.junit.runner.JUnitCore
import org.junit.runner.Runner
import org.junit.runner.notification.Failure
import org.junit.runner.notification.RunListener
import org.junit.runners.model.RunnerBuilder
import org.robolectric.RobolectricTestRunner
import kotlin.system.exitProcess

/**
 * Runs the app's instrumentation test classes (androidTest) under Robolectric, one SDK
 * per JVM (robolectric.properties on the classpath names it): each class, as it is, in
 * a Robolectric sandbox with the app's binary resources and the host-built core.
 * Usage: RobolectricSuite <test class>...   Prints a line per test and a summary.
 */
fun main(args: Array<String>) {
    if (args.isEmpty()) {
        System.err.println("usage: RobolectricSuite <test class>...")
        exitProcess(2)
    }
    Security.addProvider(TestAndroidKeyStore())
    val loader = Thread.currentThread().contextClassLoader
    val classes = args.map { Class.forName(it, false, loader) }
    val core = JUnitCore()
    core.addListener(Progress())
    val result = core.run(InSandbox(), *classes.toTypedArray())
    result.failures.forEachIndexed { i, f -> println("${i + 1}) ${f.testHeader}\n${f.trace}") }
    val failed = result.failureCount
    val skipped = result.ignoreCount + result.assumptionFailureCount
    println("${result.runCount - failed - result.assumptionFailureCount} passed, $failed failed, $skipped skipped")
    exitProcess(if (result.wasSuccessful() && result.runCount > 0) 0 else 1)
}

/** Every class in Robolectric's runner, whatever its own annotations say. */
private class InSandbox : Computer() {
    override fun getRunner(builder: RunnerBuilder, testClass: Class<*>): Runner = RobolectricTestRunner(testClass)
}

private class Progress : RunListener() {
    private var failed = false
    private var skipped = false
    private var started = 0L

    override fun testStarted(description: Description) {
        failed = false
        skipped = false
        started = System.nanoTime()
        print("${description.className.substringAfterLast('.')}#${description.methodName} … ")
        System.out.flush()
    }

    override fun testFailure(failure: Failure) {
        failed = true
    }

    override fun testAssumptionFailure(failure: Failure) {
        skipped = true
    }

    override fun testFinished(description: Description) {
        val ms = (System.nanoTime() - started) / 1_000_000
        println(if (failed) "FAILED (${ms} ms)" else if (skipped) "skipped (${ms} ms)" else "ok (${ms} ms)")
    }
}
