"""Every route, whatever it answers: the security headers (ASVS 5.0 V3.4.1 HSTS, V3.4.3 CSP,
V3.4.4 nosniff, V3.4.5 Referrer-Policy, V14.3.2 no caching of sensitive pages), CSRF on every
state-changing request with a clear 400 page (V3.5.1), and no state change through GET
(V3.5.3, V8.2)."""

import pytest
from sqlalchemy import select

from app.extensions import db
from tests import factories
from tests.integration.test_route_access import _routes, _url

GUARDED_TABLES = (
    "submission",
    "submission_value",
    "project",
    "question",
    "question_entry",
    "comment",
    "notification",
    "outbox_message",
    "audit_event",
    "cycle",
    "agency",
    "user_account",
)


def _world():
    cycle = factories.make_cycle(year=2026, questionnaire=True)
    agency = factories.make_agency()
    submission = factories.make_submission(cycle, agency, "in_review")
    return {"submission_id": submission.id, "agency_id": agency.id, "group_id": 1}


def _dump():
    db.session.rollback()
    return {
        name: sorted(map(tuple, db.session.execute(select(db.metadata.tables[name]))))
        for name in GUARDED_TABLES
    }


def _check_headers(response, where):
    csp = response.headers.get("Content-Security-Policy", "")
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp, (where, directive)
    assert "unsafe-inline" not in csp, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy"), where


@pytest.mark.parametrize("role", [None, "admin", "agency_editor"])
def test_every_route_sends_the_security_headers(app, client, login, role):
    ids = _world()
    if role:
        agency = factories.make_agency() if role.startswith("agency") else None
        user = login(role, agency=agency)
        ids["user_id"] = user.id
    for rule, method in _routes(app):
        if method != "GET":
            continue
        response = client.get(_url(rule, ids))
        _check_headers(response, (rule.rule, role))
        if rule.endpoint != "static":
            assert response.headers.get("Cache-Control") == "no-store", (rule.rule, role)


def test_every_post_without_a_csrf_token_gets_a_clear_400(app, client, login):
    ids = _world()
    user = login("admin")
    ids["user_id"] = user.id
    before = _dump()
    for rule, method in _routes(app):
        if method != "POST" or rule.endpoint.startswith("api."):
            continue  # the API takes no cookie, so there is nothing to forge (test_api.py)
        response = client.post(_url(rule, ids), {"text": "x"}, csrf=False)
        assert response.status_code == 400, (rule.rule, response.status_code)
        assert "Formuläret har gått ut" in response.get_data(as_text=True), rule.rule
    assert _dump() == before


@pytest.mark.parametrize("role", ["admin", "reviewer", "agency_editor"])
def test_no_get_request_changes_anything(app, client, login, role):
    ids = _world()
    agency = factories.make_agency() if role.startswith("agency") else None
    user = login(role, agency=agency)
    ids["user_id"] = user.id
    before = _dump()
    for rule, method in _routes(app):
        if method == "GET":
            client.get(_url(rule, ids))
    assert _dump() == before
