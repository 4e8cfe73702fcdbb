package dev.voidguard.app.flow

import dev.voidguard.app.flow.HomeFlow.AdminEntry
import dev.voidguard.app.flow.HomeFlow.Tile
import dev.voidguard.core.Locale
import dev.voidguard.core.Role
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Home's tiles and the administration one level down, and the times the screens show. */
class HomeTilesTest {
    private val fx = Fixture().ready()

    @AfterEach
    fun close() = fx.close()

    @Test
    fun `a cashier's home is the money actions in the order a merchant looks for them`() {
        val ready = HomeFlow(fx.terminal).refresh().must<HomeFlow.State.Ready>()
        assertEquals(listOf(Tile.SALE, Tile.VOID, Tile.REFUND, Tile.SETTLEMENT, Tile.JOURNAL), HomeFlow.tilesFor(ready.session.role))
    }

    @Test
    fun `administration holds requests, the void password, audit and settings, and the cashier's own password`() {
        assertEquals(
            listOf(AdminEntry.REQUESTS, AdminEntry.VOID_PASSWORD, AdminEntry.OWN_PASSWORD, AdminEntry.AUDIT, AdminEntry.SETTINGS),
            HomeFlow.adminEntriesFor(Role.CASHIER),
        )
        assertFalse(AdminEntry.OWN_PASSWORD in HomeFlow.adminEntriesFor(Role.SUPERVISOR), "the supervisor's password is the void password")
        assertFalse(AdminEntry.OPERATORS in HomeFlow.adminEntriesFor(Role.CASHIER), "only the administrator manages operators")
    }

    @Test
    fun `the administrator's home has operators and no money action`() {
        fx.signInAs(Operators.ADMINISTRATOR)
        val admin = HomeFlow(fx.terminal).refresh().must<HomeFlow.State.Administrator>()
        assertEquals(listOf(Tile.OPERATORS), HomeFlow.tilesFor(admin.session.role))
        val entries = HomeFlow.adminEntriesFor(admin.session.role)
        assertTrue(AdminEntry.OPERATORS in entries)
        assertFalse(AdminEntry.REQUESTS in entries || AdminEntry.VOID_PASSWORD in entries, "the administrator does not void: $entries")
    }

    @Test
    fun `a time on screen is the slip's time, in the terminal's offset and not the device's zone`() {
        val device = java.util.TimeZone.getDefault()
        try {
            java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("America/New_York"))
            val sale = fx.sale("8.80")
            val slip = fx.terminal.receipt(sale.voucherNo, Locale.EN)
            val shown = TerminalTime.format(sale.createdAtMs, fx.terminal.status().utcOffsetMinutes)
            assertTrue(slip.lines.any { it.value == shown }, "'$shown' is not on the slip: ${slip.lines}")
            assertEquals("2026-03-01 08:00:00", TerminalTime.format(1_772_323_200_000L, 480), "midnight UTC is 08:00 in China")
        } finally {
            java.util.TimeZone.setDefault(device)
        }
    }
}
