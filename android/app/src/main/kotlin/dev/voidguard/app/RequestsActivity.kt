package dev.voidguard.app

import android.app.Activity
import android.content.Intent
import android.os.Bundle
import dev.voidguard.app.flow.RequestsFlow
import dev.voidguard.app.flow.RequestsFlow.Event
import dev.voidguard.app.flow.RequestsFlow.State
import dev.voidguard.app.flow.RequestsFlow.Step
import dev.voidguard.core.Application
import dev.voidguard.core.RequestKind
import dev.voidguard.core.RequestStatus

/**
 * Requests to the acquirer's back office and redeeming their approval codes: the void
 * and refund permissions (and their standing), password reset, lifting a restriction. Opened on one
 * kind by [EXTRA_FOCUS] (a kind's name: nothing secret).
 */
class RequestsActivity : ScreenActivity() {
    // Approval codes and a reset's new password are keyed here.
    override val secure = true

    private var flow: RequestsFlow? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.title_requests)
        val focus = intent.getStringExtra(EXTRA_FOCUS)?.let { name -> RequestKind.entries.firstOrNull { it.name == name } }
        onCore({ t -> RequestsFlow(t).also { flow = it }.start(focus) }, ::render)
    }

    override fun onBackPressed() {
        if (!idle) return
        if (shown is State.Overview || shown == null) super.onBackPressed() else send(Event.Back)
    }

    /** The state on screen (main thread). */
    private var shown: State? = null

    private fun send(event: Event) {
        onCore({ checkNotNull(flow).on(event) }, ::render)
    }

    private fun render(state: State) = show {
        shown = state
        val ctx = this@RequestsActivity
        when (state) {
            State.Loading -> text(str(R.string.loading))
            is State.Overview -> {
                heading(str(R.string.title_requests))
                row(
                    str(R.string.label_void_permission),
                    str(if (state.voidPermitted) R.string.permission_granted else R.string.permission_not_granted),
                    R.id.void_permission_status,
                )
                row(
                    str(R.string.label_refund_permission),
                    str(if (state.refundPermitted) R.string.permission_granted else R.string.permission_not_granted),
                    R.id.refund_permission_status,
                )
                notice(state.notice?.let { Texts.explain(ctx, it) })
                button(str(R.string.action_apply_permission), R.id.action_apply_permission) { send(Event.Apply(RequestKind.VOID_PERMISSION)) }
                button(str(R.string.action_apply_refund_permission), R.id.action_apply_refund_permission, primary = false) {
                    send(Event.Apply(RequestKind.REFUND_PERMISSION))
                }
                button(str(R.string.action_apply_reset), R.id.action_apply_reset, primary = false) { send(Event.Apply(RequestKind.PASSWORD_RESET)) }
                button(str(R.string.action_apply_lift), R.id.action_apply_lift, primary = false) { send(Event.Apply(RequestKind.LIFT_RESTRICTION)) }
                if (state.tickets.isEmpty()) text(str(R.string.requests_none))
                for (t in state.tickets) {
                    text(
                        str(
                            R.string.request_line,
                            Texts.requestKind(ctx, t.kind),
                            t.requestCode,
                            Texts.requestStatus(ctx, t.status),
                            Texts.time(t.expiresAtMs),
                        ),
                    )
                    if (t.status == RequestStatus.OPEN) {
                        button(str(R.string.action_redeem, t.requestCode), android.view.View.NO_ID) { send(Event.Redeem(t.requestCode)) }
                            .apply { tag = t.requestCode }
                    }
                }
                button(str(R.string.action_back), R.id.action_back, primary = false) { finish() }
            }
            is State.Applying -> {
                heading(str(R.string.requests_apply_title, Texts.requestKind(ctx, state.kind)))
                text(str(R.string.requests_apply_help))
                notice(state.notice?.let { Texts.explain(ctx, it) })
                val reason = field(str(R.string.field_application_reason), R.id.field_application_reason, FieldKind.TEXT)
                val idType = field(str(R.string.field_id_type), R.id.field_id_type, FieldKind.TEXT, str(R.string.default_id_type))
                val idNumber = field(str(R.string.field_id_number), R.id.field_id_number, FieldKind.SECRET_TEXT, maxLength = 32)
                val licence = field(str(R.string.field_licence_no), R.id.field_licence_no, FieldKind.TEXT, maxLength = 32)
                val contact = field(str(R.string.field_contact), R.id.field_contact, FieldKind.PHONE, maxLength = 32)
                button(str(R.string.action_submit_application), R.id.action_submit_application) {
                    val application = Application(
                        reason = reason.text.toString(),
                        idType = idType.text.toString(),
                        idNumber = idNumber.text.toString(),
                        licenceNo = licence.text.toString(),
                        contact = contact.text.toString(),
                    )
                    idNumber.text.clear()
                    send(Event.Submit(application))
                }
                button(str(R.string.action_back), R.id.action_back, primary = false) { send(Event.Back) }
            }
            is State.TicketIssued -> {
                heading(str(R.string.requests_ticket_title))
                text(str(R.string.requests_ticket_help))
                figure(state.ticket.requestCode, R.id.request_code)
                row(str(R.string.label_request_kind), Texts.requestKind(ctx, state.ticket.kind))
                row(str(R.string.label_expires_at), Texts.time(state.ticket.expiresAtMs))
                button(str(R.string.action_enter_approval_code), R.id.action_enter_approval_code) {
                    send(Event.Redeem(state.ticket.requestCode))
                }
                button(str(R.string.action_back), R.id.action_back, primary = false) { send(Event.Back) }
            }
            is State.Redeeming -> {
                heading(str(R.string.requests_redeem_title, Texts.requestKind(ctx, state.ticket.kind)))
                row(str(R.string.field_request_code), state.ticket.requestCode, R.id.request_code)
                text(str(R.string.requests_redeem_help))
                notice(state.notice?.let { Texts.explain(ctx, it) })
                val code = field(str(R.string.field_approval_code), R.id.field_approval_code, FieldKind.SECRET_DIGITS, maxLength = 8)
                keypad()
                button(str(R.string.action_redeem_code), R.id.action_redeem_code) {
                    val chars = CharArray(code.text.length).also { code.text.getChars(0, code.text.length, it, 0) }
                    code.text.clear()
                    send(Event.SubmitCode(chars))
                }
                button(str(R.string.action_back), R.id.action_back, primary = false) { send(Event.Back) }
            }
            is State.NewPassword -> {
                heading(str(R.string.requests_reset_password_title))
                text(str(if (state.step == Step.NEW) R.string.password_step_new else R.string.password_step_confirm), R.id.password_step)
                if (state.step == Step.NEW) text(str(R.string.password_rules))
                notice(state.notice?.let { Texts.explain(ctx, it) })
                pinPad(state.filled, state.length) { send(Event.Key(it)) }
            }
            is State.Redeemed -> {
                heading(Texts.requestKind(ctx, state.kind))
                info(
                    str(
                        when (state.kind) {
                            RequestKind.VOID_PERMISSION -> R.string.requests_redeemed_permission
                            RequestKind.REFUND_PERMISSION -> R.string.requests_redeemed_refund_permission
                            RequestKind.PASSWORD_RESET -> R.string.requests_redeemed_reset
                            RequestKind.LIFT_RESTRICTION -> R.string.requests_redeemed_lift
                        },
                    ),
                    R.id.request_redeemed,
                )
                button(str(R.string.action_done), R.id.action_done) { finish() }
            }
        }
    }

    companion object {
        const val EXTRA_FOCUS = "dev.voidguard.app.extra.REQUEST_KIND"

        /** Opens the requests screen on a lift (解除限制) in place of [from], which closes. */
        fun openLiftInstead(from: Activity) {
            from.startActivity(
                Intent(from, RequestsActivity::class.java).putExtra(EXTRA_FOCUS, RequestKind.LIFT_RESTRICTION.name),
            )
            from.finish()
        }
    }
}
