"""Strategic IT projects of a submission: listed for everyone who may see the submission,
added, changed and removed by the agency's editors while the submission is editable."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import roles_required
from app.accounts.form_stash import keeps_form_across_login, take_stash
from app.errors import FieldErrors
from app.extensions import db
from app.forms_support import apply_field_errors
from app.submissions import bp
from app.submissions.access import ANYONE_SIGNED_IN, can_edit, load_submission
from app.submissions.forms import ProjectForm
from app.submissions.models import Project
from app.submissions.projects import (
    ProjectData,
    create_project,
    delete_project,
    figures_of,
    projects_of,
    update_project,
)


@bp.get("/submissions/<int:submission_id>/projects")
@roles_required(*ANYONE_SIGNED_IN)
def projects(submission_id):
    submission = load_submission(submission_id)
    rows = [(project, figures_of(project)) for project in projects_of(submission.id)]
    return render_template(
        "submissions/projects.html", submission=submission, rows=rows, editable=can_edit(submission)
    )


def _project_of(submission, project_id) -> Project:
    project = db.session.get(Project, project_id)
    if project is None or project.submission_id != submission.id:
        abort(404)
    return project


def _data(form: ProjectForm) -> ProjectData:
    return ProjectData(
        **{
            name: form[name].data
            for name in ProjectData.__dataclass_fields__
            if name in form and name != "rebaseline_reason"
        },
        rebaseline_reason=form.rebaseline_reason.data or "",
    )


def _editable_submission(submission_id):
    submission = load_submission(submission_id, lock=True)
    if not can_edit(submission):
        abort(403)
    return submission


@bp.route("/submissions/<int:submission_id>/projects/new", methods=["GET", "POST"])
@keeps_form_across_login
@roles_required(*ANYONE_SIGNED_IN)
def new_project(submission_id):
    submission = _editable_submission(submission_id)
    stash = _stash()
    if stash is not None:
        return _form_page(submission, ProjectForm(formdata=stash), None, restored=True)
    form = ProjectForm()
    if form.validate_on_submit():
        try:
            create_project(submission, _data(form), current_user)
        except FieldErrors as error:
            db.session.rollback()
            apply_field_errors(form, error)
        else:
            db.session.commit()
            flash(_("The project has been added."), "success")
            return redirect(url_for("submissions.projects", submission_id=submission_id))
    return _form_page(load_submission(submission_id), form, None)


@bp.route(
    "/submissions/<int:submission_id>/projects/<int:project_id>/edit", methods=["GET", "POST"]
)
@keeps_form_across_login
@roles_required(*ANYONE_SIGNED_IN)
def edit_project(submission_id, project_id):
    submission = _editable_submission(submission_id)
    project = _project_of(submission, project_id)
    stash = _stash()
    if stash is not None:
        return _form_page(submission, ProjectForm(formdata=stash), project, restored=True)
    form = ProjectForm(
        obj=project, budget=project.current_budget, end_date=project.current_end_date
    )
    if form.validate_on_submit():
        try:
            update_project(submission, project, _data(form), current_user)
        except FieldErrors as error:
            db.session.rollback()
            apply_field_errors(form, error)
        else:
            db.session.commit()
            flash(_("The project has been saved."), "success")
            return redirect(url_for("submissions.projects", submission_id=submission_id))
    submission = load_submission(submission_id)
    return _form_page(submission, form, _project_of(submission, project_id))


@bp.post("/submissions/<int:submission_id>/projects/<int:project_id>/delete")
@roles_required(*ANYONE_SIGNED_IN)
def remove_project(submission_id, project_id):
    submission = _editable_submission(submission_id)
    delete_project(submission, _project_of(submission, project_id), current_user)
    db.session.commit()
    flash(_("The project has been removed."), "success")
    return redirect(url_for("submissions.projects", submission_id=submission_id))


def _stash():
    """The form as posted after the session had ended (app/accounts/form_stash.py)."""
    return take_stash(current_user, request.path) if request.method == "GET" else None


def _form_page(submission, form, project, restored=False):
    return render_template(
        "submissions/project_form.html",
        submission=submission,
        form=form,
        project=project,
        restored=restored,
    ), 422 if form.errors else 200
