"""The benefit register of a project through the web: field and cross-field rules with the
typed input kept, one main benefit, only the agency's own editors change it, and another
agency's benefit is a 404."""

from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.submissions.models import Benefit, Project
from tests import factories
from tests.integration.test_projects_http import FORM as PROJECT

BENEFIT = {
    "name": "Kortare handläggningstid",
    "stakeholder": "Sökande företag",
    "kind": "economic",
    "goal": "En effektiv förvaltning",
    "indicator": "Handläggningstid",
    "unit": "dagar",
    "baseline_value": "30",
    "baseline_date": "2025-01-15",
    "target_value": "12",
    "target_year": "2028",
    "owner": "Chef för tillståndsenheten",
    "is_main": "y",
    "amount": "4 500",
    "budget_affecting": "y",
    "realised_value": "",
    "realised_amount": "",
    "status": "on_track",
    "status_reason": "",
}


def _setup(client, login, status="draft"):
    cycle = factories.make_cycle(year=2026, questionnaire=True)
    agency = factories.make_agency()
    submission = factories.make_submission(cycle, agency)
    login("agency_editor", agency=agency)
    assert client.post(f"/submissions/{submission.id}/projects/new", PROJECT).status_code == 302
    project = db.session.scalar(select(Project))
    return agency, submission, project


def _url(submission, project, tail="") -> str:
    return f"/submissions/{submission.id}/projects/{project.id}/benefits{tail}"


def test_editor_registers_a_benefit_and_sees_it_in_the_register(client, login):
    _agency, submission, project = _setup(client, login)
    response = client.post(_url(submission, project, "/new"), BENEFIT)
    assert response.status_code == 302
    benefit = db.session.scalar(select(Benefit))
    assert benefit.amount == Decimal(4500) and benefit.budget_affecting and benefit.is_main
    assert benefit.target_year == 2028 and benefit.status == "on_track"
    page = client.get(_url(submission, project)).get_data(as_text=True)
    assert "Kortare handläggningstid" in page and "Huvudnytta" in page
    assert "4\u00a0500 tkr per år" in page.replace("&nbsp;", "\u00a0")
    projects = client.get(f"/submissions/{submission.id}/projects").get_data(as_text=True)
    assert "1 nytta" in projects


def test_cross_field_rules_come_back_next_to_their_fields_with_the_input_kept(client, login):
    _agency, submission, project = _setup(client, login)  # the project starts in 2025
    response = client.post(
        _url(submission, project, "/new"),
        {**BENEFIT, "target_year": "2024", "amount": "", "status": "abandoned"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Målåret kan inte ligga före projektets start (2025)." in page
    assert "En ekonomisk nytta behöver sitt belopp, i tkr per år." in page
    assert "Ange varför nyttan övergavs." in page
    assert 'value="2024"' in page and 'value="Sökande företag"' in page
    assert db.session.scalar(select(Benefit)) is None


def test_field_rules_refuse_missing_and_malformed_input(client, login):
    _agency, submission, project = _setup(client, login)
    response = client.post(
        _url(submission, project, "/new"),
        {**BENEFIT, "name": "", "baseline_value": "tretti", "kind": "qualitative"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ange nyttans namn." in page
    assert 'value="tretti"' in page
    assert db.session.scalar(select(Benefit)) is None


def test_a_qualitative_benefit_has_no_amount(client, login):
    _agency, submission, project = _setup(client, login)
    response = client.post(_url(submission, project, "/new"), {**BENEFIT, "kind": "qualitative"})
    assert response.status_code == 422
    assert "Bara en ekonomisk nytta har ett belopp" in response.get_data(as_text=True)
    qualitative = {**BENEFIT, "kind": "qualitative", "amount": "", "budget_affecting": ""}
    del qualitative["budget_affecting"]
    assert client.post(_url(submission, project, "/new"), qualitative).status_code == 302


def test_a_project_has_one_main_benefit(client, login):
    _agency, submission, project = _setup(client, login)
    client.post(_url(submission, project, "/new"), BENEFIT)
    second = client.post(_url(submission, project, "/new"), {**BENEFIT, "name": "Färre fel"})
    assert second.status_code == 422
    assert "Projektets huvudnytta är redan ”Kortare handläggningstid”" in second.get_data(
        as_text=True
    )


def test_editor_changes_and_removes_a_benefit_and_a_realised_one_needs_its_value(client, login):
    _agency, submission, project = _setup(client, login)
    client.post(_url(submission, project, "/new"), BENEFIT)
    benefit = db.session.scalar(select(Benefit))
    edit = _url(submission, project, f"/{benefit.id}/edit")
    refused = client.post(edit, {**BENEFIT, "status": "realised"})
    assert refused.status_code == 422
    assert "En realiserad nytta behöver sitt realiserade värde." in refused.get_data(as_text=True)
    done = {**BENEFIT, "status": "realised", "realised_value": "11,5", "realised_amount": "5 000"}
    assert client.post(edit, done).status_code == 302
    db.session.refresh(benefit)
    assert benefit.realised_value == Decimal("11.5") and benefit.status == "realised"
    assert client.post(_url(submission, project, f"/{benefit.id}/delete")).status_code == 302
    assert db.session.scalar(select(Benefit)) is None


def test_removing_a_project_removes_its_benefits(client, login):
    _agency, submission, project = _setup(client, login)
    client.post(_url(submission, project, "/new"), BENEFIT)
    client.post(f"/submissions/{submission.id}/projects/{project.id}/delete")
    assert db.session.scalar(select(Benefit)) is None


def test_viewers_read_but_cannot_change_and_other_agencies_get_404(client, login):
    agency, submission, project = _setup(client, login)
    client.post(_url(submission, project, "/new"), BENEFIT)
    benefit = db.session.scalar(select(Benefit))
    client.logout()
    login("agency_viewer", agency=agency)
    page = client.get(_url(submission, project)).get_data(as_text=True)
    assert "Kortare handläggningstid" in page and "/edit" not in page
    assert client.post(_url(submission, project, "/new"), BENEFIT).status_code == 403
    client.logout()
    login("agency_editor", agency=factories.make_agency(name="Annan myndighet"))
    assert client.get(_url(submission, project)).status_code == 404
    assert client.get(_url(submission, project, f"/{benefit.id}/edit")).status_code == 404
    client.logout()
    login("reviewer")
    assert client.get(_url(submission, project)).status_code == 200


def test_a_benefit_id_of_another_project_is_404(client, login):
    _agency, submission, project = _setup(client, login)
    client.post(_url(submission, project, "/new"), BENEFIT)
    benefit = db.session.scalar(select(Benefit))
    client.post(f"/submissions/{submission.id}/projects/new", {**PROJECT, "name": "Annat"})
    other = db.session.scalar(select(Project).where(Project.name == "Annat"))
    assert client.get(_url(submission, other, f"/{benefit.id}/edit")).status_code == 404
