"""Submissions and their values: the summary in a page, the whole submission, a PATCH of
values (all or nothing, If-Match)."""

from flask import jsonify, request
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from app.accounts.models import Agency
from app.accounts.policies import is_authority_staff
from app.api import schemas
from app.api.loaders import check_editable, visible_cycle, visible_submission
from app.api.operation import IF_MATCH, body, if_match, moment, number, operation
from app.api.problems import ApiProblem
from app.cycles.questionnaire_service import key_figure_specs
from app.extensions import db
from app.pagination import small_int
from app.review.models import Question
from app.submissions.answers import (
    StaleVersion,
    errors_of,
    reason_missing,
    set_values,
    warnings_of,
)
from app.submissions.findings_text import finding_text
from app.submissions.models import Submission
from app.submissions.projects import projects_of
from app.submissions.stored import answers_of, values_of
from app.submissions.warnings import warnings_by_submission
from workflows.answers import key_figures
from workflows.question import UNSETTLED

PER_PAGE = 100


def _open_questions(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(Question.submission_id, func.count())
        .where(Question.submission_id.in_(ids), Question.status.in_([str(s) for s in UNSETTLED]))
        .group_by(Question.submission_id)
    )
    return dict(rows.all())


def _summary(submission: Submission, open_questions: int, warnings: int) -> dict:
    agency = submission.agency
    return {
        "agency": {
            "name": agency.name,
            "org_number": agency.org_number,
            "peer_group": agency.peer_group.code,
        },
        "status": submission.status,
        "version": submission.version,
        "submitted_at": moment(submission.submitted_at),
        "approved_at": moment(submission.approved_at),
        "open_questions": open_questions,
        "warnings": warnings,
    }


def _finding(finding) -> dict:
    return {
        "code": finding.code,
        "item": finding.item,
        "period": finding.period,
        "message": finding_text(finding),
    }


def _values_json(submission: Submission) -> dict:
    values = {}
    for (code, period), row in values_of(submission.id).items():
        key = code if period == "outcome" else f"{code}:{period}"
        values[key] = number(row.number) if row.number is not None else row.text
    return values


def _submission_response(submission: Submission, status: int = 200):
    # Imported here, not above: the description lists the operations in the order their
    # modules register them, submissions before projects.
    from app.api.projects import project_json

    answers = answers_of(submission.id)
    warnings = warnings_of(submission)
    open_questions = _open_questions([submission.id]).get(submission.id, 0)
    body = {
        **_summary(submission, open_questions, len(warnings)),
        "values": _values_json(submission),
        "key_figures": {
            k: number(v)
            for k, v in key_figures(answers, key_figure_specs(submission.cycle_id)).items()
        },
        "errors": [_finding(f) for f in errors_of(submission)],
        "warnings_list": [_finding(f) for f in warnings],
        "projects": [project_json(p) for p in projects_of(submission.id)],
    }
    response = jsonify(body)
    response.status_code = status
    response.headers["ETag"] = f'"{submission.version}"'
    return response


@operation(
    "/cycles/{year}/submissions",
    "GET",
    "The submissions visible to the caller (an agency user: its own)",
    "everyone",
    responses={
        200: (
            "A page of submissions, by organisation number",
            schemas.SUBMISSION_PAGE,
        )
    },
    query=[
        {
            "name": "page",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 1},
        }
    ],
)
def list_submissions(user, year):
    cycle = visible_cycle(user, year)
    statement = (
        select(Submission)
        .join(Submission.agency)
        .options(contains_eager(Submission.agency))
        .where(Submission.cycle_id == cycle.id)
    )
    if not is_authority_staff(user):
        statement = statement.where(Submission.agency_id == user.agency_id)
    page = request.args.get("page", "1")
    page_number = max(small_int(page, maximum=1_000_000) or 1, 1)
    result = db.paginate(
        statement.order_by(Agency.org_number), page=page_number, per_page=PER_PAGE, error_out=False
    )
    counts = _open_questions([s.id for s in result.items])
    # The page's warnings in one pass: a fixed number of queries for its hundred submissions.
    warnings = warnings_by_submission(result.items)
    return jsonify(
        {
            "items": [_summary(s, counts.get(s.id, 0), len(warnings[s.id])) for s in result.items],
            "page": page_number,
            "per_page": PER_PAGE,
            "total": result.total,
        }
    )


@operation(
    "/cycles/{year}/submissions/{org_number}",
    "GET",
    "One submission: values, key figures, errors, warnings, projects",
    "staff; the agency's own users",
    responses={200: ("The submission; ETag carries its version", schemas.SUBMISSION)},
    etag=True,
)
def get_submission(user, year, org_number):
    return _submission_response(visible_submission(user, year, org_number))


@operation(
    "/cycles/{year}/submissions/{org_number}/values",
    "PATCH",
    "Set some values; all or nothing",
    "the agency's editors, while the submission is a draft or in clarification",
    request=schemas.VALUES_PATCH,
    responses={200: ("The submission as it is now", schemas.SUBMISSION)},
    etag=True,
    headers=IF_MATCH,
)
def patch_values(user, year, org_number):
    sent = body(required=("values",))
    submission = visible_submission(user, year, org_number, lock=True)
    check_editable(user, submission)
    version = if_match()
    values, reason = sent["values"], sent.get("reason") or ""
    if not isinstance(values, dict) or not values or not isinstance(reason, str):
        raise ApiProblem(400, "bad_json", _("values must be an object of item codes."))
    if reason_missing(submission, reason):
        message = _("Say why you change the values.")
        raise ApiProblem(422, "invalid", message, errors=[{"code": "reason", "message": message}])
    try:
        errors = set_values(submission, values, version, user, reason.strip())
    except StaleVersion:
        raise ApiProblem(
            412, "stale", _("Someone changed the submission since you read it.")
        ) from None
    if errors:
        raise ApiProblem(
            422,
            "invalid",
            _("Some values are not valid; nothing was stored."),
            errors=[{"code": key, "message": finding_text(f)} for key, f in errors.items()],
        )
    db.session.flush()
    return _submission_response(submission)
