"""Loading, copying and reading a cycle's questionnaire. Operations flush, never commit."""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.cycles import default_questionnaire
from app.cycles.models import Cycle
from app.cycles.questionnaire import QuestionnaireItem, QuestionnaireRule
from app.database import lock_row
from app.errors import FieldErrors
from app.extensions import db
from app.session_memo import memoised
from workflows.cycle import CycleStatus

_ITEM_FIELDS = (
    "code",
    "section",
    "heading",
    "label_sv",
    "label_en",
    "definition_sv",
    "definition_en",
    "kind",
    "required",
    "has_forecast",
    "min_value",
    "max_value",
    "choices",
)
_RULE_FIELDS = ("code", "kind", "target", "operands", "label_sv", "label_en")


def load_questionnaire(cycle: Cycle, source: Cycle | None) -> None:
    """Give a new cycle the questionnaire of `source`, or the default when there is none."""
    if source is not None and items_of(source.id):
        items = [{f: getattr(i, f) for f in _ITEM_FIELDS} for i in items_of(source.id)]
        rules = [{f: getattr(r, f) for f in _RULE_FIELDS} for r in rules_of(source.id)]
    else:
        items, rules = default_questionnaire.ITEMS, default_questionnaire.RULES
    db.session.add_all(
        QuestionnaireItem(cycle_id=cycle.id, position=position, **{"required": True, **item})
        for position, item in enumerate(items, start=1)
    )
    db.session.add_all(QuestionnaireRule(cycle_id=cycle.id, **rule) for rule in rules)
    db.session.flush()


def items_of(cycle_id: int, section: str | None = None) -> list[QuestionnaireItem]:
    """The cycle's questions in order (of one section), read once per request."""
    items = _items_of(cycle_id)
    return [item for item in items if item.section == section] if section else items


@memoised
def _items_of(cycle_id: int) -> list[QuestionnaireItem]:
    statement = select(QuestionnaireItem).where(QuestionnaireItem.cycle_id == cycle_id)
    return list(db.session.scalars(statement.order_by(QuestionnaireItem.position)))


@memoised
def rules_of(cycle_id: int) -> list[QuestionnaireRule]:
    return list(
        db.session.scalars(
            select(QuestionnaireRule)
            .where(QuestionnaireRule.cycle_id == cycle_id)
            .order_by(QuestionnaireRule.id)
        )
    )


@dataclass
class ItemWording:
    label_sv: str
    label_en: str
    definition_sv: str
    definition_en: str
    required: bool
    min_value: Decimal | None
    max_value: Decimal | None


def update_item(cycle: Cycle, item: QuestionnaireItem, wording: ItemWording) -> None:
    """Change an item's wording and limits; only while the cycle is planned."""
    lock_row(db.session, cycle)  # the status now: opening the cycle locks the row too
    if cycle.status != CycleStatus.PLANNED:
        raise FieldErrors({"label_sv": _("The questionnaire is fixed once the cycle has opened.")})
    if (
        wording.min_value is not None
        and wording.max_value is not None
        and wording.min_value > wording.max_value
    ):
        raise FieldErrors({"max_value": _("The highest value must not be below the lowest.")})
    for name, value in vars(wording).items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    db.session.flush()
