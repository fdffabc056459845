"""Schemathesis against the live OpenAPI description (/api/v1/openapi.json): every operation,
with generated requests, must answer without a server error, with a documented status code,
a documented content type, and a body that matches the documented schema.

Each operation gets a seeded world (an open 2026 cycle with the default questionnaire, two
agencies with submissions, the own one put in the state that lets the operation succeed) and
an editor, a reviewer and an administrator token. Half the examples use the seeded path
parameters (year 2026, the editor's agency, the real project or question, and the current
version in If-Match), so that successful answers are checked too; the others are generated
freely. Every finding is collected (no shrinking), then reported at once."""

import pytest
import schemathesis
from flask import current_app
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core import NOT_SET
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api import routes as _routes  # noqa: F401  (registers the operations)
from app.api.etags import digest_etag
from app.api.projects import project_json
from app.api.spec import OPERATIONS
from app.extensions import db
from app.submissions.models import Project
from tests.integration.test_api import YEAR, advance, version_of, world  # noqa: F401

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CALLERS = ("editor", "reviewer", "admin")
# The state of the editor's submission (or of the cycle) in which the operation can succeed.
STATES = {
    "list_questions": "clarification",
    "add_question": "in_review",
    "answer": "clarification",
    "resolve": "answered",
    "reopen": "answered",
    "dataset": "published",
}


def _current_tag(op, world) -> str:  # noqa: F811 - not the fixture: its value
    """What If-Match needs: the project's ETag, or the submission's version."""
    if "/projects/{id}" in op.path:
        db.session.rollback()
        project = db.session.get(Project, world.project_id)
        return digest_etag(project_json(project)) if project else '"gone"'
    return f'"{version_of(world.own)}"'


@pytest.fixture
def schema(app, monkeypatch):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # a 500 as it is served
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _call(case, token):
    # Each request gets its own application context, as in production (see WebClient).
    try:
        with current_app._get_current_object().app_context():
            return case.call(headers={"Authorization": f"Bearer {token}"})
    finally:
        db.session.rollback()


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op.method} {op.path}")
def test_every_operation_conforms_to_its_description(schema, world, op):  # noqa: F811
    advance(world, STATES.get(op.view, "draft"))
    operation = schema[op.path][op.method]
    object_id = world.question_id if "/questions/" in op.path else world.project_id
    seeded = {"year": YEAR, "org_number": world.org, "id": object_id}
    path_parameters = {name: seeded[name] for name in seeded if "{" + name + "}" in op.path}
    findings: dict[str, tuple] = {}  # title → (case, caller), the first example

    @given(data=st.data())
    @settings(
        max_examples=25,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(data):
        use_seeded = data.draw(st.booleans(), label="seeded")
        strategy = operation.as_strategy(path_parameters=path_parameters if use_seeded else None)
        case = data.draw(strategy, label="case")
        if use_seeded and op.headers:
            case.headers = {**(case.headers or {}), "If-Match": _current_tag(op, world)}
        caller = data.draw(st.sampled_from(CALLERS), label="caller")
        try:
            response = _call(case, world.tokens[caller])
        except Exception as error:  # what the app raised (a 500), re-raised by schemathesis
            first_line = str(error).strip().splitlines()[0]
            findings.setdefault(f"500 {type(error).__name__}: {first_line}", (case, caller))
            return
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:  # recorded, and on to the next example
            for failure in group.exceptions:
                first_line = failure.message.strip().splitlines()[0]
                findings.setdefault(f"{failure.code} {failure.title}: {first_line}", (case, caller))

    def example(case, caller) -> str:
        headers = {k: v for k, v in (case.headers or {}).items() if k != "Authorization"}
        body = "" if case.body is NOT_SET else repr(case.body)[:300]
        request = f"{case.method} {case.formatted_path} {case.query or ''}"
        return f"  as {caller}: {request} {headers} {body}"

    run()
    report = [f"{title}\n{example(*found)}" for title, found in findings.items()]
    assert not findings, "\n\n".join(report)
