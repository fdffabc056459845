from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import roles_required
from app.extensions import db
from app.notifications.models import OutboxMessage, OutboxState
from app.notifications.outbox_admin import (
    NotResendable,
    kinds,
    outbox_messages,
    reminder_preview,
    resend,
    state_counts,
)
from app.notifications.reminders import upcoming_reminders
from app.pagination import paginate
from app.roles import Role
from app.timeutil import today_in_stockholm

outbox_bp = Blueprint("outbox", __name__, url_prefix="/admin/outbox")
admin_only = roles_required(Role.ADMIN)
UPCOMING_DAYS = 14


@outbox_bp.get("/")
@admin_only
def index():
    state = request.args.get("state") or None
    if state not in {s.value for s in OutboxState}:
        state = None
    kind = request.args.get("kind") or None
    return render_template(
        "notifications/outbox.html",
        page=paginate(outbox_messages(state, kind), per_page=50),
        state=state,
        kind=kind,
        states=list(OutboxState),
        kinds=kinds(),
        counts=state_counts(),
    )


@outbox_bp.get("/<int:message_id>")
@admin_only
def show(message_id):
    return render_template(
        "notifications/outbox_message.html", message=db.get_or_404(OutboxMessage, message_id)
    )


@outbox_bp.post("/<int:message_id>/resend")
@admin_only
def resend_view(message_id):
    message = db.get_or_404(OutboxMessage, message_id)
    try:
        resend(message, current_user)
    except NotResendable:
        db.session.rollback()
        flash(_("Only a failed or skipped message can be sent again."), "error")
        return redirect(url_for("outbox.show", message_id=message_id))
    db.session.commit()
    flash(_("The message is queued again and goes out with the next send."), "success")
    return redirect(url_for("outbox.show", message_id=message_id))


@outbox_bp.get("/upcoming")
@admin_only
def upcoming():
    return render_template(
        "notifications/upcoming.html",
        reminders=upcoming_reminders(today_in_stockholm(), UPCOMING_DAYS),
        days=UPCOMING_DAYS,
    )


@outbox_bp.get("/upcoming/preview")
@admin_only
def preview():
    found = reminder_preview(today_in_stockholm(), request.args.get("key", ""), UPCOMING_DAYS)
    if found is None:
        abort(404)
    return render_template("notifications/reminder_preview.html", **found)
