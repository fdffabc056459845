"""Logging in through the real form: each role's landing page, accessibility and keyboard use."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser import support
from tests.browser.support import assert_accessible

# One cycle under way, with submissions in every state so the queue, the overview's
# progress bar and its status table all have something to show.
SPREAD_OF_STATES = [
    "draft",
    "draft",
    "submitted",
    "in_review",
    "clarification",
    "approved",
    "approved",
    "exempted",
]


@pytest.fixture
def home_agency():
    """The agency the agency users belong to, in two cycles, among peers in every state."""
    previous = factories.make_cycle(2025, status="closed")
    current = factories.make_cycle(2026, status="open")
    home = factories.make_agency("Skatteverket", group="esam")
    factories.make_submission(previous, home, "approved")
    factories.freeze(previous)
    factories.make_submission(current, home, "draft")
    for index, status in enumerate(SPREAD_OF_STATES):
        group = ("esam", "higher_education", "other")[index % 3]
        factories.make_submission(current, factories.make_agency(group=group), status)
    return home


def _user(role, agency):
    return factories.make_user(role, agency=agency if role.startswith("agency") else None)


LANDING_PAGES = [
    ("admin", "/admin/", "Översikt"),
    ("reviewer", "/review/", "Inlämningar"),
    ("agency_editor", "/agency/", "Skatteverket"),
    ("agency_viewer", "/agency/", "Skatteverket"),
]


@pytest.mark.parametrize(("role", "path", "heading"), LANDING_PAGES)
def test_each_role_lands_on_its_own_accessible_page(
    page, live_server, log_in, home_agency, role, path, heading
):
    log_in(_user(role, home_agency))
    expect(page).to_have_url(live_server + path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("table").first).to_be_visible()  # the data is on the page
    assert_accessible(page)


def test_login_page_has_no_accessibility_violations(page, live_server):
    page.goto(f"{live_server}/login")
    assert_accessible(page)


def test_login_errors_are_accessible_and_link_to_their_fields(page, live_server):
    page.goto(f"{live_server}/login")
    page.get_by_role("button", name="Logga in").click()

    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("Det finns ett problem")
    for message, label in [
        ("Ange en e-postadress.", "E-postadress"),
        ("Ange ditt lösenord.", "Lösenord"),
    ]:
        target = summary.get_by_role("link", name=message).get_attribute("href")
        field = page.get_by_label(label)
        assert target == "#" + field.get_attribute("id")
        expect(field).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_first_tab_on_the_login_page_reaches_the_skip_link(page, live_server):
    page.goto(f"{live_server}/login")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Hoppa till huvudinnehållet")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/login#main$"))
    expect(page.locator("main")).to_be_focused()


def test_the_idle_timeout_is_announced_before_it_ends_the_session(page, live_server):
    """GOV.UK's timeout warning: five minutes before the 30-minute idle timeout a dialog offers
    to stay logged in; staying keeps the session and the warning comes again later. The page's
    clock is Playwright's, so the test waits for no real minute."""
    user = factories.make_user("agency_editor")
    page.clock.install()
    support.log_in(page, live_server, user.email, factories.DEFAULT_PASSWORD)
    dialog = page.get_by_role("dialog", name="Du loggas snart ut")
    expect(dialog).to_be_hidden()

    page.clock.run_for("24:00")
    expect(dialog).to_be_hidden()
    page.clock.run_for("01:01")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Om 5 minuter loggas du ut")
    stay = dialog.get_by_role("button", name="Fortsätt vara inloggad")
    expect(stay).to_be_focused()  # the modal dialog takes the keyboard
    assert_accessible(page)
    with page.expect_response(lambda r: r.url.endswith("/session/keep-alive")) as kept:
        stay.click()
    assert kept.value.status == 204
    expect(dialog).to_be_hidden()

    page.clock.run_for("25:01")  # counted again from the keep-alive
    expect(dialog).to_be_visible()
    page.clock.run_for("05:00")
    expect(page.get_by_role("dialog", name="Du har loggats ut")).to_be_visible()


def test_without_script_the_idle_timeout_is_said_on_the_page(browser, live_server):
    user = factories.make_user("agency_editor")
    context = browser.new_context(**support.CONTEXT_OPTIONS, java_script_enabled=False)
    try:
        page = context.new_page()
        support.log_in(page, live_server, user.email, factories.DEFAULT_PASSWORD)
        # Playwright's text search skips <noscript>; without script its content is on the page.
        note = page.locator("main noscript > p.notice")
        expect(note).to_be_visible()
        assert "Du loggas ut efter 30 minuter" in note.evaluate("p => p.textContent")
    finally:
        context.close()
