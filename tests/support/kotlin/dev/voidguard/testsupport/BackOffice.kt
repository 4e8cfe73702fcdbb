package dev.voidguard.testsupport

import dev.voidguard.core.RequestKind
import java.nio.ByteBuffer
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

/**
 * The acquirer's back office, computed independently of the core (DESIGN §2):
 * `d = HMAC-SHA256(key = terminal secret, msg = UTF-8 of "<ACTION>|<request code>")`,
 * `d[0..4]` as a big-endian u32 with the top bit cleared, modulo 10^8, eight digits.
 */
object BackOffice {
    enum class Action { PERMIT, PERMIT_REFUND, RESET, LIFT }

    /** The code the back office sends for a request of [kind] from a terminal with [secretHex]. */
    fun approve(kind: RequestKind, requestCode: String, secretHex: String = SECRET_HEX): String =
        approvalCode(hexToBytes(secretHex), actionFor(kind), requestCode)

    /** A code that is certainly not the right one. */
    fun wrong(kind: RequestKind, requestCode: String): String =
        approve(kind, requestCode).let { if (it == "00000000") "00000001" else "00000000" }

    fun approvalCode(secret: ByteArray, action: Action, requestCode: String): String {
        val mac = Mac.getInstance("HmacSHA256")
        mac.init(SecretKeySpec(secret, "HmacSHA256"))
        val d = mac.doFinal("${action.name}|$requestCode".toByteArray(Charsets.UTF_8))
        val n = ByteBuffer.wrap(d, 0, 4).int.toLong() and 0x7fff_ffffL
        return (n % 100_000_000L).toString().padStart(8, '0')
    }

    fun actionFor(kind: RequestKind): Action = when (kind) {
        RequestKind.VOID_PERMISSION -> Action.PERMIT
        RequestKind.REFUND_PERMISSION -> Action.PERMIT_REFUND
        RequestKind.PASSWORD_RESET -> Action.RESET
        RequestKind.LIFT_RESTRICTION -> Action.LIFT
    }

    fun hexToBytes(hex: String): ByteArray {
        require(hex.length % 2 == 0) { "hex has an even length" }
        return ByteArray(hex.length / 2) { i -> hex.substring(2 * i, 2 * i + 2).toInt(16).toByte() }
    }
}
