"""The pages around mail and notices in the browser, each with zero axe violations: the
administrator's outbox, a message, the coming reminders and the cycle's reminder plan; an
agency editor's mail settings and inbox; the reviewers' question dashboard."""

from datetime import timedelta

from playwright.sync_api import expect

from app.timeutil import today_in_stockholm
from tests import factories
from tests.browser.support import assert_accessible


def _cycle_with_mail():
    today = today_in_stockholm()
    cycle = factories.make_cycle(
        2026,
        status="open",
        opens_on=today - timedelta(days=30),
        submission_deadline=today + timedelta(days=10),
        review_deadline=today + timedelta(days=60),
    )
    agency = factories.make_agency("Skatteverket", contact_email="it@skatteverket.example")
    factories.make_submission(cycle, agency, "draft")
    submitted = factories.make_submission(cycle, factories.make_agency("Tullverket"), "draft")
    return cycle, agency, submitted


def test_the_administrators_outbox_pages(page_as, live_server):
    _cycle, _agency, submitted = _cycle_with_mail()
    editor = page_as(factories.make_user("agency_editor", agency=submitted.agency))
    editor.goto(f"{live_server}/submissions/{submitted.id}")
    editor.get_by_role("button", name="Lämna in").click()
    assert_accessible(editor)

    admin = page_as(factories.make_user("admin"))
    admin.goto(f"{live_server}/admin/outbox/")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Utkorg")
    expect(admin.locator(".table tbody")).to_contain_text("Inlämning bekräftad")
    assert_accessible(admin)
    admin.locator(".table tbody").get_by_role("link").first.click()
    expect(admin.locator(".mail-body")).to_contain_text("Tullverket har lämnat in")
    assert_accessible(admin)
    admin.goto(f"{live_server}/admin/outbox/upcoming")
    admin.get_by_role("link", name="Skatteverket").first.click()
    expect(admin.locator(".mail-body")).to_contain_text("Påminnelse")
    assert_accessible(admin)
    admin.goto(f"{live_server}/admin/cycles/2026/edit")
    admin.get_by_label("Sista dag för inlämning", exact=True).fill("2027-06-25")
    admin.get_by_label("Sista dag för granskning", exact=True).fill("2027-08-31")
    admin.get_by_role("button", name="Spara").click()
    expect(admin.get_by_text("är inte en arbetsdag (midsommarafton)").first).to_be_visible()
    assert_accessible(admin)


def test_an_editors_mail_settings_and_inbox(page_as, live_server):
    _cycle, agency, _submitted = _cycle_with_mail()
    editor = page_as(factories.make_user("agency_editor", agency=agency))
    editor.goto(f"{live_server}/notifications/settings")
    editor.get_by_label("Myndighetens e-postadresser").fill("it@skatteverket.example\nfel")
    editor.get_by_role("button", name="Spara adresserna").click()
    expect(editor.get_by_text("Det här är inte e-postadresser: fel.").first).to_be_visible()
    assert_accessible(editor)
    editor.get_by_label("Bara i tjänsten (utom e-post som processen kräver)").check()
    editor.get_by_role("button", name="Spara mitt val").click()
    expect(editor.get_by_text("Ditt val har sparats.")).to_be_visible()
    editor.get_by_role("link", name="Notiser").click()
    expect(editor.get_by_role("heading", level=1)).to_have_text("Notiser")
    assert_accessible(editor)


def test_the_question_dashboard(page_as, live_server):
    _cycle_with_mail()
    reviewer = page_as(factories.make_user("reviewer"))
    reviewer.goto(f"{live_server}/review/questions")
    expect(reviewer.get_by_role("heading", name="Hur kompletteringarna går")).to_be_visible()
    assert_accessible(reviewer)
