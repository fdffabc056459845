"""The self-assessment's pages pass axe: the agency's start page with the invitation, the list
with its years compared, the answers with an error and a warning next to their fields, the
result, the Excel upload with its errors; the authority's list and the agency's admin page."""

from playwright.sync_api import expect

from app.self_assessment.services import this_year
from tests import factories
from tests.browser.support import assert_accessible
from tests.integration.test_self_assessment import _earlier, _outsider, _published

YEAR = this_year()


def test_the_self_assessment_pages_pass_axe(page_as, live_server, tmp_path):
    data, _snapshot = _published()
    agency, editor_user = _outsider()
    admin = page_as(data.admin)
    admin.goto(f"{live_server}/admin/agencies/{agency.id}/edit")
    admin.get_by_role("button", name="Bjud in till självskattning").click()
    expect(admin.locator("#self-assessment-invitations")).to_contain_text(f"{YEAR}: inbjuden")
    assert_accessible(admin)

    editor = page_as(editor_user)
    editor.goto(f"{live_server}/agency/")
    expect(editor.locator("#self-assessment-invitation")).to_be_visible()
    assert_accessible(editor)
    editor.get_by_role("link", name="Gå till självskattningen").click()
    editor.get_by_label("Verksamhetskostnad", exact=False).first.fill("50 000")
    editor.get_by_label("Total it-kostnad", exact=False).first.fill("100 000")
    editor.get_by_role("button", name="Spara och jämför").click()
    expect(editor.get_by_role("heading", name="Det finns ett problem")).to_be_visible()
    expect(editor.get_by_label("Verksamhetskostnad", exact=False).first).to_have_value("50 000")
    assert_accessible(editor)
    editor.get_by_label("Verksamhetskostnad", exact=False).first.fill("1 000 000")
    editor.get_by_label("Antal användare", exact=False).first.fill("500")
    editor.get_by_role("button", name="Spara och jämför").click()
    expect(editor.get_by_role("heading", level=1)).to_contain_text("Självskattning")
    _earlier(agency, users=200)  # last year's, so a large change is warned of
    editor.goto(f"{live_server}/self-assessment/{YEAR}/")
    expect(editor.locator("#warnings")).to_contain_text("Antal användare")
    assert_accessible(editor)
    editor.goto(f"{live_server}/self-assessment/{YEAR}/answers")
    expect(editor.locator("#users--outcome-warning")).to_be_visible()
    assert_accessible(editor)
    editor.goto(f"{live_server}/self-assessment/")
    expect(editor.get_by_text("Era år jämförda")).to_be_visible()
    assert_accessible(editor)
    editor.goto(f"{live_server}/self-assessment/{YEAR}/excel/upload")
    broken = tmp_path / "sjalvskattning.xlsx"
    broken.write_bytes(b"not a workbook")
    editor.get_by_label("Excel-fil").set_input_files(str(broken))
    editor.get_by_role("button", name="Ladda upp och spara").click()
    expect(editor.locator("#error-summary")).to_be_visible()
    assert_accessible(editor)
    editor.goto(f"{live_server}/self-assessment/{YEAR}/")
    editor.get_by_role("button", name="Dela med myndigheten").click()

    reviewer = page_as(factories.make_user("reviewer"))
    reviewer.goto(f"{live_server}/admin/self-assessments/")
    reviewer.get_by_role("link", name="Kustbevakningen").click()
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text("Kustbevakningen")
    assert_accessible(reviewer)
