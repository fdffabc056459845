"""The questionnaire of a cycle as one document: what `flask questionnaire export` writes, what
`import` reads, and what the JSON Schema published beside it (docs/questionnaire.schema.json,
served at /questionnaire.schema.json) describes. JSON with a fixed order of keys and one line
per short field, so two years' files compare well line by line; read back with the line of
every object, so an error names the line to mend."""

import json
from decimal import Decimal
from typing import Any

from app.cycles.questionnaire_service import items_of, key_figures_of, rules_of, sections_of
from workflows.answers import RULE_KINDS
from workflows.vocabulary import ITEM_KINDS

FORMAT = "granska-questionnaire/1"
SCHEMA_ID = "https://granska.example/questionnaire.schema.json"
CODE_PATTERN = "^[a-z][a-z0-9_]{0,59}$"
PARTS = ("sections", "items", "rules", "key_figures")


def _words(sv: str, en: str) -> dict[str, str]:
    return {"sv": sv, "en": en}


def _number(value: Decimal | None) -> int | float | None:
    """A limit as a JSON number, written without a needless .00 (2 decimals at most)."""
    if value is None:
        return None
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def document_of(cycle) -> dict[str, Any]:
    """The cycle's questionnaire, every part in its order, every object's keys in one order."""
    return {
        "$schema": SCHEMA_ID,
        "format": FORMAT,
        "year": cycle.year,
        "sections": [
            {"code": s.code, "label": _words(s.label_sv, s.label_en)} for s in sections_of(cycle.id)
        ],
        "items": [
            {
                "code": i.code,
                "section": i.section,
                "heading": i.heading,
                "kind": i.kind,
                "required": i.required,
                "has_forecast": i.has_forecast,
                "min": _number(i.min_value),
                "max": _number(i.max_value),
                "label": _words(i.label_sv, i.label_en),
                "definition": _words(i.definition_sv, i.definition_en),
                "choices": i.choices,
            }
            for i in items_of(cycle.id)
        ],
        "rules": [
            {
                "code": r.code,
                "kind": r.kind,
                "target": r.target,
                "operands": r.operands,
                "label": _words(r.label_sv, r.label_en),
            }
            for r in rules_of(cycle.id)
        ],
        "key_figures": [
            {
                "code": f.code,
                "unit": f.unit,
                "formula": f.formula,
                "label": _words(f.label_sv, f.label_en),
                "definition": _words(f.definition_sv, f.definition_en),
            }
            for f in key_figures_of(cycle.id)
        ],
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# The schema: one declaration that documents the file and checks it.
_TEXT = {"type": "string", "maxLength": 300}
_WORDS = {
    "type": "object",
    "properties": {"sv": _TEXT, "en": _TEXT},
    "required": ["sv", "en"],
    "additionalProperties": False,
}
_LONG_WORDS = {
    "type": "object",
    "properties": {"sv": {"type": "string"}, "en": {"type": "string"}},
    "required": ["sv", "en"],
    "additionalProperties": False,
}
_CODE = {"type": "string", "pattern": CODE_PATTERN}
_LIMIT = {"type": ["number", "null"], "minimum": -9999999999999, "maximum": 9999999999999}


def _object(properties: dict[str, Any], required: list[str], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        **({"description": description} if description else {}),
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "Granska questionnaire",
    "description": "A cycle's questionnaire: sections, items, rules and key figures, in order. "
    "Written by `flask questionnaire export YEAR FILE`, read by `flask questionnaire import "
    "YEAR FILE` (planned cycles only, all or nothing).",
    **_object(
        {
            "$schema": {"type": "string"},
            "format": {"const": FORMAT},
            "year": {"type": "integer"},
            "sections": {
                "type": "array",
                "minItems": 1,
                "items": _object(
                    {"code": {**_CODE, "maxLength": 30}, "label": _WORDS},
                    ["code", "label"],
                    "A page of items (and a sheet of the Excel template).",
                ),
            },
            "items": {
                "type": "array",
                "minItems": 1,
                "items": _object(
                    {
                        "code": _CODE,
                        "section": _CODE,
                        "heading": {"type": ["string", "null"], "maxLength": 60},
                        "kind": {"enum": sorted(ITEM_KINDS)},
                        "required": {"type": "boolean"},
                        "has_forecast": {"type": "boolean"},
                        "min": _LIMIT,
                        "max": _LIMIT,
                        "label": _WORDS,
                        "definition": _LONG_WORDS,
                        "choices": {
                            "description": "choice: [{value, sv, en}]; level: {level: {sv, en}}",
                            "type": ["array", "object", "null"],
                        },
                    },
                    ["code", "section", "kind", "label"],
                    "A question; its answer is stored per period (outcome, and forecast).",
                ),
            },
            "rules": {
                "type": "array",
                "items": _object(
                    {
                        "code": _CODE,
                        "kind": {"enum": sorted(RULE_KINDS)},
                        "target": _CODE,
                        "operands": {"type": "array", "maxItems": 100},
                        "label": _WORDS,
                    },
                    ["code", "kind", "target", "operands", "label"],
                    "sum: operands are the parts; at_least: [reference, explanation or null]; "
                    "change_threshold: [per cent].",
                ),
            },
            "key_figures": {
                "type": "array",
                "items": _object(
                    {
                        "code": _CODE,
                        "unit": {"type": "string", "maxLength": 20},
                        "formula": {"type": "string", "minLength": 1, "maxLength": 500},
                        "label": _WORDS,
                        "definition": _LONG_WORDS,
                    },
                    ["code", "formula", "label"],
                    "A figure computed from the outcome of numeric items: item codes, numbers, "
                    "+ - * / and brackets.",
                ),
            },
        },
        ["format", "sections", "items"],
        "",
    ),
}


def loads_with_lines(text: str) -> tuple[Any, dict[int, int]]:
    """The document and, for every object and array in it (by id), the line it starts on.
    Read by the json module's own pure-Python scanner, with its object and array readers
    wrapped to note where each began; numbers are read exactly (Decimal)."""
    lines: dict[int, int] = {}
    decoder = json.JSONDecoder(parse_float=Decimal)
    read_object, read_array = decoder.parse_object, decoder.parse_array

    def parse_object(state, *args):
        value, end = read_object(state, *args)
        lines[id(value)] = text.count("\n", 0, state[1]) + 1
        return value, end

    def parse_array(state, *args):
        value, end = read_array(state, *args)
        lines[id(value)] = text.count("\n", 0, state[1]) + 1
        return value, end

    decoder.parse_object, decoder.parse_array = parse_object, parse_array  # type: ignore[method-assign]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder.decode(text), lines


def line_of(document: Any, path: list[str | int], lines: dict[int, int]) -> int:
    """The line of the innermost object or array on `path` (1 for the document itself)."""
    line, node = lines.get(id(document), 1), document
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        line = lines.get(id(node), line)
    return line
