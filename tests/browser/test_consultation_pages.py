"""The consultation in the browser: an agency's editor comments on a changed question of the
draft, the administrator closes the consultation, answers the comment and decides, and the
agency reads the answer and the decision; every page passes axe."""

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from app.cycles.models import CycleParticipant
from app.cycles.questionnaire import QuestionnaireItem
from app.database import begin_write
from app.extensions import db
from app.timeutil import today_in_stockholm
from tests import factories
from tests.browser.support import assert_accessible

YEAR = 2027


def _planned_cycle_with_a_reworded_item(agency):
    factories.make_cycle(YEAR - 1, status="closed", questionnaire=True)
    cycle = factories.make_cycle(YEAR, status="planned", questionnaire=True)
    begin_write(db.session)
    users = db.session.scalar(
        select(QuestionnaireItem).where(
            QuestionnaireItem.cycle_id == cycle.id, QuestionnaireItem.code == "users"
        )
    )
    users.definition_sv = "Personer med eget konto vid årets slut, utom konsulter."
    db.session.add(CycleParticipant(cycle_id=cycle.id, agency_id=agency.id))
    db.session.commit()
    return cycle


def test_an_agency_comments_and_the_administrator_answers(page_as, live_server):
    agency = factories.make_agency(name="Skatteverket")
    _planned_cycle_with_a_reworded_item(agency)
    editor = factories.make_user("agency_editor", agency=agency)
    admin = factories.make_user("admin")

    authority = page_as(admin)
    authority.goto(f"{live_server}/admin/cycles/{YEAR}/questionnaire")
    authority.get_by_role("link", name="Remiss av frågeformuläret").click()
    deadline = (today_in_stockholm() + timedelta(days=14)).isoformat()
    authority.get_by_label("Sista dag för synpunkter").fill(deadline)
    authority.get_by_label("Inledning på svenska (valfritt)").fill("Tyck till om årets frågor.")
    assert_accessible(authority)
    authority.get_by_role("button", name="Skicka på remiss").click()
    expect(authority.get_by_text("Förslaget till frågeformulär har skickats")).to_be_visible()

    agency_page = page_as(editor)
    agency_page.goto(f"{live_server}/agency/")
    agency_page.get_by_role("link", name="Se förslaget och lämna synpunkter").click()
    users = agency_page.locator("#item-users")
    expect(users.get_by_text("Seriebrott")).to_be_visible()
    expect(users.locator("ins")).to_contain_text("utom")
    assert_accessible(agency_page)
    users.locator("summary").click()  # the form opens from its summary
    users.get_by_label("Din synpunkt").fill("Räkna konsulter som förut, annars bryts serien.")
    users.get_by_role("button", name="Skicka synpunkten").click()
    expect(agency_page.get_by_text("Din synpunkt har skickats")).to_be_visible()
    expect(agency_page.locator("#item-users")).to_contain_text("Räkna konsulter som förut")

    authority.reload()
    expect(authority.get_by_text("1 synpunkt totalt.")).to_be_visible()
    authority.get_by_role("button", name="Stäng för synpunkter").click()
    item = authority.locator("#item-users")
    item.get_by_label("Myndighetens svar").fill("Vi behåller konsulterna i definitionen.")
    item.get_by_role("button", name="Spara svaret").click()
    expect(authority.get_by_text("Svaret har sparats.")).to_be_visible()
    item = authority.locator("#item-users")
    item.get_by_label("Ändrad efter synpunkterna").check()
    item.get_by_label("Motivering").fill("Definitionen räknar konsulter som förut.")
    item.get_by_role("button", name="Spara beslutet").click()
    expect(authority.get_by_text("Beslutet har sparats.")).to_be_visible()
    assert_accessible(authority)
    authority.get_by_role("button", name="Registrera utfallet").click()
    expect(authority.get_by_text("Remissens utfall är registrerat.")).to_be_visible()

    agency_page.reload()
    users = agency_page.locator("#item-users")
    expect(users.get_by_text("Vi behåller konsulterna i definitionen.")).to_be_visible()
    expect(users.get_by_text("Ändrad efter synpunkterna")).to_be_visible()
    expect(users.get_by_role("button", name="Dra tillbaka synpunkten")).to_have_count(0)
    assert_accessible(agency_page)
