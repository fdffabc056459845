"""Loading, copying and reading a cycle's questionnaire. Operations flush, never commit."""

from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache, wraps

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from app.caching import cache
from app.cycles import default_questionnaire
from app.cycles.models import Cycle
from app.cycles.questionnaire import (
    QuestionnaireItem,
    QuestionnaireKeyFigure,
    QuestionnaireRule,
    QuestionnaireSection,
)
from app.database import lock_row
from app.errors import FieldErrors
from app.extensions import db
from app.session_memo import memoised
from workflows.answers import KeyFigureSpec
from workflows.cycle import CycleStatus
from workflows.formulas import Node, parse

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
_SECTION_FIELDS = ("code", "label_sv", "label_en")
_FIGURE_FIELDS = (
    "code",
    "label_sv",
    "label_en",
    "definition_sv",
    "definition_en",
    "unit",
    "formula",
)


def _rows(rows, fields) -> list[dict]:
    return [{name: getattr(row, name) for name in fields} for row in rows]


def load_questionnaire(cycle: Cycle, source: Cycle | None) -> None:
    """Give a new cycle the questionnaire of `source`, or the default when there is none."""
    if source is not None and items_of(source.id):
        items = _rows(items_of(source.id), _ITEM_FIELDS)
        rules = _rows(rules_of(source.id), _RULE_FIELDS)
        sections = _rows(sections_of(source.id), _SECTION_FIELDS)
        figures = _rows(key_figures_of(source.id), _FIGURE_FIELDS)
    else:
        items, rules = default_questionnaire.ITEMS, default_questionnaire.RULES
        sections, figures = default_questionnaire.SECTIONS, default_questionnaire.KEY_FIGURES
    db.session.add_all(
        QuestionnaireSection(cycle_id=cycle.id, position=position, **section)
        for position, section in enumerate(sections, start=1)
    )
    db.session.add_all(
        QuestionnaireItem(cycle_id=cycle.id, position=position, **{"required": True, **item})
        for position, item in enumerate(items, start=1)
    )
    db.session.add_all(QuestionnaireRule(cycle_id=cycle.id, **rule) for rule in rules)
    db.session.add_all(
        QuestionnaireKeyFigure(cycle_id=cycle.id, position=position, **figure)
        for position, figure in enumerate(figures, start=1)
    )
    db.session.flush()


def fixed_once_open(function: Callable[[int], list]) -> Callable[[int], list]:
    """`function` of a cycle's questionnaire (cycle id → a list), computed once per process
    once the cycle is no longer planned, and once per request before.

    A questionnaire changes only while its cycle is planned, and no cycle goes back to planned
    (`update_item`, `questionnaire_editing` and `questionnaire_import` refuse otherwise): every
    page of a submission read it, four statements and a hundred ORM objects a view. Rows kept
    are copies outside any session, so a request's own objects stay its own; callers treat
    what they get as read-only (a list is handed out as a copy)."""
    per_request = memoised(function)
    name = f"{function.__module__}.{function.__qualname__}"

    @wraps(function)
    def wrapper(cycle_id: int) -> list:
        # Kept only once the cycle was no longer planned, which it never is again: no need to
        # read its status (a query whenever no object of the request holds the cycle).
        kept = cache().kept((name, cycle_id), "fixed")
        if kept is None:
            cycle = db.session.get(Cycle, cycle_id)
            if cycle is None or cycle.status == CycleStatus.PLANNED:
                return per_request(cycle_id)
            kept = cache().get((name, cycle_id), "fixed", lambda: _detached(function(cycle_id)))
        return list(kept)

    return wrapper


def _detached(rows: list) -> list:
    """Rows as new objects in no session (an ORM row's columns copied), other values as they are."""
    return [_copy_of(row) if isinstance(row, db.Model) else row for row in rows]


def _copy_of(row):
    columns = sa_inspect(type(row)).column_attrs
    return type(row)(**{column.key: deepcopy(getattr(row, column.key)) for column in columns})


@fixed_once_open
def sections_of(cycle_id: int) -> list[QuestionnaireSection]:
    return list(
        db.session.scalars(
            select(QuestionnaireSection)
            .where(QuestionnaireSection.cycle_id == cycle_id)
            .order_by(QuestionnaireSection.position)
        )
    )


@fixed_once_open
def key_figures_of(cycle_id: int) -> list[QuestionnaireKeyFigure]:
    return list(
        db.session.scalars(
            select(QuestionnaireKeyFigure)
            .where(QuestionnaireKeyFigure.cycle_id == cycle_id)
            .order_by(QuestionnaireKeyFigure.position)
        )
    )


@lru_cache(maxsize=1024)
def parsed_formula(text: str) -> Node:
    """A stored formula's tree; stored formulas were checked when written, and parsing is
    pure, so each text is parsed once per process."""
    return parse(text)


def key_figure_specs(cycle_id: int) -> list[KeyFigureSpec]:
    return [
        KeyFigureSpec(figure.code, parsed_formula(figure.formula))
        for figure in key_figures_of(cycle_id)
    ]


def key_figure_units(cycle_id: int) -> dict[str, tuple[str, str]]:
    """Each key figure's label in the reader's language and its unit, in the cycle's order."""
    locale = str(get_locale() or "sv")
    return {f.code: (f.label(locale), f.unit) for f in key_figures_of(cycle_id)}


def items_of(cycle_id: int, section: str | None = None) -> list[QuestionnaireItem]:
    """The cycle's questions in order (of one section), read once per request, and once per
    process when the cycle is no longer planned."""
    items = _items_of(cycle_id)
    return [item for item in items if item.section == section] if section else items


@fixed_once_open
def _items_of(cycle_id: int) -> list[QuestionnaireItem]:
    statement = select(QuestionnaireItem).where(QuestionnaireItem.cycle_id == cycle_id)
    return list(db.session.scalars(statement.order_by(QuestionnaireItem.position)))


@fixed_once_open
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


def figures_in(questionnaire: dict) -> dict[str, tuple[str, str]]:
    """The key figures of a dataset's questionnaire (its JSON form): label in the reader's
    language and unit, in order. A dataset frozen before key figures were data has none
    listed; it was computed with the default ones."""
    locale = str(get_locale() or "sv")
    listed = questionnaire.get("key_figures")
    if listed is None:
        listed = [
            {"code": f["code"], "label": {"sv": f["label_sv"], "en": f["label_en"]}, **f}
            for f in default_questionnaire.KEY_FIGURES
        ]
    return {f["code"]: (f["label"].get(locale) or f["label"]["sv"], f["unit"]) for f in listed}


def section_labels(cycle_id: int) -> dict[str, str]:
    """The cycle's sections of items, code → label in the reader's language, in order."""
    locale = str(get_locale() or "sv")
    return {section.code: section.label(locale) for section in sections_of(cycle_id)}
