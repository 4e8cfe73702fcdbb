package dev.voidguard.app.test

import dev.voidguard.app.AdminActivity
import dev.voidguard.app.HomeActivity
import dev.voidguard.app.OwnPasswordActivity
import dev.voidguard.app.R
import dev.voidguard.app.SignInActivity
import dev.voidguard.testsupport.*
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * An operator changes their own password (修改我的密码) from administration: a cashier with the OK
 * key, the administrator's eight digits by themselves; the supervisor, whose password
 * is the void password, is not offered it.
 */
class OwnPasswordTest : MerchantTest() {
    private fun fromHome(): OwnPasswordActivity {
        val home = d.launch(HomeActivity::class.java)
        val admin = d.expect(AdminActivity::class.java) { d.tap(home, R.id.menu_admin) }
        val a = d.expect(OwnPasswordActivity::class.java) { d.tap(admin, R.id.menu_own_password) }
        assertTrue("the own-password screen forbids screenshots", secure(a))
        return a
    }

    /** A cashier's entry: the digits, then OK. */
    private fun OwnPasswordActivity.entry(digits: String) {
        d.pin(this, digits)
        d.tap(this, R.id.pin_ok)
    }

    @Test
    fun aCashierChangesTheirPasswordAndSignsInWithTheNewOneOnly() {
        val a = fromHome()
        assertEquals(a.getString(R.string.own_password_step_current), d.text(a, R.id.own_password_step))

        // A wrong current password is counted and asked for again.
        a.entry("9999")
        a.entry("6029")
        a.entry("6029")
        assertEquals(a.resources.getQuantityString(R.plurals.refusal_wrong_operator_password, 4, CASHIER, 4), d.text(a, R.id.notice))
        assertEquals(a.getString(R.string.own_password_step_current), d.text(a, R.id.own_password_step))

        // Two new entries that differ: the new one again, the current one kept.
        a.entry(CASHIER_PASSWORD)
        a.entry("6029")
        a.entry("6028")
        assertEquals(a.getString(R.string.notice_passwords_differ), d.text(a, R.id.notice))
        assertEquals(a.getString(R.string.own_password_step_new), d.text(a, R.id.own_password_step))

        // Too easy: refused on the new step.
        a.entry("1234")
        a.entry("1234")
        assertEquals(a.getString(R.string.refusal_trivial_password), d.text(a, R.id.notice))
        assertEquals(a.getString(R.string.own_password_step_new), d.text(a, R.id.own_password_step))

        a.entry("6029")
        a.entry("6029")
        assertEquals(a.getString(R.string.own_password_done, CASHIER), d.text(a, R.id.own_password_done))
        d.tap(a, R.id.action_done)
        assertTrue(a.isFinishing)

        d.signOutNow()
        val old = d.launch(SignInActivity::class.java)
        d.pin(old, CASHIER)
        d.pin(old, CASHIER_PASSWORD)
        d.tap(old, R.id.pin_ok)
        assertEquals(old.resources.getQuantityString(R.plurals.refusal_wrong_operator_password, 4, CASHIER, 4), d.text(old, R.id.notice))
        d.finishAll()
        merchant.signIn(CASHIER, "6029")
    }

    @Test
    fun theAdministratorChangesTheirEightDigitsAndTheSupervisorIsNotOffered() {
        d.signInAs(ADMINISTRATOR, ADMIN_PASSWORD)
        val a = fromHome()
        assertFalse("eight digits move on by themselves: ${d.screenText(a)}", d.has(a, R.id.pin_ok))
        d.pin(a, ADMIN_PASSWORD)
        d.pin(a, "73920584")
        d.pin(a, "73920584")
        assertEquals(a.getString(R.string.own_password_done, ADMINISTRATOR), d.text(a, R.id.own_password_done))
        d.tap(a, R.id.action_done)

        d.signOutNow()
        merchant.signIn(ADMINISTRATOR, "73920584")

        d.signInAs(SUPERVISOR, PASSWORD)
        val admin = d.launch(AdminActivity::class.java)
        d.find(admin, R.id.menu_password)
        assertFalse("the supervisor's password is the void password: ${d.screenText(admin)}", d.has(admin, R.id.menu_own_password))
    }

    @Test
    fun backGoesAStepAtATimeThenLeaves() {
        val a = fromHome()
        a.entry(CASHIER_PASSWORD)
        assertEquals(a.getString(R.string.own_password_step_new), d.text(a, R.id.own_password_step))
        d.back(a)
        assertEquals(a.getString(R.string.own_password_step_current), d.text(a, R.id.own_password_step))
        assertFalse(a.isFinishing)
        d.back(a)
        assertTrue("Back from the current password leaves: ${d.screenText(a)}", a.isFinishing)
    }
}
