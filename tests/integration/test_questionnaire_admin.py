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
