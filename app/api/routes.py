"""The API's operations. Each is a thin view over the services the pages use: the same
policies, the same workflow, the same validation; nothing is decided twice."""

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import wraps

from flask import Response, g, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.errors import FieldErrors
from app.accounts.models import Agency, Role
from app.accounts.policies import can_view_agency_data, is_authority_staff, is_own_agency_editor
from app.api import bp, schemas
from app.api.etags import digest_etag, require_if_match
from app.api.problems import ApiProblem, problem_response
from app.api.spec import OPERATIONS, Operation, flask_rule, openapi
from app.api.tokens import note_use, user_for
from app.api.validation import check_body
from app.audit.operations import record_event
from app.cycles.models import Cycle
from app.cycles.operations import CycleTransitionRefused, fire_cycle_transition
from app.cycles.questionnaire_service import items_of, rules_of
from app.database import begin_write
from app.datasets.access import can_read_results
from app.datasets.exports import FORMATS, download
from app.datasets.freezing import snapshot_of
from app.extensions import db, limiter
from app.pagination import MAX_ID, small_int
from app.review.models import Question
from app.review.questions import (
    QuestionRefused,
    answer_question,
    close_question,
    edit_question,
    raise_question,
    resolve_question,
    send_back_question,
    visible_questions,
    withdraw_question,
)
from app.submissions.answers import (
    StaleVersion,
    as_answers,
    errors_of,
    is_editable,
    reason_missing,
    set_values,
    stored_values,
    warnings_of,
)
from app.submissions.findings_text import finding_text
from app.submissions.locking import lock_submission
from app.submissions.models import Project, Submission
from app.submissions.projects import (
    ORIENTATIONS,
    RISKS,
    ProjectData,
    create_project,
    delete_project,
    projects_of,
    update_project,
)
from app.submissions.transitions import SubmissionNotFound, TransitionRefused, fire_transition
from app.workflow_messages import refusal_message
from workflows.answers import key_figures
from workflows.cycle import CycleStatus
from workflows.question import UNSETTLED

PER_PAGE = 100
MAX_DEPTH = 8  # our bodies nest three deep at most
FORBIDDEN_REFUSALS = {"role", "not_own_agency"}


# --- plumbing ---------------------------------------------------------------------------


def _authenticate():
    # Messages in the caller's language (Accept-Language), Swedish by default.
    g.api_locale = request.accept_languages.best_match(["sv", "en"]) or "sv"
    header = request.headers.get("Authorization", "")
    raw = header[7:].strip() if header[:7].lower() == "bearer " else ""
    user, token = user_for(raw)
    if user is None:
        raise ApiProblem(401, "unauthenticated", _("A valid API token is needed."))
    g.api_user, g.api_token = user, token
    note_use(token)
    return user


def _token_key() -> str:
    header = request.headers.get("Authorization", "")
    return "token:" + header[7:17] if header[:7].lower() == "bearer " else request.remote_addr


def operation(path: str, method: str, summary: str, who: str, **spec):
    """Register a view as an API operation: route, token, rate limit, errors, description."""

    def decorator(view):
        @wraps(view)
        def wrapped(**kwargs):
            g.api_request_schema = spec.get("request")  # what _body checks the body against
            try:
                user = _authenticate()
                if method != "GET":
                    # Once the caller is known: the view reads what it decides on under the lock.
                    begin_write(db.session)
                for name in ("year", "id"):
                    if name in kwargs and not 0 < kwargs[name] <= MAX_ID:
                        raise _not_found()  # the database could not even hold it
                if method != "GET":
                    record_event(
                        "api",
                        f"{method} {view.__name__}"[:60],
                        user,
                        comment=f"{path} (token {g.api_token.prefix}…)",
                    )
                response = view(user, **kwargs)
                db.session.commit()
                return response
            except ApiProblem as problem:
                db.session.rollback()
                return problem_response(problem)

        limited = limiter.limit("600 per minute", key_func=_token_key)(wrapped)
        bp.add_url_rule(
            flask_rule(path), endpoint=view.__name__, view_func=limited, methods=[method]
        )
        OPERATIONS.append(Operation(path, method, view.__name__, summary, who, **spec))
        return view

    return decorator


def _body(required=()) -> dict:
    if not request.is_json:
        raise ApiProblem(415, "not_json", _("Send JSON (Content-Type: application/json)."))
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        body = None  # nested deeper than the parser goes
    if not isinstance(body, dict) or _depth(body) > MAX_DEPTH:
        raise ApiProblem(400, "bad_json", _("The body must be a JSON object."))
    check_body(g.get("api_request_schema"), body)
    missing = [name for name in required if name not in body]
    if missing:
        raise ApiProblem(
            400, "missing_field", _("A field is missing: %(fields)s.", fields=", ".join(missing))
        )
    return body


def _depth(value) -> int:
    """How deeply a JSON value nests, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level <= MAX_DEPTH and isinstance(item, dict | list):
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def _not_found():
    return ApiProblem(404, "not_found", _("Not found."))


def _forbidden():
    return ApiProblem(403, "forbidden", _("Your role may not do this."))


def _field_problem(error: FieldErrors) -> ApiProblem:
    errors = [{"code": field, "message": str(message)} for field, message in error.errors.items()]
    return ApiProblem(
        422, "invalid", _("Some values are not valid; nothing was stored."), errors=errors
    )


def _moment(value):
    return value.replace(microsecond=0).isoformat() + "Z" if value else None


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


# --- cycles and questionnaire --------------------------------------------------------------


def _visible_cycle(user, year: int) -> Cycle:
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == year))
    if cycle is None or (not is_authority_staff(user) and cycle.status == CycleStatus.PLANNED):
        raise _not_found()
    return cycle


def _cycle_json(cycle: Cycle) -> dict:
    return {
        "year": cycle.year,
        "title": cycle.title,
        "status": cycle.status,
        "opens_on": cycle.opens_on.isoformat(),
        "submission_deadline": cycle.submission_deadline.isoformat(),
        "review_deadline": cycle.review_deadline.isoformat(),
        "frozen": cycle.frozen,
    }


@operation(
    "/cycles",
    "GET",
    "The cycles visible to the caller",
    "everyone (agency users: cycles that have opened)",
    responses={200: ("The cycles, newest first", {"type": "array", "items": schemas.CYCLE})},
)
def list_cycles(user):
    statement = select(Cycle).order_by(Cycle.year.desc())
    if not is_authority_staff(user):
        statement = statement.where(Cycle.status != CycleStatus.PLANNED)
    return jsonify([_cycle_json(c) for c in db.session.scalars(statement)])


@operation(
    "/cycles/{year}/questionnaire",
    "GET",
    "Every item and rule of the cycle's questionnaire",
    "everyone who sees the cycle",
    responses={200: ("The questionnaire", schemas.QUESTIONNAIRE)},
)
def questionnaire(user, year):
    cycle = _visible_cycle(user, year)
    items = [
        {
            "code": i.code,
            "section": i.section,
            "label": {"sv": i.label_sv, "en": i.label_en},
            "definition": {"sv": i.definition_sv, "en": i.definition_en},
            "type": i.kind,
            "unit": {"amount": "tkr", "fte": "årsarbetskrafter", "percent": "%"}.get(i.kind),
            "required": i.required,
            "has_forecast": i.has_forecast,
            "min": _number(i.min_value),
            "max": _number(i.max_value),
            "choices": i.choices,
        }
        for i in items_of(cycle.id)
    ]
    rules = [
        {
            "code": r.code,
            "kind": r.kind,
            "target": r.target,
            "operands": r.operands,
            "label": {"sv": r.label_sv, "en": r.label_en},
        }
        for r in rules_of(cycle.id)
    ]
    return jsonify({"year": cycle.year, "items": items, "rules": rules})


# --- submissions ---------------------------------------------------------------------------


def _submission(user, year: int, org_number: str, lock: bool = False) -> Submission:
    cycle = _visible_cycle(user, year)
    submission = db.session.scalar(
        select(Submission)
        .join(Submission.agency)
        .where(Submission.cycle_id == cycle.id, Submission.agency.has(org_number=org_number))
    )
    if submission is None or not can_view_agency_data(user, submission.agency_id):
        raise _not_found()  # another agency's is as good as missing
    return lock_submission(submission.id) if lock else submission


def _open_questions(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(Question.submission_id, func.count())
        .where(Question.submission_id.in_(ids), Question.status.in_([str(s) for s in UNSETTLED]))
        .group_by(Question.submission_id)
    )
    return dict(rows.all())


def _summary(submission: Submission, open_questions: int) -> dict:
    agency = submission.agency
    return {
        "agency": {
            "name": agency.name,
            "org_number": agency.org_number,
            "peer_group": agency.peer_group.code,
        },
        "status": submission.status,
        "version": submission.version,
        "submitted_at": _moment(submission.submitted_at),
        "approved_at": _moment(submission.approved_at),
        "open_questions": open_questions,
        "warnings": len(warnings_of(submission)),
    }


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
    cycle = _visible_cycle(user, year)
    statement = select(Submission).join(Submission.agency).where(Submission.cycle_id == cycle.id)
    if not is_authority_staff(user):
        statement = statement.where(Submission.agency_id == user.agency_id)
    page = request.args.get("page", "1")
    number = max(small_int(page, maximum=1_000_000) or 1, 1)
    result = db.paginate(
        statement.order_by(Agency.org_number), page=number, per_page=PER_PAGE, error_out=False
    )
    counts = _open_questions([s.id for s in result.items])
    return jsonify(
        {
            "items": [_summary(s, counts.get(s.id, 0)) for s in result.items],
            "page": number,
            "per_page": PER_PAGE,
            "total": result.total,
        }
    )


def _finding(finding) -> dict:
    return {
        "code": finding.code,
        "item": finding.item,
        "period": finding.period,
        "message": finding_text(finding),
    }


def _values_json(submission: Submission) -> dict:
    values = {}
    for (code, period), row in stored_values(submission.id).items():
        key = code if period == "outcome" else f"{code}:{period}"
        values[key] = _number(row.number) if row.number is not None else row.text
    return values


def _project_json(project: Project) -> dict:
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


def _submission_response(submission: Submission, status: int = 200):
    answers = as_answers(stored_values(submission.id))
    body = {
        **_summary(submission, _open_questions([submission.id]).get(submission.id, 0)),
        "values": _values_json(submission),
        "key_figures": {k: _number(v) for k, v in key_figures(answers).items()},
        "errors": [_finding(f) for f in errors_of(submission)],
        "warnings_list": [_finding(f) for f in warnings_of(submission)],
        "projects": [_project_json(p) for p in projects_of(submission.id)],
    }
    response = jsonify(body)
    response.status_code = status
    response.headers["ETag"] = f'"{submission.version}"'
    return response


@operation(
    "/cycles/{year}/submissions/{org_number}",
    "GET",
    "One submission: values, key figures, errors, warnings, projects",
    "staff; the agency's own users",
    responses={200: ("The submission; ETag carries its version", schemas.SUBMISSION)},
    etag=True,
)
def get_submission(user, year, org_number):
    return _submission_response(_submission(user, year, org_number))


def _if_match() -> int:
    header = request.headers.get("If-Match", "").strip().strip('"').removeprefix("W/").strip('"')
    if not header:
        raise ApiProblem(428, "if_match_required", _("Send If-Match with the version you read."))
    if small_int(header) is None:
        raise ApiProblem(412, "stale", _("The version in If-Match is not the current one."))
    return small_int(header)


IF_MATCH = [
    {
        "name": "If-Match",
        "in": "header",
        "required": True,
        "description": "The ETag of the resource as you last read it",
        "schema": {"type": "string"},
    }
]


def _editable(user, submission: Submission) -> None:
    if not is_own_agency_editor(user, submission.agency_id):
        raise _forbidden()
    if not is_editable(submission):
        raise ApiProblem(
            409, "not_editable", _("The submission cannot be changed in its present state.")
        )


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
    body = _body(required=("values",))
    submission = _submission(user, year, org_number, lock=True)
    _editable(user, submission)
    version = _if_match()
    values, reason = body["values"], body.get("reason") or ""
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


# --- projects ------------------------------------------------------------------------------

TEXT_FIELDS = (
    "description",
    "collaboration",
    "expected_benefits",
    "benefit_measure",
    "benefit_target",
    "realised_benefits",
    "rebaseline_reason",
)


def _project_data(body: dict, current: Project | None) -> ProjectData:
    errors = {}

    def text(name, required=False, limit=5000):
        value = body.get(name, "" if current is None else getattr(current, name, ""))
        if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
            errors[name] = _("Enter a text of at most %(n)d characters.", n=limit)
            return ""
        return value.strip()

    def choice(name, allowed):
        value = body.get(name, getattr(current, name, None))
        if value not in allowed:
            errors[name] = _("Choose one of: %(list)s.", list=", ".join(allowed))
        return value

    def day(name, fallback=None):
        value = body.get(name, fallback)
        try:
            return value if isinstance(value, date) else date.fromisoformat(value)
        except (TypeError, ValueError):
            errors[name] = _("Enter the date as YYYY-MM-DD.")
            return date.today()

    def amount(name, fallback=None):
        value = body.get(name, fallback)
        try:
            if isinstance(value, bool):
                raise InvalidOperation
            number = Decimal(str(value))
            if not number.is_finite() or number < 0 or number >= Decimal("1e13"):
                raise InvalidOperation
            return number
        except (InvalidOperation, ValueError):
            errors[name] = _("Enter a number of thousand kronor, 0 or more.")
            return Decimal(0)

    def flag(name):
        value = body.get(name, getattr(current, name, False))
        if not isinstance(value, bool):
            errors[name] = _("Enter true or false.")
        return bool(value)

    data = ProjectData(
        name=text("name", required=True, limit=200),
        description=text("description"),
        orientation=choice("orientation", ORIENTATIONS),
        status=choice("status", ("ongoing", "reorienting", "completed", "cancelled")),
        start_date=day("start_date", current.start_date.isoformat() if current else None),
        end_date=day("end_date", current.current_end_date.isoformat() if current else None),
        budget=amount("budget", current.current_budget if current else None),
        cost_to_date=amount("cost_to_date", current.cost_to_date if current else 0),
        forecast_at_completion=amount(
            "forecast_at_completion", current.forecast_at_completion if current else None
        ),
        collaboration=text("collaboration"),
        risk_benefits=choice("risk_benefits", RISKS),
        risk_budget=choice("risk_budget", RISKS),
        risk_time=choice("risk_time", RISKS),
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
        raise _field_problem(FieldErrors(errors))
    return data


def _project_response(project: Project, status: int = 200):
    body = _project_json(project)
    response = jsonify(body)
    response.status_code = status
    response.headers["ETag"] = digest_etag(body)
    return response


def _project(submission: Submission, project_id: int) -> Project:
    project = db.session.get(Project, project_id)
    if project is None or project.submission_id != submission.id:
        raise _not_found()
    return project


@operation(
    "/cycles/{year}/submissions/{org_number}/projects",
    "GET",
    "The submission's strategic IT projects",
    "staff; the agency's own users",
    responses={200: ("The projects", {"type": "array", "items": schemas.PROJECT})},
)
def list_projects(user, year, org_number):
    submission = _submission(user, year, org_number)
    return jsonify([_project_json(p) for p in projects_of(submission.id)])


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
    body = _body(required=("name",))
    submission = _submission(user, year, org_number, lock=True)
    _editable(user, submission)
    try:
        project = create_project(submission, _project_data(body, None), user)
    except FieldErrors as error:
        raise _field_problem(error) from None
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
    return _project_response(_project(_submission(user, year, org_number), id))


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
    body = _body()
    submission = _submission(user, year, org_number, lock=True)
    _editable(user, submission)
    project = _project(submission, id)
    require_if_match(digest_etag(_project_json(project)))
    try:
        update_project(submission, project, _project_data(body, project), user)
    except FieldErrors as error:
        raise _field_problem(error) from None
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
    submission = _submission(user, year, org_number, lock=True)
    _editable(user, submission)
    project = _project(submission, id)
    require_if_match(digest_etag(_project_json(project)))
    delete_project(submission, project, user)
    response = Response(status=204)
    response.headers.remove("Content-Type")  # no body, so no media type either
    return response


# --- transitions -----------------------------------------------------------------------------


@operation(
    "/cycles/{year}/submissions/{org_number}/transitions",
    "POST",
    "Move the submission along the workflow",
    "whoever the workflow allows for the trigger (README lists them)",
    request=schemas.SUBMISSION_TRANSITION,
    responses={200: ("The new status", schemas.TRANSITION_DONE)},
)
def submission_transition(user, year, org_number):
    body = _body(required=("trigger",))
    trigger, comment = body["trigger"], body.get("comment") or ""
    if not isinstance(trigger, str) or not isinstance(comment, str):
        raise ApiProblem(400, "bad_json", _("trigger and comment are texts."))
    submission = _submission(user, year, org_number)
    try:
        submission = fire_transition(submission.id, trigger, user, comment)
    except SubmissionNotFound:
        raise _not_found() from None
    except TransitionRefused as refused:
        status = 403 if refused.refusal.code in FORBIDDEN_REFUSALS else 409
        raise ApiProblem(status, refused.refusal.code, refusal_message(refused.refusal)) from None
    return jsonify({"status": submission.status, "version": submission.version})


@operation(
    "/cycles/{year}/transitions",
    "POST",
    "Move the cycle along its workflow (open, close, approve, publish)",
    "administrators",
    request=schemas.CYCLE_TRANSITION,
    responses={200: ("The cycle's new status", schemas.CYCLE_TRANSITION_DONE)},
)
def cycle_transition(user, year):
    body = _body(required=("trigger",))
    if user.role != Role.ADMIN:
        raise _forbidden()
    _visible_cycle(user, year)
    trigger, comment = body["trigger"], body.get("comment") or ""
    if not isinstance(trigger, str) or not isinstance(comment, str):
        raise ApiProblem(400, "bad_json", _("trigger and comment are texts."))
    try:
        cycle = fire_cycle_transition(year, trigger, user, comment)
    except CycleTransitionRefused as refused:
        raise ApiProblem(
            409, refused.refusal.code, refusal_message(refused.refusal, cycle=True)
        ) from None
    return jsonify({"status": cycle.status})


# --- questions -------------------------------------------------------------------------------


def _as_typed(correction) -> str:
    """A correction as the pages take it: a JSON number written the Swedish way."""
    if correction is None or isinstance(correction, bool):
        return ""
    if isinstance(correction, int | float):
        try:
            return format(Decimal(str(correction)), "f").replace(".", ",")
        except InvalidOperation:
            return str(correction)
    return str(correction)


def _question_json(question: Question) -> dict:
    return {
        "id": question.id,
        "about": question.subject,
        "section": question.section,
        "item_code": question.item_code,
        "status": question.status,
        "text": question.text,
        "answer": question.answer,
        "raised_at": _moment(question.raised_at),
        "answered_at": _moment(question.answered_at),
        "resolved_at": _moment(question.resolved_at),
        "rounds_sent": question.rounds_sent,
    }


def _question(user, submission: Submission, question_id: int) -> Question:
    question = next((q for q in visible_questions(submission, user) if q.id == question_id), None)
    if question is None:
        raise _not_found()
    return question


@operation(
    "/cycles/{year}/submissions/{org_number}/questions",
    "GET",
    "The questions on the submission (the agency: those a round has sent it)",
    "staff; the agency's own users",
    responses={200: ("The questions", {"type": "array", "items": schemas.QUESTION})},
)
def list_questions(user, year, org_number):
    submission = _submission(user, year, org_number)
    return jsonify([_question_json(q) for q in visible_questions(submission, user)])


@operation(
    "/cycles/{year}/submissions/{org_number}/questions",
    "POST",
    "Raise a question (target: general, section:CODE, item:CODE or project:ID)",
    "reviewers, while the submission is in review",
    request=schemas.NEW_QUESTION,
    responses={201: ("The question", schemas.QUESTION)},
)
def add_question(user, year, org_number):
    body = _body(required=("text",))
    if user.role != Role.REVIEWER:
        raise _forbidden()
    submission = _submission(user, year, org_number)
    target, text = body.get("target") or "general", body["text"]
    if not isinstance(target, str) or not isinstance(text, str):
        raise ApiProblem(400, "bad_json", _("target and text are texts."))
    try:
        question = raise_question(submission, target, text, user, g.get("api_locale", "sv"))
    except FieldErrors as error:
        raise _field_problem(error) from None
    response = jsonify(_question_json(question))
    response.status_code = 201
    response.headers["Location"] = url_for(
        "api.get_question", year=year, org_number=org_number, id=question.id, _external=True
    )
    return response


@operation(
    "/cycles/{year}/submissions/{org_number}/questions/{id}",
    "GET",
    "One question (the agency: once a round has sent it)",
    "staff; the agency's own users",
    responses={200: ("The question", schemas.QUESTION)},
)
def get_question(user, year, org_number, id):
    submission = _submission(user, year, org_number)
    return jsonify(_question_json(_question(user, submission, id)))


def _settle(user, year, org_number, question_id, act, field: str, *extra):
    body = _body(required=(field,))
    submission = _submission(user, year, org_number)
    question = _question(user, submission, question_id)
    if not isinstance(body[field], str):
        raise ApiProblem(400, "bad_json", _("%(field)s is a text.", field=field))
    try:
        act(submission, question, body[field], user, *[body.get(name) for name in extra])
    except QuestionRefused as refused:
        if refused.refusal.code == "reason_required":
            raise _field_problem(refused) from None
        problem = refused.refusal.code
        raise ApiProblem(409, problem, next(iter(refused.errors.values()))) from None
    except FieldErrors as error:
        raise _field_problem(error) from None
    db.session.flush()
    return jsonify(_question_json(question))


@operation(
    "/cycles/{year}/submissions/{org_number}/questions/{id}/answer",
    "POST",
    "Answer a question, perhaps correcting the value it is about",
    "the agency's editors, during a clarification round",
    request=schemas.ANSWER,
    responses={200: ("The question", schemas.QUESTION)},
)
def answer(user, year, org_number, id):
    submission = _submission(user, year, org_number)
    if not is_own_agency_editor(user, submission.agency_id):
        raise _forbidden()

    def act(sub, question, text, actor, correction):
        answer_question(sub, question, text, actor, _as_typed(correction))

    return _settle(user, year, org_number, id, act, "answer", "correction")


@operation(
    "/cycles/{year}/submissions/{org_number}/questions/{id}/resolve",
    "POST",
    "Resolve an answered question, saying why",
    "reviewers, while the submission is in review",
    request=schemas.COMMENT,
    responses={200: ("The question", schemas.QUESTION)},
)
def resolve(user, year, org_number, id):
    if user.role != Role.REVIEWER:
        raise _forbidden()
    return _settle(user, year, org_number, id, resolve_question, "comment")


@operation(
    "/cycles/{year}/submissions/{org_number}/questions/{id}/reopen",
    "POST",
    "Send an answered question back, saying what is still unclear",
    "reviewers, while the submission is in review",
    request=schemas.COMMENT,
    responses={200: ("The question", schemas.QUESTION)},
)
def reopen(user, year, org_number, id):
    if user.role != Role.REVIEWER:
        raise _forbidden()
    return _settle(user, year, org_number, id, send_back_question, "comment")


@operation(
    "/cycles/{year}/submissions/{org_number}/questions/{id}",
    "PATCH",
    "Change the text of a question no clarification round has sent yet",
    "reviewers, while the submission is in review",
    request=schemas.QUESTION_TEXT,
    responses={200: ("The question", schemas.QUESTION)},
)
def edit_question_text(user, year, org_number, id):
    if user.role != Role.REVIEWER:
        raise _forbidden()
    return _settle(user, year, org_number, id, edit_question, "text")


@operation(
    "/cycles/{year}/submissions/{org_number}/questions/{id}",
    "DELETE",
    "Withdraw a question no clarification round has sent yet, saying why (409 once sent)",
    "reviewers, while the submission is in review",
    request=schemas.REASON,
    responses={204: ("Withdrawn: it no longer blocks approval and the agency never sees it", None)},
)
def withdraw(user, year, org_number, id):
    if user.role != Role.REVIEWER:
        raise _forbidden()
    _settle(user, year, org_number, id, withdraw_question, "reason")
    return Response(status=204)


@operation(
    "/cycles/{year}/submissions/{org_number}/questions/{id}/close",
    "POST",
    "Close a sent question without an answer, saying why",
    "reviewers, while the submission is in review",
    request=schemas.COMMENT,
    responses={200: ("The question", schemas.QUESTION)},
)
def close(user, year, org_number, id):
    if user.role != Role.REVIEWER:
        raise _forbidden()
    return _settle(user, year, org_number, id, close_question, "comment")


# --- the frozen dataset ----------------------------------------------------------------------


def _readable_snapshot(user, year: int):
    cycle = _visible_cycle(user, year)
    if not can_read_results(user, cycle):
        raise ApiProblem(403, "not_published", _("The dataset is not published yet."))
    snapshot = snapshot_of(cycle)
    if snapshot is None:
        raise ApiProblem(404, "not_frozen", _("The cycle is not frozen: there is no dataset yet."))
    return cycle, snapshot


@operation(
    "/cycles/{year}/dataset",
    "GET",
    "The frozen snapshot with its digest (?format=csv or xlsx: the files of /dataset/csv and "
    "/dataset/xlsx)",
    "staff once frozen; agency users once published",
    responses={200: ("The snapshot and its SHA-256 digest", schemas.DATASET)},
    query=[
        {
            "name": "format",
            "in": "query",
            "required": False,
            "deprecated": True,
            "schema": {"enum": ["json", "csv", "xlsx"]},
        }
    ],
    media={"text/csv": schemas.CSV_FILE, FORMATS["xlsx"].media_type: schemas.XLSX_FILE},
)
def dataset(user, year):
    cycle, snapshot = _readable_snapshot(user, year)
    kind = request.args.get("format", "json")
    if kind in ("csv", "xlsx"):
        return download(snapshot, cycle.year, kind)
    if kind != "json":
        raise ApiProblem(400, "bad_format", _("format is json, csv or xlsx."))
    response = jsonify(
        {"year": cycle.year, "digest": snapshot.digest, "snapshot": json.loads(snapshot.content)}
    )
    response.headers["X-Dataset-SHA256"] = snapshot.digest
    return response


CSV_TABLES = {"answers": "csv", "projects": "projects-csv"}


@operation(
    "/cycles/{year}/dataset/csv",
    "GET",
    "The frozen dataset as CSV: one row per agency (answers and key figures) or per project",
    "staff once frozen; agency users once published",
    responses={200: ("The CSV file; X-Dataset-SHA256 carries the digest", None)},
    query=[
        {"name": "table", "in": "query", "required": False, "schema": {"enum": list(CSV_TABLES)}},
        {
            "name": "dialect",
            "in": "query",
            "required": False,
            "description": "excel-sv: semicolons, decimal comma and a byte order mark",
            "schema": {"enum": ["programs", "excel-sv"]},
        },
    ],
    media={"text/csv": schemas.CSV_FILE},
)
def dataset_csv(user, year):
    cycle, snapshot = _readable_snapshot(user, year)
    table, dialect = request.args.get("table", "answers"), request.args.get("dialect", "programs")
    if table not in CSV_TABLES or dialect not in ("programs", "excel-sv"):
        raise ApiProblem(400, "bad_format", _("table or dialect has an unknown value."))
    kind = CSV_TABLES[table] + ("-sv" if dialect == "excel-sv" else "")
    return download(snapshot, cycle.year, kind)


@operation(
    "/cycles/{year}/dataset/xlsx",
    "GET",
    "The frozen dataset as an XLSX workbook: a sheet per section, key figures, projects and "
    "definitions",
    "staff once frozen; agency users once published",
    responses={200: ("The workbook; X-Dataset-SHA256 carries the digest", None)},
    media={FORMATS["xlsx"].media_type: schemas.XLSX_FILE},
)
def dataset_xlsx(user, year):
    cycle, snapshot = _readable_snapshot(user, year)
    return download(snapshot, cycle.year, "xlsx")


# --- the description -------------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi(url_for("api.openapi_json", _external=True).rsplit("/", 1)[0]))


@bp.get("/docs")
def docs():
    """The description as a page of its own: no CDN, no script."""
    spec = openapi(url_for("api.openapi_json", _external=True).rsplit("/", 1)[0])
    return render_template("api/docs.html", spec=spec)
