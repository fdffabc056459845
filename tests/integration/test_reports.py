"""Results, feedback reports and the cycle summary, on a small fixed data set whose figures are
worked out by hand below; who may read which report; the zip of every agency's report; and
WeasyPrint fetching nothing but the app's static files."""

import io
import multiprocessing
import re
import subprocess
import threading
import zipfile
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from app.datasets.models import DatasetSnapshot
from app.extensions import db
from app.submissions.models import SubmissionValue
from tests import factories
from tests.conftest import free_port

# IT cost share = it_cost_total / operating_cost × 100, all operating costs 1 000:
#   peer group "esam": 10, 20, 30, 40 %  → mean 25, median 25, inclusive quartiles 17,5 and 32,5
#   "other": 50, 60 %
#   all six: 10 … 60 %                   → mean 35, median 35, quartiles 22,5 and 47,5
ESAM = {"Alfaverket": 100, "Betaverket": 200, "Gammaverket": 300, "Deltaverket": 400}
OTHER = {"Epsilonverket": 500, "Zetaverket": 600}


def _text(response) -> str:
    return response.get_data(as_text=True).replace("\u00a0", " ").replace("&nbsp;", " ")


@pytest.fixture
def cycle(client):
    """The 2026 cycle with six approved submissions, frozen by the real approval."""
    cycle = factories.make_cycle(year=2026, status="closed", questionnaire=True)
    agencies = {}
    for names, group in ((ESAM, "esam"), (OTHER, "higher_education")):
        for name, cost in names.items():
            agency = factories.make_agency(name=name, group=group)
            submission = factories.make_submission(cycle, agency, "approved")
            db.session.add_all(
                [
                    SubmissionValue(
                        submission_id=submission.id, item_code=code, number=Decimal(number)
                    )
                    for code, number in (("it_cost_total", cost), ("operating_cost", 1000))
                ]
            )
            agencies[name] = agency
    db.session.commit()
    client.login(factories.make_user("admin"))
    assert client.post("/admin/cycles/2026/transitions/approve").status_code == 302
    client.logout()
    cycle.agencies = agencies
    return cycle


def _publish(client):
    client.login(factories.make_user("admin"))
    assert client.post("/admin/cycles/2026/transitions/publish").status_code == 302
    client.logout()


def _pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode().replace("\u00a0", " ")


def test_key_figures_per_peer_group_match_the_hand_computed_ones(client, login, cycle):
    login("reviewer")
    page = _text(client.get("/cycles/2026/analysis"))
    block = page[page.index('id="figure-it_cost_share"') :]
    block = block[: block.index("</table>")]
    assert '<td class="numeric">4</td><td class="numeric">25,0 %</td>' in block  # esam
    assert "17,5 %–32,5 %" in block and "10,0 %–40,0 %" in block
    assert '<td class="numeric">6</td><td class="numeric">35,0 %</td>' in block  # all six
    assert "22,5 %–47,5 %" in block and "10,0 %–60,0 %" in block


def test_an_agency_sees_its_place_among_its_peers(client, login, cycle):
    login("reviewer")
    gamma = cycle.agencies["Gammaverket"]
    page = _text(client.get(f"/cycles/2026/analysis/{gamma.org_number}"))
    row = page[page.index("It-kostnad som andel av verksamhetskostnaden") :]
    row = row[: row.index("</tr>")]
    assert "30,0 %" in row and "25,0 %" in row and "17,5 %–32,5 %" in row
    assert "2 av 4 (1 = högst)" in row


def test_the_feedback_report_names_the_agency_its_figures_and_the_digest(client, login, cycle):
    login("reviewer")
    gamma = cycle.agencies["Gammaverket"]
    response = client.get(f"/cycles/2026/reports/agencies/{gamma.org_number}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    digest = db.session.scalar(select(DatasetSnapshot.digest))
    assert "Gammaverket" in text and "Återkoppling om it-kostnader" in text
    assert "30,0 %" in text and "2 av 4 (1 = högst)" in text
    assert digest in text.replace("\n", "").replace(" ", "")
    english = _pdf_text(
        client.get(f"/cycles/2026/reports/agencies/{gamma.org_number}.pdf?lang=en").data
    )
    assert "Key figures against the peer group and last year" in english
    # Asked for from a Swedish page, the English report still writes its numbers the English way.
    assert "30.0 %" in english and "2 of 4 (1 = highest)" in english and "30,0 %" not in english


def test_the_cycle_summary_counts_participation_and_groups(client, login, cycle):
    login("admin")
    text = _pdf_text(client.get("/cycles/2026/reports/summary.pdf").data)
    assert "Sammanställning av insamlingen 2026" in text
    assert "Deltagande och tidshållning" in text and "Projektportfölj" in text
    assert "17,5 %–32,5 %" in text


def test_agency_users_read_only_their_own_report_and_only_once_published(client, login, cycle):
    alfa, beta = cycle.agencies["Alfaverket"], cycle.agencies["Betaverket"]
    own = f"/cycles/2026/reports/agencies/{alfa.org_number}.pdf"
    other = f"/cycles/2026/reports/agencies/{beta.org_number}.pdf"
    login("agency_editor", agency=alfa)
    assert client.get(own).status_code == 404  # approved, not yet published
    assert client.get("/cycles/2026/analysis").status_code == 404
    client.logout()
    _publish(client)
    login("agency_viewer", agency=alfa)
    assert client.get(own).status_code == 200
    assert client.get(other).status_code == 404
    assert client.get("/cycles/2026/reports/summary.pdf").status_code == 403
    page = _text(client.get(f"/cycles/2026/analysis/{beta.org_number}"))
    assert "Betaverket" in page  # the published benchmark: every agency's results
    assert "Återkopplingsrapport (PDF)" not in page


@pytest.mark.parametrize("workers", [1, 2], ids=["in the scheduler", "in two processes"])
def test_every_agencys_report_in_one_zip_with_progress(
    app, client, login, cycle, monkeypatch, workers
):
    monkeypatch.setitem(app.config, "REPORT_WORKERS", workers)
    login("reviewer")
    client.post("/cycles/2026/reports/batch")
    assert "Väntar på att schemaläggaren" in _text(client.get("/cycles/2026/reports"))
    result = app.test_cli_runner().invoke(args=["reports", "run-batches"])
    assert result.exit_code == 0 and "Built 1 report batches." in result.output
    db.session.rollback()
    page = _text(client.get("/cycles/2026/reports"))
    assert "Klart: 6 rapporter" in page
    assert not multiprocessing.active_children()  # the batch's processes ended with it
    link = page[page.index("/cycles/2026/reports/batch/") :].split('"')[0]
    archive = zipfile.ZipFile(io.BytesIO(client.get(link).data))
    names = sorted(archive.namelist())
    assert len(names) == 6 and all(name.endswith(".pdf") for name in names)
    gamma = cycle.agencies["Gammaverket"]
    assert f"2026-{gamma.org_number}-Gammaverket.pdf" in names
    # Each file is its own agency's report, whichever process laid it out.
    for name in names:
        agency = re.fullmatch(r"2026-\d{6}-\d{4}-(.+)\.pdf", name).group(1)
        assert f"Återkoppling 2026: {agency}" in _pdf_text(archive.read(name))


def test_a_batch_already_under_way_is_not_started_twice(client, login, cycle):
    login("admin")
    client.post("/cycles/2026/reports/batch")
    client.post("/cycles/2026/reports/batch")
    from app.reports.models import ReportBatch

    assert len(db.session.scalars(select(ReportBatch)).all()) == 1


def _live_cycle(year: int, agencies: int):
    live = factories.make_cycle(year=year, status="open", questionnaire=True)
    for n in range(agencies):
        agency = factories.make_agency(group=("esam", "other")[n % 2])
        submission = factories.make_submission(live, agency, "submitted")
        db.session.add(
            SubmissionValue(submission_id=submission.id, item_code="users", number=Decimal(n + 1))
        )
    db.session.commit()


def test_the_results_pages_take_the_same_queries_for_more_agencies(
    client, login, cycle, count_queries
):
    """Frozen (the snapshot) and live (the rows), each with few and with many agencies."""
    login("reviewer")
    _live_cycle(2027, 4)
    _live_cycle(2028, 60)
    counts = {}
    for year in (2026, 2027, 2028):
        with count_queries() as counter:
            assert client.get(f"/cycles/{year}/analysis").status_code == 200
        counts[year] = counter.count
    assert counts[2027] == counts[2028], counts
    assert counts[2026] <= counts[2027], counts


def test_weasyprint_fetches_nothing_outside_the_static_files(app, tmp_path):
    requests = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *_args):
            pass

    port = free_port()
    server = HTTPServer(("127.0.0.1", port), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.css"
    secret.write_text("body { background: red }")
    try:
        from app.reports.pdf import render_pdf

        with app.app_context():
            pdf = render_pdf(
                f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">'
                f'<img src="http://127.0.0.1:{port}/y.png">'
                f'<link rel="stylesheet" href="file://{secret}">'
                '<img src="../../../etc/hostname"><p>Hej</p>'
            )
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF") and requests == []


def test_live_results_follow_a_save_and_a_transition_at_the_next_view(client, login, cycle):
    """The live dataset is kept between views; a save or a transition shows at once."""
    from app.submissions.answers import save_section
    from app.submissions.models import Submission

    login("reviewer")
    _live_cycle(2027, 4)
    page = _text(client.get("/cycles/2027/analysis"))
    assert "(4 now)" in page or "(4 nu)" in page
    submission = db.session.scalars(select(Submission).where(Submission.status == "submitted"))
    submission = next(s for s in submission if s.cycle.year == 2027)
    editor = factories.make_user("agency_editor", agency=submission.agency)
    agency_page = f"/cycles/2027/analysis/{submission.agency.org_number}"

    def chart() -> str:
        page = _text(client.get(agency_page))
        if 'id="peers-it_cost_share-title"' not in page:
            return ""
        drawn = page[page.index('id="peers-it_cost_share-title"') :]
        return drawn[: drawn.index("</svg>")]

    assert chart() == ""  # no IT cost share yet: nothing to draw
    form = {"it_cost_total--outcome": "300", "operating_cost--outcome": "1 000"}
    assert save_section(submission, "it_costs", form, submission.version, editor, "ny").changed
    db.session.commit()
    block = _text(client.get("/cycles/2027/analysis"))
    block = block[block.index('id="figure-it_cost_share"') :]
    assert "30,0 %" in block[: block.index("</table>")]
    # The agency's drawings are kept per dataset version and language: redrawn after the save.
    at_30 = chart()
    assert ">30<" in at_30 and "Jämförelsegrupp" in at_30  # the scale is around the value
    form = {"it_cost_total--outcome": "450", "operating_cost--outcome": "1 000"}
    assert save_section(submission, "it_costs", form, submission.version, editor, "ny").changed
    db.session.commit()
    at_45 = chart()
    assert at_45 != at_30 and ">30<" not in at_45
    client.post("/language", {"lang": "en"})
    english = chart()
    assert "Peer group" in english and "Jämförelsegrupp" not in english
    client.post("/language", {"lang": "sv"})
    factories.make_submission(
        db.session.merge(submission.cycle), factories.make_agency(group="esam"), "submitted"
    )
    page = _text(client.get("/cycles/2027/analysis"))
    assert "(5 now)" in page or "(5 nu)" in page


def test_the_peer_chart_is_a_distribution_with_the_agency_marked(client, login, cycle):
    """One box for the peer group, whatever its size, never a bar per peer agency."""
    login("reviewer")
    gamma = cycle.agencies["Gammaverket"]
    page = _text(client.get(f"/cycles/2026/analysis/{gamma.org_number}"))
    chart = page[page.index('id="peers-it_cost_share-title"') :]
    chart = chart[: chart.index("</svg>")]
    assert chart.count('class="box"') == 1 and chart.count('class="marker"') == 2  # + legend
    assert "Gammaverket" in chart and "Alfaverket" not in chart  # the agency, no other name


def test_the_trend_shows_every_frozen_year_from_the_figures_kept_at_freezing(client, login, cycle):
    later = factories.make_cycle(year=2027, status="closed", questionnaire=True)
    for name, cost in (("Gammaverket", 450), ("Alfaverket", 100)):
        submission = factories.make_submission(later, cycle.agencies[name], "approved")
        db.session.add_all(
            SubmissionValue(submission_id=submission.id, item_code=code, number=Decimal(number))
            for code, number in (("it_cost_total", cost), ("operating_cost", 1000))
        )
    db.session.commit()
    login("admin")
    assert client.post("/admin/cycles/2027/transitions/approve").status_code == 302
    gamma = cycle.agencies["Gammaverket"]
    page = _text(client.get(f"/cycles/2027/analysis/{gamma.org_number}"))
    trend = page[page.index('id="trend-title"') :]
    trend = trend[: trend.index("</table>")]
    assert ">2026</th>" in trend and ">2027</th>" in trend
    row = trend[trend.index("It-kostnad som andel av verksamhetskostnaden") :]
    row = row[: row.index("</tr>")]
    assert row.index("30,0 %") < row.index("45,0 %")  # 2026, then 2027


def test_an_agencys_results_take_the_same_queries_for_more_frozen_years(
    client, login, cycle, count_queries
):
    login("admin")
    gamma = cycle.agencies["Gammaverket"]
    counts = []
    for year in (2027, 2028):
        later = factories.make_cycle(year=year, status="closed", questionnaire=True)
        factories.make_submission(later, gamma, "approved")
        db.session.commit()
        assert client.post(f"/admin/cycles/{year}/transitions/approve").status_code == 302
        url = f"/cycles/{year}/analysis/{gamma.org_number}"
        client.get(url)  # the first view reads the new dataset into the cache
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_the_kept_results_page_follows_the_language_and_a_renamed_peer_group(client, login, cycle):
    """The content of the results page is drawn once per dataset version; each language has
    its own, and a peer group renamed by an administrator shows at the next view."""
    from app.accounts.models import PeerGroup

    login("reviewer")
    swedish = _text(client.get("/cycles/2026/analysis"))
    assert "Nyckeltal" in swedish and "35,0 %" in swedish
    client.post("/language", {"lang": "en"})
    english = _text(client.get("/cycles/2026/analysis"))
    assert "Key figures" in english and "Nyckeltal" not in english and "35.0 %" in english
    group = db.session.scalar(select(PeerGroup).where(PeerGroup.code == "esam"))
    group.name_en = "Agencies with an ESAM number"
    db.session.commit()
    assert "Agencies with an ESAM number" in _text(client.get("/cycles/2026/analysis"))
    client.post("/language", {"lang": "sv"})
    again = _text(client.get("/cycles/2026/analysis"))
    assert "Nyckeltal" in again and "Key figures" not in again and "35,0 %" in again
