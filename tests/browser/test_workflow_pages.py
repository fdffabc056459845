"""The submission workflow in the browser: an agency and a reviewer, each in a browser of their
own, take a submission from draft to approved; the workflow and cycle pages pass axe, refusals
are explained and their error summaries lead the keyboard to the field."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.submissions.models import Submission
from app.timeutil import today_in_stockholm, utcnow
from tests import factories
from tests.browser import support
from tests.browser.support import assert_accessible

HOME = "Skatteverket"
QUESTION_SUBJECT = "Inlämningen som helhet"
QUESTION_TEXT = "Kostnaden har ökat med 38 %. Ingår det nya ärendehanteringssystemet?"
ANSWER_TEXT = "Ja, under posten Drift och förvaltning."

# Peers in every state, so the queue's counts and the cycle's progress bar have something to show.
PEER_STATES = ["draft", "submitted", "in_review", "clarification", "approved", "exempted"]


def status_tag(page):
    """The submission's status, as its page shows it (the first tag of the "Status" row)."""
    row = page.locator(".summary-list > div").filter(has=page.get_by_text("Status", exact=True))
    return row.locator(".tag").first


def click_and_expect_status(page, button: str, status: int):
    """Click a form's button and check the HTTP status of the page it leads to."""
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name=button, exact=True).click()
    assert posted.value.status == status, f"{button}: {posted.value.status} on {page.url}"
    page.wait_for_load_state()


@pytest.fixture
def open_cycle():
    cycle = factories.make_cycle(2026, status="open")
    for index, status in enumerate(PEER_STATES):
        group = ("esam", "higher_education", "other")[index % 3]
        factories.make_submission(cycle, factories.make_agency(group=group), status)
    return cycle


@pytest.fixture
def home_draft(open_cycle):
    home = factories.make_agency(HOME, group="esam")
    return factories.make_submission(open_cycle, home, "draft")


@pytest.fixture
def editor(home_draft):
    return factories.make_user("agency_editor", agency=home_draft.agency)


@pytest.fixture
def reviewer():
    return factories.make_user("reviewer")


@pytest.fixture
def admin():
    return factories.make_user("admin")


def test_agency_and_reviewer_take_a_submission_from_draft_to_approved(
    page_as, live_server, home_draft, editor, reviewer
):
    submission_url = f"{live_server}/submissions/{home_draft.id}"

    # The agency's editor submits the draft.
    agency = page_as(editor)
    agency.goto(submission_url)
    expect(status_tag(agency)).to_have_text("Utkast")
    expect(agency.get_by_role("button", name="Lämna in")).to_be_visible()
    assert_accessible(agency)
    agency.get_by_role("button", name="Lämna in").click()
    expect(agency.get_by_role("heading", level=1)).to_have_text("Inlämningen är mottagen")
    agency.get_by_role("link", name="Gå till inlämningen").click()
    expect(status_tag(agency)).to_have_text("Inlämnad")

    # The reviewer finds it in the queue, with the status filter.
    review = page_as(reviewer)
    expect(review).to_have_url(f"{live_server}/review/")
    review.get_by_label("Status", exact=True).select_option(label="Inlämnad")
    review.get_by_role("button", name="Filtrera").click()
    expect(review).to_have_url(re.compile(r"status=submitted"))
    counts = review.get_by_role("navigation", name="Inlämningar per status")
    expect(counts.locator("a[aria-current]")).to_contain_text("Inlämnad")
    queue = review.get_by_role("region", name="Inlämningar, den som väntat längst först")
    expect(queue.get_by_role("row")).to_have_count(3)  # the header, the peer's and ours
    assert_accessible(review)

    # It starts the review and raises a question.
    queue.get_by_role("link", name=HOME).click()
    expect(review).to_have_url(submission_url)
    expect(status_tag(review)).to_have_text("Inlämnad")
    review.get_by_role("button", name="Påbörja granskningen").click()
    expect(status_tag(review)).to_have_text("Under granskning")
    review.get_by_label("Gäller").select_option(label=QUESTION_SUBJECT)
    review.get_by_label("Fråga", exact=True).fill(QUESTION_TEXT)
    review.get_by_role("button", name="Lägg till frågan").click()
    question = review.get_by_role("article", name=QUESTION_SUBJECT)
    expect(question).to_contain_text(QUESTION_TEXT)
    expect(question.locator(".tag")).to_have_text("Öppen")
    expect(review.get_by_role("button", name="Lägg till frågan")).to_be_visible()  # the form
    assert_accessible(review)

    # Until the reviewer asks for clarification, the agency sees no question.
    agency.reload()
    expect(status_tag(agency)).to_have_text("Under granskning")
    expect(agency.get_by_text(QUESTION_TEXT)).to_have_count(0)

    review.get_by_role("button", name="Begär komplettering").click()
    expect(status_tag(review)).to_have_text("Komplettering")

    # The agency answers, then sends the answers.
    agency.reload()
    expect(status_tag(agency)).to_have_text("Komplettering")
    expect(agency.get_by_role("article", name=QUESTION_SUBJECT)).to_contain_text(QUESTION_TEXT)
    expect(agency.get_by_role("button", name="Skicka svaren")).to_have_count(0)  # not yet
    assert_accessible(agency)
    agency.get_by_label("Ditt svar").fill(ANSWER_TEXT)
    agency.get_by_role("button", name="Spara svaret").click()
    expect(agency.get_by_role("article", name=QUESTION_SUBJECT)).to_contain_text(ANSWER_TEXT)
    agency.get_by_role("button", name="Skicka svaren").click()
    expect(status_tag(agency)).to_have_text("Under granskning")

    # The reviewer reads the answer, resolves the question and approves.
    review.reload()
    expect(status_tag(review)).to_have_text("Under granskning")
    answered = review.get_by_role("article", name=QUESTION_SUBJECT)
    expect(answered).to_contain_text(ANSWER_TEXT)
    answered.get_by_label("Din kommentar till svaret").fill("Tack, det räcker.")
    answered.get_by_role("button", name="Markera som löst").click()
    expect(review.get_by_role("article", name=QUESTION_SUBJECT).locator(".tag")).to_have_text(
        "Löst"
    )
    review.get_by_role("button", name="Godkänn", exact=True).click()
    expect(status_tag(review)).to_have_text("Godkänd")

    agency.reload()
    expect(status_tag(agency)).to_have_text("Godkänd")

    # The history tells the whole story, to either of them.
    agency.get_by_role("link", name="Inlämningens historik").click()
    expect(agency.get_by_role("heading", level=1)).to_have_text(f"Historik: {HOME}")
    history = agency.get_by_role("table")
    for step in [
        "Utkast → Inlämnad",
        "Inlämnad → Under granskning",
        "Under granskning → Komplettering",
        "Komplettering → Under granskning",
        "Under granskning → Godkänd",
    ]:
        expect(history).to_contain_text(step)
    assert_accessible(agency)


def test_a_refused_action_answers_409_with_an_error_summary(
    page_as, live_server, open_cycle, reviewer
):
    """Two tabs on the same submission: the second click of "Begär komplettering" comes late."""
    submission = factories.make_submission(open_cycle, factories.make_agency(), "submitted")
    first = page_as(reviewer)
    first.goto(f"{live_server}/submissions/{submission.id}")
    first.get_by_role("button", name="Påbörja granskningen").click()
    first.get_by_label("Gäller").select_option(label=QUESTION_SUBJECT)
    first.get_by_label("Fråga", exact=True).fill(QUESTION_TEXT)
    first.get_by_role("button", name="Lägg till frågan").click()
    expect(first.get_by_role("button", name="Begär komplettering")).to_be_visible()

    second = first.context.new_page()
    second.goto(first.url)
    second.get_by_role("button", name="Begär komplettering").click()
    expect(status_tag(second)).to_have_text("Komplettering")

    click_and_expect_status(first, "Begär komplettering", 409)
    expect(status_tag(first)).to_have_text("Komplettering")
    summary = first.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("Det finns ett problem")
    expect(summary).to_contain_text("Inget gjordes: den är redan komplettering.")
    # The button went with the state: the message is plain text, not a link to nowhere.
    expect(summary.get_by_role("link")).to_have_count(0)
    expect(first.get_by_role("button", name="Begär komplettering")).to_have_count(0)
    assert_accessible(first)


def test_the_summary_of_a_refused_action_leads_the_keyboard_to_the_reason(
    page, live_server, log_in, open_cycle, admin
):
    """An administrator exempts an agency: the confirmation page says what it does, and a
    missing reason is explained in a summary that leads the keyboard to the field."""
    submission = factories.make_submission(open_cycle, factories.make_agency(), "draft")
    log_in(admin)
    page.goto(f"{live_server}/submissions/{submission.id}")
    page.get_by_role("link", name="Undanta från insamlingen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Undanta från insamlingen")
    expect(page.get_by_role("main")).to_contain_text("Påminnelserna till myndigheten upphör.")
    assert_accessible(page)
    click_and_expect_status(page, "Undanta från insamlingen", 409)

    expect(page).to_have_title(re.compile(r"^Fel: "))
    summary = page.get_by_role("alert")
    link = summary.get_by_role("link", name="Ange en motivering för ”Undanta från insamlingen”.")
    reason = page.get_by_label("Motivering för ”Undanta från insamlingen”")
    expect(reason).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    link.focus()
    page.keyboard.press("Enter")
    expect(reason).to_be_focused()
    page.keyboard.type("Myndigheten lades ned den 30 juni.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Undanta från insamlingen")).to_be_focused()
    page.keyboard.press("Enter")
    expect(status_tag(page)).to_have_text("Undantagen")


def test_closing_a_cycle_is_confirmed_with_its_numbers_at_any_width(
    browser, live_server, open_cycle, admin
):
    """Stäng: a confirmation page with the unsettled submissions counted, readable at 390 px."""
    for width in (1366, 390):
        context = browser.new_context(locale="sv-SE", viewport={"width": width, "height": 800})
        try:
            page = context.new_page()
            support.log_in(page, live_server, admin.email, factories.DEFAULT_PASSWORD)
            page.goto(f"{live_server}/admin/cycles/2026")
            page.get_by_role("link", name="Stäng insamlingen").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Stäng insamlingen?")
            table = page.get_by_role("table", name="Inlämningar som varken är godkända")
            expect(table.get_by_role("row", name="Utkast 1")).to_be_visible()
            expect(page.get_by_role("main")).to_contain_text("1 utkast kan inte längre lämnas in")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            assert_accessible(page)
            page.get_by_role("link", name="Avbryt").click()
            expect(page).to_have_url(f"{live_server}/admin/cycles/2026")
        finally:
            context.close()
    # Only the confirmation's own button closes the cycle.
    db.session.rollback()  # end the test's own read transaction: see the server's writes
    db.session.refresh(open_cycle)
    assert open_cycle.status == "open"


def test_the_summary_of_an_empty_question_leads_the_keyboard_to_the_field(
    page_as, live_server, open_cycle, reviewer
):
    submission = factories.make_submission(open_cycle, factories.make_agency(), "submitted")
    review = page_as(reviewer)
    review.goto(f"{live_server}/submissions/{submission.id}")
    review.get_by_role("button", name="Påbörja granskningen").click()
    expect(status_tag(review)).to_have_text("Under granskning")

    # The empty question is named in the summary, its link leading to the field.
    click_and_expect_status(review, "Lägg till frågan", 422)
    assert_accessible(review)
    for label, message in [("Fråga", "Skriv frågan.")]:
        field = review.get_by_label(label, exact=True)
        expect(field).to_have_attribute("aria-invalid", "true")
        link = review.get_by_role("alert").get_by_role("link", name=message)
        assert link.get_attribute("href") == "#" + field.get_attribute("id")
        link.focus()
        review.keyboard.press("Enter")
        expect(field).to_be_focused()


def test_the_cycle_page_shows_progress_late_agencies_and_submissions(
    page, live_server, log_in, admin
):
    # The deadline has passed: drafts are late, and so is one that came in after it.
    today = today_in_stockholm()
    cycle = factories.make_cycle(
        2026,
        status="open",
        opens_on=today - timedelta(days=40),
        submission_deadline=today - timedelta(days=5),
    )
    for index, status in enumerate([*PEER_STATES, "draft", "approved"]):
        factories.make_submission(cycle, factories.make_agency(f"Myndighet {index + 1}"), status)
    late = factories.make_submission(cycle, factories.make_agency("Sentverket"), "submitted")
    late.submitted_at, late.submitted_late = utcnow(), True
    db.session.commit()

    log_in(admin)
    page.goto(f"{live_server}/admin/cycles/2026")
    expect(page.get_by_role("heading", level=1)).to_contain_text(cycle.title)
    expect(page.locator("svg.progress-bar rect")).to_have_count(6)  # one segment per status
    expect(page.get_by_role("heading", name="Sena myndigheter (3)")).to_be_visible()
    submissions = page.get_by_role("region", name="Inlämningar")
    expect(submissions.get_by_role("row")).to_have_count(1 + 9)
    expect(submissions.get_by_role("row", name="Sentverket")).to_contain_text("Sen")
    assert_accessible(page)


def test_the_participants_page_is_accessible(page, live_server, log_in, admin):
    factories.make_cycle(2027, status="planned")
    for index in range(6):
        factories.make_agency(group=("esam", "higher_education", "other")[index % 3])
    log_in(admin)
    page.goto(f"{live_server}/admin/cycles/2027")
    page.get_by_role("link", name="Välj deltagare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deltagande myndigheter")
    expect(page.get_by_role("checkbox")).to_have_count(6)
    assert_accessible(page)

    page.get_by_role("checkbox").nth(0).check()
    page.get_by_role("checkbox").nth(3).check()
    page.get_by_role("button", name="Spara deltagarna").click()
    expect(page).to_have_url(f"{live_server}/admin/cycles/2027")
    expect(page.get_by_role("status")).to_have_text("2 myndigheter deltar i insamlingen.")


def test_the_new_cycle_form_shows_its_errors_accessibly(page, live_server, log_in, admin):
    log_in(admin)
    page.goto(f"{live_server}/admin/cycles/new")
    assert_accessible(page)
    click_and_expect_status(page, "Spara", 422)

    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("Det finns ett problem")
    for label in ["År", "Rubrik", "Öppnar", "Sista dag för inlämning", "Sista dag för granskning"]:
        field = page.get_by_label(label, exact=True)
        expect(field).to_have_attribute("aria-invalid", "true")
        field_id = field.get_attribute("id")
        expect(summary.locator(f'a[href="#{field_id}"]')).to_have_count(1)
    assert_accessible(page)


def test_at_320_px_wide_tables_scroll_inside_the_page(browser, live_server, home_draft, admin):
    """WCAG 1.4.10: no sideways scrolling of the page; a wide table scrolls in its own region."""
    context = browser.new_context(locale="sv-SE", viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        support.log_in(page, live_server, admin.email, factories.DEFAULT_PASSWORD)
        for path in ["/admin/", "/admin/cycles/2026", f"/submissions/{home_draft.id}/history"]:
            page.goto(live_server + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        page.goto(f"{live_server}/admin/")
        card, table = page.locator(".card").first, page.locator(".card table").first
        assert table.bounding_box()["x"] + table.bounding_box()["width"] <= (
            card.bounding_box()["x"] + card.bounding_box()["width"]
        )
    finally:
        context.close()


def test_an_administrator_exempts_ticked_agencies_at_once(page, live_server, log_in, admin):
    """From the cycle's list: tick, choose the action, confirm with one reason."""
    cycle = factories.make_cycle(2026, status="open")
    for name in ("Avvecklingsverket", "Nedläggningsverket", "Kvarverket"):
        factories.make_submission(cycle, factories.make_agency(name), "draft")
    log_in(admin)
    page.goto(f"{live_server}/admin/cycles/2026")
    page.get_by_label("Välj Avvecklingsverket").check()
    page.get_by_label("Välj Nedläggningsverket").check()
    assert_accessible(page)
    page.get_by_role("button", name="Undanta de valda myndigheterna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Undanta de valda myndigheterna")
    expect(page.get_by_role("main")).to_contain_text("2 myndigheter behöver inte rapportera")
    assert_accessible(page)
    page.get_by_label("Skäl till undantaget (ett för alla)").fill("Avvecklas den 30 juni.")
    page.get_by_role("button", name="Undanta de valda myndigheterna").click()
    expect(page.get_by_role("status")).to_have_text("2 myndigheter är undantagna.")
    db.session.rollback()  # end the test's own read transaction: see the server's writes
    statuses = {s.agency.name: s.status for s in db.session.scalars(select(Submission))}
    assert statuses == {
        "Avvecklingsverket": "exempted",
        "Nedläggningsverket": "exempted",
        "Kvarverket": "draft",
    }
