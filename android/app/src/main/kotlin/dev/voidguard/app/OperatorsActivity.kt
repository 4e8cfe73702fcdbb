package dev.voidguard.app

import android.os.Bundle
import android.view.View
import dev.voidguard.app.flow.OperatorsFlow
import dev.voidguard.app.flow.OperatorsFlow.Change
import dev.voidguard.app.flow.OperatorsFlow.Event
import dev.voidguard.app.flow.OperatorsFlow.Purpose
import dev.voidguard.app.flow.OperatorsFlow.State
import dev.voidguard.app.flow.OperatorsFlow.Step
import dev.voidguard.core.Operator
import dev.voidguard.core.Role

/**
 * The administrator's screen: their own password on a fresh terminal, then the
 * operators, adding a cashier, a new password for one, removing one.
 */
class OperatorsActivity : FlowActivity<OperatorsFlow, Event, State>() {
    // Passwords are keyed here.
    override val secure = true


    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.title_operators)
        startFlow({ t -> OperatorsFlow(t) }) { start() }
    }

    override val back = Event.Back

    override fun OperatorsFlow.handle(event: Event): State = on(event)

    override fun render(state: State) {
        if (state == State.Exit) return finish()
        show { draw(state) }
    }

    private fun Screen.draw(state: State) {
        val ctx = this@OperatorsActivity
        when (state) {
            State.Loading -> text(str(R.string.loading))
            is State.AdminPassword -> {
                heading(str(R.string.admin_password_title))
                text(
                    str(if (state.step == Step.NEW) R.string.admin_password_step_new else R.string.admin_password_step_confirm),
                    R.id.operators_step,
                )
                if (state.step == Step.NEW) text(str(R.string.admin_password_help))
                notice(state.notice?.let { Texts.explain(ctx, it) })
                pinPad(state.filled, state.length) { send(Event.Key(it)) }
            }
            State.AdminPasswordSet -> {
                heading(str(R.string.admin_password_title))
                info(str(R.string.admin_password_done), R.id.admin_password_done)
                text(str(R.string.password_keep_safe))
                button(str(R.string.action_done), R.id.action_done) { finish() }
            }
            is State.Listing -> {
                heading(str(R.string.title_operators))
                state.change?.let { info(change(it), R.id.operators_change) }
                notice(state.notice?.let { Texts.explain(ctx, it) })
                button(str(R.string.action_add_cashier), R.id.action_add_cashier) { send(Event.Add) }
                text(str(R.string.operators_list_help))
                for (o in state.operators) {
                    if (o in state.cashiers) {
                        button(line(o), View.generateViewId(), primary = false) { send(Event.Select(o.operatorNo)) }
                            .apply { tag = operatorTag(o.operatorNo) }
                    } else {
                        row(str(R.string.operator_line, o.operatorNo, Texts.role(ctx, o.role)), standing(o))
                    }
                }
            }
            is State.Selected -> {
                val o = state.operator
                heading(str(R.string.operator_line, o.operatorNo, Texts.role(ctx, o.role)))
                row(str(R.string.label_status), standing(o), R.id.operator_standing)
                o.createdAtMs?.let { row(str(R.string.label_added_at), Texts.time(it)) }
                button(str(R.string.action_reset_operator_password), R.id.action_reset_operator_password) { send(Event.ResetPassword) }
                button(str(R.string.action_remove_operator), R.id.action_remove_operator, primary = false) { send(Event.Remove) }
                back()
            }
            is State.ConfirmRemove -> {
                heading(str(R.string.operators_remove_title, state.operator.operatorNo))
                text(str(R.string.operators_remove_help))
                button(str(R.string.action_confirm_remove, state.operator.operatorNo), R.id.action_confirm_remove) {
                    send(Event.ConfirmRemove)
                }
                back()
            }
            is State.NumberEntry -> {
                heading(str(R.string.operators_number_title))
                text(str(R.string.operators_number_help), R.id.operators_step)
                notice(state.notice?.let { Texts.explain(ctx, it) })
                digitPad(state.operatorNo, state.length) { send(Event.Key(it)) }
                back()
            }
            is State.PasswordEntry -> {
                heading(
                    str(
                        if (state.purpose == Purpose.ADD) R.string.operators_password_first else R.string.operators_password_reset,
                        state.operatorNo,
                    ),
                )
                text(
                    str(if (state.step == Step.NEW) R.string.operators_password_step_new else R.string.operators_password_step_confirm),
                    R.id.operators_step,
                )
                notice(state.notice?.let { Texts.explain(ctx, it) })
                pinPad(state.filled, state.maxLength, { send(Event.Submit) }, state.canSubmit) { send(Event.Key(it)) }
                back()
            }
            is State.Blocked -> {
                heading(str(R.string.title_operators))
                notice(Texts.explain(ctx, state.notice))
                button(str(R.string.action_back), R.id.action_back, primary = false) { finish() }
            }
            State.Exit -> Unit
        }
    }

    private fun Screen.back() {
        button(str(R.string.action_back), R.id.action_back, primary = false) { send(Event.Back) }
    }

    private fun line(o: Operator): String =
        getString(R.string.operator_button, o.operatorNo, Texts.role(this, o.role), standing(o))

    /**
     * Active, locked (until when, or until a reset), removed; the supervisor, whose
     * password is the void password, may have none yet, and their lock is lifted by
     * the back office.
     */
    private fun standing(o: Operator): String {
        val until = o.lockedUntilMs
        val supervisor = o.role == Role.SUPERVISOR
        return when {
            !o.active -> getString(if (supervisor) R.string.operator_no_password else R.string.operator_removed)
            o.needsReset -> getString(if (supervisor) R.string.operator_needs_lift else R.string.operator_needs_reset)
            until != null -> getString(R.string.operator_locked_until, Texts.time(until))
            else -> getString(R.string.operator_active)
        }
    }

    private fun change(c: Change): String = getString(
        when (c.kind) {
            Change.Kind.ADDED -> R.string.operators_added
            Change.Kind.REMOVED -> R.string.operators_removed
            Change.Kind.PASSWORD_RESET -> R.string.operators_password_was_reset
        },
        c.operatorNo,
    )

    companion object {
        /** The tag of a cashier's button in the list, which the instrumentation tests find. */
        fun operatorTag(operatorNo: String): String = "operator_$operatorNo"
    }
}
