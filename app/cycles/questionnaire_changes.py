"""What changed in a cycle's questionnaire against the previous cycle's: each section, item,
rule and key figure added, removed or changed (which fields), with a changed definition as a
word-by-word diff. The API, the changes page and the agencies' "New this year" read it; a
changed definition is what makes a year's comparison a series break."""

import difflib
import re
from typing import Any

from sqlalchemy import select

from app.caching import cache
from app.cycles.models import Cycle
from app.cycles.questionnaire_document import PARTS, document_of
from app.cycles.questionnaire_service import key_figures_of, parsed_formula
from app.extensions import db
from app.session_memo import memoised
from workflows.cycle import CycleStatus
from workflows.formulas import names

# The fields whose change means a value is not measured as before: a series break.
DEFINING = {
    "items": ("kind", "definition", "min", "max", "choices"),
    "key_figures": ("formula", "unit", "definition"),
    "sections": (),
    "rules": (),
}
_WORDS = re.compile(r"\S+|\s+")


@memoised
def cycle_before(year: int) -> Cycle | None:
    """The cycle of the latest year before `year` (read once per request)."""
    return db.session.scalar(
        select(Cycle).where(Cycle.year < year).order_by(Cycle.year.desc()).limit(1)
    )


def _label(entry: dict) -> dict[str, str]:
    return entry.get("label") or {"sv": entry["code"], "en": entry["code"]}


def word_diff(before: str, after: str) -> list[dict[str, str]]:
    """The words kept, deleted and inserted, in order: [{"op": equal|delete|insert, "text"}]."""
    old, new = _WORDS.findall(before or ""), _WORDS.findall(after or "")
    segments: list[dict[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "delete", "replace"):
            op = "equal" if tag == "equal" else "delete"
            segments.append({"op": op, "text": "".join(old[i1:i2])})
        if tag in ("insert", "replace"):
            segments.append({"op": "insert", "text": "".join(new[j1:j2])})
    return [s for s in segments if s["text"]]


def _changed_entry(part: str, old: dict, new: dict) -> dict | None:
    fields = [name for name in new if name != "code" and old.get(name) != new.get(name)]
    if not fields:
        return None
    change: dict[str, Any] = {
        "part": part,
        "code": new["code"],
        "change": "changed",
        "fields": fields,
        "label": _label(new),
        "series_break": any(name in DEFINING[part] for name in fields),
    }
    if "definition" in fields:
        change["definition"] = {
            language: word_diff(old["definition"][language], new["definition"][language])
            for language in ("sv", "en")
        }
    if "formula" in fields:
        change["formula"] = word_diff(old["formula"], new["formula"])
    return change


def changes_between(before: dict | None, after: dict) -> list[dict]:
    """Every difference, part by part in the questionnaire's order; with no earlier cycle,
    nothing is new in the sense of a change."""
    if before is None:
        return []
    changes = []
    for part in PARTS:
        old = {entry["code"]: entry for entry in before.get(part, [])}
        new = {entry["code"]: entry for entry in after.get(part, [])}
        for code, entry in new.items():
            if code not in old:
                changes.append(
                    {
                        "part": part,
                        "code": code,
                        "change": "added",
                        "fields": [],
                        "label": _label(entry),
                        "series_break": False,
                    }
                )
            else:
                changed = _changed_entry(part, old[code], entry)
                if changed:
                    changes.append(changed)
        changes += [
            {
                "part": part,
                "code": code,
                "change": "removed",
                "fields": [],
                "label": _label(entry),
                "series_break": False,
            }
            for code, entry in old.items()
            if code not in new
        ]
    return changes


def changes_of(cycle: Cycle) -> tuple[Cycle | None, list[dict]]:
    """The previous cycle and what changed since it. A questionnaire changes only while its
    cycle is planned, and a cycle never goes back to planned: once neither is, the changes
    are computed once per process (the comparison, the check page and every section page
    ask, and building both questionnaires' documents was a tenth of the comparison's CPU).
    The version is the previous cycle's id, which moves if a cycle is added between them.
    Callers treat the list as read-only."""
    previous = cycle_before(cycle.year)
    if CycleStatus.PLANNED in (cycle.status, previous.status if previous else None):
        return previous, _changes_of(cycle.id, cycle.year)
    return previous, cache().get(
        ("questionnaire_changes", cycle.id),
        previous.id if previous is not None else None,
        lambda: _changes_of(cycle.id, cycle.year),
    )


@memoised
def _changes_of(cycle_id: int, year: int) -> list[dict]:
    """Once per request while a questionnaire may still change."""
    cycle = db.session.get(Cycle, cycle_id)
    previous = cycle_before(year)
    before = document_of(previous) if previous is not None else None
    return changes_between(before, document_of(cycle))


def new_and_changed(cycle: Cycle, part: str = "items") -> tuple[set[str], set[str]]:
    """The codes of this part that are new this year, and those whose definition changed."""
    _previous, changes = changes_of(cycle)
    new = {c["code"] for c in changes if c["part"] == part and c["change"] == "added"}
    changed = {c["code"] for c in changes if c["part"] == part and c["series_break"]}
    return new, changed


def series_breaks(cycle: Cycle) -> frozenset[str]:
    """The items and key figures whose definition changed since the previous cycle: last
    year's values and peers were measured otherwise, so nothing is compared with them."""
    _previous, changes = changes_of(cycle)
    formulas = {figure.code: figure.formula for figure in key_figures_of(cycle.id)}
    return _breaks(changes, formulas)


def breaks_between(before: dict | None, after: dict) -> frozenset[str]:
    """The series breaks between two questionnaires, each a document or a frozen dataset's."""
    formulas = {figure["code"]: figure["formula"] for figure in after.get("key_figures", [])}
    return _breaks(changes_between(before, after), formulas)


def _breaks(changes: list[dict], formulas: dict[str, str]) -> frozenset[str]:
    """The items and key figures whose definition changed, and every key figure whose formula
    reads a redefined item (its value is measured otherwise too)."""
    broken = {
        c["code"] for c in changes if c["series_break"] and c["part"] in ("items", "key_figures")
    }
    items = {c["code"] for c in changes if c["series_break"] and c["part"] == "items"}
    for code, formula in formulas.items():
        if names(parsed_formula(formula)) & items:
            broken.add(code)
    return frozenset(broken)
