"""Cycles and their questionnaires."""

from flask import jsonify
from sqlalchemy import select

from app.accounts.policies import is_authority_staff
from app.api import schemas
from app.api.loaders import visible_cycle
from app.api.operation import not_found, number, operation
from app.consultation.services import may_take_part, record_of
from app.cycles.models import Cycle
from app.cycles.questionnaire_changes import changes_of, series_breaks
from app.cycles.questionnaire_service import items_of, rules_of
from app.extensions import db
from workflows.cycle import CycleStatus
from workflows.vocabulary import ITEM_KINDS


def cycle_json(cycle: Cycle) -> dict:
    return {
        "year": cycle.year,
        "title": cycle.title,
        "title_en": cycle.title_en,
        "status": cycle.status,
        "opens_on": cycle.opens_on.isoformat(),
        "submission_deadline": cycle.submission_deadline.isoformat(),
        "review_deadline": cycle.review_deadline.isoformat(),
        "frozen": cycle.frozen,
    }


def item_json(item) -> dict:
    return {
        "code": item.code,
        "section": item.section,
        "label": {"sv": item.label_sv, "en": item.label_en},
        "definition": {"sv": item.definition_sv, "en": item.definition_en},
        "type": item.kind,
        "unit": ITEM_KINDS[item.kind].unit or None,
        "required": item.required,
        "has_forecast": item.has_forecast,
        "min": number(item.min_value),
        "max": number(item.max_value),
        "choices": item.choices,
    }


def rule_json(rule) -> dict:
    return {
        "code": rule.code,
        "kind": rule.kind,
        "target": rule.target,
        "operands": rule.operands,
        "label": {"sv": rule.label_sv, "en": rule.label_en},
    }


@operation(
    "/cycles",
    "GET",
    "The cycles visible to the caller",
    "everyone (agency users: cycles that have opened)",
    responses={200: ("The cycles, newest first", {"type": "array", "items": schemas.CYCLE})},
)
def list_cycles(user):
    statement = select(Cycle).order_by(Cycle.year.desc())
    if not is_authority_staff(user):
        statement = statement.where(Cycle.status != CycleStatus.PLANNED)
    return jsonify([cycle_json(c) for c in db.session.scalars(statement)])


@operation(
    "/cycles/{year}/questionnaire",
    "GET",
    "Every item and rule of the cycle's questionnaire",
    "everyone who sees the cycle",
    responses={200: ("The questionnaire", schemas.QUESTIONNAIRE)},
)
def questionnaire(user, year):
    cycle = visible_cycle(user, year)
    items = [item_json(i) for i in items_of(cycle.id)]
    rules = [rule_json(r) for r in rules_of(cycle.id)]
    return jsonify({"year": cycle.year, "items": items, "rules": rules})


@operation(
    "/cycles/{year}/questionnaire/changes",
    "GET",
    "What was added, removed or changed in the questionnaire since the previous cycle",
    "everyone who sees the cycle",
    responses={200: ("The changes, definitions as word diffs", schemas.QUESTIONNAIRE_CHANGES)},
)
def questionnaire_changes(user, year):
    cycle = visible_cycle(user, year)
    previous, changes = changes_of(cycle)
    return jsonify(
        {
            "year": cycle.year,
            "compared_with": previous.year if previous else None,
            "changes": changes,
            "series_breaks": sorted(series_breaks(cycle)),
        }
    )


@operation(
    "/cycles/{year}/consultation",
    "GET",
    "The consultation on the cycle's questionnaire: the comments, the authority's answers "
    "and decisions, as kept with the cycle (and frozen with its dataset)",
    "the authority's staff (every comment); the users of a consulted agency (its own "
    "comments, every decision), also while the cycle is planned",
    responses={200: ("The consultation", schemas.CONSULTATION)},
)
def consultation(user, year):
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == year))
    if cycle is None:
        raise not_found()
    if is_authority_staff(user):
        record = record_of(cycle)
    elif user.agency_id is not None and may_take_part(cycle, user.agency_id):
        record = record_of(cycle, user.agency_id)
    else:
        record = None
    if record is None:
        raise not_found()  # none, or not the caller's to see: alike
    return jsonify(record)
