"""The reviewer's comparison, a clarification round and the conversation in the browser: axe
finds nothing, a question asked from the comparison comes with its item, the agency answers
and corrects in its own browser, and an internal note stays internal."""

from decimal import Decimal

from playwright.sync_api import expect

from app.extensions import db
from app.submissions.models import SubmissionValue
from tests import factories
from tests.browser.support import assert_accessible


def _submission_with_history():
    last_cycle = factories.make_cycle(year=2025, status="closed", questionnaire=True)
    cycle = factories.make_cycle(year=2026, questionnaire=True)
    agency = factories.make_agency(name="Jämförd myndighet", group="esam")
    last = factories.make_submission(last_cycle, agency, "approved")
    submission = factories.make_submission(cycle, agency, "in_review")
    for code, number in (("users", 1000), ("it_cost_total", 40000), ("operating_cost", 500000)):
        db.session.add(
            SubmissionValue(submission_id=last.id, item_code=code, number=Decimal(number))
        )
    for users in (800, 1200, 1900):
        peer = factories.make_submission(cycle, factories.make_agency(group="esam"), "submitted")
        db.session.add(
            SubmissionValue(submission_id=peer.id, item_code="users", number=Decimal(users))
        )
    db.session.commit()
    # In review, the submission has passed the submit guard: its answers are complete and hold.
    factories.complete_answers(submission, users=1500)
    factories.freeze(last_cycle)
    return agency, submission


def test_comparison_and_a_question_from_it(page_as, live_server):
    _, submission = _submission_with_history()
    reviewer = page_as(factories.make_user("reviewer"))
    reviewer.goto(f"{live_server}/review/submissions/{submission.id}/compare")
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text("Jämförd myndighet")
    assert_accessible(reviewer)
    row = reviewer.locator("#compare-users")
    expect(row).to_contain_text("+50")
    row.get_by_role("link", name="Fråga om Antal användare").click()
    expect(reviewer.get_by_label("Gäller")).to_have_value("item:users")
    reviewer.get_by_label("Fråga", exact=True).fill("Varför 50 % fler användare?")
    reviewer.get_by_role("button", name="Lägg till frågan").click()
    expect(reviewer.get_by_text("Värde när frågan ställdes: 1 500")).to_be_visible()


def test_conversation_and_internal_notes(page_as, live_server):
    agency, submission = _submission_with_history()
    reviewer = page_as(factories.make_user("reviewer"))
    reviewer.goto(f"{live_server}/submissions/{submission.id}")
    reviewer.get_by_label("Ny intern anteckning").fill("Kontrollera licenserna")
    reviewer.get_by_role("button", name="Spara anteckningen").click()
    reviewer.get_by_label("Nytt meddelande").fill("Vi hör av oss snart.")
    reviewer.get_by_role("button", name="Skicka").click()
    expect(reviewer.get_by_text("Vi hör av oss snart.")).to_be_visible()
    expect(reviewer.get_by_text("Kontrollera licenserna")).to_be_visible()
    assert_accessible(reviewer)
    editor = page_as(factories.make_user("agency_editor", agency=agency))
    editor.goto(f"{live_server}/submissions/{submission.id}")
    expect(editor.get_by_text("Vi hör av oss snart.")).to_be_visible()
    expect(editor.get_by_text("Kontrollera licenserna")).to_have_count(0)
    expect(editor.get_by_role("heading", name="Interna anteckningar")).to_have_count(0)
    assert_accessible(editor)


def test_a_clarification_round_between_reviewer_and_agency(page_as, live_server):
    agency, submission = _submission_with_history()
    reviewer = page_as(factories.make_user("reviewer", name="Rut Granskare"))
    editor = page_as(factories.make_user("agency_editor", agency=agency))
    url = f"{live_server}/submissions/{submission.id}"

    reviewer.goto(url)
    for about, question in (
        ("Antal användare", "Varför 50 % fler användare?"),
        ("Hela ”Mognad”", "Hur har ni bedömt målnivåerna?"),
    ):
        reviewer.get_by_label("Gäller").select_option(label=about)
        reviewer.get_by_label("Fråga", exact=True).fill(question)
        reviewer.get_by_role("button", name="Lägg till frågan").click()
    assert_accessible(reviewer)
    reviewer.get_by_role("button", name="Begär komplettering").click()
    expect(reviewer.locator(".tag", has_text="Komplettering").first).to_be_visible()

    editor.goto(f"{live_server}/notifications/")
    expect(editor.locator(".inbox-link .badge")).to_contain_text("1")
    editor.get_by_role("button", name="Öppna inlämningen").first.click()
    groups = editor.locator(".question-group h3")
    expect(groups).to_have_text(["It-kostnader (1 fråga)", "Mognad (1 fråga)"])
    assert_accessible(editor)
    users = editor.locator("article.question", has_text="Varför 50 % fler användare?")
    users.get_by_label("Ditt svar").fill("Vi räknade dubbelt; rätt antal är 1 450.")
    users.get_by_label("Rättat värde (frivilligt)").fill("1 450")
    users.get_by_role("button", name="Spara svaret").click()
    maturity = editor.locator("article.question", has_text="Hur har ni bedömt målnivåerna?")
    maturity.get_by_label("Ditt svar").fill("Med ledningsgruppen, enligt ESV:s vägledning.")
    maturity.get_by_role("button", name="Spara svaret").click()
    editor.get_by_role("button", name="Skicka svaren").click()
    expect(editor.locator(".tag", has_text="Under granskning").first).to_be_visible()

    reviewer.goto(url)
    thread = reviewer.locator("article.question", has_text="Varför 50 % fler användare?")
    expect(thread.locator("del")).to_have_text("1 500")
    expect(thread.locator("ins")).to_have_text("1 450")
    assert_accessible(reviewer)
    for article in reviewer.locator("article.question").all():
        article.get_by_label("Din kommentar till svaret").fill("Tydligt, tack.")
        article.get_by_role("button", name="Markera som löst").click()
    reviewer.get_by_role("button", name="Godkänn").click()
    expect(reviewer.locator(".tag", has_text="Godkänd").first).to_be_visible()
