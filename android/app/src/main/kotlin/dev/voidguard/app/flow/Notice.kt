package dev.voidguard.app.flow

import dev.voidguard.core.InternalException
import dev.voidguard.core.VoidGuardException

/**
 * Something a screen must explain to the merchant. The flow decides *what* happened;
 * the UI layer turns it into words from the string resources.
 */
sealed interface Notice {
    /** The core refused, with the data the screen shows (attempts left, locked-until …). */
    data class Refused(val error: VoidGuardException) : Notice

    /** The second entry of a new password differs from the first. */
    data object PasswordsDiffer : Notice

    /** A number the administrator may not give a cashier: cashiers are 01–98. */
    data object NotACashierNumber : Notice

    /** The core failed in a way no refusal covers (a bug); the screen says to call support. */
    data object Unexpected : Notice
}

/** The outcome of one call into the core: its value, or the notice that explains why not. */
sealed interface Attempt<out T> {
    data class Done<T>(val value: T) : Attempt<T>
    data class Failed(val notice: Notice) : Attempt<Nothing>
}

/** Runs [call], turning the core's refusals into notices. */
inline fun <T> attempt(call: () -> T): Attempt<T> =
    try {
        Attempt.Done(call())
    } catch (e: VoidGuardException) {
        Attempt.Failed(Notice.Refused(e))
    } catch (e: InternalException) {
        Attempt.Failed(Notice.Unexpected)
    }

/** The refusal inside a notice, if it is one. */
val Notice.refusal: VoidGuardException?
    get() = (this as? Notice.Refused)?.error
