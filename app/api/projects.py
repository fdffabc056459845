"""A submission's strategic IT projects: list, add, read, replace (If-Match), remove."""

from datetime import date
from decimal import Decimal, InvalidOperation

from flask import Response, jsonify, url_for
from flask_babel import gettext as _

from app.api import schemas
from app.api.etags import digest_etag, require_if_match
from app.api.loaders import check_editable, visible_submission
from app.api.operation import IF_MATCH, body, field_problem, not_found, operation
from app.errors import FieldErrors
from app.extensions import db
from app.submissions.models import Project, Submission
from app.submissions.projects import (
    ProjectData,
    create_project,
    delete_project,
    projects_of,
    update_project,
)

TEXT_LIMIT, NAME_LIMIT = 5000, 200
AMOUNT_LIMIT = Decimal("1e13")  # tkr; more than any agency's budget, less than the column holds


def project_json(project: Project) -> dict:
    return {
        "id": project.id,
        "name": project.name,
        "description": project.description,
        "orientation": project.orientation,
        "status": project.status,
        "start_date": project.start_date.isoformat(),
        "original_end_date": project.original_end_date.isoformat(),
        "current_end_date": project.current_end_date.isoformat(),
        "original_budget": float(project.original_budget),
        "current_budget": float(project.current_budget),
        "cost_to_date": float(project.cost_to_date),
        "forecast_at_completion": float(project.forecast_at_completion),
        "risk_benefits": project.risk_benefits,
        "risk_budget": project.risk_budget,
        "risk_time": project.risk_time,
        "benefits_analysed": project.benefits_analysed,
        "benefits_plan": project.benefits_plan,
        "benefits_owner": project.benefits_owner,
        "rebaselines": [
            {"field": c.field, "old": c.old_value, "new": c.new_value, "reason": c.reason}
            for c in project.baseline_changes
        ],
    }


def _project_data(sent: dict, current: Project | None) -> ProjectData:
    """The body as the service takes it. `schemas.PROJECT_INPUT` has already checked each
    field's presence, type, choice and lower bound; left here is only what that schema does
    not say: a name of more than blanks, a real calendar day, texts of at most 5,000
    characters, amounts below 10^13 tkr. A field PUT leaves out keeps the project's value."""
    errors: dict[str, str] = {}

    def text(name, required=False, limit=TEXT_LIMIT):
        value = sent.get(name, "" if current is None else getattr(current, name, ""))
        if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
            errors[name] = _("Enter a text of at most %(n)d characters.", n=limit)
            return ""
        return value.strip()

    def day(name):
        try:
            return date.fromisoformat(sent[name])
        except ValueError:
            errors[name] = _("Enter the date as YYYY-MM-DD.")
            return date.today()

    def amount(name, fallback=None):
        value = sent.get(name, fallback)
        try:
            number = Decimal(str(value))
            if not number.is_finite() or number < 0 or number >= AMOUNT_LIMIT:
                raise InvalidOperation
            return number
        except (InvalidOperation, ValueError):
            errors[name] = _("Enter a number of thousand kronor, 0 or more.")
            return Decimal(0)

    def flag(name):
        value = sent.get(name, getattr(current, name, False))
        if not isinstance(value, bool):
            errors[name] = _("Enter true or false.")
        return bool(value)

    data = ProjectData(
        name=text("name", required=True, limit=NAME_LIMIT),
        description=text("description"),
        orientation=sent["orientation"],
        status=sent["status"],
        start_date=day("start_date"),
        end_date=day("end_date"),
        budget=amount("budget"),
        cost_to_date=amount("cost_to_date", current.cost_to_date if current else 0),
        forecast_at_completion=amount("forecast_at_completion"),
        collaboration=text("collaboration"),
        risk_benefits=sent["risk_benefits"],
        risk_budget=sent["risk_budget"],
        risk_time=sent["risk_time"],
        benefits_analysed=flag("benefits_analysed"),
        benefits_plan=flag("benefits_plan"),
        benefits_owner=flag("benefits_owner"),
        expected_benefits=text("expected_benefits"),
        benefit_measure=text("benefit_measure"),
        benefit_target=text("benefit_target"),
        realised_benefits=text("realised_benefits"),
        rebaseline_reason=text("rebaseline_reason"),
    )
    if errors:
        raise field_problem(FieldErrors(errors))
    return data


def _project_response(project: Project, status: int = 200):
    representation = project_json(project)
    response = jsonify(representation)
    response.status_code = status
    response.headers["ETag"] = digest_etag(representation)
    return response


def project_of(submission: Submission, project_id: int) -> Project:
    project = db.session.get(Project, project_id)
    if project is None or project.submission_id != submission.id:
        raise not_found()
    return project


@operation(
    "/cycles/{year}/submissions/{org_number}/projects",
    "GET",
    "The submission's strategic IT projects",
    "staff; the agency's own users",
    responses={200: ("The projects", {"type": "array", "items": schemas.PROJECT})},
)
def list_projects(user, year, org_number):
    submission = visible_submission(user, year, org_number)
    return jsonify([project_json(p) for p in projects_of(submission.id)])


@operation(
    "/cycles/{year}/submissions/{org_number}/projects",
    "POST",
    "Add a project",
    "the agency's editors, while the submission is editable",
    request=schemas.PROJECT_INPUT,
    responses={201: ("The new project", schemas.PROJECT)},
    etag=True,
)
def add_project(user, year, org_number):
    sent = body(required=("name",))
    submission = visible_submission(user, year, org_number, lock=True)
    check_editable(user, submission)
    try:
        project = create_project(submission, _project_data(sent, None), user)
    except FieldErrors as error:
        raise field_problem(error) from None
    db.session.flush()
    response = _project_response(project, 201)
    response.headers["Location"] = url_for(
        "api.get_project", year=year, org_number=org_number, id=project.id, _external=True
    )
    return response


@operation(
    "/cycles/{year}/submissions/{org_number}/projects/{id}",
    "GET",
    "One project",
    "staff; the agency's own users",
    responses={200: ("The project", schemas.PROJECT)},
    etag=True,
)
def get_project(user, year, org_number, id):
    return _project_response(project_of(visible_submission(user, year, org_number), id))


@operation(
    "/cycles/{year}/submissions/{org_number}/projects/{id}",
    "PUT",
    "Change a project (a new budget or end date needs rebaseline_reason)",
    "the agency's editors, while the submission is editable",
    request=schemas.PROJECT_INPUT,
    responses={200: ("The project; the original baseline is kept", schemas.PROJECT)},
    headers=IF_MATCH,
    etag=True,
)
def put_project(user, year, org_number, id):
    sent = body()
    submission = visible_submission(user, year, org_number, lock=True)
    check_editable(user, submission)
    project = project_of(submission, id)
    require_if_match(digest_etag(project_json(project)))
    try:
        update_project(submission, project, _project_data(sent, project), user)
    except FieldErrors as error:
        raise field_problem(error) from None
    db.session.flush()
    return _project_response(project)


@operation(
    "/cycles/{year}/submissions/{org_number}/projects/{id}",
    "DELETE",
    "Remove a project",
    "the agency's editors, while the submission is editable",
    responses={204: ("Removed", None)},
    headers=IF_MATCH,
)
def remove_project(user, year, org_number, id):
    submission = visible_submission(user, year, org_number, lock=True)
    check_editable(user, submission)
    project = project_of(submission, id)
    require_if_match(digest_etag(project_json(project)))
    delete_project(submission, project, user)
    response = Response(status=204)
    response.headers.remove("Content-Type")  # no body, so no media type either
    return response
