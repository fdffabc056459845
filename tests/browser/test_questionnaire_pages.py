"""The questionnaire in the browser: an agency's editor types the IT costs, chooses maturity
levels, adds a project and submits; typing mistakes are explained and kept; the questionnaire's
pages pass axe, for the agency, the reviewer and the administrator; and nothing scrolls sideways
at 320 px."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from app.cycles.default_questionnaire import IT_COST_ITEMS, MATURITY_AREAS
from app.demo_values import demo_answers
from app.extensions import db
from app.submissions.answers import save_section
from app.swedish_numbers import format_swedish_number, parse_swedish_number
from tests import factories
from tests.browser import support
from tests.browser.support import assert_accessible

HOME = "Skatteverket"
YEAR = 2026
OUTCOME, FORECAST = f"Utfall {YEAR}", f"Prognos {YEAR + 1}"
PERIOD_LABELS = {"outcome": OUTCOME, "forecast": FORECAST}

# The IT costs page's number fields: (code, label, periods), in the order of the page.
NUMBER_ITEMS = [
    (
        item["code"],
        item["label_sv"],
        ("outcome", "forecast") if item.get("has_forecast") else ("outcome",),
    )
    for item in IT_COST_ITEMS
    if item["kind"] in ("amount", "count", "fte")
]
CHOICE_ITEM = next(item for item in IT_COST_ITEMS if item["kind"] == "choice")

PROJECT = {
    "Projektets namn": "Nytt ärendehanteringssystem",
    "Startdatum": "2025-03-01",
    "Planerat slutdatum": "2027-06-30",
    "Budget (tkr)": "12 500",
    "Kostnader hittills (tkr)": "4 200",
    "Prognos vid avslut (tkr)": "13 100",
}
PROJECT_CHOICES = {
    "Inriktning": "Utveckla verksamheten",
    "Status": "Pågående",
    "Risk att nyttorna inte realiseras": "Låg",
    "Risk att budgeten överskrids": "Medel",
    "Risk att projektet försenas": "Hög",
}


def status_tag(page):
    """The submission's status, as its page shows it (the first tag of the "Status" row)."""
    row = page.locator(".summary-list > div").filter(has=page.get_by_text("Status", exact=True))
    return row.locator(".tag").first


def number_field(page, label: str, period: str):
    return page.get_by_label(f"{label}, {PERIOD_LABELS[period]}", exact=True)


def task(page, name: str):
    """A link of the submission's task list; its description is the task's status tag."""
    tasks = page.get_by_role("region", name="Frågeformuläret")
    return tasks.get_by_role("link", name=name, exact=True)


def click_and_expect_status(page, button: str, status: int):
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name=button, exact=True).click()
    assert posted.value.status == status, f"{button}: {posted.value.status} on {page.url}"
    page.wait_for_load_state()


def shown(value: str) -> str:
    """A number as the page shows it back after saving: grouped with no-break spaces."""
    return format_swedish_number(parse_swedish_number(value))


def save_answers(submission, user, form: dict[str, str], sections=("it_costs", "maturity")):
    """Answers put in place without the browser, as the editor's saves would."""
    for section in sections:
        outcome = save_section(submission, section, form, submission.version, user)
        assert outcome.ok, outcome.errors
    db.session.commit()


@pytest.fixture
def cycle():
    return factories.make_cycle(YEAR, status="open", questionnaire=True)


@pytest.fixture
def home():
    return factories.make_agency(HOME, group="esam")


@pytest.fixture
def draft(cycle, home):
    return factories.make_submission(cycle, home, "draft")


@pytest.fixture
def editor(home):
    return factories.make_user("agency_editor", agency=home)


@pytest.fixture
def answers(home):
    return demo_answers(home.org_number, "esam", YEAR)


def test_an_editor_fills_in_the_questionnaire_and_submits_it(
    page, live_server, log_in, draft, editor, answers
):
    log_in(editor)
    page.get_by_role("link", name=draft.cycle.title).click()
    expect(status_tag(page)).to_have_text("Utkast")
    expect(task(page, "It-kostnader")).to_have_accessible_description("Ej påbörjad")

    # IT costs: every field typed as a person would, in the Swedish way.
    task(page, "It-kostnader").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("It-kostnader")
    assert_accessible(page)
    for code, label, periods in NUMBER_ITEMS:
        for period in periods:
            field = number_field(page, label, period)
            field.click()
            field.press_sequentially(answers[f"{code}--{period}"])
    direction = answers[f"{CHOICE_ITEM['code']}--outcome"]
    choice = next(c["sv"] for c in CHOICE_ITEM["choices"] if c["value"] == direction)
    page.get_by_role("group", name=CHOICE_ITEM["label_sv"]).get_by_text(choice, exact=True).click()
    page.get_by_role("textbox", name=re.compile(r"^Kommentar")).press_sequentially(
        "Fler bärbara datorer när kontoren byggs om."
    )
    click_and_expect_status(page, "Spara", 302)
    expect(page.get_by_role("status")).to_have_text("Sparat.")
    expect(number_field(page, "Total it-kostnad", "forecast")).to_have_value(
        shown(answers["it_cost_total--forecast"])
    )
    expect(page.get_by_role("radio", name=choice, exact=True)).to_be_checked()

    # Maturity: a level for today and a target, chosen by clicking the labels.
    page.get_by_role("link", name="Tillbaka till inlämningen").click()
    expect(task(page, "It-kostnader")).to_have_accessible_description("Klar")
    task(page, "Mognad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mognad")
    assert_accessible(page)
    for area, area_sv, *_ in MATURITY_AREAS:
        region = page.get_by_role("region", name=area_sv, exact=True)
        for kind, legend in (("current", "Nuläge"), ("target", "Mål om två år")):
            level = answers[f"maturity_{area}_{kind}--outcome"]
            scale = region.get_by_role("group", name=re.compile(f"{legend}$"))
            scale.get_by_text(level, exact=True).click()
            expect(scale.get_by_role("radio", name=level, exact=True)).to_be_checked()
    click_and_expect_status(page, "Spara", 302)
    expect(page.get_by_role("status")).to_have_text("Sparat.")

    # A strategic project, added through its form; an empty form is refused first.
    page.get_by_role("link", name="Tillbaka till inlämningen").click()
    expect(task(page, "Mognad")).to_have_accessible_description("Klar")
    task(page, "Strategiska it-projekt").click()
    expect(page.get_by_text("Inga projekt rapporterade.")).to_be_visible()
    page.get_by_role("link", name="Lägg till ett projekt").click()
    assert_accessible(page)
    click_and_expect_status(page, "Spara projektet", 422)
    refused = page.get_by_role("alert")
    expect(refused.get_by_role("link")).to_have_count(10)  # everything required but the status
    for legend in list(PROJECT_CHOICES)[2:]:  # three risks, one message: each link says which
        link = refused.get_by_role("link", name=f"{legend}: Välj låg, medel eller hög.")
        expect(link).to_have_attribute(
            "href", "#" + page.get_by_role("group", name=legend).get_attribute("id")
        )
    expect(page.get_by_label("Projektets namn")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    for label, value in PROJECT.items():
        page.get_by_label(label, exact=True).fill(value)
    for legend, option in PROJECT_CHOICES.items():
        group = page.get_by_role("group", name=legend, exact=True)
        group.get_by_text(option, exact=True).click()
    click_and_expect_status(page, "Spara projektet", 302)
    expect(page.get_by_role("status")).to_have_text("Projektet har lagts till.")
    projects = page.get_by_role("region", name="Strategiska it-projekt")
    expect(projects.get_by_role("row")).to_have_count(2)  # the header and ours
    expect(projects.get_by_role("row").nth(1)).to_contain_text(PROJECT["Projektets namn"])
    expect(projects.get_by_role("row").nth(1)).to_contain_text("låg, medel, hög")
    assert_accessible(page)

    # The task list shows it all done; the summary finds no error and offers to submit.
    page.get_by_role("link", name="Tillbaka till inlämningen").click()
    expect(task(page, "It-kostnader")).to_have_accessible_description("Klar")
    expect(task(page, "Mognad")).to_have_accessible_description("Klar")
    expect(task(page, "Strategiska it-projekt")).to_have_accessible_description("1 projekt")
    task(page, "Kontrollera era svar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontrollera era svar")
    expect(
        page.get_by_text("Alla obligatoriska svar finns och det finns inga fel.")
    ).to_be_visible()
    expect(page.locator(".error-summary")).to_have_count(0)
    page.get_by_role("button", name="Lämna in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inlämningen är mottagen")
    page.get_by_role("link", name="Gå till inlämningen").click()
    expect(status_tag(page)).to_have_text("Inlämnad")


def test_typing_mistakes_are_explained_kept_and_the_rest_saved(
    page, live_server, log_in, draft, editor
):
    # Saved earlier: a total its one part does not add up to, which the page points out.
    saved = {"it_cost_total--outcome": "500", "it_cost_telephony--outcome": "100"}
    save_answers(draft, editor, saved, sections=("it_costs",))
    log_in(editor)
    page.goto(f"{live_server}/submissions/{draft.id}/sections/it_costs")
    expect(page.get_by_role("alert")).to_contain_text("summera till den totala it-kostnaden")

    # The editor corrects the total but mistypes it, and mistypes a negative number too.
    typed = {
        ("operating_cost", "Verksamhetskostnad", "outcome"): "3 113 207",
        ("it_cost_total", "Total it-kostnad", "outcome"): "12 34",
        ("it_cost_hardware", "varav hårdvara", "forecast"): "-250",
        ("users", "Antal användare", "outcome"): "2 375",
    }
    for (_code, label, period), value in typed.items():
        field = number_field(page, label, period)
        field.click()
        field.press("Control+A")
        field.press_sequentially(value)
    click_and_expect_status(page, "Spara", 422)

    summary = page.get_by_role("alert")
    # A screen reader hears the failure at once: the title says so, and focus is on the summary.
    expect(page).to_have_title(re.compile(r"^Fel: "))
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Det finns ett problem")
    expect(summary).to_contain_text("De andra värdena har sparats.")
    expect(summary.get_by_role("link")).to_have_count(2)  # one per mistyped field
    assert_accessible(page)
    messages = {
        "Total it-kostnad": "Gruppera tusental tre och tre, som i 1 234 567, "
        "eller skriv utan mellanslag.",
        "varav hårdvara": "Ange 0 eller mer.",
    }
    for (code, label, period), value in typed.items():
        field = number_field(page, label, period)
        if label not in messages:
            expect(field).not_to_have_attribute("aria-invalid", "true")
            continue
        expect(field).to_have_value(value)  # as typed, not lost
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(f"Fel: {messages[label]}")  # one, not two
        # The link names the field, among the page's thirty-odd: "varav hårdvara (prognos): …".
        field_name = label + (" (prognos)" if period == "forecast" else "")
        link = summary.get_by_role("link", name=f"{field_name}: {messages[label]}", exact=True)
        assert link.get_attribute("href") == f"#{code}--{period}"
        link.focus()
        page.keyboard.press("Enter")
        expect(field).to_be_focused()

    # The valid values were saved; the mistyped ones kept what was saved before.
    page.get_by_role("link", name="Tillbaka till inlämningen").click()
    expect(task(page, "It-kostnader")).to_have_accessible_description("Har fel")
    task(page, "It-kostnader").click()
    for (code, label, period), value in typed.items():
        before = saved.get(f"{code}--{period}")
        expected = (shown(before) if before else "") if label in messages else shown(value)
        expect(number_field(page, label, period)).to_have_value(expected)

    # The IT costs' problem stays on its own page: the maturity page has no field to link it to.
    page.get_by_role("link", name="Tillbaka till inlämningen").click()
    task(page, "Mognad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mognad")
    expect(page.get_by_role("alert")).to_have_count(0)


def test_the_summary_shows_errors_and_warnings_to_explain(
    page, live_server, log_in, cycle, home, draft, editor, answers
):
    # Last year's approved answers: this year's users are more than 30 % up on them.
    last_cycle = factories.make_cycle(YEAR - 1, status="closed", questionnaire=True)
    last = factories.make_submission(last_cycle, home, "approved")
    save_answers(last, editor, dict(answers, **{"users--outcome": "1 500"}))
    factories.freeze(last_cycle)
    this_year = dict(answers, **{"users--outcome": "2 400"})
    save_answers(draft, editor, this_year, sections=("it_costs",))  # no maturity yet

    log_in(editor)
    page.goto(f"{live_server}/submissions/{draft.id}/summary")
    # The section nobody has started is one line of what is left, not 16 errors.
    left = page.get_by_role("region", name="1 avsnitt kvar")
    expect(left.get_by_role("link", name="Mognad")).to_have_attribute(
        "href", re.compile(r"/sections/maturity$")
    )
    expect(left).to_contain_text("Mognad: inte påbörjat")
    expect(page.locator(".error-summary")).to_have_count(0)
    warnings = page.get_by_role("region", name="Varningar att förklara (1)")
    expect(warnings.get_by_role("heading", name="Antal användare")).to_be_visible()
    expect(warnings).to_contain_text("Ändrat med +60 % sedan förra året (1 500).")
    expect(page.get_by_role("button", name="Lämna in")).to_have_count(0)
    assert_accessible(page)

    # Each box names its warning (Chromium puts a space before the hidden text's colon).
    name = re.compile(r"^Er förklaring ?: Antal användare$")
    explanation = warnings.get_by_role("textbox", name=name)
    explanation.fill("Två myndigheter slogs samman den 1 januari.")
    warnings.get_by_role("button", name="Spara förklaringarna").click()
    expect(page.get_by_role("status")).to_have_text("Era förklaringar har sparats.")
    expect(explanation).to_have_value("Två myndigheter slogs samman den 1 januari.")
    assert_accessible(page)


def test_the_excel_upload_refuses_a_file_that_is_not_xlsx(page, live_server, log_in, draft, editor):
    log_in(editor)
    page.goto(f"{live_server}/submissions/{draft.id}")
    task(page, "Ladda upp den ifyllda filen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ladda upp Excel-filen")
    assert_accessible(page)

    page.get_by_label("Excel-fil").set_input_files(
        {"name": "svar.csv", "mimeType": "text/csv", "buffer": b"Verksamhetskostnad;3113207\n"}
    )
    click_and_expect_status(page, "Ladda upp och spara", 422)
    link = page.get_by_role("alert").get_by_role("link", name="Välj en Excel-fil (.xlsx).")
    assert link.get_attribute("href") == "#file"
    expect(page.get_by_label("Excel-fil")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_the_questionnaire_pages_of_the_administrator_are_accessible(page, live_server, log_in):
    factories.make_cycle(YEAR + 1, status="planned", questionnaire=True)
    log_in(factories.make_user("admin"))
    page.goto(f"{live_server}/admin/cycles/{YEAR + 1}/questionnaire")
    expect(page.get_by_role("heading", level=1)).to_have_text("Frågeformulär")
    questions = page.get_by_role("region", name=re.compile(r"^It-kostnader"))
    expect(questions.get_by_role("row")).to_have_count(1 + len(IT_COST_ITEMS))
    assert_accessible(page)

    questions.get_by_role("link", name="Total it-kostnad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Total it-kostnad")
    assert_accessible(page)
    page.get_by_label("Fråga på svenska").fill("")
    click_and_expect_status(page, "Spara", 422)
    expect(page.get_by_role("alert").get_by_role("link")).to_have_text(
        "Fråga på svenska: Ange frågan på svenska."  # the summary names the field
    )
    assert_accessible(page)


def test_the_reviewer_reads_the_it_costs_without_fields(
    page, live_server, log_in, draft, editor, answers
):
    save_answers(draft, editor, answers)
    draft.status = "submitted"
    db.session.commit()
    log_in(factories.make_user("reviewer"))
    page.goto(f"{live_server}/submissions/{draft.id}/sections/it_costs")
    expect(page.get_by_role("heading", level=1)).to_have_text("It-kostnader")
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("button", name="Spara")).to_have_count(0)
    costs = page.get_by_role("region", name="It-kostnader", exact=True).get_by_role("table")
    total = Decimal(parse_swedish_number(answers["it_cost_total--outcome"]))
    expect(costs.get_by_role("row", name=re.compile("^Total it-kostnad"))).to_contain_text(
        f"{format_swedish_number(total)} tkr"
    )
    assert_accessible(page)


def test_at_320_px_wide_the_it_costs_page_does_not_scroll_sideways(
    browser, live_server, draft, editor
):
    """WCAG 1.4.10: the answer tables stack inside their own labelled regions, so no field is
    cut off at the region's edge."""
    context = browser.new_context(locale="sv-SE", viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        support.log_in(page, live_server, editor.email, factories.DEFAULT_PASSWORD)
        page.goto(f"{live_server}/submissions/{draft.id}/sections/it_costs")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        regions = page.locator(".table-scroll")
        expect(regions).not_to_have_count(0)
        for region in regions.all():
            assert region.get_attribute("role") == "region"
            assert region.get_attribute("tabindex") == "0"
            expect(region).to_have_accessible_name(re.compile(r"\w"))
        scroll = regions.first.evaluate("r => [r.scrollWidth, r.clientWidth]")
        assert scroll[0] <= scroll[1], "the first answer table should fit without scrolling"
        field = number_field(page, "Verksamhetskostnad", "forecast")
        field.scroll_into_view_if_needed()
        field.press_sequentially("3 206 603")
        expect(field).to_have_value("3 206 603")
    finally:
        context.close()


def test_what_was_typed_survives_the_idle_timeout_and_one_save_completes_it(
    app, page, live_server, log_in, draft, editor
):
    """The session ends while the editor types; "Spara" then leads to the login, and after it
    the editor is back on the form with the values filled in, and one more "Spara" saves them.
    The page's clock is Playwright's (no warning dialog in the way); the server's idle limit is
    set below zero for the one post that arrives too late."""
    page.clock.install()
    log_in(editor)
    section = f"{live_server}/submissions/{draft.id}/sections/it_costs"
    page.goto(section)
    number_field(page, "Antal användare", "outcome").fill("2 400")
    number_field(page, "Total it-kostnad", "outcome").fill("187 500")

    app.config["SESSION_IDLE_MINUTES"] = -1  # whatever arrives now comes too late
    try:
        with page.expect_navigation(url=re.compile(r"/login\?next=")):
            page.get_by_role("button", name=re.compile(r"^Spara")).first.click()
    finally:
        app.config["SESSION_IDLE_MINUTES"] = 30
    expect(page.get_by_role("status")).to_contain_text("det du skickade är inte sparat än")
    page.get_by_label("E-postadress").fill(editor.email)
    page.get_by_label("Lösenord").fill(factories.DEFAULT_PASSWORD)
    with page.expect_navigation(url=section):
        page.get_by_role("button", name="Logga in").click()

    expect(page.get_by_role("status")).to_contain_text("Inte sparat än.")
    expect(number_field(page, "Antal användare", "outcome")).to_have_value("2 400")
    expect(number_field(page, "Total it-kostnad", "outcome")).to_have_value("187 500")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"^Spara")).first.click()
    expect(page.get_by_role("status")).to_have_text("Sparat.")
    expect(number_field(page, "Antal användare", "outcome")).to_have_value("2\u00a0400")
