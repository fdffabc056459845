"""Where things are (issue 16, point 6): reviewers have results, datasets and reports in the
menu; an agency has its results and its own feedback report in the menu and on its overview; a
clarification's due date is on the overview and in the notice; "Submit" ends on a page that says
it was received, with a reference number and what happens next."""

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.database import begin_write
from app.extensions import db
from app.notifications.models import Notification
from app.submissions.models import Submission
from tests import factories
from tests.integration.test_clarification_http import _round, _setup


def _text(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


def test_submit_ends_on_a_receipt_with_a_reference_and_what_happens_next(client, login):
    cycle = factories.make_cycle()
    agency = factories.make_agency(name="Tullverket")
    submission = factories.make_submission(cycle, agency)
    editor = login("agency_editor", agency=agency)
    response = client.post(f"/submissions/{submission.id}/transitions/submit")
    assert response.headers["Location"] == f"/submissions/{submission.id}/received"
    event_id = db.session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.submission_id == submission.id, AuditEvent.name == "submit"
        )
    )
    page = _text(client.get(response.headers["Location"]))
    assert "<h1>Inlämningen är mottagen</h1>" in page
    assert f"GR-{cycle.year}-{event_id:06d}" in page
    assert f"inlämnade av {editor.name}" in page
    assert "Vad händer nu" in page and "dra tillbaka inlämningen" in page
    assert "Klart:" not in page

    # Another agency's user: as if the submission did not exist.
    client.logout()
    login("agency_editor", agency=factories.make_agency())
    assert client.get(f"/submissions/{submission.id}/received").status_code == 404


def test_a_submission_never_handed_in_has_no_receipt(client, login):
    cycle = factories.make_cycle()
    agency = factories.make_agency()
    submission = factories.make_submission(cycle, agency)
    login("agency_editor", agency=agency)
    assert client.get(f"/submissions/{submission.id}/received").status_code == 404


def test_a_clarification_shows_its_due_date_on_the_overview_and_in_the_notice(client, login):
    agency, submission = _setup()
    editor = factories.make_user("agency_editor", agency=agency)
    _round(client, factories.make_user("reviewer"), submission, ("item:users", "Varför?"))
    due = db.session.get(Submission, submission.id).clarification_due_on
    assert due is not None
    shown = f"{due.day} " + [
        "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
        "september", "oktober", "november", "december",
    ][due.month - 1] + f" {due.year}"  # fmt: skip

    client.login(editor)
    overview = _text(client.get("/agency/"))
    assert f"Svara på dem och skicka svaren senast {shown}." in overview
    assert f"Svar senast {shown}" in overview
    assert f'href="/submissions/{submission.id}#questions-title"' in overview
    notice = db.session.scalar(
        select(Notification).where(
            Notification.user_id == editor.id, Notification.kind == "request_clarification"
        )
    )
    assert notice is not None and notice.due_on == due
    inbox = _text(client.get("/notifications/"))
    assert (
        f"granskaren har frågor om inlämningen för {submission.cycle.year}. Svara senast {shown}."
        in inbox
    )


def test_reviewers_find_results_datasets_and_reports_in_the_menu(client, login):
    frozen = factories.freeze(factories.make_cycle(2025, status="closed"))
    open_cycle = factories.make_cycle(2026, status="open")
    login("reviewer")
    page = client.get("/review/").get_data(as_text=True)
    menu = page.split('aria-label="Huvudmeny"')[1].split("</nav>")[0]
    for path, label in (
        ("/results", "Resultat"),
        ("/datasets", "Dataset"),
        ("/reports", "Rapporter"),
    ):
        assert f'<a href="{path}">{label}</a>' in menu
    results = client.get("/results").get_data(as_text=True)
    assert f"/cycles/{frozen.year}/analysis" in results
    assert f"/cycles/{open_cycle.year}/analysis" in results  # live results before freezing
    datasets = client.get("/datasets").get_data(as_text=True)
    assert f"/cycles/{frozen.year}/dataset" in datasets
    assert f"/cycles/{open_cycle.year}/dataset" not in datasets  # no dataset before freezing
    reports = client.get("/reports").get_data(as_text=True)
    assert f"/cycles/{frozen.year}/reports" in reports
    assert 'aria-current="page">Rapporter' in reports


def test_an_agency_finds_its_results_and_own_report_in_the_menu_and_on_its_overview(client, login):
    published = factories.make_cycle(2025, status="closed")
    agency = factories.make_agency(name="Tullverket")
    factories.make_submission(published, agency, "approved")
    factories.freeze(published)
    published.status = "published"
    db.session.commit()
    unpublished = factories.make_cycle(2026, status="open")
    factories.make_submission(unpublished, agency)
    login("agency_editor", agency=agency)

    own = f"/cycles/2025/analysis/{agency.org_number}"
    report = f"/cycles/2025/reports/agencies/{agency.org_number}.pdf"
    overview = client.get("/agency/").get_data(as_text=True)
    assert own in overview and report in overview
    assert '<a href="/results">Resultat</a>' in overview
    results = client.get("/results").get_data(as_text=True)
    assert own in results and report in results and '/cycles/2025/analysis"' in results
    assert "/cycles/2026/" not in results  # not published: not shown, not confirmed
    assert client.get(own).status_code == 200
    # The staff's lists are not the agency's.
    assert client.get("/datasets").status_code == 403
    assert client.get("/reports").status_code == 403


def test_a_ministry_user_reads_the_published_results_list_without_an_agency_of_its_own(
    client, login
):
    published = factories.make_cycle(2025, status="closed")
    factories.make_submission(published, factories.make_agency(), "approved")
    factories.freeze(published)
    begin_write(db.session)
    published.status = "published"
    db.session.commit()
    factories.make_cycle(2026, status="open")
    login("ministry")
    page = client.get("/results").get_data(as_text=True)
    assert "/cycles/2025/analysis" in page and "/cycles/2026/" not in page
    assert "Våra resultat" not in page
