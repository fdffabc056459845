"""The questionnaire as an Excel file: downloaded by anyone who may see the submission, uploaded
by the agency's editors while the submission is editable. An upload is stored all or nothing."""

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired

from app.accounts.access import roles_required
from app.extensions import db
from app.roles import Role
from app.submissions import bp
from app.submissions.access import ANYONE_SIGNED_IN, can_edit, load_submission
from app.submissions.answers import reason_missing
from app.submissions.excel import (
    CONTENT_TYPE,
    MAX_UPLOAD_BYTES,
    CellError,
    apply_upload,
    build_template,
    read_upload,
    template_filename,
)


class ExcelUploadForm(FlaskForm):
    file = FileField(
        _l("Excel file"),
        validators=[
            FileRequired(_l("Choose the Excel file to upload.")),
            FileAllowed(["xlsx"], _l("Choose an Excel file (.xlsx).")),
        ],
    )


@bp.app_template_global()
def can_upload_excel(submission) -> bool:
    return can_edit(submission)


@bp.get("/submissions/<int:submission_id>/excel")
@roles_required(*ANYONE_SIGNED_IN)
def excel_template(submission_id):
    submission = load_submission(submission_id)
    return send_file(
        io.BytesIO(build_template(submission, str(get_locale()))),
        mimetype=CONTENT_TYPE,
        as_attachment=True,
        download_name=template_filename(submission),
    )


@bp.route("/submissions/<int:submission_id>/excel/upload", methods=["GET", "POST"])
@roles_required(Role.AGENCY_EDITOR)
def excel_upload(submission_id):
    if not can_edit(load_submission(submission_id)):
        abort(403)
    form = ExcelUploadForm()
    reason = request.form.get("reason", "")
    if not form.validate_on_submit():
        return _page(load_submission(submission_id), form, reason)
    data = form.file.data.read(MAX_UPLOAD_BYTES + 1)
    # Read with no lock held: however long a hostile file takes to refuse, nobody waits for it.
    parsed = read_upload(load_submission(submission_id), data)
    if isinstance(parsed, list):
        db.session.rollback()
        return _page(load_submission(submission_id), form, reason, errors=parsed)
    submission = load_submission(submission_id, lock=True)
    if not can_edit(submission):
        abort(403)
    if reason_missing(submission, reason):
        db.session.rollback()
        reason_error = _("Say why you change the values.")
        return _page(load_submission(submission_id), form, reason, reason_error=reason_error)
    outcome = apply_upload(submission, parsed, current_user, reason, str(get_locale()))
    if outcome.errors:
        db.session.rollback()
        return _page(load_submission(submission_id), form, reason, errors=outcome.errors)
    db.session.commit()
    if not outcome.changes and not outcome.project_names and not outcome.benefit_names:
        flash(_saved_message(outcome.values, outcome.projects), "success")
        return redirect(url_for("submissions.show", submission_id=submission_id))
    # A receipt of what the file changed, old → new. Posting the same file again changes
    # nothing, so the page may stand where the redirect would be.
    return render_template(
        "submissions/excel_receipt.html",
        submission=load_submission(submission_id),
        outcome=outcome,
        message=_saved_message(outcome.values, outcome.projects),
    )


def _saved_message(values: int, projects: int) -> str:
    if not values and not projects:
        return _("Nothing to save: no value was changed.")
    return " ".join(
        [
            ngettext(
                "%(num)d value was saved from the file.",
                "%(num)d values were saved from the file.",
                values,
            ),
            ngettext(
                "%(num)d project was added or changed.",
                "%(num)d projects were added or changed.",
                projects,
            ),
        ]
    )


MAX_LISTED_ERRORS = 200


def _page(submission, form, reason, errors=None, reason_error=None):
    failed = bool(errors or reason_error or form.errors)
    error_count = len(errors or [])
    if error_count > MAX_LISTED_ERRORS:
        # A file with thousands of bad cells gets a page of reasonable size, not all of them.
        more = error_count - MAX_LISTED_ERRORS
        rest = ngettext("… and %(num)d more error.", "… and %(num)d more errors.", more)
        errors = [*errors[:MAX_LISTED_ERRORS], CellError("", "", rest)]
    return render_template(
        "submissions/excel_upload.html",
        submission=submission,
        form=form,
        errors=errors or [],
        error_count=error_count,
        reason=reason,
        reason_error=reason_error,
        max_megabytes=MAX_UPLOAD_BYTES // (1024 * 1024),
    ), 422 if failed else 200
