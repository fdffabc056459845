"""At 390 px, a phone's width: no administrator page scrolls sideways, the answer tables stack
so that no field is cut off at the edge, and every page passes axe."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.cycles.questionnaire import QuestionnaireItem
from app.extensions import db
from tests import factories
from tests.browser import support
from tests.browser.support import assert_accessible

WIDTH = 390
# Anything right of this is past the page's edge, or hidden in a region that scrolls.
RIGHT_EDGES = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
    .filter(el => el.offsetParent !== null && el.getBoundingClientRect().right > width + 0.5)
    .map(el => el.id || el.name || el.textContent.trim());
}"""


@pytest.fixture
def narrow_page(browser):
    context = browser.new_context(locale="sv-SE", viewport={"width": WIDTH, "height": 844})
    yield context.new_page()
    context.close()


@pytest.fixture
def cycles():
    """A planned cycle whose questionnaire can be edited, an open one with a submission in each
    state, and a frozen one from the year before."""
    factories.freeze(factories.make_cycle(2025, status="closed", questionnaire=True))
    planned = factories.make_cycle(2027, status="planned", questionnaire=True)
    cycle = factories.make_cycle(2026, status="open", questionnaire=True)
    states = ["draft", "submitted", "in_review", "clarification", "approved", "exempted"]
    submissions = [
        factories.make_submission(cycle, factories.make_agency(group=group), state)
        for state, group in zip(states, ["esam", "higher_education", "other"] * 2, strict=True)
    ]
    return planned, submissions


def admin_paths(planned, submissions, admin):
    agency, group = submissions[0].agency, submissions[0].agency.peer_group
    item = db.session.scalars(
        select(QuestionnaireItem).where(QuestionnaireItem.cycle_id == planned.id)
    ).first()
    return [
        "/admin/",
        "/admin/agencies",
        "/admin/agencies/new",
        f"/admin/agencies/{agency.id}/edit",
        "/admin/agencies/import",
        "/admin/users",
        "/admin/users/new",
        f"/admin/users/{admin.id}/edit",
        "/admin/peer-groups",
        f"/admin/peer-groups/{group.id}/edit",
        "/admin/cycles/new",
        "/admin/cycles/2026",
        "/admin/cycles/2027",
        "/admin/cycles/2027/edit",
        "/admin/cycles/2027/participants",
        "/admin/cycles/2027/questionnaire",
        f"/admin/cycles/2027/questionnaire/{item.id}",
        "/admin/cycles/2027/questionnaire/items/users",
        "/admin/cycles/2027/questionnaire/items/new",
        "/admin/cycles/2027/questionnaire/rules/new",
        "/admin/cycles/2027/questionnaire/key_figures/it_cost_share",
        "/admin/cycles/2027/transitions/open",
        "/admin/cycles/2026/transitions/close",
        "/admin/outbox/",
        "/admin/outbox/upcoming",
        "/admin/tokens",
        f"/submissions/{submissions[1].id}",
        f"/submissions/{submissions[1].id}/history",
    ]


def test_no_administrator_page_scrolls_sideways_at_390_px(narrow_page, live_server, cycles):
    planned, submissions = cycles
    admin = factories.make_user("admin")
    paths = admin_paths(planned, submissions, admin)
    support.log_in(narrow_page, live_server, admin.email, factories.DEFAULT_PASSWORD)
    for path in paths:
        response = narrow_page.goto(live_server + path)
        assert response.status == 200, path
        assert narrow_page.evaluate("document.documentElement.scrollWidth") <= WIDTH, path
        assert narrow_page.evaluate(RIGHT_EDGES) == [], path
        assert_accessible(narrow_page)


def test_the_cost_tables_stack_so_no_field_is_cut_off_at_390_px(narrow_page, live_server, cycles):
    _planned, submissions = cycles
    draft = submissions[0]
    editor = factories.make_user("agency_editor", agency=draft.agency)
    support.log_in(narrow_page, live_server, editor.email, factories.DEFAULT_PASSWORD)
    narrow_page.goto(f"{live_server}/submissions/{draft.id}/sections/it_costs")
    assert narrow_page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    # Every field lies wholly inside the page, and no answer table needs its region to scroll.
    assert narrow_page.evaluate(RIGHT_EDGES) == []
    for region in narrow_page.locator(".table-scroll").all():
        width, visible = region.evaluate("r => [r.scrollWidth, r.clientWidth]")
        assert width <= visible, region.get_attribute("aria-labelledby")
    # Each field shows its period beside it, since the table's head is no longer above it.
    field = narrow_page.get_by_label("Verksamhetskostnad, Prognos 2027")
    row = narrow_page.locator("#item-operating_cost")
    expect(row.get_by_text("Prognos 2027", exact=True)).to_be_visible()
    field.fill("3 206 603")
    box, label = field.bounding_box(), row.get_by_text("Prognos 2027", exact=True).bounding_box()
    assert abs((box["y"] + box["height"] / 2) - (label["y"] + label["height"] / 2)) < box["height"]
    assert_accessible(narrow_page)


def test_the_cost_tables_keep_their_columns_on_a_wide_screen(page, live_server, cycles):
    _planned, submissions = cycles
    draft = submissions[0]
    editor = factories.make_user("agency_editor", agency=draft.agency)
    support.log_in(page, live_server, editor.email, factories.DEFAULT_PASSWORD)
    page.goto(f"{live_server}/submissions/{draft.id}/sections/it_costs")
    row = page.locator("#item-operating_cost")
    expect(row.get_by_text("Prognos 2027", exact=True)).to_be_hidden()
    expect(page.get_by_role("columnheader", name="Prognos 2027").first).to_be_visible()
