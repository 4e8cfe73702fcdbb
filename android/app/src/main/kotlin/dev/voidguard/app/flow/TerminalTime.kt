package dev.voidguard.app.flow

import java.time.Instant
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter

/**
 * Times as the screens show them: in the terminal's UTC offset, the one the core reckons
 * business dates and slip times in (`Config.utcOffsetMinutes`), never the device's zone,
 * so a screen and the slip it leads to say the same time.
 */
object TerminalTime {
    /** China Standard Time, the core's default offset; replaced by the open terminal's. */
    const val DEFAULT_OFFSET_MINUTES = 480

    /** The open terminal's offset, set when the app opens it. */
    @Volatile
    var offsetMinutes: Int = DEFAULT_OFFSET_MINUTES

    private val PATTERN: DateTimeFormatter = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")

    /** `ms` since the epoch → `2026-03-01 09:30:00` at [offsetMinutes] east of UTC. */
    fun format(ms: Long, offsetMinutes: Int = this.offsetMinutes): String =
        Instant.ofEpochMilli(ms).atOffset(ZoneOffset.ofTotalSeconds(offsetMinutes * 60)).format(PATTERN)
}
