"""The JSON API (/api/v1): who may call what and with which answer; the whole cycle through the
API alone; If-Match conflicts; personal tokens; problem+json errors in the caller's language.
The last section holds the tests that show bugs, each with its cause (file:line as of commit
03b6696).

Requests go through the WebClient (client.request): each gets its own application context, and
the test's read transaction ends afterwards, so the test sees what the request wrote."""

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import func, select, text

from app.accounts.models import User
from app.api.models import ApiToken
from app.api.spec import OPERATIONS
from app.api.tokens import create_token, revoke
from app.audit.models import AuditEvent
from app.cycles.models import Cycle
from app.cycles.operations import fire_cycle_transition
from app.database import begin_write
from app.datasets.canonical import canonical_bytes
from app.demo_values import demo_answers
from app.extensions import db
from app.review.questions import answer_question, questions_of, raise_question
from app.submissions.answers import blocking_error_count, set_values
from app.submissions.models import Submission
from app.submissions.projects import ProjectData, create_project
from app.submissions.transitions import fire_transition
from app.swedish_numbers import NotANumber, parse_swedish_number
from tests import factories

API = "/api/v1"
YEAR = 2026
PROBLEM_JSON = "application/problem+json"
ROLES = ("viewer", "editor", "other_editor", "reviewer", "admin")
BAD_CREDENTIALS = ("no_token", "revoked", "expired", "deactivated")
# The rows a refused request must leave as they were (api_token.last_used_at may move).
DUMPED = (
    "cycle",
    "submission",
    "submission_value",
    "project",
    "project_baseline_change",
    "question",
    "question_entry",
    "dataset_snapshot",
)
SUB = "/cycles/{year}/submissions/{org}"


# --- the world: an open cycle, two agencies, a user of every role with a token ---------------


@dataclass
class World:
    cycle: Cycle
    own: Submission  # of the agency of viewer and editor
    other: Submission  # of other_editor's agency
    users: dict[str, User]
    tokens: dict[str, str]  # role or bad credential → raw token ("" for none)
    project_id: int = 0
    question_id: int = 0

    @property
    def org(self) -> str:
        return self.own.agency.org_number

    @property
    def other_org(self) -> str:
        return self.other.agency.org_number

    def url(self, template: str, org: str | None = None) -> str:
        return API + template.format(
            year=YEAR,
            org=org or self.org,
            org_number=org or self.org,
            project=self.project_id,
            question=self.question_id,
        )


def new_token(user, name="test", days=90) -> str:
    begin_write(db.session)
    _token, raw = create_token(user, name, days)
    db.session.commit()
    return raw


def complete_values() -> dict:
    """A complete, valid set of answers as the API takes them: "code" or "code:forecast"."""
    values = {}
    for name, typed in demo_answers("202100-5448", "esam", YEAR).items():
        code, period = name.split("--")
        key = code if period == "outcome" else f"{code}:{period}"
        try:
            number = parse_swedish_number(typed)
        except NotANumber:
            values[key] = typed
        else:
            values[key] = int(number) if number == number.to_integral_value() else float(number)
    return values


def _fill(submission: Submission, editor: User) -> None:
    begin_write(db.session)
    submission = db.session.get(Submission, submission.id)
    assert set_values(submission, complete_values(), submission.version, editor) == {}
    db.session.commit()


def _add_project(submission: Submission, editor: User) -> int:
    begin_write(db.session)
    texts = dict.fromkeys(
        ("description", "collaboration", "expected_benefits", "benefit_measure"), ""
    )
    data = ProjectData(
        name="E-arkiv",
        orientation="develop",
        status="ongoing",
        start_date=date(2025, 1, 1),
        end_date=date(2027, 6, 30),
        budget=Decimal(45000),
        cost_to_date=Decimal(1000),
        forecast_at_completion=Decimal(46000),
        risk_benefits="low",
        risk_budget="medium",
        risk_time="high",
        benefits_analysed=True,
        benefits_plan=False,
        benefits_owner=False,
        benefit_target="",
        realised_benefits="",
        **texts,
    )
    project_id = create_project(submission, data, editor).id
    db.session.commit()
    return project_id


def _fire(world: World, trigger: str, role: str, reason: str = "", submission=None) -> None:
    fire_transition((submission or world.own).id, trigger, world.users[role], reason)
    db.session.commit()


def _ask(world: World, target: str = "item:users") -> None:
    submission = db.session.get(Submission, world.own.id)
    question = raise_question(submission, target, "Stämmer antalet?", world.users["reviewer"])
    db.session.commit()
    world.question_id = question.id


STEPS = {
    "draft": [],
    "submitted": ["submit"],
    "in_review": ["submit", "start_review"],
    "clarification": ["submit", "start_review", "ask", "request_clarification"],
    "answered": ["submit", "start_review", "ask", "request_clarification", "answer"],
}


def advance(world: World, state: str) -> World:
    """Put the own submission (or the cycle) where the operation under test can succeed: see
    STEPS, or the cycle closed, approved or published (both submissions exempted)."""
    if state in ("closed", "approved", "published"):
        for submission in (world.own, world.other):
            _fire(world, "exempt", "admin", "Myndigheten avvecklas.", submission)
        triggers = ("close", "approve", "publish")
        for trigger in triggers[: ("closed", "approved", "published").index(state) + 1]:
            fire_cycle_transition(YEAR, trigger, world.users["admin"])
            db.session.commit()
        return world
    for step in STEPS[state]:
        if step == "ask":
            _ask(world)
        elif step == "answer":
            submission = db.session.get(Submission, world.own.id)
            question = questions_of(submission.id)[0]
            answer_question(submission, question, "Ja, 1 200.", world.users["editor"])
            db.session.commit()
            _fire(world, "answer_clarification", "editor")
        else:
            _fire(world, step, "editor" if step == "submit" else "reviewer")
    return world


def build_world(filled: bool = True) -> World:
    """An open cycle; two agencies with a draft each; a user of every role with a token; the
    own draft complete, with a project, unless filled is False."""
    cycle = factories.make_cycle(YEAR, "open", questionnaire=True)
    own_agency, other_agency = factories.make_agency(), factories.make_agency()
    own = factories.make_submission(cycle, own_agency)
    other = factories.make_submission(cycle, other_agency)
    users = {
        "viewer": factories.make_user("agency_viewer", agency=own_agency),
        "editor": factories.make_user("agency_editor", agency=own_agency),
        "other_editor": factories.make_user("agency_editor", agency=other_agency),
        "reviewer": factories.make_user("reviewer"),
        "admin": factories.make_user("admin"),
        "deactivated": factories.make_user("agency_editor", agency=own_agency),
    }
    tokens = {role: new_token(user) for role, user in users.items()}
    tokens["no_token"] = ""
    tokens["revoked"] = new_token(users["editor"], "revoked")
    tokens["expired"] = new_token(users["editor"], "expires tomorrow", days=1)
    begin_write(db.session)
    revoke(db.session.scalar(select(ApiToken).where(ApiToken.name == "revoked")), users["editor"])
    users["deactivated"].active = False
    db.session.commit()
    world = World(cycle, own, other, users, tokens)
    if filled:
        _fill(own, users["editor"])
        world.project_id = _add_project(own, users["editor"])
    return world


@pytest.fixture
def world() -> World:
    return build_world()


def call(client, method: str, url: str, token: str = "", **kwargs):
    headers = dict(kwargs.pop("headers", {}))
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.request(method, url, headers=headers, **kwargs)


def version_of(submission: Submission) -> int:
    db.session.rollback()
    return db.session.get(Submission, submission.id).version


def dump() -> dict:
    """Every row of the tables a refused request must not touch, and the audit trail's count."""
    db.session.rollback()
    rows = {
        table: sorted(
            json.dumps(dict(row._mapping), sort_keys=True, default=str)
            for row in db.session.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
        )
        for table in DUMPED
    }
    rows["audit_event"] = db.session.scalar(select(func.count()).select_from(AuditEvent))
    return rows


def api_events(method: str, path: str) -> int:
    db.session.rollback()
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.kind == "api",
            AuditEvent.name.startswith(f"{method} "),
            AuditEvent.comment.startswith(f"{path} "),
        )
    )


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM_JSON
    body = response.get_json(force=True)
    assert {"type", "title", "status", "detail"} <= body.keys(), body
    assert body["status"] == status
    assert body["type"].startswith("https://")
    assert body["title"] and body["detail"]
    return body


# --- every operation for every role ---------------------------------------------------------


@dataclass(frozen=True)
class Op:
    method: str
    path: str  # as in the OpenAPI description, under /api/v1
    state: str  # for advance()
    expect: tuple[int, int, int, int, int]  # viewer, editor, other_editor, reviewer, admin
    body: dict | None = None

    def url(self, world: World) -> str:
        object_id = world.project_id if "/projects/" in self.path else world.question_id
        return API + self.path.format(year=YEAR, org_number=world.org, id=object_id)

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.state})"


OPS_SUB = "/cycles/{year}/submissions/{org_number}"
READ = (200, 200, 404, 200, 200)
EVERYONE = (200,) * 5
EDITOR_ONLY = (403, 200, 404, 403, 403)
NEW_PROJECT = {
    "name": "Ny e-tjänst",
    "orientation": "efficiency",
    "status": "ongoing",
    "start_date": "2026-01-01",
    "end_date": "2027-12-31",
    "budget": 12000,
    "forecast_at_completion": 12500,
    "risk_benefits": "low",
    "risk_budget": "low",
    "risk_time": "medium",
}
NEW_BENEFIT = {
    "name": "Kortare handläggningstid",
    "stakeholder": "Sökande",
    "kind": "economic",
    "goal": "Effektiv handläggning",
    "indicator": "Handläggningstid",
    "unit": "dagar",
    "baseline_value": 30,
    "baseline_date": "2025-01-15",
    "target_value": 12,
    "target_year": 2028,
    "amount": 2500,
    "status": "on_track",
}
OPS = [
    Op("GET", "/cycles", "draft", EVERYONE),
    Op("GET", "/cycles/{year}/questionnaire", "draft", EVERYONE),
    Op("GET", "/cycles/{year}/submissions", "draft", EVERYONE),
    Op("GET", OPS_SUB, "draft", READ),
    Op("PATCH", OPS_SUB + "/values", "draft", EDITOR_ONLY, {"values": {"users": 1300}}),
    Op("GET", OPS_SUB + "/projects", "draft", READ),
    Op("POST", OPS_SUB + "/projects", "draft", (403, 201, 404, 403, 403), NEW_PROJECT),
    Op("GET", OPS_SUB + "/projects/{id}", "draft", READ),
    Op(
        "PUT",
        OPS_SUB + "/projects/{id}",
        "draft",
        EDITOR_ONLY,
        {**NEW_PROJECT, "name": "E-arkiv 2", "rebaseline_reason": "Ny plan."},
    ),
    Op("GET", OPS_SUB + "/projects/{id}/benefits", "draft", READ),
    Op(
        "POST",
        OPS_SUB + "/projects/{id}/benefits",
        "draft",
        (403, 201, 404, 403, 403),
        NEW_BENEFIT,
    ),
    Op("DELETE", OPS_SUB + "/projects/{id}", "draft", (403, 204, 404, 403, 403)),
    Op("POST", OPS_SUB + "/transitions", "draft", EDITOR_ONLY, {"trigger": "submit"}),
    Op(
        "POST",
        OPS_SUB + "/transitions",
        "submitted",
        (403, 403, 404, 200, 403),
        {"trigger": "start_review"},
    ),
    Op(
        "POST",
        OPS_SUB + "/transitions",
        "draft",
        (403, 403, 404, 403, 200),
        {"trigger": "exempt", "comment": "Myndigheten avvecklas."},
    ),
    Op("GET", OPS_SUB + "/questions", "clarification", READ),
    # Only reviewers raise, resolve and reopen: the role is refused before anything is looked
    # up, so another agency's editor learns nothing from a 403 either.
    Op(
        "POST",
        OPS_SUB + "/questions",
        "in_review",
        (403, 403, 403, 201, 403),
        {"target": "item:users", "text": "Varför ökar antalet?"},
    ),
    Op(
        "POST",
        OPS_SUB + "/questions/{id}/answer",
        "clarification",
        EDITOR_ONLY,
        {"answer": "Vi har fler användare."},
    ),
    Op(
        "POST",
        OPS_SUB + "/questions/{id}/resolve",
        "answered",
        (403, 403, 403, 200, 403),
        {"comment": "Rimligt."},
    ),
    Op(
        "POST",
        OPS_SUB + "/questions/{id}/reopen",
        "answered",
        (403, 403, 403, 200, 403),
        {"comment": "Vilket år avses?"},
    ),
    Op(
        "POST",
        "/cycles/{year}/transitions",
        "draft",
        (403, 403, 403, 403, 200),
        {"trigger": "close"},
    ),
    Op("GET", "/cycles/{year}/dataset", "draft", (403, 403, 403, 404, 404)),  # not frozen
    Op("GET", "/cycles/{year}/dataset", "published", EVERYONE),
    Op("GET", "/cycles/{year}/dataset", "approved", (403, 403, 403, 200, 200)),
]


def current_etag(client, world: World, op: Op) -> str:
    """The tag a client would have read: the submission's version, or the project's ETag."""
    if "/projects/{id}" in op.path:
        return call(client, "GET", op.url(world), world.tokens["admin"]).headers["ETag"]
    return f'"{version_of(world.own)}"'


def send(client, world: World, op: Op, token: str):
    changes = op.method in ("PATCH", "PUT", "DELETE")
    headers = {"If-Match": current_etag(client, world, op)} if changes else {}
    return call(client, op.method, op.url(world), token, headers=headers, json=op.body)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("op", OPS, ids=str)
def test_each_role_gets_its_answer_and_a_refusal_changes_nothing(client, world, op, role):
    advance(world, op.state)
    expected = op.expect[ROLES.index(role)]
    before, api_before = dump(), api_events(op.method, op.path)
    response = send(client, world, op, world.tokens[role])
    if expected >= 400:
        assert_problem(response, expected)
        assert dump() == before
        assert api_events(op.method, op.path) == api_before
    else:
        assert response.status_code == expected, response.get_data(as_text=True)[:500]
        writes = op.method != "GET"
        assert api_events(op.method, op.path) == api_before + writes
        assert writes or dump() == before


@pytest.mark.parametrize("credential", BAD_CREDENTIALS)
def test_no_operation_answers_a_missing_revoked_expired_or_deactivated_token(
    client, world, credential
):
    later = datetime.now(UTC) + timedelta(days=2 if credential == "expired" else 0)
    before = dump()
    with time_machine.travel(later):
        for op in OPS:
            assert_problem(send(client, world, op, world.tokens[credential]), 401)
    assert dump() == before


def test_an_agency_lists_only_its_own_submission_and_staff_list_all(client, world):
    def orgs(role):
        response = call(client, "GET", world.url("/cycles/{year}/submissions"), world.tokens[role])
        return sorted(item["agency"]["org_number"] for item in response.json["items"])

    assert orgs("viewer") == orgs("editor") == [world.org]
    assert orgs("other_editor") == [world.other_org]
    assert orgs("reviewer") == orgs("admin") == sorted([world.org, world.other_org])


def test_a_planned_cycle_is_hidden_from_agencies_and_shown_to_staff(client, world):
    factories.make_cycle(2027, "planned", questionnaire=True)

    def years(role):
        return [
            cycle["year"] for cycle in call(client, "GET", API + "/cycles", world.tokens[role]).json
        ]

    assert years("editor") == years("viewer") == [YEAR]
    assert years("reviewer") == years("admin") == [2027, YEAR]
    url = API + "/cycles/2027/questionnaire"
    assert_problem(call(client, "GET", url, world.tokens["editor"]), 404)
    assert call(client, "GET", url, world.tokens["reviewer"]).status_code == 200


def test_the_description_and_its_page_are_public(client):
    spec = client.get(API + "/openapi.json")
    assert spec.status_code == 200
    assert spec.json["openapi"].startswith("3.1")
    assert "/cycles/{year}/submissions/{org_number}/values" in spec.json["paths"]
    page = client.get(API + "/docs")
    assert page.status_code == 200
    assert page.mimetype == "text/html"


def test_a_logged_in_browser_session_is_no_token(client, world):
    client.login(world.users["editor"])
    assert client.get("/account/tokens").status_code == 200  # the session works for pages
    assert_problem(client.get(API + "/cycles"), 401)
    assert_problem(client.get(world.url(SUB)), 401)


# --- problem+json in the caller's language ----------------------------------------------------


@pytest.mark.parametrize(
    ("language", "unauthenticated", "not_found", "frozen"),
    [
        (None, "En giltig API-token behövs.", "Hittades inte.", "Insamlingen är godkänd"),
        ("sv", "En giltig API-token behövs.", "Hittades inte.", "Insamlingen är godkänd"),
        ("en", "A valid API token is needed.", "Not found.", "The cycle is approved"),
        ("en-GB,en;q=0.9,sv;q=0.5", "A valid API token is needed.", "Not found.", "The cycle"),
        ("de", "En giltig API-token behövs.", "Hittades inte.", "Insamlingen är godkänd"),
    ],
)
def test_problems_speak_english_when_asked_and_swedish_by_default(
    client, world, language, unauthenticated, not_found, frozen
):
    headers = {"Accept-Language": language} if language else {}
    missing = call(client, "GET", API + "/cycles", headers=headers)
    assert assert_problem(missing, 401)["detail"] == unauthenticated
    other = call(
        client, "GET", world.url(SUB, world.other_org), world.tokens["editor"], headers=headers
    )
    assert assert_problem(other, 404)["detail"] == not_found
    advance(world, "approved")
    reinstate = call(
        client,
        "POST",
        world.url(SUB + "/transitions"),
        world.tokens["admin"],
        headers=headers,
        json={"trigger": "reinstate"},
    )
    assert assert_problem(reinstate, 409)["detail"].startswith(frozen)


def _transition(client, world, role, trigger, comment="", org=None, path=SUB + "/transitions"):
    return call(
        client,
        "POST",
        world.url(path, org),
        world.tokens[role],
        headers={"Accept-Language": "en"},
        json={"trigger": trigger, "comment": comment},
    )


def test_a_refused_transition_says_precisely_why(client, world):
    submit = _transition(client, world, "other_editor", "submit", org=world.other_org)
    body = assert_problem(submit, 409)
    assert body["type"].endswith("/blocking_errors")
    errors = blocking_error_count(db.session.get(Submission, world.other.id))
    assert body["detail"] == f"{errors} errors must be corrected first."
    advance(world, "in_review")
    nothing_asked = assert_problem(
        _transition(client, world, "reviewer", "request_clarification"), 409
    )
    assert nothing_asked["detail"] == "Raise at least one question to the agency first."
    withdraw = assert_problem(_transition(client, world, "editor", "withdraw"), 409)
    assert withdraw["type"].endswith("/not_from_state")
    role = assert_problem(_transition(client, world, "editor", "approve"), 403)
    assert role["detail"] == "Only reviewer may do “Approve”."
    unknown = assert_problem(_transition(client, world, "reviewer", "fly"), 422)
    assert unknown["errors"][0]["code"] == "trigger"  # the description's enum refuses it
    _ask(world)
    unresolved = assert_problem(_transition(client, world, "reviewer", "approve"), 409)
    assert unresolved["detail"] == "1 question is not resolved yet."
    _fire(world, "request_clarification", "reviewer")
    unanswered = assert_problem(_transition(client, world, "editor", "answer_clarification"), 409)
    assert unanswered["detail"] == "1 question is not answered yet."
    cycle = assert_problem(
        _transition(client, world, "admin", "approve", path="/cycles/{year}/transitions"), 409
    )
    assert cycle["detail"] == "“Approve and freeze the cycle” is not possible while it is open."
    assert_problem(
        _transition(client, world, "admin", "publish", path="/cycles/{year}/transitions"), 409
    )


# --- the whole cycle through the API alone --------------------------------------------------


class Caller:
    """One participant's program: its token, and what it expects back."""

    def __init__(self, client, world, role):
        self.client, self.world, self.token = client, world, world.tokens[role]

    def __call__(self, method, path, expect, **kwargs):
        response = call(self.client, method, self.world.url(path), self.token, **kwargs)
        assert response.status_code == expect, response.get_data(as_text=True)[:800]
        return response

    def fire(self, trigger, comment="", path=SUB + "/transitions"):
        body = {"trigger": trigger, "comment": comment}
        return self("POST", path, 200, json=body).json["status"]


def test_a_whole_cycle_through_the_api_alone_ends_in_a_verified_dataset(app, client):
    world = build_world(filled=False)
    editor, reviewer, admin = (
        Caller(client, world, role) for role in ("editor", "reviewer", "admin")
    )

    etag = editor("GET", SUB, 200).headers["ETag"]
    first = {"values": {"users": 1200, "it_cost_total:forecast": 5000}}
    patched = editor("PATCH", SUB + "/values", 200, headers={"If-Match": etag}, json=first)
    assert patched.json["values"] == first["values"]
    assert patched.headers["ETag"] == f'"{patched.json["version"]}"' != etag
    rest = {"values": {**complete_values(), "users": 1200}}
    patched = editor(
        "PATCH", SUB + "/values", 200, headers={"If-Match": patched.headers["ETag"]}, json=rest
    )
    assert patched.json["errors"] == []
    project = editor("POST", SUB + "/projects", 201, json=NEW_PROJECT).json
    assert editor.fire("submit") == "submitted"

    assert reviewer.fire("start_review") == "in_review"
    asked = {"target": "item:users", "text": "Stämmer 1 200 användare?"}
    question = reviewer("POST", SUB + "/questions", 201, json=asked).json
    assert (question["item_code"], question["status"]) == ("users", "open")
    assert reviewer.fire("request_clarification") == "clarification"

    assert [q["id"] for q in editor("GET", SUB + "/questions", 200).json] == [question["id"]]
    world.question_id = question["id"]
    answer = {"answer": "Nej, 1 250 användare.", "correction": 1250}
    answered = editor("POST", SUB + "/questions/{question}/answer", 200, json=answer)
    assert answered.json["status"] == "answered"
    # Any other change during the clarification needs a reason.
    if_match = {"If-Match": editor("GET", SUB, 200).headers["ETag"]}
    more = {"values": {"workstations": 1400}}
    no_reason = editor("PATCH", SUB + "/values", 422, headers=if_match, json=more)
    assert assert_problem(no_reason, 422)["errors"][0]["code"] == "reason"
    reason = {**more, "reason": "Fel i inventeringen."}
    editor("PATCH", SUB + "/values", 200, headers=if_match, json=reason)
    assert editor.fire("answer_clarification", "Svaren finns i frågan.") == "in_review"

    reviewer("POST", SUB + "/questions/{question}/resolve", 200, json={"comment": "Rättat."})
    assert reviewer.fire("approve") == "approved"
    other = "/cycles/{year}/submissions/" + world.other_org + "/transitions"
    assert admin.fire("exempt", "Myndigheten avvecklas.", path=other) == "exempted"
    cycle = "/cycles/{year}/transitions"
    statuses = [admin.fire(trigger, path=cycle) for trigger in ("close", "approve", "publish")]
    assert statuses == ["closed", "approved", "published"]

    dataset = editor("GET", "/cycles/{year}/dataset", 200)
    digest = dataset.json["digest"]
    assert dataset.headers["X-Dataset-SHA256"] == digest
    assert hashlib.sha256(canonical_bytes(dataset.json["snapshot"])).hexdigest() == digest
    [reported] = dataset.json["snapshot"]["submissions"]
    assert reported["values"]["users"]["outcome"] == "1250.00"
    assert reported["values"]["workstations"]["outcome"] == "1400.00"
    assert [p["name"] for p in reported["projects"]] == [project["name"]]
    verified = app.test_cli_runner().invoke(args=["dataset", "verify", str(YEAR)])
    assert verified.exit_code == 0, verified.output
    assert re.search(r"stored digest:\s+([0-9a-f]{64})", verified.output).group(1) == digest


# --- projects --------------------------------------------------------------------------------


PROJECT_FIELDS = (
    "name",
    "description",
    "orientation",
    "status",
    "start_date",
    "cost_to_date",
    "forecast_at_completion",
    "risk_benefits",
    "risk_budget",
    "risk_time",
    "benefits_analysed",
    "benefits_plan",
    "benefits_owner",
)


def put_project(client, world, changes: dict, role="editor", project=SUB + "/projects/{project}"):
    """PUT the whole project as read, with `changes`, and If-Match its ETag."""
    read = call(client, "GET", world.url(project), world.tokens[role])
    body = {name: read.json[name] for name in PROJECT_FIELDS}
    body |= {"end_date": read.json["current_end_date"], "budget": read.json["current_budget"]}
    headers = {"If-Match": read.headers["ETag"]}
    return call(
        client, "PUT", world.url(project), world.tokens[role], headers=headers, json=body | changes
    )


def test_before_the_first_submit_a_budget_change_is_a_new_plan_not_a_rebaseline(client, world):
    typo = put_project(client, world, {"budget": 54000, "end_date": "2027-09-30"})
    assert typo.status_code == 200, typo.json
    assert (typo.json["original_budget"], typo.json["current_budget"]) == (54000, 54000)
    assert typo.json["original_end_date"] == typo.json["current_end_date"] == "2027-09-30"
    assert typo.json["rebaselines"] == []


def test_a_new_budget_or_end_date_needs_a_reason_and_keeps_the_original_baseline(client, world):
    # Submitted once: the plan became the baseline; withdrawn, the draft is editable again.
    editor = Caller(client, world, "editor")
    assert editor.fire("submit") == "submitted" and editor.fire("withdraw") == "draft"
    before = dump()
    refused = put_project(client, world, {"budget": 50000})
    assert "rebaseline_reason" in [e["code"] for e in assert_problem(refused, 422)["errors"]]
    assert dump() == before
    reason = {"rebaseline_reason": "Större uppdrag."}
    changed = put_project(client, world, {"budget": 50000, "end_date": "2027-12-31"} | reason)
    assert changed.status_code == 200, changed.json
    changed = changed.json
    assert (changed["original_budget"], changed["current_budget"]) == (45000, 50000)
    assert (changed["original_end_date"], changed["current_end_date"]) == (
        "2027-06-30",
        "2027-12-31",
    )
    assert changed["rebaselines"] == [
        {"field": "budget", "old": "45000.00", "new": "50000.00", "reason": "Större uppdrag."},
        {
            "field": "end_date",
            "old": "2027-06-30",
            "new": "2027-12-31",
            "reason": "Större uppdrag.",
        },
    ]
    renamed = put_project(client, world, {"name": "E-arkivet"}).json
    assert renamed["rebaselines"] == changed["rebaselines"]
    project = SUB + "/projects/{project}"
    read = editor("GET", project, 200)
    assert read.json == renamed
    assert_problem(call(client, "DELETE", world.url(project), world.tokens["editor"]), 428)
    stale = {"If-Match": '"0123456789abcdef0123456789abcdef"'}
    assert_problem(editor("DELETE", project, 412, headers=stale), 412)
    editor("DELETE", project, 204, headers={"If-Match": read.headers["ETag"]})
    assert_problem(call(client, "GET", world.url(project), world.tokens["editor"]), 404)
    assert editor("GET", SUB + "/projects", 200).json == []


def test_projects_cannot_change_once_the_submission_is_submitted(client, world):
    advance(world, "submitted")
    before = dump()
    url = world.url(SUB + "/projects/{project}")
    put = put_project(client, world, {"name": "Sent"})
    assert assert_problem(put, 409)["type"].endswith("/not_editable")
    etag = {"If-Match": call(client, "GET", url, world.tokens["editor"]).headers["ETag"]}
    assert_problem(call(client, "DELETE", url, world.tokens["editor"], headers=etag), 409)
    assert dump() == before


# --- If-Match and all-or-nothing values -----------------------------------------------------


def _patch(client, world, if_match, values, role="editor"):
    headers = {} if if_match is None else {"If-Match": if_match}
    url = world.url(SUB + "/values")
    return call(client, "PATCH", url, world.tokens[role], headers=headers, json={"values": values})


def test_two_clients_with_the_same_version_one_wins_the_other_gets_412(client, world):
    etag = call(client, "GET", world.url(SUB), world.tokens["editor"]).headers["ETag"]
    first = _patch(client, world, etag, {"users": 1500})
    assert first.status_code == 200
    assert first.headers["ETag"] == f'"{version_of(world.own)}"'
    before = dump()
    second = _patch(client, world, etag, {"users": 1600})
    assert assert_problem(second, 412)["type"].endswith("/stale")
    assert dump() == before
    again = _patch(client, world, first.headers["ETag"], {"users": 1600})
    assert again.json["values"]["users"] == 1600


@pytest.mark.parametrize(
    ("if_match", "status"),
    [(None, 428), ("", 428), ('"abc"', 412), ('W/"1"', 412), ('"999"', 412)],
)
def test_a_change_needs_the_current_version_in_if_match(client, world, if_match, status):
    before = dump()
    assert_problem(_patch(client, world, if_match, {"users": 1500}), status)
    assert dump() == before


def test_a_weak_or_unquoted_current_version_is_accepted(client, world):
    version = version_of(world.own)
    assert _patch(client, world, f'W/"{version}"', {"users": 1500}).status_code == 200
    assert _patch(client, world, str(version + 1), {"users": 1501}).status_code == 200


@pytest.mark.postgres_only
def test_two_simultaneous_patches_with_the_same_version_one_wins(app, world):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (the submission row is locked with SELECT … FOR UPDATE)")
    version, url = version_of(world.own), world.url(SUB + "/values")
    headers = {"If-Match": f'"{version}"', "Authorization": f"Bearer {world.tokens['editor']}"}
    barrier, statuses = threading.Barrier(2), []

    def patch(users):
        client = app.test_client()  # a thread without an app context: the request makes its own
        barrier.wait(timeout=10)
        response = client.patch(url, headers=headers, json={"values": {"users": users}})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=patch, args=(users,)) for users in (1500, 1600)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [200, 412]
    assert version_of(world.own) == version + 1


def test_one_invalid_value_stores_nothing_and_every_error_is_listed(client, world):
    before = dump()
    values = {
        "users": 1500,
        "workstations": -1,
        "no_such_item": 1,
        "users:forecast": 3,
        "internal_it_staff": "många",
    }
    body = assert_problem(_patch(client, world, f'"{version_of(world.own)}"', values), 422)
    codes = sorted(error["code"] for error in body["errors"])
    assert codes == ["internal_it_staff", "no_such_item", "users:forecast", "workstations"]
    assert all(error["message"] for error in body["errors"])
    assert dump() == before


@pytest.mark.parametrize(
    "body",
    [
        {"values": {}},
        {"values": [1]},
        {"users": 1},
        [1],
        {"values": {"users": 1}, "reason": 5},
    ],
)
def test_a_body_against_its_schema_is_a_422_and_stores_nothing(client, world, body):
    before = dump()
    headers = {"If-Match": f'"{version_of(world.own)}"'}
    response = call(
        client,
        "PATCH",
        world.url(SUB + "/values"),
        world.tokens["editor"],
        headers=headers,
        json=body,
    )
    assert_problem(response, 400 if isinstance(body, list) else 422)
    assert dump() == before


def test_a_body_that_is_not_json_is_a_415(client, world):
    url = world.url(SUB + "/transitions")
    assert_problem(call(client, "POST", url, world.tokens["editor"], data="trigger=submit"), 415)


# --- personal tokens --------------------------------------------------------------------------

RAW_TOKEN = re.compile(r"gr_[A-Za-z0-9_-]{40,}")


def _token_of(user) -> ApiToken:
    return db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))


def test_a_token_from_the_account_page_is_shown_once_kept_as_a_hash_and_revocable(client, world):
    client.login(world.users["editor"])
    page = client.post("/account/tokens", {"name": "Ekonomisystemet", "days": "5"})
    assert page.status_code == 200
    raw = RAW_TOKEN.search(page.get_data(as_text=True)).group(0)
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "Ekonomisystemet"))
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = [
        str(value) for row in db.session.execute(text("SELECT * FROM api_token")) for value in row
    ]
    assert not any(raw in value for value in stored)
    assert (token.expires_at - token.created_at).days == 5
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert raw not in listing and token.prefix in listing

    assert call(client, "GET", API + "/cycles", raw).status_code == 200
    assert db.session.get(ApiToken, token.id).last_used_at is not None
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    assert_problem(call(client, "GET", API + "/cycles", raw), 401)


def test_a_user_cannot_revoke_someone_elses_token(client, world):
    theirs = _token_of(world.users["reviewer"])
    client.login(world.users["editor"])
    assert client.post(f"/account/tokens/{theirs.id}/revoke").status_code == 404
    assert call(client, "GET", API + "/cycles", world.tokens["reviewer"]).status_code == 200


def test_an_admin_lists_every_token_and_revokes_any(client, world):
    token = _token_of(world.users["reviewer"])
    client.login(world.users["editor"])
    assert client.get("/admin/tokens").status_code == 403
    client.logout()
    client.login(world.users["admin"])
    listing = client.get("/admin/tokens").get_data(as_text=True)
    assert token.prefix in listing and world.tokens["reviewer"] not in listing
    assert client.post(f"/admin/tokens/{token.id}/revoke").status_code == 302
    assert_problem(call(client, "GET", API + "/cycles", world.tokens["reviewer"]), 401)
    assert call(client, "GET", API + "/cycles", world.tokens["editor"]).status_code == 200


def test_a_token_works_until_it_expires(client, world):
    now = datetime.now(UTC)
    for hours, status in ((0, 200), (23, 200), (25, 401)):
        with time_machine.travel(now + timedelta(hours=hours)):
            response = call(client, "GET", API + "/cycles", world.tokens["expired"])
        assert response.status_code == status


def test_flask_tokens_create_prints_a_working_token(app, client, world):
    runner = app.test_cli_runner()
    email = world.users["reviewer"].email
    created = runner.invoke(args=["tokens", "create", email, "--name", "X", "--days", "5"])
    assert created.exit_code == 0, created.output
    raw = created.stdout.strip()
    assert RAW_TOKEN.fullmatch(raw)
    assert call(client, "GET", API + "/cycles", raw).status_code == 200
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "X"))
    assert (token.expires_at - token.created_at).days == 5
    for unknown in ("nobody@x.example", world.users["deactivated"].email):
        assert runner.invoke(args=["tokens", "create", unknown, "--name", "X"]).exit_code != 0


def test_the_601st_call_in_a_minute_is_refused_with_429(client, world):
    # 600 calls take about two seconds on SQLite: the real limit, not a lowered one.
    url = API + "/cycles"
    statuses = [call(client, "GET", url, world.tokens["editor"]).status_code for _ in range(600)]
    assert statuses == [200] * 600
    refused = call(client, "GET", url, world.tokens["editor"])
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    assert call(client, "GET", url, world.tokens["reviewer"]).status_code == 200  # per token


# --- the exports ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "media_type"),
    [("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats-officedocument")],
)
def test_a_published_dataset_is_exported_with_its_digest(client, world, kind, media_type):
    advance(world, "published")
    url, token = world.url("/cycles/{year}/dataset"), world.tokens["viewer"]
    digest = call(client, "GET", url, token).json["digest"]
    export = call(client, "GET", f"{url}?format={kind}", token)
    assert export.status_code == 200
    assert export.mimetype.startswith(media_type)
    assert export.headers["X-Dataset-SHA256"] == digest
    assert_problem(call(client, "GET", f"{url}?format=pdf", token), 400)


def test_staff_get_a_404_before_the_cycle_is_frozen(client, world):
    response = call(client, "GET", world.url("/cycles/{year}/dataset"), world.tokens["admin"])
    assert assert_problem(response, 404)["type"].endswith("/not_frozen")


# --- bugs: each test below fails, and says why ------------------------------------------------


def _spec(client) -> dict:
    return client.get(API + "/openapi.json").json


def test_the_429_is_problem_json_as_described(client, world):
    """Was a bug: the description promises application/problem+json for 429 on every operation
    (app/api/spec.py:71), but the limiter's 429 (app/api/operation.py) is rendered by the
    HTML error page (app/web.py:264)."""
    url = API + "/cycles"
    for _ in range(600):
        call(client, "GET", url, world.tokens["editor"])
    assert_problem(call(client, "GET", url, world.tokens["editor"]), 429)


def test_every_api_call_fits_in_its_audit_row():
    """Every write is audited as "METHOD operation" in audit_event.name, a VARCHAR(60); a
    name that does not fit would make PostgreSQL refuse the row, and the call a 500 (this was
    so for answer, resolve and reopen when the whole path was the name)."""
    limit = AuditEvent.__table__.c.name.type.length
    too_long = [
        f"{op.method} {op.view}" for op in OPERATIONS if len(f"{op.method} {op.view}") > limit
    ]
    assert too_long == []


def test_a_project_body_as_the_description_defines_it_is_accepted(client, world):
    """Was a bug: PROJECT_INPUT (app/api/schemas.py:163-190) is built from the response's fields
    (original_end_date, original_budget, current_budget, current_end_date …) and requires
    original_end_date and original_budget, but _project_data (app/api/projects.py)
    reads end_date and budget, which the description never names: a client that follows the
    description always gets 422 (errors end_date and budget)."""
    spec = _spec(client)
    operation = spec["paths"]["/cycles/{year}/submissions/{org_number}/projects"]["post"]
    reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][reference.rsplit("/", 1)[1]]
    body = {
        "name": "Enligt beskrivningen",
        "orientation": "develop",
        "status": "ongoing",
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
        "budget": 1000,
        "forecast_at_completion": 1000,
        "risk_benefits": "low",
        "risk_budget": "low",
        "risk_time": "low",
    }
    assert set(schema["required"]) <= set(body) <= set(schema["properties"])
    response = call(client, "POST", world.url(SUB + "/projects"), world.tokens["editor"], json=body)
    assert response.status_code == 201, response.json


def test_a_rule_operand_is_a_string_or_null_as_described(client, world):
    """Was a bug: the description types rule operands as strings (app/api/schemas.py:84), but the
    default questionnaire's it_cost_within_operating_cost has ["it_cost_total", None]
    (app/cycles/default_questionnaire.py:419): GET …/questionnaire violates its own schema."""
    questionnaire = call(
        client, "GET", world.url("/cycles/{year}/questionnaire"), world.tokens["editor"]
    )
    operands = [operand for rule in questionnaire.json["rules"] for operand in rule["operands"]]
    assert all(isinstance(operand, str) or operand is None for operand in operands), operands


def test_a_negative_year_or_id_is_a_problem_too(client, world):
    """Was a bug: year and id are described as any integer, and every 404 as problem+json, but
    flask_rule (app/api/spec.py:26) makes them <int:…>, which does not match a negative
    number: the request falls through to the HTML 404 page (app/web.py:240)."""
    for path in ("/cycles/-1/submissions", SUB + "/projects/-1"):
        assert_problem(call(client, "GET", world.url(path), world.tokens["editor"]), 404)


@pytest.mark.parametrize(
    "path",
    ["/cycles/99999999999/questionnaire", "/cycles/{year}/submissions/{org}/projects/99999999999"],
)
@pytest.mark.parametrize("big", [99999999999, 10**20], ids=["int32", "int64"])
def test_a_year_or_id_too_large_for_the_database_is_a_404(
    app, client, world, monkeypatch, path, big
):
    """Was a bug: year and id are described as any integer and <int:…> takes any size, but the query
    (visible_cycle, app/api/loaders.py; _project, app/api/projects.py) hands the number to the
    database as it is: PostgreSQL refuses above 2**31-1 ("integer out of range"), SQLite above
    2**63-1 (OverflowError): a 500 instead of a 404."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # the 500 page, as served
    url = world.url(path.replace("99999999999", str(big)))
    assert_problem(call(client, "GET", url, world.tokens["editor"]), 404)


def test_a_401_says_how_to_authenticate(client):
    """Was a bug: RFC 9110 §15.5.2: a 401 MUST carry WWW-Authenticate; the API's 401
    (app/api/operation.py, built by app/api/problems.py:16) has none."""
    response = call(client, "GET", API + "/cycles")
    assert response.status_code == 401
    assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")


def test_the_description_names_the_media_types_of_the_exports(client):
    """Was a bug: ?format=csv and ?format=xlsx answer text/csv and the xlsx type, but the
    description declares only application/json for 200 (app/api/spec.py:63-66 allows one
    media type per response; the dataset operation (app/api/dataset.py) gives
    schemas.DATASET only)."""
    operation = _spec(client)["paths"]["/cycles/{year}/dataset"]["get"]
    declared = set(operation["responses"]["200"]["content"])
    assert "text/csv" in declared
    assert any("spreadsheetml" in media_type for media_type in declared)


def test_the_csv_export_names_its_charset_once(client, world):
    """Was a bug: the CSV answers "text/csv; charset=utf-8; charset=utf-8": FORMATS gives the media
    type with its charset (app/datasets/exports.py:20) and Response(mimetype=…)
    (app/api/dataset.py) adds another. (app/datasets/routes.py:47 does the same.)"""
    advance(world, "published")
    url = world.url("/cycles/{year}/dataset") + "?format=csv"
    export = call(client, "GET", url, world.tokens["viewer"])
    assert export.headers["Content-Type"].count("charset") == 1, export.headers["Content-Type"]


def test_a_correction_sent_as_a_json_number_is_read_as_that_number(client, world):
    """Was a bug: the description types correction as a number (or a string), and PATCH …/values
    takes 85.125 for internal_it_staff, but answer() (app/api/questions.py) turns the number
    into text with str() and parses it as Swedish typing: 85.125 is refused for its
    "ambiguous dot" (a message about decimal commas), 1e-05 as not a number."""
    advance(world, "in_review")
    _ask(world, "item:internal_it_staff")
    _fire(world, "request_clarification", "reviewer")
    url = world.url(SUB + "/questions/{question}/answer")
    for correction, status in ((85.125, 422), (1e-05, 422), (85.25, 200)):
        body = {"answer": "Nej.", "correction": correction}
        response = call(client, "POST", url, world.tokens["editor"], json=body)
        assert response.status_code == status, (correction, response.json)
        if status == 422:  # refused for its decimals, as a value typed on the page would be
            assert response.json["errors"][0]["code"] == "correction"


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "state"),
    [
        (
            "editor",
            "PATCH",
            "/values",
            {"values": {"maturity_sourcing_comment": "a\x00b"}},
            "draft",
        ),
        ("editor", "POST", "/projects", {**NEW_PROJECT, "name": "a\x00b"}, "draft"),
        ("reviewer", "POST", "/questions", {"target": "general", "text": "a\x00b"}, "in_review"),
        ("editor", "POST", "/transitions", {"trigger": "submit", "comment": "a\x00b"}, "draft"),
    ],
    ids=["value", "project", "question", "comment"],
)
def test_a_text_with_a_nul_character_is_no_server_error(
    app, client, world, monkeypatch, role, method, path, body, state
):
    """BUG on PostgreSQL (passes on SQLite): JSON strings may hold U+0000, PostgreSQL text may
    not; the API passes such texts on unchecked (app/api/submissions.py patch_values,
    add_project:565, add_question:721, submission_transition:634) and psycopg raises
    "PostgreSQL text fields cannot contain NUL (0x00) bytes": a 500 instead of a 422."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # the 500 page, as served
    advance(world, state)
    headers = {"If-Match": f'"{version_of(world.own)}"'}
    response = call(
        client, method, world.url(SUB + path), world.tokens[role], headers=headers, json=body
    )
    assert response.status_code < 500


# --- second outside test (issue 15) -----------------------------------------------------------


NESTED = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "body", [NESTED, '{"values": ' + NESTED + "}", '{"a":' * 50 + "1" + "}" * 50]
)
def test_deeply_nested_json_gets_400_problem_json_and_changes_nothing(client, world, body):
    """Was a 500 (RecursionError in the JSON parser) on every write."""
    before = dump()
    for method, path in (("PATCH", SUB + "/values"), ("POST", SUB + "/projects")):
        response = call(
            client,
            method,
            world.url(path),
            world.tokens["editor"],
            data=body,
            headers={"If-Match": '"1"'},
            content_type="application/json",
        )
        assert assert_problem(response, 400)["type"].endswith("/bad_json")
    assert dump() == before


def test_an_unknown_api_path_answers_in_the_callers_language(client, world):
    english = call(client, "GET", API + "/no-such-thing", headers={"Accept-Language": "en"})
    assert assert_problem(english, 404)["title"] == "Page not found"
    swedish = call(client, "GET", API + "/no-such-thing", headers={"Accept-Language": "sv"})
    assert assert_problem(swedish, 404)["title"] == "Sidan hittades inte"


def test_a_deactivated_users_tokens_stay_dead_after_reactivation(client, world, login):
    editor = world.users["editor"]
    token = world.tokens["editor"]
    assert call(client, "GET", API + "/cycles", token).status_code == 200
    login("admin")
    for active in ("0", "1"):
        response = client.post(f"/admin/users/{editor.id}/active", {"active": active})
        assert response.status_code == 302
    assert db.session.get(User, editor.id).active
    assert_problem(call(client, "GET", API + "/cycles", token), 401)


def test_a_tokens_use_is_noted_at_most_once_a_minute(client, world):
    """Every GET wrote last_used_at in its own transaction: on SQLite, with two clients, a third
    of the GETs failed with 'database is locked'. Now a read is a read, but once a minute."""
    token = _token_of(world.users["viewer"])
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    with time_machine.travel(start, tick=False):
        assert call(client, "GET", API + "/cycles", world.tokens["viewer"]).status_code == 200
    first = db.session.get(ApiToken, token.id).last_used_at
    with time_machine.travel(start + timedelta(seconds=50), tick=False):
        assert call(client, "GET", API + "/cycles", world.tokens["viewer"]).status_code == 200
    db.session.rollback()
    assert db.session.get(ApiToken, token.id).last_used_at == first
    with time_machine.travel(start + timedelta(seconds=70), tick=False):
        assert call(client, "GET", API + "/cycles", world.tokens["viewer"]).status_code == 200
    db.session.rollback()
    assert db.session.get(ApiToken, token.id).last_used_at == first + timedelta(seconds=70)
