"""The self-assessment as an Excel file: the template downloaded by the agency's users, a
filled-in one uploaded by its editors, checked whole and stored all or nothing."""

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired

from app.accounts.access import roles_required
from app.database import begin_write
from app.errors import FieldErrors
from app.extensions import db
from app.roles import Role
from app.self_assessment import bp
from app.self_assessment.services import collection_submission, own_assessment_or_404
from app.self_assessment.workbook import (
    read_file,
    saved_message,
    store_file,
    template_name,
    template_of,
)
from app.submissions.excel import CONTENT_TYPE, MAX_UPLOAD_BYTES

MAX_LISTED_ERRORS = 200


class UploadForm(FlaskForm):
    file = FileField(
        _l("Excel file"),
        validators=[
            FileRequired(_l("Choose the Excel file to upload.")),
            FileAllowed(["xlsx"], _l("Choose an Excel file (.xlsx).")),
        ],
    )


@bp.get("/self-assessment/<int:year>/excel")
@roles_required(Role.AGENCY_EDITOR, Role.AGENCY_VIEWER)
def excel_template(year):
    assessment = own_assessment_or_404(current_user.agency_id, year)
    agency = current_user.agency
    return send_file(
        io.BytesIO(template_of(assessment, agency, str(get_locale()))),
        mimetype=CONTENT_TYPE,
        as_attachment=True,
        download_name=template_name(assessment, agency),
    )


@bp.route("/self-assessment/<int:year>/excel/upload", methods=["GET", "POST"])
@roles_required(Role.AGENCY_EDITOR)
def excel_upload(year):
    assessment = own_assessment_or_404(current_user.agency_id, year)
    if collection_submission(current_user.agency_id) is not None:
        abort(403)  # inside the collection window the agency answers in its submission
    form = UploadForm()
    if not form.validate_on_submit():
        return _page(assessment, form)
    # Read with no lock held: however long a hostile file takes to refuse, nobody waits for it.
    read = read_file(assessment, current_user.agency, form.file.data.read(MAX_UPLOAD_BYTES + 1))
    if isinstance(read, list):
        db.session.rollback()
        return _page(assessment, form, read)
    begin_write(db.session)
    assessment = own_assessment_or_404(current_user.agency_id, year)
    try:
        count = store_file(assessment, current_user.agency, read)
    except FieldErrors as error:
        db.session.rollback()
        flash(" ".join(error.errors.values()), "error")
        return redirect(url_for("self_assessment.index"))
    db.session.commit()
    flash(saved_message(count), "success")
    return redirect(url_for("self_assessment.result", year=year))


def _page(assessment, form, errors=None):
    errors = errors or []
    shown = errors[:MAX_LISTED_ERRORS]
    return render_template(
        "self_assessment/excel_upload.html",
        assessment=assessment,
        form=form,
        errors=shown,
        error_count=len(errors),
        more=len(errors) - len(shown),
        max_megabytes=MAX_UPLOAD_BYTES // (1024 * 1024),
    ), 422 if (errors or form.errors) else 200
