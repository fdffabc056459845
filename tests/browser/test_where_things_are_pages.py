"""Where things are, in the browser (issue 16, point 6): "Lämna in" ends on a receipt that
takes the reader's attention with its heading and reference; the results are in the menus of an
agency and of a reviewer; the agency's overview leads to its questions and own report. Every
page passes axe and fits 390 px."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from app.database import begin_write
from app.extensions import db
from app.timeutil import today_in_stockholm
from tests import factories
from tests.browser import support
from tests.browser.support import assert_accessible

WIDTHS = (1366, 390)


def _page(browser, live_server, user, width):
    context = browser.new_context(locale="sv-SE", viewport={"width": width, "height": 800})
    page = context.new_page()
    support.log_in(page, live_server, user.email, factories.DEFAULT_PASSWORD)
    return context, page


def _fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_submit_ends_on_a_receipt_at_any_width(browser, live_server):
    cycle = factories.make_cycle(2026, status="open")
    agency = factories.make_agency("Tullverket")
    drafts = [factories.make_submission(cycle, agency)]
    editor = factories.make_user("agency_editor", agency=agency)
    for width in WIDTHS:
        context, page = _page(browser, live_server, editor, width)
        try:
            page.goto(f"{live_server}/submissions/{drafts[0].id}")
            page.get_by_role("button", name="Lämna in").click()
            expect(page).to_have_url(re.compile(r"/submissions/\d+/received$"))
            expect(page.get_by_role("heading", level=1)).to_have_text("Inlämningen är mottagen")
            expect(page.locator(".reference")).to_have_text(re.compile(r"^GR-2026-\d{6}$"))
            expect(page.get_by_role("heading", name="Vad händer nu")).to_be_visible()
            _fits(page, width)
            assert_accessible(page)
            # Back to a draft for the next width.
            page.get_by_role("link", name="Gå till inlämningen").click()
            page.get_by_role("button", name="Dra tillbaka").click()
            expect(page.get_by_role("status")).to_be_visible()
        finally:
            context.close()


def test_results_are_in_the_menus_and_on_the_agency_overview(browser, live_server):
    published = factories.make_cycle(2025, status="closed")
    agency = factories.make_agency("Tullverket")
    factories.make_submission(published, agency, "approved")
    factories.make_submission(published, factories.make_agency(), "approved")
    factories.freeze(published)
    current = factories.make_cycle(2026, status="open")
    asked = factories.make_submission(current, agency, "clarification")
    begin_write(db.session)
    published.status = "published"
    asked.clarification_due_on = today_in_stockholm() + timedelta(days=10)
    db.session.commit()
    editor = factories.make_user("agency_editor", agency=agency)
    reviewer = factories.make_user("reviewer")
    for width in WIDTHS:
        context, page = _page(browser, live_server, editor, width)
        try:
            notice = page.locator(".notice-warning")
            expect(notice).to_contain_text("Granskaren har frågor om er inlämning för 2026")
            expect(notice).to_contain_text("Svara på dem och skicka svaren senast")
            expect(
                page.get_by_role("link", name="Vår återkopplingsrapport 2025 (pdf)")
            ).to_be_visible()
            _fits(page, width)
            assert_accessible(page)
            page.get_by_role("navigation", name="Huvudmeny").get_by_role(
                "link", name="Resultat"
            ).click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Resultat")
            page.get_by_role("link", name="Våra resultat 2025").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("Tullverket")
        finally:
            context.close()
        context, page = _page(browser, live_server, reviewer, width)
        try:
            menu = page.get_by_role("navigation", name="Huvudmeny")
            for name, heading in (
                ("Dataset", "Dataset"),
                ("Rapporter", "Rapporter"),
                ("Resultat", "Resultat"),
            ):
                menu.get_by_role("link", name=name, exact=True).click()
                expect(page.get_by_role("heading", level=1)).to_have_text(heading)
                _fits(page, width)
                assert_accessible(page)
        finally:
            context.close()
