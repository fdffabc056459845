"""A project's benefit register: read by everyone who may see the submission, kept by the
agency's editors while the submission is editable (each year's realisation included)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import roles_required
from app.errors import FieldErrors
from app.extensions import db
from app.forms_support import apply_field_errors
from app.submissions import bp
from app.submissions.access import ANYONE_SIGNED_IN, can_edit, load_submission
from app.submissions.benefits import (
    FIELDS,
    BenefitData,
    benefit_of,
    benefit_warnings_of,
    create_benefit,
    delete_benefit,
    update_benefit,
)
from app.submissions.findings_text import finding_text
from app.submissions.forms import BenefitForm
from app.submissions.models import Benefit, Project, Submission
from app.submissions.timeline import timeline_of
from workflows.benefits import benefit_id_of

BASE = "/submissions/<int:submission_id>/projects/<int:project_id>/benefits"


def _project_of(submission: Submission, project_id: int) -> Project:
    project = db.session.get(Project, project_id)
    if project is None or project.submission_id != submission.id:
        abort(404)
    return project


def _benefit_of(project: Project, benefit_id: int) -> Benefit:
    benefit = benefit_of(project, benefit_id)
    if benefit is None:
        abort(404)
    return benefit


def _editable(submission_id: int) -> Submission:
    submission = load_submission(submission_id, lock=True)
    if not can_edit(submission):
        abort(403)
    return submission


def _data(form: BenefitForm) -> BenefitData:
    values = {name: form[name].data for name in FIELDS}
    for name in ("owner", "status_reason", "goal"):
        values[name] = values[name] or ""
    return BenefitData(**values)


@bp.get(BASE)
@roles_required(*ANYONE_SIGNED_IN)
def benefits(submission_id, project_id):
    submission = load_submission(submission_id)
    project = _project_of(submission, project_id)
    warnings: dict[int, list[str]] = {}
    for finding in benefit_warnings_of(submission.id):
        benefit_id = benefit_id_of(finding.item)
        if benefit_id is not None:
            warnings.setdefault(benefit_id, []).append(finding_text(finding))
    return render_template(
        "submissions/benefits.html",
        submission=submission,
        project=project,
        editable=can_edit(submission),
        warnings=warnings,
    )


@bp.route(f"{BASE}/new", methods=["GET", "POST"])
@roles_required(*ANYONE_SIGNED_IN)
def new_benefit(submission_id, project_id):
    submission = _editable(submission_id)
    project = _project_of(submission, project_id)
    form = BenefitForm()
    if form.validate_on_submit():
        try:
            create_benefit(submission, project, _data(form), current_user)
        except FieldErrors as error:
            db.session.rollback()
            apply_field_errors(form, error)
        else:
            db.session.commit()
            flash(_("The benefit has been added."), "success")
            return redirect(_register(submission_id, project_id))
    return _form_page(submission_id, project_id, form, None)


@bp.route(f"{BASE}/<int:benefit_id>/edit", methods=["GET", "POST"])
@roles_required(*ANYONE_SIGNED_IN)
def edit_benefit(submission_id, project_id, benefit_id):
    submission = _editable(submission_id)
    benefit = _benefit_of(_project_of(submission, project_id), benefit_id)
    form = BenefitForm(obj=benefit)
    if form.validate_on_submit():
        try:
            update_benefit(submission, benefit, _data(form), current_user)
        except FieldErrors as error:
            db.session.rollback()
            apply_field_errors(form, error)
        else:
            db.session.commit()
            flash(_("The benefit has been saved."), "success")
            return redirect(_register(submission_id, project_id))
    return _form_page(submission_id, project_id, form, benefit_id)


@bp.post(f"{BASE}/<int:benefit_id>/delete")
@roles_required(*ANYONE_SIGNED_IN)
def remove_benefit(submission_id, project_id, benefit_id):
    submission = _editable(submission_id)
    benefit = _benefit_of(_project_of(submission, project_id), benefit_id)
    delete_benefit(submission, benefit, current_user)
    db.session.commit()
    flash(_("The benefit has been removed."), "success")
    return redirect(_register(submission_id, project_id))


def _register(submission_id: int, project_id: int) -> str:
    return url_for("submissions.benefits", submission_id=submission_id, project_id=project_id)


def _form_page(submission_id, project_id, form, benefit_id):
    # Read again after a rollback: the page shows the stored benefit, the form what was typed.
    submission = load_submission(submission_id)
    project = _project_of(submission, project_id)
    benefit = _benefit_of(project, benefit_id) if benefit_id is not None else None
    return render_template(
        "submissions/benefit_form.html",
        submission=submission,
        project=project,
        benefit=benefit,
        form=form,
    ), 422 if form.errors else 200


@bp.get("/submissions/<int:submission_id>/projects/<int:project_id>/timeline")
@roles_required(*ANYONE_SIGNED_IN)
def project_timeline(submission_id, project_id):
    submission = load_submission(submission_id)
    project = _project_of(submission, project_id)
    return render_template(
        "submissions/project_timeline.html",
        submission=submission,
        project=project,
        timeline=timeline_of(project, submission.agency_id),
    )


@bp.get("/submissions/<int:submission_id>/benefits/<int:benefit_id>")
@roles_required(*ANYONE_SIGNED_IN)
def benefit_by_id(submission_id, benefit_id):
    """A benefit named by a warning or a question: its project's register, at the benefit."""
    submission = load_submission(submission_id)
    benefit = db.session.get(Benefit, benefit_id)
    project = db.session.get(Project, benefit.project_id) if benefit else None
    if project is None or project.submission_id != submission.id:
        abort(404)
    return redirect(
        url_for(
            "submissions.benefits",
            submission_id=submission_id,
            project_id=project.id,
            _anchor=f"benefit-{benefit_id}",
        )
    )
