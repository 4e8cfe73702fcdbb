package dev.voidguard.app

import dev.voidguard.core.Terminal

/**
 * A screen driven by one flow of `dev.voidguard.app.flow`: the flow is made on the core
 * thread, every tap is sent to it there as an event, and each state it returns is
 * rendered. Back is the flow's own Back event; with no flow (the terminal could not be
 * opened) Back just leaves.
 */
abstract class FlowActivity<F : Any, E, S> : ScreenActivity() {
    @Volatile private var flow: F? = null

    /** The flow's Back event. */
    protected abstract val back: E

    /** Hands `event` to the flow; runs on the core thread. */
    protected abstract fun F.handle(event: E): S

    protected abstract fun render(state: S)

    /** Makes the flow on the core thread and renders its first state. */
    protected fun startFlow(make: (Terminal) -> F, first: F.() -> S) {
        onCore({ t -> make(t).also { flow = it }.first() }, ::render)
    }

    override fun onBackPressed() {
        if (idle) if (flow == null) finish() else send(back)
    }

    protected fun send(event: E) {
        onCore({ checkNotNull(flow).handle(event) }, ::render)
    }
}
