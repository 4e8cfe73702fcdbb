package dev.voidguard.app.flow

import dev.voidguard.core.Locale
import dev.voidguard.core.SimulatorMode
import dev.voidguard.core.VoidGuardException
import dev.voidguard.testsupport.*
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Activation, the home screen's alerts, recording a sale and the settings. */
class SetupFlowTest {
    private val fx = Fixture()

    @AfterEach
    fun close() = fx.close()

    @Test
    fun `activation keeps what was keyed, except the secret, when refused`() {
        val flow = ActivationFlow(fx.terminal)
        flow.start().must<ActivationFlow.State.Form>()
        val refused = flow.on(ActivationFlow.Event.Submit("12345", TERMINAL_ID, SECRET_HEX)).must<ActivationFlow.State.Form>()
        assertEquals("12345", refused.merchantNo)
        assertFalse(refused.toString().contains(SECRET_HEX))
        refused.notice?.refusal.must<VoidGuardException.InvalidInput>()

        val done = flow.on(ActivationFlow.Event.Submit(MERCHANT_NO, TERMINAL_ID, SECRET_HEX)).must<ActivationFlow.State.Activated>()
        assertEquals(MERCHANT_NO, done.status.merchantNo)
        ActivationFlow(fx.terminal).start().must<ActivationFlow.State.Activated>()
    }

    @Test
    fun `home points out what stands between the merchant and a void`() {
        val home = HomeFlow(fx.terminal)
        assertEquals(HomeFlow.State.NotActivated, home.refresh())
        fx.activate()
        home.refresh().must<HomeFlow.State.AdminPasswordNotSet>()
        fx.signInAs(CASHIER)
        val alerts = home.refresh().must<HomeFlow.State.Ready>()
        assertEquals(
            listOf(HomeFlow.Alert.PermissionMissing, HomeFlow.Alert.RefundPermissionMissing, HomeFlow.Alert.PasswordNotSet),
            alerts.alerts,
        )
        assertFalse(alerts.canVoid)
    }

    @Test
    fun `home on a ready terminal offers voiding and warns when the password is due`() {
        fx.ready()
        val home = HomeFlow(fx.terminal)
        assertTrue(home.refresh().must<HomeFlow.State.Ready>().canVoid)
        fx.clock.advance(91L * 24 * 3_600_000)
        val due = home.refresh().must<HomeFlow.State.Ready>()
        due.alerts.single().must<HomeFlow.Alert.PasswordChangeDue>()
        assertTrue(due.canVoid, "an expired password still voids; the merchant is told to change it")
    }

    @Test
    fun `a simulated sale is keyed with its card number, journaled masked`() {
        fx.activate()
        fx.signInAs(CASHIER)
        val flow = SaleFlow(fx.terminal)
        assertFalse(flow.state.must<SaleFlow.State.Form>().viaPaymentApp)
        val refused = flow.on(SaleFlow.Event.Submit("12.345", FULL_PAN, "UnionPay")).must<SaleFlow.State.Form>()
        refused.notice?.refusal.must<VoidGuardException.InvalidInput>()
        assertFalse(refused.toString().contains(FULL_PAN))

        val recorded = flow.on(SaleFlow.Event.Submit("12.34", FULL_PAN, "UnionPay")).must<SaleFlow.State.Recorded>()
        assertEquals("622202*********0123", recorded.transaction.maskedPan)
        assertEquals(1234L, recorded.transaction.amount)
        flow.on(SaleFlow.Event.Again).must<SaleFlow.State.Form>()
    }

    @Test
    fun `a sale keyed without a scheme is named by its card's BIN`() {
        fx.activate()
        fx.signInAs(CASHIER)
        val flow = SaleFlow(fx.terminal)
        val form = flow.state.must<SaleFlow.State.Form>()
        assertEquals("", form.cardScheme)
        val visa = flow.on(SaleFlow.Event.Submit("1.00", "4111111111111111", form.cardScheme)).must<SaleFlow.State.Recorded>()
        assertEquals("Visa", visa.transaction.cardScheme)
    }

    @Test
    fun `a sale the host declines stays on the form with the response code and journals nothing`() {
        fx.activate()
        fx.signInAs(CASHIER)
        fx.terminal.setSimulatorMode(SimulatorMode.DECLINE)
        val flow = SaleFlow(fx.terminal)
        val form = flow.on(SaleFlow.Event.Submit("1.00", FULL_PAN, "UnionPay")).must<SaleFlow.State.Form>()
        assertEquals("05", form.notice?.refusal.must<VoidGuardException.HostDeclined>().responseCode)
        assertTrue(fx.terminal.journal(dev.voidguard.core.JournalQuery()).items.isEmpty())
        assertFalse(form.toString().contains(FULL_PAN))

        fx.terminal.setSimulatorMode(SimulatorMode.TIMEOUT)
        flow.on(SaleFlow.Event.Submit("1.00", FULL_PAN, "UnionPay")).must<SaleFlow.State.Form>()
            .notice?.refusal.must<VoidGuardException.HostUnreachable>()
        assertTrue(fx.terminal.journal(dev.voidguard.core.JournalQuery()).items.isEmpty())
    }

    @Test
    fun `settings refuse a malformed payment app and keep the rest`() {
        val flow = settingsFlow()
        val bad = flow.on(
            SettingsFlow.Event.Save(Settings(hostChoice = HostChoice.PAYMENT_APP, paymentAppPackage = "nope")),
        ).must<SettingsFlow.State.Editing>()
        assertEquals(setOf(SettingsFlow.Problem.PAYMENT_APP_PACKAGE), bad.problems)

        val saved = flow.on(
            SettingsFlow.Event.Save(Settings(hostChoice = HostChoice.SIMULATOR, simulatorMode = SimulatorMode.DECLINE, paymentAppPackage = " a.b ")),
        ).must<SettingsFlow.State.Saved>()
        assertEquals("a.b", saved.settings.paymentAppPackage)
        assertEquals(SimulatorMode.DECLINE, saved.settings.simulatorMode)
    }

    @Test
    fun `Sunmi L3 needs only a valid package, while the 星POS-style app needs its activity too`() {
        val sunmi = Settings(hostChoice = HostChoice.PAYMENT_APP, paymentApp = PaymentAppChoice.SUNMI_L3, paymentAppActivity = "")
        val flow = settingsFlow()
        val saved = flow.on(SettingsFlow.Event.Save(sunmi.copy(sunmiPackage = " com.sunmi.payment "))).must<SettingsFlow.State.Saved>()
        assertEquals("com.sunmi.payment", saved.settings.sunmiPackage)
        assertEquals(PaymentAppChoice.SUNMI_L3, saved.settings.paymentApp)

        val bad = settingsFlow().on(SettingsFlow.Event.Save(sunmi.copy(sunmiPackage = "sunmi"))).must<SettingsFlow.State.Editing>()
        assertEquals(setOf(SettingsFlow.Problem.SUNMI_PACKAGE), bad.problems)
        assertEquals(
            setOf(SettingsFlow.Problem.PAYMENT_APP_ACTIVITY),
            SettingsFlow.problemsOf(sunmi.copy(paymentApp = PaymentAppChoice.STAR_POS)),
            "the same settings with the 星POS-style app lack its activity",
        )

        // Choosing the dialect only changes what the form shows; nothing is checked yet.
        val changed = settingsFlow().on(SettingsFlow.Event.Change(sunmi.copy(sunmiPackage = "x"))).must<SettingsFlow.State.Editing>()
        assertEquals(emptySet<SettingsFlow.Problem>(), changed.problems)
        assertEquals(PaymentAppChoice.SUNMI_L3, changed.settings.paymentApp)
    }

    @Test
    fun `stored settings from before the dialect existed load as the 星POS-style app, and a saved choice loads back`() {
        val old = mapOf(
            StoredSettings.HOST to "PAYMENT_APP",
            StoredSettings.SIMULATOR_MODE to "DECLINE",
            StoredSettings.PAYMENT_PACKAGE to "com.example.pay",
            StoredSettings.PAYMENT_ACTIVITY to "com.example.pay.Main",
        )
        val loaded = StoredSettings.read(old::get)
        assertEquals(PaymentAppChoice.STAR_POS, loaded.paymentApp)
        assertEquals(SunmiL3Protocol.DEFAULT_PACKAGE, loaded.sunmiPackage)
        assertEquals("com.example.pay.Main", loaded.paymentAppActivity)
        assertEquals(SimulatorMode.DECLINE, loaded.simulatorMode)
        assertEquals(PaymentAppChoice.STAR_POS, StoredSettings.read((old + (StoredSettings.PAYMENT_APP to "NEWLAND_X"))::get).paymentApp)

        val chosen = loaded.copy(paymentApp = PaymentAppChoice.SUNMI_L3, sunmiPackage = "com.sunmi.l3")
        val stored = StoredSettings.write(chosen)
        assertEquals("SUNMI_L3", stored[StoredSettings.PAYMENT_APP])
        assertEquals(chosen, StoredSettings.read(stored::get))
    }

    @Test
    fun `the chosen dialect is the one the host link speaks`() {
        val asked = mutableListOf<String>()
        val key = { ByteArray(SunmiL3Protocol.TRANS_ID_KEY_BYTES).also { asked += "key" } }
        assertEquals(null, PaymentAppRoute.of(Settings(), "dev.voidguard.app", key), "the simulator needs no payment app")

        val sunmi = PaymentAppRoute.of(
            Settings(hostChoice = HostChoice.PAYMENT_APP, paymentApp = PaymentAppChoice.SUNMI_L3, sunmiPackage = "com.sunmi.l3"),
            "dev.voidguard.app",
            key,
        )!!
        assertTrue(sunmi.dialect is SunmiL3Protocol)
        assertEquals("com.sunmi.l3", sunmi.packageName)
        assertEquals(null, sunmi.activity, "L3 is reached by its action inside the package")
        assertEquals(SunmiL3Protocol.RESULT_ACTIONS, sunmi.broadcasts?.actions)

        val star = PaymentAppRoute.of(Settings(hostChoice = HostChoice.PAYMENT_APP), "dev.voidguard.app", key)!!
        assertTrue(star.dialect is PaymentAppProtocol)
        assertEquals(PaymentAppProtocol.DEFAULT_PACKAGE, star.packageName)
        assertEquals(PaymentAppProtocol.DEFAULT_ACTIVITY, star.activity)
        assertEquals(null, star.broadcasts, "a 星POS-style app answers by activity result only")
        assertEquals(listOf("key"), asked, "the transId key is asked for only when L3 is chosen")
    }

    @Test
    fun `amounts are shown in yuan and parsed from what merchants key`() {
        assertEquals("12.34", Money.format(1234))
        assertEquals("0.05", Money.format(5))
        assertEquals("-1.00", Money.format(-100))
        assertEquals(1234L, Money.parseFen("12.34"))
        assertEquals(50L, Money.parseFen("0.5"))
        assertEquals(1200L, Money.parseFen("１２"))
        listOf("", "0", "0.00", "-1", "1.234", "abc", "1e3", "99999999999999").forEach {
            assertEquals(null, Money.parseFen(it), it)
        }
    }

    @Test
    fun `the PIN pad holds six digits and wipes what it hands over`() {
        val pad = PinPad()
        "1234567".forEach { pad.press(PinKey.digit(it - '0')) }
        assertEquals(6, pad.filled)
        assertTrue(pad.isComplete)
        assertEquals("123456", String(pad.take()))
        assertEquals(0, pad.filled)
        pad.press(PinKey.NINE)
        pad.press(PinKey.BACKSPACE)
        pad.press(PinKey.BACKSPACE)
        assertEquals(0, pad.filled)
        assertEquals(Locale.EN, Locale.valueOf("EN"))
    }
}
