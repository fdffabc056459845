"""Administrators create cycles, choose participants and move cycles; also from the CLI."""

from sqlalchemy import func, select

from app.cycles.models import Cycle, CycleParticipant
from app.extensions import db
from app.submissions.models import Submission
from tests import factories

FORM = {
    "year": "2027",
    "title": "Insamling 2027",
    "opens_on": "2027-11-01",
    "submission_deadline": "2028-01-31",
    "review_deadline": "2028-03-31",
    "clarification_response_days": "10",
    "reminder_days_before": "14, 7, 1",
    "overdue_every_days": "7",
    "overdue_reminders_max": "3",
    "escalate_after_days": "14",
    "copy_from": "",
}


def _count(model, **where):
    statement = select(func.count()).select_from(model)
    for name, value in where.items():
        statement = statement.where(getattr(model, name) == value)
    return db.session.scalar(statement)


def test_admin_creates_a_cycle_with_every_active_agency(client, login):
    factories.make_agency(), factories.make_agency(), factories.make_agency(active=False)
    login("admin")
    response = client.post("/admin/cycles/new", FORM)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/cycles/2027"
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == 2027))
    assert cycle.status == "planned"
    assert _count(CycleParticipant, cycle_id=cycle.id) == 2


def test_cycle_form_explains_bad_dates_and_duplicates(client, login):
    factories.make_cycle(year=2027)
    login("admin")
    response = client.post(
        "/admin/cycles/new", {**FORM, "opens_on": "1 nov", "review_deadline": "2027-01-01"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ange datumet som ÅÅÅÅ-MM-DD" in page and 'value="1 nov"' in page
    response = client.post("/admin/cycles/new", {**FORM, "review_deadline": "2027-12-01"})
    page = response.get_data(as_text=True)
    assert "Det finns redan en insamling för 2027." in page
    response = client.post(
        "/admin/cycles/new", {**FORM, "year": "2028", "review_deadline": "2027-12-01"}
    )
    assert "Sista dag för granskning måste komma efter" in response.get_data(as_text=True)
    assert _count(Cycle) == 1


def test_admin_sets_the_time_to_answer_a_clarification_round(client, login):
    login("admin")
    refused = client.post("/admin/cycles/new", {**FORM, "clarification_response_days": "0"})
    assert refused.status_code == 422
    assert "Ange ett antal arbetsdagar mellan 1 och 60." in refused.get_data(as_text=True)
    client.post("/admin/cycles/new", {**FORM, "clarification_response_days": "15"})
    edit = {k: v for k, v in FORM.items() if k not in ("year", "copy_from")}
    client.post("/admin/cycles/2027/edit", {**edit, "clarification_response_days": "8"})
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == 2027))
    assert cycle.clarification_response_days == 8
    assert "8 arbetsdagar" in client.get("/admin/cycles/2027").get_data(as_text=True)


def test_participants_then_open_creates_one_draft_each(client, login):
    chosen, left_out = factories.make_agency(), factories.make_agency()
    login("admin")
    client.post("/admin/cycles/new", FORM)
    client.post("/admin/cycles/2027/participants", {"agency": [str(chosen.id)]})
    assert client.post("/admin/cycles/2027/transitions/open").status_code == 302
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == 2027))
    assert cycle.status == "open" and cycle.opened_at
    agencies = set(
        db.session.scalars(select(Submission.agency_id).where(Submission.cycle_id == cycle.id))
    )
    assert agencies == {chosen.id}
    refused = client.post("/admin/cycles/2027/participants", {"agency": [str(left_out.id)]})
    assert refused.status_code == 409


def test_cycle_approval_lists_the_agencies_still_open(client, login):
    cycle = factories.make_cycle(year=2026, status="closed")
    factories.make_submission(cycle, factories.make_agency(name="Bolagsverket"), "in_review")
    factories.make_submission(cycle, factories.make_agency(name="Arbetsförmedlingen"), "approved")
    factories.make_submission(cycle, factories.make_agency(name="Tullverket"), "exempted")
    login("admin")
    page = client.get("/admin/cycles/2026").get_data(as_text=True)
    assert "1 inlämning är varken godkänd eller undantagen: Bolagsverket." in page
    response = client.post("/admin/cycles/2026/transitions/approve")
    assert response.status_code == 409
    assert db.session.get(Cycle, cycle.id).status == "closed"


def test_whole_cycle_open_close_approve_publish(client, login):
    agency = factories.make_agency()
    login("admin")
    client.post("/admin/cycles/new", FORM)
    for trigger in ("open", "close"):
        assert client.post(f"/admin/cycles/2027/transitions/{trigger}").status_code == 302
    submission = db.session.scalar(select(Submission).where(Submission.agency_id == agency.id))
    client.post(f"/submissions/{submission.id}/transitions/exempt", {"reason": "Avvecklas"})
    for trigger in ("approve", "publish"):
        assert client.post(f"/admin/cycles/2027/transitions/{trigger}").status_code == 302
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == 2027))
    assert cycle.status == "published" and cycle.approved_at and cycle.published_at
    page = client.get("/admin/cycles/2027").get_data(as_text=True)
    assert "Insamlingen är publicerad." in page
    refused = client.post(f"/submissions/{submission.id}/transitions/reinstate")
    assert refused.status_code == 409


def test_late_agencies_are_listed(client, login):
    from datetime import timedelta

    from app.timeutil import today_in_stockholm

    cycle = factories.make_cycle(submission_deadline=today_in_stockholm() - timedelta(days=2))
    factories.make_submission(cycle, factories.make_agency(name="Sen myndighet"))
    factories.make_submission(cycle, factories.make_agency(name="Punktlig myndighet"), "submitted")
    login("admin")
    page = client.get(f"/admin/cycles/{cycle.year}").get_data(as_text=True)
    start = page.index("Sena myndigheter")
    late = page[start : page.index("</section>", start)]
    assert "Sena myndigheter (1)" in page and "Sen myndighet" in late
    assert "Punktlig myndighet" not in late


def test_cli_creates_copies_and_moves_cycles(app):
    runner = app.test_cli_runner()
    first, second = factories.make_agency(), factories.make_agency()
    result = runner.invoke(
        args=[
            "cycles",
            "create",
            "2026",
            "--title",
            "Insamling 2026",
            "--opens",
            "2026-11-02",
            "--deadline",
            "2027-01-29",
            "--review-deadline",
            "2027-03-31",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "2 participants" in result.output
    cycle_2026 = db.session.scalar(select(Cycle).where(Cycle.year == 2026))
    db.session.execute(
        CycleParticipant.__table__.delete().where(CycleParticipant.agency_id == second.id)
    )
    db.session.commit()
    result = runner.invoke(
        args=[
            "cycles",
            "create",
            "2027",
            "--title",
            "Insamling 2027",
            "--opens",
            "2027-11-01",
            "--deadline",
            "2028-01-31",
            "--review-deadline",
            "2028-03-31",
            "--copy-from",
            "2026",
        ]
    )
    assert "1 participants" in result.output
    result = runner.invoke(args=["cycles", "transition", "2026", "open"])
    assert result.exit_code == 0 and "now open" in result.output
    assert _count(Submission, cycle_id=cycle_2026.id) == 1
    result = runner.invoke(args=["cycles", "transition", "2026", "publish"])
    assert result.exit_code == 1 and "går inte när den är öppen" in result.output
    result = runner.invoke(
        args=[
            "cycles",
            "create",
            "2028",
            "--title",
            "X",
            "--opens",
            "nope",
            "--deadline",
            "2028-01-01",
            "--review-deadline",
            "2028-02-01",
        ]
    )
    assert result.exit_code == 2 and "is not a date" in result.output
    listing = runner.invoke(args=["cycles", "list"]).output
    assert "2026\topen" in listing and "2027\tplanned" in listing
    assert first.id


def test_the_cycle_page_lists_submissions_fifty_at_a_time(client, login, count_queries):
    cycle = factories.make_cycle(year=2026, status="open")
    for n in range(55):
        factories.make_submission(cycle, factories.make_agency(name=f"Verk {n:02d}"))
    login("admin")
    with count_queries() as first:
        page = client.get("/admin/cycles/2026").get_data(as_text=True)
    assert "Verk 49" in page and "Verk 50" not in page and "Sida 1 av 2" in page
    with count_queries() as second:
        page = client.get("/admin/cycles/2026?page=2").get_data(as_text=True)
    assert "Verk 50" in page and "Verk 54" in page and "Verk 49" not in page
    assert first.count == second.count
