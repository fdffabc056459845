"""The PDF reports as a PDF reader and a screen reader get them: tagged PDF/UA-1 with a
structure tree (headings, tables, figures with alternative texts), the language and title of
the document, embedded fonts; no page that holds a heading alone; risk charts titled and in
the colours readers expect. Read back with pypdf, pdfinfo and pdffonts (poppler-utils)."""

import io
import re
import subprocess
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.reports.charts import GREEN, RED
from app.submissions.models import Project, SubmissionValue
from tests import factories

PEERS = 36  # enough peers that a chart of them (with its caption) is taller than a page
RISKS = ("low", "medium", "high")


@pytest.fixture
def cycle(client):
    """The 2026 cycle, frozen by the real approval: 36 peers with figures and projects."""
    cycle = factories.make_cycle(year=2026, status="closed", questionnaire=True)
    agencies = []
    for n in range(PEERS):
        agency = factories.make_agency(name=f"Myndigheten för område {n + 1}", group="esam")
        submission = factories.make_submission(cycle, agency, "approved")
        figures = (("it_cost_total", 100 + 10 * n), ("operating_cost", 1000), ("users", 50 + n))
        db.session.add_all(
            SubmissionValue(submission_id=submission.id, item_code=code, number=Decimal(number))
            for code, number in figures
        )
        db.session.add(_project(submission.id, n))
        agencies.append(agency)
    db.session.commit()
    client.login(factories.make_user("admin"))
    assert client.post("/admin/cycles/2026/transitions/approve").status_code == 302
    client.logout()
    cycle.agencies = agencies
    return cycle


def _project(submission_id: int, n: int) -> Project:
    return Project(
        submission_id=submission_id,
        name=f"Projekt {n}",
        orientation="develop",
        start_date=date(2025, 1, 1),
        original_end_date=date(2027, 1, 1),
        current_end_date=date(2027, 1, 1),
        original_budget=Decimal(1000),
        current_budget=Decimal(1000),
        forecast_at_completion=Decimal(1100),
        risk_benefits=RISKS[n % 3],
        risk_budget=RISKS[(n + 1) % 3],
        risk_time=RISKS[(n + 2) % 3],
    )


def _reports(client, login, cycle, lang="sv") -> dict[str, bytes]:
    login("admin")
    org_number = cycle.agencies[0].org_number
    urls = {
        "feedback": f"/cycles/2026/reports/agencies/{org_number}.pdf?lang={lang}",
        "summary": f"/cycles/2026/reports/summary.pdf?lang={lang}",
    }
    responses = {name: client.get(url) for name, url in urls.items()}
    assert {r.status_code for r in responses.values()} == {200}
    return {name: r.data for name, r in responses.items()}


def _poppler(tool: str, content: bytes, *args: str) -> str:
    """pdfinfo, pdffonts or pdftotext reading the PDF from stdin (pdftotext writing to stdout)."""
    files = ["-", "-"] if tool == "pdftotext" else ["-"]
    result = subprocess.run(
        [tool, *args, *files], input=content, capture_output=True, check=True, timeout=120
    )
    return result.stdout.decode()


def _structure(reader: PdfReader) -> tuple[Counter, list[str]]:
    """The structure tree's element types, and the alternative text of every figure."""
    kinds, alternatives = Counter(), []
    pending = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while pending:
        node = pending.pop().get_object()
        if not hasattr(node, "get"):
            continue  # a marked-content id: a leaf
        if node.get("/S") is not None:
            kinds[str(node["/S"])] += 1
            if node["/S"] == "/Figure":
                alternatives.append(str(node.get("/Alt", "")))
        children = node.get("/K")
        if children is not None:
            pending.extend(children if isinstance(children, list) else [children])
    return kinds, alternatives


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_both_reports_are_tagged_pdf_ua_with_language_title_and_alternative_texts(
    client, login, cycle, lang
):
    for name, content in _reports(client, login, cycle, lang).items():
        info = _poppler("pdfinfo", content)
        assert "Tagged:          yes" in info, name
        reader = PdfReader(io.BytesIO(content))
        catalog = reader.trailer["/Root"]
        assert catalog["/Lang"] == lang
        assert bool(catalog["/MarkInfo"]["/Marked"])
        assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
        title = reader.metadata.title
        assert title and f"Title:           {title}" in info
        assert b"pdfuaid:part" in reader.xmp_metadata.stream.get_data()  # claims PDF/UA-1
        kinds, alternatives = _structure(reader)
        assert kinds["/H1"] == 1 and kinds["/H2"] >= 3, name
        assert kinds["/Table"] >= 1 and kinds["/TH"] >= 1, name
        assert alternatives and all(len(text) > 20 for text in alternatives), name
        assert all(". " in text for text in alternatives)  # the title and the description


def test_every_font_is_embedded(client, login, cycle):
    for content in _reports(client, login, cycle).values():
        rows = _poppler("pdffonts", content).splitlines()[2:]
        assert rows and all(row.split()[-5] == "yes" for row in rows)  # the "emb" column


def _pages(content: bytes) -> list[list[str]]:
    count = len(PdfReader(io.BytesIO(content)).pages)
    pages = []
    for number in range(1, count + 1):
        text = _poppler("pdftotext", content, "-f", str(number), "-l", str(number), "-layout")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        footer = re.compile(rf"\b{number}\s*/\s*{count}$")  # the running title and page
        pages.append([line for line in lines if not footer.search(line)])
    return pages


def test_no_page_holds_a_heading_alone(client, login, cycle):
    for name, content in _reports(client, login, cycle).items():
        for number, lines in enumerate(_pages(content), start=1):
            assert len(lines) > 1, f"{name}, page {number}: {lines}"


def test_risk_charts_have_visible_titles_and_high_risk_in_red(client, login, cycle):
    login("admin")
    page = client.get("/cycles/2026/analysis").get_data(as_text=True)
    for title in ("Risk för nyttorna", "Risk för budgeten", "Risk för tidplanen"):
        caption = f"<figcaption>{title}</figcaption>"
        assert caption in page
        figure = page[page.index(caption) : page.index("</figure>", page.index(caption))]
        assert f'fill="{GREEN}"/><text x="42" y="' in figure  # the legend: Låg first
        assert f'<rect x="20" y="{_legend_y(2) - 11}" width="14" height="14" fill="{RED}"/>' in (
            figure
        )
    summary = _reports(client, login, cycle)["summary"]
    text = _poppler("pdftotext", summary, "-layout")
    assert all(title in text for title in ("Risk för nyttorna", "Risk för tidplanen"))


def _legend_y(index: int) -> int:
    return 8 + 32 + 24 + index * 22
