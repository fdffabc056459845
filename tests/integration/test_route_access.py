"""Every route in app.url_map is refused to anonymous users, and agency users never reach
another agency's objects. A new route makes this test fail until it is listed below."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.submissions.models import Submission
from tests import factories

# Routes anyone may use without logging in.
PUBLIC = {
    "static",
    "accounts.login",
    "accounts.home",
    "accounts.healthz",
    "accounts.request_password_reset",
    "accounts.set_password_from_link",
    "accounts.switch_language",
    # The second step of a login: it answers only to a session whose password was right.
    "accounts.second_factor",
    # The API's description and its page; the API itself takes tokens, not sessions (below).
    "api.openapi_json",
    "api.docs",
    # Open data: published cycles only (anything else is 404, tested in test_open_data.py).
    "open_data.index",
    "open_data.cycle",
    "open_data.download",
    "open_data.catalog",
    # The questionnaire file format's JSON Schema, as published in docs/.
    "cycles.questionnaire_schema",
}

# The API's operations answer a missing or bad token with 401 (tested in test_api.py).
TOKEN_ONLY = "api."

# Who may use each protected route (beyond that, 403 or 404).
ROLES = {
    "accounts.logout": {"admin", "reviewer", "agency_editor", "agency_viewer", "ministry"},
    "accounts.change_password_view": {
        "admin",
        "reviewer",
        "agency_editor",
        "agency_viewer",
        "ministry",
    },
    "accounts.two_factor": {"admin", "reviewer", "agency_editor", "agency_viewer", "ministry"},
    "cycles.admin_overview": {"admin"},
    "cycles.new_cycle": {"admin"},
    "cycles.edit_cycle": {"admin"},
    "cycles.show": {"admin"},
    "cycles.transition": {"admin"},
    "cycles.confirm_transition": {"admin"},
    "cycles.bulk": {"admin"},
    "accounts.keep_alive": {"admin", "reviewer", "agency_editor", "agency_viewer", "ministry"},
    "cycles.participants": {"admin"},
    "cycles.questionnaire": {"admin"},
    "cycles.edit_item": {"admin"},
    "cycles.new_entry": {"admin"},
    "cycles.edit_entry": {"admin"},
    "cycles.remove_entry": {"admin"},
    "cycles.move_entry": {"admin"},
    "cycles.questionnaire_changes": {"admin", "reviewer", "agency_editor", "agency_viewer"},
    # The consultation on a planned cycle's questionnaire (test_consultation.py): an agency
    # reads and comments as itself only; the authority's staff read every comment.
    "consultation.agency_page": {"agency_editor", "agency_viewer"},
    "consultation.comment": {"agency_editor"},
    "consultation.withdraw": {"agency_editor"},
    "consultation.admin_page": {"admin", "reviewer"},
    "consultation.start": {"admin"},
    "consultation.answer": {"admin"},
    "consultation.decide": {"admin"},
    "consultation.close": {"admin"},
    "consultation.record": {"admin"},
    "review.queue": {"admin", "reviewer"},
    "submissions.agency_overview": {"agency_editor", "agency_viewer"},
    "submissions.show": {"admin", "reviewer", "agency_editor", "agency_viewer"},
    "submissions.history": {"admin", "reviewer", "agency_editor", "agency_viewer"},
    # The receipt of a "submit": whoever may see the submission (checked per object).
    "submissions.received": {"admin", "reviewer", "agency_editor", "agency_viewer"},
    # Every role reaches the route; the workflow decides who may fire what (tested there).
    "submissions.transition": {"admin", "reviewer", "agency_editor", "agency_viewer"},
    "submissions.confirm_transition": {"admin"},
    "submissions.answer": {"agency_editor"},
    # Everyone who may see the submission reads its sections; saving is checked per object.
    "submissions.section": {"admin", "reviewer", "agency_editor", "agency_viewer"},
    "submissions.summary": {"admin", "reviewer", "agency_editor", "agency_viewer"},
    "submissions.explain": {"admin", "reviewer", "agency_editor", "agency_viewer"},
    "submissions.projects": {"admin", "reviewer", "agency_editor", "agency_viewer"},
    "submissions.new_project": {"admin", "reviewer", "agency_editor", "agency_viewer"},
    "submissions.edit_project": {"admin", "reviewer", "agency_editor", "agency_viewer"},
    "submissions.remove_project": {"admin", "reviewer", "agency_editor", "agency_viewer"},
    "submissions.benefits": {"admin", "reviewer", "agency_editor", "agency_viewer"},
    "submissions.new_benefit": {"admin", "reviewer", "agency_editor", "agency_viewer"},
    "submissions.edit_benefit": {"admin", "reviewer", "agency_editor", "agency_viewer"},
    "submissions.remove_benefit": {"admin", "reviewer", "agency_editor", "agency_viewer"},
    "submissions.project_timeline": {"admin", "reviewer", "agency_editor", "agency_viewer"},
    "submissions.benefit_by_id": {"admin", "reviewer", "agency_editor", "agency_viewer"},
    "submissions.prefill": {"agency_editor"},
    "submissions.comment": {"admin", "reviewer", "agency_editor"},
    # Everyone who may see the submission downloads the Excel template; only the agency's
    # editors upload it (checked per object: their own agency, an editable submission).
    "submissions.excel_template": {"admin", "reviewer", "agency_editor", "agency_viewer"},
    "submissions.excel_upload": {"agency_editor"},
    "review.raise_question_view": {"reviewer"},
    "review.resolve": {"reviewer"},
    "review.send_back": {"reviewer"},
    "review.edit": {"reviewer"},
    "review.withdraw": {"reviewer"},
    "review.close": {"reviewer"},
    "review.compare_view": {"admin", "reviewer"},
    "review.questions_dashboard": {"admin", "reviewer"},
    "review.questions_export": {"admin", "reviewer"},
    # Everyone has an inbox; a notice is found only by its own user (tested per object).
    "notifications.inbox": {"admin", "reviewer", "agency_editor", "agency_viewer", "ministry"},
    "notifications.open_notice": {
        "admin",
        "reviewer",
        "agency_editor",
        "agency_viewer",
        "ministry",
    },
    "notifications.read_all": {"admin", "reviewer", "agency_editor", "agency_viewer", "ministry"},
    # Everyone sets their own mail; only an agency editor sets the agency's addresses.
    "notifications.settings": {"admin", "reviewer", "agency_editor", "agency_viewer", "ministry"},
    # Staff read every cycle's dataset; agency users only published ones (checked per cycle).
    "datasets.show": {"admin", "reviewer", "agency_editor", "agency_viewer", "ministry"},
    "datasets.download": {"admin", "reviewer", "agency_editor", "agency_viewer", "ministry"},
    "datasets.verify_now": {"admin", "reviewer"},
    "open_data.settings": {"admin"},
    # A ministry's own pages; another ministry's agency or an unpublished year is 404
    # (test_ministry.py). The observations are written by the authority's administrators.
    "ministry.overview": {"ministry"},
    "ministry.agency": {"ministry"},
    "ministry.briefing_pdf": {"ministry"},
    "ministry.observation": {"admin"},
    # An agency's own self-assessments (another agency's year is simply not found); the
    # authority reads only those shared (test_self_assessment.py).
    "self_assessment.index": {"agency_editor", "agency_viewer"},
    "self_assessment.start_view": {"agency_editor"},
    "self_assessment.answers": {"agency_editor", "agency_viewer"},
    "self_assessment.result": {"agency_editor", "agency_viewer"},
    "self_assessment.sharing": {"agency_editor"},
    "self_assessment.shared_list": {"admin", "reviewer"},
    "self_assessment.shared_one": {"admin", "reviewer"},
    "self_assessment.result_pdf": {"agency_editor", "agency_viewer"},
    "self_assessment.invite_view": {"admin"},
    "self_assessment.excel_template": {"agency_editor", "agency_viewer"},
    "self_assessment.excel_upload": {"agency_editor"},
    # Results and an agency's feedback report: staff always, agency users once published
    # (and the feedback report only their own agency's; checked per object).
    "reports.overview": {"admin", "reviewer", "agency_editor", "agency_viewer", "ministry"},
    "reports.agency": {"admin", "reviewer", "agency_editor", "agency_viewer", "ministry"},
    "reports.feedback_pdf": {"admin", "reviewer", "agency_editor", "agency_viewer", "ministry"},
    # The menu's lists: results for everyone (agency users: published cycles only); the
    # datasets and report batches for staff.
    "reports.results_index": {"admin", "reviewer", "agency_editor", "agency_viewer", "ministry"},
    "reports.datasets_index": {"admin", "reviewer"},
    "reports.reports_index": {"admin", "reviewer"},
    "reports.summary_pdf": {"admin", "reviewer"},
    "reports.batch_page": {"admin", "reviewer"},
    "reports.request_batch_view": {"admin", "reviewer"},
    "reports.batch_download": {"admin", "reviewer"},
    "tokens.own_tokens": {"admin", "reviewer", "agency_editor", "agency_viewer", "ministry"},
    "tokens.revoke_own": {"admin", "reviewer", "agency_editor", "agency_viewer", "ministry"},
    "tokens.every_token": {"admin"},
    "tokens.revoke_any": {"admin"},
    "outbox.index": {"admin"},
    "outbox.show": {"admin"},
    "outbox.resend_view": {"admin"},
    "outbox.upcoming": {"admin"},
    "outbox.preview": {"admin"},
    "admin.agencies": {"admin"},
    "admin.new_agency": {"admin"},
    "admin.edit_agency": {"admin"},
    "admin.set_agency_activity": {"admin"},
    "admin.import_agencies_view": {"admin"},
    "admin.users": {"admin"},
    "admin.new_user": {"admin"},
    "admin.edit_user": {"admin"},
    "admin.set_user_activity": {"admin"},
    "admin.resend_invitation": {"admin"},
    "admin.peer_groups": {"admin"},
    "admin.new_peer_group": {"admin"},
    "admin.edit_peer_group": {"admin"},
}


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _url(rule, ids):
    values = {name: ids.get(name, 1) for name in rule.arguments}
    if "trigger" in values:
        values["trigger"] = "submit"
    if "year" in values:
        values["year"] = 2026
    if "section" in values:
        values["section"] = "it_costs"
    if "id" in values:
        values["id"] = 1
    if "org_number" in values:
        values["org_number"] = "2021000000"
    if "kind" in values:
        values["kind"] = "json"
    if "filename" in values:
        values["filename"] = "css/granska.css"
    if "token" in values:
        values["token"] = "x"
    return rule.build(values, append_unknown=False)[1]


def test_every_route_is_classified(app):
    endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if not rule.endpoint.startswith(TOKEN_ONLY) or rule.endpoint in PUBLIC
    }
    assert endpoints - PUBLIC - ROLES.keys() == set(), "classify the new routes above"
    assert ROLES.keys() - endpoints == set(), "remove routes that no longer exist"


def test_anonymous_requests_to_protected_routes_go_to_login(app, client):
    token = client.csrf_token()  # so that the login check, not CSRF, is what refuses
    for rule, method in _routes(app):
        if rule.endpoint in PUBLIC:
            continue
        response = client.request(method, _url(rule, {}), data={"csrf_token": token})
        if rule.endpoint.startswith(TOKEN_ONLY):
            assert response.status_code == 401, (rule, method, response.status_code)
            assert response.mimetype == "application/problem+json", rule
            continue
        assert response.status_code == 302, (rule, method, response.status_code)
        assert response.headers["Location"].startswith("/login"), rule


@pytest.mark.parametrize(
    "role", ["admin", "reviewer", "agency_editor", "agency_viewer", "ministry"]
)
def test_roles_outside_a_route_get_403_or_404(app, client, login, role):
    agency = factories.make_agency()
    user = login(role, agency=agency if role.startswith("agency") else None)
    ids = {"agency_id": agency.id, "user_id": user.id, "submission_id": 1, "group_id": 1}
    token = client.csrf_token()
    for rule, method in _routes(app):
        if rule.endpoint in PUBLIC or rule.endpoint.startswith(TOKEN_ONLY):
            continue
        if role in ROLES[rule.endpoint]:
            continue
        response = client.request(method, _url(rule, ids), data={"csrf_token": token})
        assert response.status_code in (403, 404), (rule, method, response.status_code)


def test_agency_user_cannot_see_another_agencys_submission(client, login):
    cycle = factories.make_cycle()
    mine, theirs = (
        factories.make_agency(name="Vår myndighet"),
        factories.make_agency(name="Deras myndighet"),
    )
    own = factories.make_submission(cycle, mine)
    foreign = factories.make_submission(cycle, theirs, status="submitted")
    for role in ("agency_editor", "agency_viewer"):
        login(role, agency=mine)
        assert client.get(f"/submissions/{own.id}").status_code == 200
        response = client.get(f"/submissions/{foreign.id}")
        assert response.status_code == 404
        assert "Deras myndighet" not in response.get_data(as_text=True)
        overview = client.get("/agency/").get_data(as_text=True)
        assert f"/submissions/{foreign.id}" not in overview
        client.logout()
    unchanged = db.session.scalar(select(Submission.status).where(Submission.id == foreign.id))
    assert unchanged == "submitted"


def test_authority_staff_see_every_agencys_submission(client, login):
    submission = factories.make_submission(factories.make_cycle(), factories.make_agency())
    for role in ("reviewer", "admin"):
        login(role)
        assert client.get(f"/submissions/{submission.id}").status_code == 200
        client.logout()


def test_unknown_ids_are_404_for_staff(client, login):
    login("admin")
    assert client.get("/admin/agencies/999999/edit").status_code == 404
    assert client.get("/admin/users/999999/edit").status_code == 404
    assert client.get("/submissions/999999").status_code == 404
