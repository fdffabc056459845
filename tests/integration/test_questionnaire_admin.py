"""The questionnaire is data per cycle: copied into new cycles, edited only while planned."""

from decimal import Decimal

from sqlalchemy import select

from app.cycles.models import Cycle
from app.cycles.questionnaire import QuestionnaireItem
from app.extensions import db
from tests import factories


def _item(cycle_id, code):
    return db.session.scalar(
        select(QuestionnaireItem).where(
            QuestionnaireItem.cycle_id == cycle_id, QuestionnaireItem.code == code
        )
    )


def _create(client, year, copy_from=""):
    return client.post(
        "/admin/cycles/new",
        {
            "year": str(year),
            "title": f"Insamling {year}",
            "opens_on": f"{year}-11-01",
            "submission_deadline": f"{year + 1}-01-31",
            "review_deadline": f"{year + 1}-03-31",
            "clarification_response_days": "10",
            "reminder_days_before": "14,7,1",
            "overdue_every_days": "7",
            "overdue_reminders_max": "3",
            "escalate_after_days": "14",
            "copy_from": copy_from,
        },
    )


def test_a_new_cycle_gets_the_default_questionnaire_then_copies_the_last(client, login):
    login("admin")
    _create(client, 2026)
    first = db.session.scalar(select(Cycle).where(Cycle.year == 2026))
    item = _item(first.id, "users")
    assert item.label_sv == "Antal användare" and item.required
    response = client.post(
        f"/admin/cycles/2026/questionnaire/{item.id}",
        {
            "label_sv": "Antal användare med konto",
            "label_en": "Users with an account",
            "definition_sv": "Vid årets slut.",
            "definition_en": "At year end.",
            "required": "y",
            "min_value": "1",
            "max_value": "1 000 000",
        },
    )
    assert response.status_code == 302
    _create(client, 2027)
    second = db.session.scalar(select(Cycle).where(Cycle.year == 2027))
    copied = _item(second.id, "users")
    assert copied.label_sv == "Antal användare med konto"
    assert copied.max_value == Decimal(1000000) and copied.id != item.id
    assert (
        len(
            list(
                db.session.scalars(
                    select(QuestionnaireItem).where(QuestionnaireItem.cycle_id == second.id)
                )
            )
        )
        == 44
    )


def test_the_questionnaire_is_fixed_once_the_cycle_opens(client, login):
    cycle = factories.make_cycle(status="open", questionnaire=True)
    item = _item(cycle.id, "users")
    login("admin")
    page = client.get("/admin/cycles/2026/questionnaire").get_data(as_text=True)
    assert "Frågeformuläret är låst" in page
    response = client.post(
        f"/admin/cycles/2026/questionnaire/{item.id}",
        {"label_sv": "Ändrad", "label_en": "Changed", "required": "y"},
    )
    assert response.status_code == 422
    db.session.refresh(item)
    assert item.label_sv == "Antal användare"


def test_limits_must_be_in_order_and_other_cycles_items_are_not_found(client, login):
    planned = factories.make_cycle(year=2027, status="planned", questionnaire=True)
    other = factories.make_cycle(year=2026, status="open", questionnaire=True)
    login("admin")
    item = _item(planned.id, "users")
    response = client.post(
        f"/admin/cycles/2027/questionnaire/{item.id}",
        {"label_sv": "X", "label_en": "X", "min_value": "10", "max_value": "5"},
    )
    assert "Det högsta värdet får inte vara lägre än det lägsta." in response.get_data(as_text=True)
    foreign = _item(other.id, "users")
    assert client.get(f"/admin/cycles/2027/questionnaire/{foreign.id}").status_code == 404


def _admin_planned(login):
    login("admin")
    return factories.make_cycle(2027, status="planned", questionnaire=True)


def _codes(model, cycle_id):
    return list(
        db.session.scalars(
            select(model.code)
            .where(model.cycle_id == cycle_id)
            .order_by(getattr(model, "position", model.id))
        )
    )


def test_an_administrator_builds_a_section_with_items_a_rule_and_a_key_figure(client, login):
    from app.cycles.questionnaire import (
        QuestionnaireKeyFigure,
        QuestionnaireRule,
        QuestionnaireSection,
    )

    cycle = _admin_planned(login)
    base = "/admin/cycles/2027/questionnaire"
    section = {"code": "security", "label_sv": "Informationssäkerhet", "label_en": "Security"}
    # A section alone has no items: refused with why, and what was typed stays.
    page = client.post(f"{base}/sections/new", section)
    assert page.status_code == 422
    assert "Avsnittet har inga frågor" in page.get_data(as_text=True)
    assert 'value="Informationssäkerhet"' in page.get_data(as_text=True)
    # So the first question comes with it: a file can do both at once, the pages one by one
    # (an empty section is allowed nowhere, so a question moves in from another section).
    item = {
        "code": "employees",
        "section": "it_costs",
        "kind": "count",
        "label_sv": "Anställda",
        "label_en": "Employees",
        "required": "y",
        "min_value": "0",
    }
    assert client.post(f"{base}/items/new", item).status_code == 302
    trained = {**item, "code": "staff_trained", "label_sv": "Utbildade", "label_en": "Trained"}
    assert client.post(f"{base}/items/new", trained).status_code == 302
    assert _codes(QuestionnaireItem, cycle.id)[-2:] != ["employees", "staff_trained"]  # in it_costs
    rule = {
        "code": "trained_within",
        "kind": "at_least",
        "target": "employees",
        "operands": "staff_trained",
        "label_sv": "Fler utbildade än anställda.",
        "label_en": "More trained than employed.",
    }
    assert client.post(f"{base}/rules/new", rule).status_code == 302
    bad = {"code": "trained_share", "unit": "%", "label_sv": "Andel", "label_en": "Share"}
    page = client.post(f"{base}/key_figures/new", {**bad, "formula": "staff_trained ** 2"})
    assert page.status_code == 422
    assert "Endast frågekoder, tal, + - * / och parenteser" in page.get_data(as_text=True)
    formula = "staff_trained * 100 / employees"
    assert client.post(f"{base}/key_figures/new", {**bad, "formula": formula}).status_code == 302
    # Removing an item a rule names is refused, naming the rule.
    client.post(f"{base}/items/staff_trained/remove")
    assert "staff_trained" in _codes(QuestionnaireItem, cycle.id)
    page = client.get(base).get_data(as_text=True)
    assert "trained_within" in page and formula in page
    # Reorder: up one place among its section's items.
    before = _codes(QuestionnaireItem, cycle.id)
    client.post(f"{base}/items/staff_trained/move", {"direction": "up"})
    after = _codes(QuestionnaireItem, cycle.id)
    assert after.index("staff_trained") == before.index("staff_trained") - 1
    assert set(_codes(QuestionnaireRule, cycle.id)) >= {"trained_within"}
    assert "trained_share" in _codes(QuestionnaireKeyFigure, cycle.id)
    assert _codes(QuestionnaireSection, cycle.id) == ["it_costs", "maturity"]


def test_an_item_changes_kind_and_definition_and_the_change_is_kept(client, login):
    cycle = _admin_planned(login)
    url = "/admin/cycles/2027/questionnaire/items/users"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Antal användare"' in page
    form = {
        "section": "it_costs",
        "heading": "people",
        "kind": "fte",
        "label_sv": "Användare",
        "label_en": "Users",
        "definition_sv": "Räknat i årsarbetskrafter.",
        "definition_en": "Counted in full-time equivalents.",
        "has_forecast": "y",
        "min_value": "0",
        "max_value": "-1",
    }
    page = client.post(url, form)
    assert page.status_code == 422  # the highest below the lowest, by the whole-document check
    assert "Det högsta värdet" in page.get_data(as_text=True)
    assert client.post(url, {**form, "max_value": ""}).status_code == 302
    item = _item(cycle.id, "users")
    assert (item.kind, item.has_forecast, item.label_en) == ("fte", True, "Users")
    assert item.definition_sv == "Räknat i årsarbetskrafter."


def test_an_open_cycles_questionnaire_cannot_be_changed_on_the_pages(client, login):
    login("admin")
    factories.make_cycle(2026, status="open", questionnaire=True)
    base = "/admin/cycles/2026/questionnaire"
    client.post(f"{base}/items/users/remove")
    assert _item(db.session.scalar(select(Cycle.id).where(Cycle.year == 2026)), "users")
    assert client.get(f"{base}/nothing/new").status_code == 404
    assert client.get(f"{base}/items/no_such_item").status_code == 404
