package dev.voidguard.app.flow

/**
 * The card leg of a sale and a settlement when the acquirer's payment app performs it
 * (the void's card leg goes through the core's HostLink instead). Implementations throw
 * [dev.voidguard.core.HostException] when the leg did not complete.
 */
interface CardLeg {
    /** Processing code 000000: the payment app reads the card and asks the host. */
    fun sale(amountFen: Long, orderNo: String): CardSale

    /** Processing code 900000: the payment app closes its batch with the host. */
    fun settle(batchNo: String): CardSettlement
}

/** What the payment app reports for an approved sale; the card number comes masked. */
data class CardSale(val maskedPan: String, val cardScheme: String, val rrn: String, val authCode: String)

data class CardSettlement(val responseCode: String)
