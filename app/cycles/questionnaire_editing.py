"""Editing a planned cycle's questionnaire from the administrators' pages: add, change,
remove and reorder sections, items, rules and key figures. Every change is made to the
questionnaire's document and checked whole by the same checks as a file import, so a page can
never store what a file could not (an item a rule still names, a formula over a removed item);
then written row by row by code. Flush, never commit."""

from collections.abc import Callable

from flask_babel import gettext as _

from app.cycles.models import Cycle
from app.cycles.questionnaire_document import PARTS, document_of
from app.cycles.questionnaire_import import (
    found_in,
    replace_questionnaire,
    schema_found,
    where,
)
from app.database import lock_row
from app.errors import FieldErrors
from app.extensions import db
from workflows.cycle import CycleStatus

# The form field each entry key is typed in, where the names differ.
_FIELD_OF = {"min": "min_value", "max": "max_value", "operands": "operands"}


def _edit(cycle: Cycle, change: Callable[[dict], tuple[str, int] | None]) -> None:
    """Apply `change` to the cycle's document, check it whole, and store it; FieldErrors name
    the fields of the changed entry (`change` returns its part and index), or the form."""
    lock_row(db.session, cycle)  # the status now: opening the cycle locks the row too
    if cycle.status != CycleStatus.PLANNED:
        raise FieldErrors({"form": _("The questionnaire is fixed once the cycle has opened.")})
    document = document_of(cycle)
    edited = change(document)
    found = schema_found(document) or found_in(document, cycle.year)
    if found:
        raise FieldErrors(_field_errors(document, found, edited))
    replace_questionnaire(cycle, document)


def _field_errors(document: dict, found, edited: tuple[str, int] | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    for path, message in found:
        if edited and tuple(path[:2]) == edited:
            key = path[2] if len(path) > 2 else "form"
            key = _FIELD_OF.get(str(key), str(key))
            if key == "label":
                key = "label_sv"
        else:
            key, message = "form", _describe(document, path, message)
        errors.setdefault(key, message)
        if key == "form" and errors[key] != message:
            errors[key] = f"{errors[key]} {message}"
    return errors


def _describe(document: dict, path: list, message: str) -> str:
    """A problem elsewhere in the questionnaire that this change causes, by the code of the
    entry it is found in (the rule or key figure that names a removed item, say)."""
    if len(path) >= 2 and path[0] in PARTS:
        entry = document[path[0]][path[1]]
        return _("%(code)s: %(message)s", code=entry.get("code", where(path)), message=message)
    return message


def _index(document: dict, part: str, code: str) -> int:
    for index, entry in enumerate(document[part]):
        if entry["code"] == code:
            return index
    raise FieldErrors({"form": _("It no longer exists: someone removed it meanwhile.")})


def save_entry(cycle: Cycle, part: str, code: str | None, entry: dict) -> None:
    """Add an entry (code None) or replace the one of `code`. A new item goes last in its
    section, anything else new goes last."""

    def change(document: dict) -> tuple[str, int]:
        entries = document[part]
        if code is not None:
            index = _index(document, part, code)
            entries[index] = entry
            return part, index
        if part == "items":
            in_section = [i for i, e in enumerate(entries) if e["section"] == entry["section"]]
            index = in_section[-1] + 1 if in_section else len(entries)
        else:
            index = len(entries)
        entries.insert(index, entry)
        return part, index

    _edit(cycle, change)


def remove_entry(cycle: Cycle, part: str, code: str) -> None:
    def change(document: dict) -> None:
        del document[part][_index(document, part, code)]

    _edit(cycle, change)


def move_entry(cycle: Cycle, part: str, code: str, step: int) -> None:
    """One place up (-1) or down (+1): an item among its section's items. Rules have no order
    of their own (each is checked on its own)."""

    def change(document: dict) -> None:
        entries = document[part]
        index = _index(document, part, code)
        peers = [
            i
            for i, e in enumerate(entries)
            if part != "items" or e["section"] == entries[index]["section"]
        ]
        place = peers.index(index) + step
        if 0 <= place < len(peers):
            other = peers[place]
            entries[index], entries[other] = entries[other], entries[index]

    _edit(cycle, change)


def entry_of(cycle: Cycle, part: str, code: str) -> dict | None:
    return next((e for e in document_of(cycle)[part] if e["code"] == code), None)
