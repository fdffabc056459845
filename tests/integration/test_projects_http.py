"""Strategic IT projects through the web: baseline kept, re-baselines need a reason, computed
variance and slip, and only the agency's editors change them."""

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.submissions.models import Project, ProjectBaselineChange
from tests import factories

FORM = {
    "name": "Nytt ärendehanteringssystem",
    "description": "Ersätter tre gamla system.",
    "orientation": "efficiency",
    "status": "ongoing",
    "start_date": "2025-03-01",
    "end_date": "2027-06-30",
    "budget": "45 000",
    "cost_to_date": "12 500,5",
    "forecast_at_completion": "52 000",
    "collaboration": "",
    "risk_benefits": "medium",
    "risk_budget": "high",
    "risk_time": "low",
    "benefits_analysed": "y",
    "benefits_plan": "y",
    "expected_benefits": "Kortare handläggningstid",
    "benefit_measure": "Dagar per ärende",
    "benefit_target": "Från 30 till 12 dagar",
    "realised_benefits": "",
}


def _setup(status="draft", year=2026):
    cycle = factories.make_cycle(year=year, questionnaire=True)
    agency = factories.make_agency()
    return agency, factories.make_submission(cycle, agency, status)


def _project():
    return db.session.scalar(select(Project))


def test_editor_adds_a_project_and_sees_variance_and_slip(client, login):
    agency, submission = _setup()
    login("agency_editor", agency=agency)
    response = client.post(f"/submissions/{submission.id}/projects/new", FORM)
    assert response.status_code == 302
    project = _project()
    assert project.original_budget == project.current_budget == Decimal(45000)
    assert project.cost_to_date == Decimal("12500.5")
    assert project.benefits_plan and not project.benefits_owner
    page = client.get(f"/submissions/{submission.id}/projects").get_data(as_text=True)
    assert "7\u00a0000 (15,6\u00a0%)" in page.replace("&nbsp;", "\u00a0")  # 52 000 − 45 000
    assert "0 dagar" in page


def _submit_and_withdraw(client, submission) -> None:
    """The agency submits once (the plans become baselines) and takes the draft back."""
    factories.complete_answers(submission)
    for trigger in ("submit", "withdraw"):
        response = client.post(f"/submissions/{submission.id}/transitions/{trigger}")
        assert response.status_code == 302, trigger


def test_before_the_first_submit_a_changed_budget_is_the_plan_not_a_rebaseline(client, login):
    agency, submission = _setup()
    login("agency_editor", agency=agency)
    client.post(f"/submissions/{submission.id}/projects/new", FORM)
    project = _project()
    url = f"/submissions/{submission.id}/projects/{project.id}/edit"
    typo = client.post(url, {**FORM, "budget": "54 000", "end_date": "2027-09-30"})
    assert typo.status_code == 302
    db.session.refresh(project)
    assert project.original_budget == project.current_budget == Decimal(54000)
    assert project.original_end_date == project.current_end_date == date(2027, 9, 30)
    assert db.session.scalar(select(func.count()).select_from(ProjectBaselineChange)) == 0
    page = client.get(f"/submissions/{submission.id}/projects").get_data(as_text=True)
    assert "0 dagar" in page


def test_changing_budget_or_end_date_needs_a_reason_and_keeps_the_original(client, login):
    agency, submission = _setup()
    login("agency_editor", agency=agency)
    client.post(f"/submissions/{submission.id}/projects/new", FORM)
    project = _project()
    _submit_and_withdraw(client, submission)
    url = f"/submissions/{submission.id}/projects/{project.id}/edit"
    refused = client.post(url, {**FORM, "budget": "60 000", "end_date": "2027-12-31"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Budgeten eller det planerade slutdatumet har ändrats: ange varför." in page
    assert 'value="60\u00a0000"' in page  # what they typed, kept (in Swedish format)
    client.post(
        url,
        {
            **FORM,
            "budget": "60 000",
            "end_date": "2027-12-31",
            "rebaseline_reason": "Utökat uppdrag från regeringen",
        },
    )
    db.session.refresh(project)
    assert project.original_budget == Decimal(45000) and project.current_budget == Decimal(60000)
    assert project.original_end_date == date(2027, 6, 30)
    assert project.current_end_date == date(2027, 12, 31)
    changes = list(
        db.session.execute(
            select(
                ProjectBaselineChange.field,
                ProjectBaselineChange.old_value,
                ProjectBaselineChange.new_value,
                ProjectBaselineChange.reason,
            )
        )
    )
    assert changes == [
        ("budget", "45000.00", "60000.00", "Utökat uppdrag från regeringen"),
        ("end_date", "2027-06-30", "2027-12-31", "Utökat uppdrag från regeringen"),
    ]
    page = client.get(f"/submissions/{submission.id}/projects").get_data(as_text=True)
    assert "184 dagar" in page  # 30 June → 31 December


def test_bad_project_input_is_explained_and_kept(client, login):
    agency, submission = _setup()
    login("agency_editor", agency=agency)
    response = client.post(
        f"/submissions/{submission.id}/projects/new",
        {**FORM, "name": "", "end_date": "2024-01-01", "budget": "fyrtio", "risk_time": ""},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ange projektets namn." in page and 'value="fyrtio"' in page
    assert "Ange beloppet med siffror, till exempel 480 000" in page  # "fyrtio"
    assert "Välj låg, medel eller hög." in page
    assert db.session.scalar(select(func.count(Project.id))) == 0
    response = client.post(
        f"/submissions/{submission.id}/projects/new", {**FORM, "end_date": "2024-01-01"}
    )
    assert "Det planerade slutdatumet måste komma efter startdatumet." in response.get_data(
        as_text=True
    )


def test_others_cannot_change_projects(client, login):
    agency, submission = _setup()
    login("agency_editor", agency=agency)
    client.post(f"/submissions/{submission.id}/projects/new", FORM)
    project = _project()
    client.logout()
    for role, own, expected in (
        ("agency_viewer", agency, 403),
        ("reviewer", None, 403),
        ("agency_editor", factories.make_agency(), 404),
    ):
        login(role, agency=own)
        assert (
            client.post(f"/submissions/{submission.id}/projects/{project.id}/delete").status_code
            == expected
        )
        client.logout()
    assert _project() is not None


def test_projects_are_frozen_once_submitted(client, login):
    agency, submission = _setup()
    login("agency_editor", agency=agency)
    client.post(f"/submissions/{submission.id}/projects/new", FORM)
    from app.submissions.models import Submission

    db.session.get(Submission, submission.id).status = "submitted"
    db.session.commit()
    project = _project()
    assert (
        client.post(f"/submissions/{submission.id}/projects/{project.id}/delete").status_code == 403
    )


def test_a_project_id_from_another_submission_is_not_found(client, login):
    agency, submission = _setup()
    other_agency, other = _setup(year=2027)
    login("agency_editor", agency=other_agency)
    client.post(f"/submissions/{other.id}/projects/new", FORM)
    foreign = _project()
    client.logout()
    login("agency_editor", agency=agency)
    assert client.get(f"/submissions/{submission.id}/projects/{foreign.id}/edit").status_code == 404


def test_a_new_draft_is_prefilled_from_last_year_with_ongoing_projects(client, login):
    from app.submissions.models import Submission, SubmissionValue

    last_cycle = factories.make_cycle(year=2025, status="open", questionnaire=True)
    agency = factories.make_agency()
    last = factories.make_submission(last_cycle, agency, "draft")
    login("agency_editor", agency=agency)
    client.post(f"/submissions/{last.id}/projects/new", FORM)
    client.post(
        f"/submissions/{last.id}/projects/new",
        {**FORM, "name": "Klart projekt", "status": "completed"},
    )
    client.post(
        f"/submissions/{last.id}/sections/it_costs",
        {"version": str(db.session.get(Submission, last.id).version), "users--outcome": "2 400"},
    )
    db.session.get(Submission, last.id).status = "approved"
    db.session.commit()
    factories.freeze(last_cycle)
    draft = factories.make_submission(factories.make_cycle(year=2026, questionnaire=True), agency)
    assert "Fyll i från förra året" in client.get(f"/submissions/{draft.id}").get_data(as_text=True)
    assert client.post(f"/submissions/{draft.id}/prefill").status_code == 302
    copied = db.session.scalar(
        select(SubmissionValue.number).where(
            SubmissionValue.submission_id == draft.id, SubmissionValue.item_code == "users"
        )
    )
    assert copied == Decimal(2400)
    names = set(db.session.scalars(select(Project.name).where(Project.submission_id == draft.id)))
    assert names == {"Nytt ärendehanteringssystem"}  # the completed one stays behind
    assert client.post(f"/submissions/{draft.id}/prefill").status_code == 409  # only once


def test_a_draft_whose_values_were_emptied_is_not_prefilled(client, login):
    # An emptied value is still the agency's own answer: copying last year's over it would
    # overwrite what the agency did, so the offer is gone once anything was saved.
    from app.submissions.models import Submission, SubmissionValue

    last_cycle = factories.make_cycle(year=2025, status="open", questionnaire=True)
    agency = factories.make_agency()
    last = factories.make_submission(last_cycle, agency, "approved")
    db.session.add(
        SubmissionValue(submission_id=last.id, item_code="users", period="outcome", number=9)
    )
    db.session.commit()
    factories.freeze(last_cycle)
    draft = factories.make_submission(factories.make_cycle(year=2026, questionnaire=True), agency)
    login("agency_editor", agency=agency)
    for typed in ("100", ""):
        version = db.session.scalar(select(Submission.version).where(Submission.id == draft.id))
        client.post(
            f"/submissions/{draft.id}/sections/it_costs",
            {"version": str(version), "users--outcome": typed},
        )
    assert "Fyll i från förra året" not in client.get(f"/submissions/{draft.id}").get_data(
        as_text=True
    )
    assert client.post(f"/submissions/{draft.id}/prefill").status_code == 409
    stored = db.session.scalars(
        select(SubmissionValue.number).where(SubmissionValue.submission_id == draft.id)
    ).all()
    assert stored == [None]
