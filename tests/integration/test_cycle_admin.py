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


def test_the_cycle_page_lists_each_submission_with_state_date_and_links(client, login):
    """The page of submissions reads their columns only; each row still says it all."""
    from datetime import datetime

    cycle = factories.make_cycle()
    handed_in = factories.make_submission(cycle, factories.make_agency(name="Inne"), "submitted")
    handed_in.submitted_at, handed_in.submitted_late = datetime(2026, 3, 2, 9, 30), True
    db.session.commit()
    draft = factories.make_submission(cycle, factories.make_agency(name="Utkast"))
    login("admin")
    page = client.get(f"/admin/cycles/{cycle.year}").get_data(as_text=True)
    table = page[page.index('aria-labelledby="submissions-title"') :].split("</table>")[0]
    row = table[table.index(">Inne<") :].split("</tr>")[0]
    assert f'href="/submissions/{handed_in.id}/history"' in row and "Inlämnad" in row
    assert "Sen" in row and "2 mars 2026 10:30" in row  # Stockholm time
    row = table[table.index(">Utkast<") :].split("</tr>")[0]
    assert f'href="/submissions/{draft.id}"' in table and "Utkast" in row and "–" in row


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
            "--title-en",
            "Collection 2026",
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
    assert cycle_2026.title_in("en") == "Collection 2026"
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


def _statements_to_open(year: int, agencies: int) -> int:
    from sqlalchemy import event

    from app.cycles.operations import fire_cycle_transition, set_participants

    admin = factories.make_user("admin")
    chosen = [factories.make_agency() for _ in range(agencies)]
    for agency in chosen:
        factories.make_user("agency_editor", agency=agency, password=None)
    cycle = factories.make_cycle(year, status="planned")
    set_participants(cycle, [agency.id for agency in chosen])
    db.session.commit()
    statements = []
    count = lambda *args, **kwargs: statements.append(1)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        fire_cycle_transition(year, "open", admin)
        db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_opening_takes_as_many_statements_for_40_agencies_as_for_2(app):
    """Opening for 340 agencies inside one request must not make a round trip per agency
    (measured: 340 agencies, 680 mails and 340 notices in 0.33 s on SQLite, 0.47 s on
    PostgreSQL, 18–19 statements)."""
    from app.notifications.models import Notification, OutboxMessage

    few, many = _statements_to_open(2027, 2), _statements_to_open(2028, 40)
    assert many == few
    # Each agency got its draft, its invitation to the contact address and its editor, and
    # a notice for its editor.
    assert _count(Submission) == 42
    assert _count(OutboxMessage, kind="cycle_opened") == 84
    assert _count(Notification, kind="cycle_opened") == 42
