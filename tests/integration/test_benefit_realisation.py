"""Benefits across cycles: carried over with their project, kept after the project ended until
realised, abandoned or past their target year, and shown with the project as one timeline."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.database import begin_write
from app.extensions import db
from app.submissions.models import Benefit, Project
from tests import factories
from tests.integration.test_datasets import BENEFITS, PROJECT


def _project(submission, name, status, *benefits) -> Project:
    project = Project(submission_id=submission.id, **{**PROJECT, "name": name, "status": status})
    project.benefits = [Benefit(**{**BENEFITS[0], "is_main": False, **b}) for b in benefits]
    db.session.add(project)
    return project


def _last_year(agency):
    """2025, approved and frozen: an ongoing project and three that have ended."""
    cycle = factories.make_cycle(year=2025, questionnaire=True)
    last = factories.make_submission(cycle, agency, "approved")
    begin_write(db.session)
    _project(
        last,
        "Pågående",
        "ongoing",
        {"name": "Snabbare beslut", "realised_value": Decimal(24)},
        {"name": "Redan klar", "status": "realised", "realised_value": Decimal(12)},
    )
    _project(
        last,
        "Avslutat med nytta kvar",
        "completed",
        {"name": "Följs i linjen", "status": "at_risk", "target_year": 2027, "owner": ""},
        {"name": "Övergiven", "status": "abandoned", "status_reason": "Lagen ändrades"},
    )
    _project(last, "Avslutat och realiserat", "completed", {"status": "realised"})
    _project(last, "Avslutat, målår passerat", "cancelled", {"target_year": 2025})
    db.session.commit()
    factories.freeze(cycle)
    return last


def _prefilled(client, login, agency):
    draft = factories.make_submission(factories.make_cycle(year=2026, questionnaire=True), agency)
    login("agency_editor", agency=agency)
    assert client.post(f"/submissions/{draft.id}/prefill").status_code == 302
    return draft


def _benefits_in(submission) -> dict[str, set[str]]:
    rows = db.session.execute(
        select(Project.name, Benefit.name)
        .join(Benefit, Benefit.project_id == Project.id)
        .where(Project.submission_id == submission.id)
    )
    found: dict[str, set[str]] = {}
    for project, benefit in rows:
        found.setdefault(project, set()).add(benefit)
    return found


def test_benefits_still_followed_are_carried_over_also_after_their_project_ended(client, login):
    agency = factories.make_agency()
    _last_year(agency)
    draft = _prefilled(client, login, agency)
    assert _benefits_in(draft) == {
        "Pågående": {"Snabbare beslut", "Redan klar"},  # a running project keeps its register
        "Avslutat med nytta kvar": {"Följs i linjen"},
    }
    carried = db.session.scalar(
        select(Benefit)
        .join(Project, Benefit.project_id == Project.id)
        .where(Project.submission_id == draft.id, Benefit.name == "Följs i linjen")
    )
    assert carried.carried_from_id is not None and carried.status == "at_risk"
    page = client.get(f"/submissions/{draft.id}/projects").get_data(as_text=True)
    assert "Avslutat: nyttorna följs tills de realiserats" in page


def test_the_timeline_shows_budget_rebaselines_and_benefit_values_year_by_year(client, login):
    agency = factories.make_agency()
    _last_year(agency)
    draft = _prefilled(client, login, agency)
    project = db.session.scalar(
        select(Project).where(Project.submission_id == draft.id, Project.name == "Pågående")
    )
    benefit = next(b for b in project.benefits if b.name == "Snabbare beslut")
    form = {
        **{k: str(v) for k, v in BENEFITS[0].items() if v not in (True, False)},
        "is_main": "",
        "name": "Snabbare beslut",
        "baseline_value": "30",
        "realised_value": "17,5",
        "realised_amount": "2 100",
        "budget_affecting": "y",
    }
    del form["is_main"]
    edit = f"/submissions/{draft.id}/projects/{project.id}/benefits/{benefit.id}/edit"
    assert client.post(edit, form).status_code == 302
    page = client.get(f"/submissions/{draft.id}/projects/{project.id}/timeline")
    text = page.get_data(as_text=True).replace("&nbsp;", "\u00a0")
    assert page.status_code == 200
    assert '<th scope="row">2025</th>' in text and '<th scope="row">2026</th>' in text
    assert "24" in text and "17,5" in text and "2\u00a0100" in text  # both years' values
    assert "Utökat uppdrag" not in text  # the rows of the test have no re-baselines
    assert text.count("Snabbare beslut") >= 1 and "Redan klar" in text


def test_an_ended_projects_benefit_is_marked_as_followed_after_the_end(client, login):
    agency = factories.make_agency()
    _last_year(agency)
    draft = _prefilled(client, login, agency)
    project = db.session.scalar(
        select(Project).where(
            Project.submission_id == draft.id, Project.name == "Avslutat med nytta kvar"
        )
    )
    page = client.get(f"/submissions/{draft.id}/projects/{project.id}/timeline")
    assert "efter att projektet avslutades" in page.get_data(as_text=True)


def test_the_timeline_is_the_agencys_own(client, login):
    agency = factories.make_agency()
    last = _last_year(agency)
    project = db.session.scalar(select(Project).where(Project.submission_id == last.id))
    login("agency_viewer", agency=factories.make_agency(name="Annan myndighet"))
    url = f"/submissions/{last.id}/projects/{project.id}/timeline"
    assert client.get(url).status_code == 404
    client.logout()
    login("reviewer")
    assert client.get(url).status_code == 200
    assert date(2025, 3, 1)  # the project's start, from PROJECT
