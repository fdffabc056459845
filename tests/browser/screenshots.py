"""Full-page screenshots of the main pages, in Swedish, for docs/screenshots/ (`make screenshots`).

Run as `python -m tests.browser.screenshots`. Each run starts from a fresh SQLite database in a
temporary folder, built by the migrations and loaded with the demo data, so the pictures show
what a new installation shows, whatever is in the developer's own database.
"""

import logging
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from flask_migrate import upgrade
from playwright.sync_api import sync_playwright

from app import create_app
from app.seed import DEMO_PASSWORD, seed_demo
from tests.browser.support import CHROMIUM, CONTEXT_OPTIONS, launch_chromium, live_server, log_in

OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

ADMIN = "admin@granska.example"
REVIEWER = "granskare@granska.example"
EDITOR = "redaktor@skatteverket.example"


def _own_draft(page, base_url: str) -> None:
    """From the agency's landing page to its draft in the open cycle."""
    row = page.get_by_role("row").filter(has=page.locator(".tag", has_text="Utkast"))
    row.get_by_role("link").first.click()
    page.wait_for_url(f"{base_url}/submissions/*")


def _submission_in_clarification(page, base_url: str) -> None:
    """The first submission the queue lists as in clarification (the demo gives it a question)."""
    page.goto(f"{base_url}/review/?status=clarification")
    page.locator(".table tbody").get_by_role("link").first.click()
    page.wait_for_url(f"{base_url}/submissions/*")
    if not page.locator(".question").count():
        raise RuntimeError(f"no question on {page.url}: has the demo data changed?")


def _history_of_submission_in_clarification(page, base_url: str) -> None:
    _submission_in_clarification(page, base_url)
    page.get_by_role("link", name="Inlämningens historik").click()
    page.wait_for_url(f"{base_url}/submissions/*/history")


def _cycle_2026(page, base_url: str) -> None:
    page.goto(f"{base_url}/admin/cycles/2026")


def _own_task(link: str):
    """From the agency's landing page to one task of its draft's task list."""

    def go_to(page, base_url: str) -> None:
        _own_draft(page, base_url)
        page.locator(".task-list").get_by_role("link", name=link, exact=True).click()
        page.wait_for_load_state()

    return go_to


def _own_projects(page, base_url: str) -> None:
    _own_task("Strategiska it-projekt")(page, base_url)
    if not page.locator("#projects-caption").count():
        raise RuntimeError(f"no projects on {page.url}: has the demo data changed?")


def _summary_with_warnings(page, base_url: str) -> None:
    """The summary of the first submission under review that has warnings to explain."""
    page.goto(f"{base_url}/review/?cycle=2026&status=in_review")
    links = page.locator(".table tbody").get_by_role("link")
    for href in [links.nth(i).get_attribute("href") for i in range(links.count())]:
        page.goto(f"{base_url}{href}/summary")
        if page.locator(".warning-item").count():
            return
    raise RuntimeError("no submission under review has warnings: has the demo data changed?")


def _questions_dashboard(page, base_url: str) -> None:
    page.goto(f"{base_url}/review/questions?status=all")


def _answered_thread(page, base_url: str) -> None:
    """A submission back in review with its answered question, from the dashboard."""
    page.goto(f"{base_url}/review/questions?status=answered")
    page.locator(".table tbody").get_by_role("link").first.click()
    page.wait_for_url(f"{base_url}/submissions/*")


def _agency_inbox(page, base_url: str) -> None:
    page.goto(f"{base_url}/notifications/")


def _path(path: str):
    def go_to(page, base_url: str) -> None:
        page.goto(f"{base_url}{path}")

    return go_to


def _own_results(page, base_url: str) -> None:
    """The agency's own results in last year's published cycle, from its landing page."""
    page.get_by_role("link", name="Datasetet för 2025").click()
    page.get_by_role("link", name="Resultat 2025").click()
    page.get_by_role("link", name="Skatteverket", exact=True).click()
    page.wait_for_url(f"{base_url}/cycles/2025/analysis/*")


# file name → the demo user who sees the page (None: nobody is logged in), and how they get
# there from their landing page (None: the landing page itself)
SCREENSHOTS = {
    "login.png": (None, None),
    "admin-overview.png": (ADMIN, None),
    "review-queue.png": (REVIEWER, None),
    "agency-overview.png": (EDITOR, None),
    "submission-agency.png": (EDITOR, _own_draft),
    "submission-review.png": (REVIEWER, _submission_in_clarification),
    "history.png": (REVIEWER, _history_of_submission_in_clarification),
    "cycle-admin.png": (ADMIN, _cycle_2026),
    "section-it-costs.png": (EDITOR, _own_task("It-kostnader")),
    "section-maturity.png": (EDITOR, _own_task("Mognad")),
    "projects.png": (EDITOR, _own_projects),
    "summary.png": (REVIEWER, _summary_with_warnings),
    "questions-dashboard.png": (REVIEWER, _questions_dashboard),
    "question-thread.png": (REVIEWER, _answered_thread),
    "notices.png": (REVIEWER, _agency_inbox),
    "outbox.png": (ADMIN, _path("/admin/outbox/")),
    "outbox-upcoming.png": (ADMIN, _path("/admin/outbox/upcoming")),
    "cycle-form.png": (ADMIN, _path("/admin/cycles/2026/edit")),
    "mail-settings.png": (EDITOR, _path("/notifications/settings")),
    "results.png": (REVIEWER, _path("/cycles/2025/analysis")),
    "results-agency.png": (EDITOR, _own_results),
    "dataset.png": (ADMIN, _path("/cycles/2025/dataset")),
}


def demo_app(folder: Path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'granska-demo.db'}",
            "SECRET_KEY": secrets.token_hex(32),
            "MAIL_SERVER": "",
            # One login per picture: more than the default ten a minute from one address.
            "LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )
    with app.app_context():
        upgrade()
        seed_demo()
    return app


def take_screenshot(browser, base_url: str, filename: str, email: str | None, go_to=None) -> Path:
    context = browser.new_context(**CONTEXT_OPTIONS)
    try:
        page = context.new_page()
        if email is None:
            page.goto(f"{base_url}/login")
        else:
            log_in(page, base_url, email, DEMO_PASSWORD)
            if page.url.endswith("/login"):
                raise RuntimeError(f"could not log in as {email}")
        if go_to is not None:
            go_to(page, base_url)
        path = OUTPUT / filename
        page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
        return path
    finally:
        context.close()


def report_pages(app, folder: Path) -> None:
    """The first pages of both PDF reports as PNG, as the README shows them."""
    from sqlalchemy import select

    from app.accounts.models import Agency
    from app.cycles.models import Cycle
    from app.extensions import db
    from app.reports.documents import feedback_report, summary_report

    with app.test_request_context():
        cycle = db.session.scalar(select(Cycle).where(Cycle.year == 2025))
        agency = db.session.scalar(select(Agency).where(Agency.name == "Skatteverket"))
        reports = {
            "report-feedback": feedback_report(cycle, agency.org_number),
            "report-summary": summary_report(cycle),
        }
    for name, pdf in reports.items():
        source = folder / f"{name}.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", source, OUTPUT / name],
            check=True,
        )
        print(*sorted(OUTPUT.glob(f"{name}-*.png")), sep="\n")


def main() -> None:
    if not CHROMIUM.exists():
        sys.exit(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="granska-screenshots-") as folder:
        app = demo_app(Path(folder))
        report_pages(app, Path(folder))
        with live_server(app) as base_url, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for filename, (email, go_to) in SCREENSHOTS.items():
                print(take_screenshot(browser, base_url, filename, email, go_to))
            browser.close()


if __name__ == "__main__":
    main()
