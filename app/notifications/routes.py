from flask import abort, flash, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.accounts.access import roles_required
from app.accounts.policies import can_view_agency_data, is_own_agency_editor
from app.database import begin_write
from app.errors import FieldErrors
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
from app.notifications.outbox import agency_recipients, configured_addresses
from app.notifications.settings import set_agency_addresses, set_mail_preference
from app.pagination import paginate
from app.roles import Role

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


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(*EVERYONE)
def settings():
    errors, typed = {}, None
    if request.method == "POST":
        begin_write(db.session)
        if request.form.get("form") == "addresses":
            if not is_own_agency_editor(current_user, current_user.agency_id):
                abort(403)
            typed = request.form.get("addresses", "")
            try:
                set_agency_addresses(current_user.agency, typed, current_user)
            except FieldErrors as error:
                db.session.rollback()
                errors = error.errors
            else:
                db.session.commit()
                flash(_("Your agency's mail addresses have been saved."), "success")
                return redirect(url_for("notifications.settings"))
        else:
            set_mail_preference(current_user, request.form.get("wants_mail") == "yes")
            db.session.commit()
            flash(_("Your choice has been saved."), "success")
            return redirect(url_for("notifications.settings"))
    agency = current_user.agency
    return render_template(
        "notifications/settings.html",
        errors=errors,
        typed=typed,
        can_edit_addresses=agency is not None
        and is_own_agency_editor(current_user, current_user.agency_id),
        configured=configured_addresses(agency) if agency else [],
        receiving=agency_recipients(agency, "cycle_opened") if agency else [],
    ), 422 if errors else 200
