"""Results and reports in the browser: the pages pass axe, and an agency user can download
its own feedback report of a published cycle but never another agency's, nor any report of a
cycle that is not published."""

from decimal import Decimal

from playwright.sync_api import expect

from app.extensions import db
from app.submissions.models import SubmissionValue
from tests import factories
from tests.browser.support import assert_accessible


def _cycle(status: str, year: int, agencies):
    """A cycle with the agencies' approved submissions, frozen when `status` says so."""
    cycle = factories.make_cycle(year=year, status="closed", questionnaire=True)
    for n, agency in enumerate(agencies, start=1):
        submission = factories.make_submission(cycle, agency, "approved")
        db.session.add_all(
            [
                SubmissionValue(submission_id=submission.id, item_code=code, number=Decimal(v))
                for code, v in (("it_cost_total", 100 * n), ("operating_cost", 1000), ("users", 50))
            ]
        )
    db.session.commit()
    if status != "closed":
        from app.cycles.operations import fire_cycle_transition

        admin = factories.make_user("admin")
        fire_cycle_transition(year, "approve", admin)
        if status == "published":
            fire_cycle_transition(year, "publish", admin)
        db.session.commit()
    return cycle


def test_an_agency_downloads_only_its_own_report_of_a_published_cycle(page_as, live_server):
    ours, theirs = factories.make_agency("Vårt verk"), factories.make_agency("Deras verk")
    _cycle("published", 2025, [ours, theirs])
    _cycle("approved", 2026, [ours, theirs])
    editor = page_as(factories.make_user("agency_editor", agency=ours))
    editor.goto(f"{live_server}/cycles/2025/analysis/{ours.org_number}")
    expect(editor.get_by_role("heading", level=1)).to_have_text("Vårt verk")
    assert_accessible(editor)
    with editor.expect_download() as download:
        editor.get_by_role("link", name="Återkopplingsrapport (PDF)").click()
    assert download.value.suggested_filename.endswith(f"{ours.org_number}.pdf")

    def status(path: str) -> int:
        return editor.request.get(f"{live_server}{path}").status

    assert status(f"/cycles/2025/reports/agencies/{ours.org_number}.pdf") == 200
    assert status(f"/cycles/2025/reports/agencies/{theirs.org_number}.pdf") == 404
    assert status(f"/cycles/2026/reports/agencies/{ours.org_number}.pdf") == 404
    assert status("/cycles/2026/dataset/xlsx") == 404
    assert status("/cycles/2025/reports/summary.pdf") == 403
    editor.goto(f"{live_server}/cycles/2025/analysis/{theirs.org_number}")
    expect(editor.get_by_role("link", name="Återkopplingsrapport (PDF)")).to_have_count(0)


def test_the_results_and_dataset_pages_pass_axe(page_as, live_server):
    agencies = [factories.make_agency(group=("esam", "other")[n % 2]) for n in range(6)]
    _cycle("published", 2025, agencies)
    reviewer = page_as(factories.make_user("reviewer"))
    for path in ("/cycles/2025/analysis", "/cycles/2025/dataset", "/cycles/2025/reports"):
        reviewer.goto(f"{live_server}{path}")
        expect(reviewer.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(reviewer)
