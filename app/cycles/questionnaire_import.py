"""Checking a questionnaire document and making it a planned cycle's questionnaire, all or
nothing: every problem is listed with its line before anything is written; rows keep their
ids where their code stays, so links to an item survive an import. Flush, never commit."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import jsonschema_rs
from flask_babel import gettext as _
from sqlalchemy import delete, select

from app.cycles.models import Cycle
from app.cycles.questionnaire import (
    PROJECTS,
    QuestionnaireItem,
    QuestionnaireKeyFigure,
    QuestionnaireRule,
    QuestionnaireSection,
)
from app.cycles.questionnaire_document import SCHEMA, line_of
from app.database import lock_row
from app.extensions import db
from workflows.answers import RuleSpec, rule_problems
from workflows.cycle import CycleStatus
from workflows.formulas import FormulaError, names, parse
from workflows.vocabulary import ITEM_KINDS, NUMERIC_KINDS

_VALIDATOR = jsonschema_rs.validator_for(SCHEMA)


@dataclass(frozen=True)
class Problem:
    line: int
    where: str  # e.g. items[3].kind
    message: str

    def __str__(self) -> str:
        return _("line %(line)d, %(where)s: %(message)s", **vars(self))


class QuestionnaireRefused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


def where(path) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text or _("the file")


def _schema_message(error) -> str:
    kind = error.kind
    messages = {
        "Required": lambda: _("%(name)s is missing.", name=kind.property),
        "AdditionalProperties": lambda: _(
            "No such field: %(names)s.", names=", ".join(kind.unexpected)
        ),
        "Enum": lambda: _("Choose one of: %(list)s.", list=", ".join(map(str, kind.options))),
        "Pattern": lambda: _(
            "A code is lowercase letters a–z, digits and _, starting with a letter."
        ),
    }
    fallback = lambda: _("Not valid here: %(detail)s", detail=error.message)  # noqa: E731
    return messages.get(type(kind).__name__, fallback)()


def schema_found(document: Any) -> list[tuple[list, str]]:
    """Each way the document breaks the schema, with its path."""
    return [
        (list(error.instance_path), _schema_message(error))
        for error in _VALIDATOR.iter_errors(document)
    ]


def _schema_problems(document: Any, lines: dict[int, int]) -> list[Problem]:
    return [Problem(line_of(document, p, lines), where(p), m) for p, m in schema_found(document)]


def problems_of(document: Any, lines: dict[int, int], year: int) -> list[Problem]:
    """Everything wrong with the document as a questionnaire for `year`; empty when sound."""
    problems = _schema_problems(document, lines)
    if problems:
        return problems  # the checks below read the shape the schema promises
    return [Problem(line_of(document, p, lines), where(p), m) for p, m in found_in(document, year)]


def found_in(document: dict, year: int) -> list[tuple[list, str]]:
    """The problems of a document of the schema's shape, each with its path in the document."""
    found: list[tuple[list, str]] = []
    if document.get("year", year) != year:
        found.append((["year"], _("The file is for %(year)s.", year=document["year"])))
    found += _duplicates(document)
    found += _section_problems(document)
    found += _item_problems(document)
    found += _rule_problems(document)
    found += _figure_problems(document)
    return found


def _duplicates(document) -> list[tuple[list, str]]:
    found = []
    for part in ("sections", "items", "rules", "key_figures"):
        seen: set[str] = set()
        for index, entry in enumerate(document.get(part, [])):
            if entry["code"] in seen:
                found.append(([part, index, "code"], _("The code is used twice.")))
            seen.add(entry["code"])
    items = {i["code"] for i in document["items"]}
    for index, figure in enumerate(document.get("key_figures", [])):
        if figure["code"] in items:
            found.append((["key_figures", index, "code"], _("An item already has this code.")))
    return found


def _section_problems(document) -> list[tuple[list, str]]:
    used = {item["section"] for item in document["items"]}
    found = []
    for index, section in enumerate(document["sections"]):
        if section["code"] == PROJECTS:
            found.append((["sections", index, "code"], _("“projects” is the projects' own part.")))
        elif section["code"] not in used:
            found.append((["sections", index], _("The section has no items.")))
    return found


def _item_problems(document) -> list[tuple[list, str]]:
    sections = {section["code"] for section in document["sections"]}
    found = []
    for index, item in enumerate(document["items"]):
        at = ["items", index]
        spec = ITEM_KINDS[item["kind"]]
        if item["section"] not in sections:
            found.append(([*at, "section"], _("There is no such section.")))
        low, high = item.get("min"), item.get("max")
        if not spec.numeric and (low is not None or high is not None):
            found.append(([*at, "min"], _("Only a number has limits.")))
        for name, limit in (("min", low), ("max", high)):
            if limit is not None and Decimal(limit) != Decimal(limit).quantize(Decimal("0.01")):
                found.append(([*at, name], _("Enter at most two decimals.")))
        if low is not None and high is not None and Decimal(low) > Decimal(high):
            found.append(([*at, "max"], _("The highest value must not be below the lowest.")))
        if spec.choices and not _valid_choices(item.get("choices")):
            found.append(([*at, "choices"], _("List the options, each with value, sv and en.")))
    return found


def _valid_choices(choices) -> bool:
    return (
        isinstance(choices, list)
        and len(choices) > 0
        and all(
            isinstance(c, dict) and {"value", "sv", "en"} <= set(c) and str(c["value"]).strip()
            for c in choices
        )
    )


RULE_PROBLEM_TEXT = {
    "unknown_kind": lambda _code: _("There is no such kind of rule."),
    "unknown_item": lambda code: _("There is no item %(code)s.", code=code),
    "not_numeric": lambda code: _("%(code)s is not a number.", code=code),
    "not_text": lambda code: _("%(code)s is not a text item.", code=code),
    "no_parts": lambda _code: _("Name the parts."),
    "two_operands": lambda _code: _("Name the reference item and the explanation (or null)."),
    "one_threshold": lambda _code: _("Give one threshold in per cent."),
    "bad_threshold": lambda _code: _("The threshold is a per cent above 0, at most 1000."),
}


def rule_problem_text(problem: str) -> str:
    reason, _sep, code = problem.partition(":")
    return RULE_PROBLEM_TEXT[reason](code)


def _rule_problems(document) -> list[tuple[list, str]]:
    kinds = {item["code"]: item["kind"] for item in document["items"]}
    found = []
    for index, rule in enumerate(document.get("rules", [])):
        spec = RuleSpec(rule["code"], rule["kind"], rule["target"], tuple(rule["operands"]))
        found += [(["rules", index], rule_problem_text(p)) for p in rule_problems(spec, kinds)]
    return found


FORMULA_TEXT = {
    "empty": lambda _d: _("Write a formula."),
    "too_long": lambda d: _("A formula is at most %(n)s characters.", n=d),
    "too_deep": lambda d: _("A formula nests at most %(n)s brackets deep.", n=d),
    "syntax": lambda _d: _("The formula cannot be read: check operators and brackets."),
    "bad_name": lambda d: _("%(name)s is not an item code.", name=d),
    "not_allowed": lambda _d: _(
        "Only item codes, numbers, + - * / and brackets may be used in a formula."
    ),
    "bad_number": lambda d: _("%(number)s is not a usable number.", number=d),
}


def formula_problem(text: str, numeric_items: set[str]) -> str | None:
    """What is wrong with a key figure's formula over these items, or None."""
    try:
        tree = parse(text)
    except FormulaError as refused:
        return FORMULA_TEXT[refused.reason](refused.detail)
    unknown = sorted(names(tree) - numeric_items)
    if unknown:
        return _("Not a numeric item of the questionnaire: %(codes)s.", codes=", ".join(unknown))
    return None


def _figure_problems(document) -> list[tuple[list, str]]:
    numeric = {i["code"] for i in document["items"] if i["kind"] in NUMERIC_KINDS}
    found = []
    for index, figure in enumerate(document.get("key_figures", [])):
        problem = formula_problem(figure["formula"], numeric)
        if problem:
            found.append((["key_figures", index, "formula"], problem))
    return found


def import_questionnaire(cycle: Cycle, document: Any, lines: dict[int, int]) -> None:
    """Make the document the cycle's questionnaire; QuestionnaireRefused lists every problem
    and nothing is written. Only while the cycle is planned."""
    lock_row(db.session, cycle)  # the status now: opening the cycle locks the row too
    if cycle.status != CycleStatus.PLANNED:
        raise QuestionnaireRefused(
            [
                Problem(
                    1, str(cycle.year), _("The questionnaire is fixed once the cycle has opened.")
                )
            ]
        )
    problems = problems_of(document, lines, cycle.year)
    if problems:
        raise QuestionnaireRefused(problems)
    replace_questionnaire(cycle, document)


def replace_questionnaire(cycle: Cycle, document: dict) -> None:
    """Write a checked document over the cycle's questionnaire, row by row by code."""
    _sync(QuestionnaireSection, cycle.id, [_section_row(s) for s in document["sections"]])
    _sync(QuestionnaireItem, cycle.id, [_item_row(i) for i in document["items"]])
    _sync(QuestionnaireRule, cycle.id, [_rule_row(r) for r in document.get("rules", [])])
    _sync(
        QuestionnaireKeyFigure,
        cycle.id,
        [_figure_row(f) for f in document.get("key_figures", [])],
    )
    db.session.flush()


def _words(entry: dict, name: str) -> dict[str, str]:
    words = entry.get(name) or {"sv": "", "en": ""}
    return {f"{name}_sv": words["sv"].strip(), f"{name}_en": words["en"].strip()}


def _section_row(section: dict) -> dict:
    return {"code": section["code"], **_words(section, "label")}


def _limit(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _item_row(item: dict) -> dict:
    return {
        "code": item["code"],
        "section": item["section"],
        "heading": item.get("heading"),
        "kind": item["kind"],
        "required": item.get("required", True),
        "has_forecast": item.get("has_forecast", False),
        "min_value": _limit(item.get("min")),
        "max_value": _limit(item.get("max")),
        **_words(item, "label"),
        **_words(item, "definition"),
        "choices": item.get("choices"),
    }


def _rule_row(rule: dict) -> dict:
    operands = [str(o) if isinstance(o, Decimal | int) else o for o in rule["operands"]]
    return {
        "code": rule["code"],
        "kind": rule["kind"],
        "target": rule["target"],
        "operands": operands,
        **_words(rule, "label"),
    }


def _figure_row(figure: dict) -> dict:
    return {
        "code": figure["code"],
        "unit": figure.get("unit", ""),
        "formula": figure["formula"].strip(),
        **_words(figure, "label"),
        **_words(figure, "definition"),
    }


def _sync(model, cycle_id: int, rows: list[dict]) -> None:
    existing = {
        row.code: row for row in db.session.scalars(select(model).where(model.cycle_id == cycle_id))
    }
    positioned = hasattr(model, "position")
    for position, fields in enumerate(rows, start=1):
        row = existing.pop(fields["code"], None)
        if row is None:
            row = model(cycle_id=cycle_id)
            db.session.add(row)
        for name, value in fields.items():
            if getattr(row, name, None) != value:
                setattr(row, name, value)
        if positioned and row.position != position:
            row.position = position
    if existing:
        db.session.execute(delete(model).where(model.id.in_([r.id for r in existing.values()])))
        for row in existing.values():
            db.session.expunge(row)
