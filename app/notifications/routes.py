from flask import abort, flash, has_request_context, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.accounts.access import roles_required
from app.accounts.models import Role
from app.accounts.policies import can_view_agency_data
from app.extensions import db
from app.notifications import bp
from app.notifications.inbox import (
    inbox_of,
    mark_all_read,
    mark_read,
    notice_text,
    own_notification,
    unread_count,
)
from app.pagination import paginate

EVERYONE = tuple(role.value for role in Role)


@bp.app_context_processor
def inject_unread_count():
    """The unread count in the menu: one query per page, whatever the number of notices."""
    if not has_request_context() or not current_user or not current_user.is_authenticated:
        return {}  # mail templates are rendered outside a signed-in request
    return {"unread_notifications": unread_count(current_user)}


@bp.get("/")
@roles_required(*EVERYONE)
def inbox():
    page = paginate(inbox_of(current_user), per_page=30)
    return render_template("notifications/inbox.html", page=page, notice_text=notice_text)


@bp.post("/<int:notification_id>/open")
@roles_required(*EVERYONE)
def open_notice(notification_id):
    notification = own_notification(current_user, notification_id)
    if notification is None:
        abort(404)
    mark_read(notification)
    db.session.commit()
    submission = notification.submission
    if submission is None or not can_view_agency_data(current_user, submission.agency_id):
        return redirect(url_for("notifications.inbox"))
    return redirect(url_for("submissions.show", submission_id=submission.id))


@bp.post("/read")
@roles_required(*EVERYONE)
def read_all():
    marked = mark_all_read(current_user)
    db.session.commit()
    flash(
        ngettext("%(num)d notice marked as read.", "%(num)d notices marked as read.", marked)
        if marked
        else _("No unread notices."),
        "success",
    )
    return redirect(url_for("notifications.inbox"))
