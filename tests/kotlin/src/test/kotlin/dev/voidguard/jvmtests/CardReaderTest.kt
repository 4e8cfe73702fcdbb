package dev.voidguard.jvmtests

import dev.voidguard.core.CardPurpose
import dev.voidguard.core.CardRead
import dev.voidguard.core.CardReadFailure
import dev.voidguard.core.CardReader
import dev.voidguard.core.CardReaderException
import dev.voidguard.core.LegState
import dev.voidguard.core.TransactionStatus
import dev.voidguard.core.VoidGuardException
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.util.concurrent.ConcurrentLinkedQueue

/** Another card of the sale card's issuer. */
private const val OTHER_PAN = "6222029876543210987"

/**
 * A card reader written in Kotlin, as the vendor SDK's adapter is on a terminal: each
 * read answers with the next card or throws the next failure it was given (no card
 * when nothing is left), and remembers what it was asked for.
 */
private class KotlinReader : CardReader {
    private val next = ConcurrentLinkedQueue<() -> CardRead>()
    val asked = ConcurrentLinkedQueue<CardPurpose>()

    fun willRead(pan: String, pin: Boolean = false) {
        next += {
            CardRead(
                pan = pan,
                track2 = "$pan=2912201000001230",
                expiry = "2912",
                pinBlock = if (pin) byteArrayOf(0x3a, 0x91.toByte(), 0x0c, 0x5e, 0x77, 0x12, 0xd4.toByte(), 0x08) else null,
            )
        }
    }

    fun willFail(e: Throwable) {
        next += { throw e }
    }

    override fun readCard(purpose: CardPurpose): CardRead {
        asked += purpose
        val answer = next.poll() ?: throw CardReaderException.NoCard()
        return answer()
    }
}

/** The card-reader seam crosses the FFI: the core asks a Kotlin reader and keeps only what it must. */
class CardReaderTest {
    private fun cardTerminal(pin: Boolean = false) = TerminalFixture.ready(
        adjust = { it.copy(voidCardRequired = true, voidPinRequired = pin, refundCardRequired = true) },
    )

    @Test
    fun `a void that requires the card reads it from the Kotlin reader and passes with the sale's card`() {
        cardTerminal().use { f ->
            val reader = KotlinReader()
            f.terminal.setCardReader(reader)
            val sale = f.sale("30.00")
            reader.willRead(FULL_PAN)
            val outcome = f.terminal.voidTransaction(voidOf(sale))
            assertEquals(LegState.APPROVED, outcome.state)
            assertEquals(listOf(CardPurpose.VOID), reader.asked.toList())
            assertEquals(TransactionStatus.VOIDED, f.terminal.allRows().first { it.voucherNo == sale.voucherNo }.status)
        }
    }

    @Test
    fun `another card is refused before the password is looked at and nothing changes`() {
        cardTerminal().use { f ->
            val reader = KotlinReader()
            f.terminal.setCardReader(reader)
            val sale = f.sale("30.00")
            reader.willRead(OTHER_PAN)
            val before = f.terminal.allRows()
            val e = assertThrows<VoidGuardException.CardMismatch> {
                f.terminal.voidTransaction(voidOf(sale, password = WRONG_PASSWORD))
            }
            assertEquals(before, f.terminal.allRows())
            // A wrong password after the card check would have counted an attempt.
            assertEquals(0u, f.terminal.vaultStatus().consecutiveFailures)
            assertFalse(OTHER_PAN in e.message.orEmpty() || FULL_PAN in e.message.orEmpty())
        }
    }

    @Test
    fun `a read the cardholder cancels, an empty reader and a reader that throws are each a typed refusal`() {
        cardTerminal().use { f ->
            val reader = KotlinReader()
            f.terminal.setCardReader(reader)
            val sale = f.sale("30.00")
            reader.willFail(CardReaderException.Cancelled())
            val cancelled = assertThrows<VoidGuardException.CardNotRead> { f.terminal.voidTransaction(voidOf(sale)) }
            assertEquals(CardReadFailure.CANCELLED, cancelled.failure)
            val none = assertThrows<VoidGuardException.CardNotRead> { f.terminal.voidTransaction(voidOf(sale)) }
            assertEquals(CardReadFailure.NO_CARD, none.failure)
            // An exception the interface does not declare reaches the core as a reader fault,
            // its text (which might hold anything the SDK put there) left behind.
            reader.willFail(IllegalStateException("SDK fault at $FULL_PAN"))
            val fault = assertThrows<VoidGuardException.CardNotRead> { f.terminal.voidTransaction(voidOf(sale)) }
            assertEquals(CardReadFailure.READER_FAULT, fault.failure)
            assertFalse(FULL_PAN in fault.message.orEmpty())
            assertEquals(TransactionStatus.APPROVED, f.terminal.allRows().first { it.voucherNo == sale.voucherNo }.status)
        }
    }

    @Test
    fun `without a reader installed a card-required void is refused, and with PIN required a read without a PIN block is too`() {
        cardTerminal().use { f ->
            val sale = f.sale("30.00")
            assertThrows<VoidGuardException.CardReaderMissing> { f.terminal.voidTransaction(voidOf(sale)) }
        }
        cardTerminal(pin = true).use { f ->
            val reader = KotlinReader()
            f.terminal.setCardReader(reader)
            val sale = f.sale("30.00")
            reader.willRead(FULL_PAN, pin = false)
            assertThrows<VoidGuardException.PinBlockRequired> { f.terminal.voidTransaction(voidOf(sale)) }
            reader.willRead(FULL_PAN, pin = true)
            assertEquals(LegState.APPROVED, f.terminal.voidTransaction(voidOf(sale)).state)
        }
    }

    @Test
    fun `removing the reader takes it out of the core's hands`() {
        cardTerminal().use { f ->
            val reader = KotlinReader()
            f.terminal.setCardReader(reader)
            f.terminal.setCardReader(null)
            val sale = f.sale("30.00")
            assertThrows<VoidGuardException.CardReaderMissing> { f.terminal.voidTransaction(voidOf(sale)) }
            assertEquals(emptyList<CardPurpose>(), reader.asked.toList())
        }
    }
}
