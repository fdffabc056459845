"""The forms of the questionnaire's pages: one per part, each turned into the entry of the
questionnaire's document (`questionnaire_document.py`) and back."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.cycles.questionnaire_words import ITEM_KIND_LABELS, RULE_KIND_LABELS
from app.forms_support import SwedishDecimalField


def _code():
    return StringField(
        _l("Code"),
        validators=[InputRequired(_l("Enter a code.")), Length(max=60)],
        description=_l("Lowercase letters a–z, digits and _; it cannot be changed later."),
    )


def _words(label_sv, label_en, required=True, area=False, length=300, missing=None):
    field = TextAreaField if area else StringField
    missing_sv, missing_en = missing or (
        _l("Enter the Swedish text."),
        _l("Enter the English text."),
    )
    checks = [InputRequired(missing_sv), Length(max=length)] if required else [Optional()]
    checks_en = [InputRequired(missing_en), Length(max=length)] if required else [Optional()]
    return field(label_sv, validators=checks), field(label_en, validators=checks_en)


def _text(value) -> str:
    return (value or "").strip()


class SectionForm(FlaskForm):
    code = _code()
    label_sv, label_en = _words(_l("Name in Swedish"), _l("Name in English"), length=100)

    def entry(self) -> dict:
        return {
            "code": _text(self.code.data),
            "label": {"sv": _text(self.label_sv.data), "en": _text(self.label_en.data)},
        }

    def fill(self, entry: dict) -> None:
        self.code.data = entry["code"]
        self.label_sv.data, self.label_en.data = entry["label"]["sv"], entry["label"]["en"]


def _choices_text(choices) -> str:
    if isinstance(choices, dict):  # a level's descriptions, by level
        return "\n".join(f"{k} | {v['sv']} | {v['en']}" for k, v in choices.items())
    return "\n".join(f"{c['value']} | {c['sv']} | {c['en']}" for c in choices or [])


def _choices(text: str, kind: str):
    rows = [
        [part.strip() for part in line.split("|")] for line in text.splitlines() if line.strip()
    ]
    rows = [row + [""] * (3 - len(row)) for row in rows]
    if not rows:
        return None
    if kind == "level":
        return {row[0]: {"sv": row[1], "en": row[2]} for row in rows}
    return [{"value": row[0], "sv": row[1], "en": row[2]} for row in rows]


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class ItemForm(FlaskForm):
    code = _code()
    section = SelectField(_l("Section"), choices=[])
    heading = StringField(
        _l("Group on the page"),
        validators=[Optional(), Length(max=60)],
        description=_l("Items with the same group are shown together; empty for none."),
    )
    kind = SelectField(
        _l("Kind of answer"),
        choices=[SelectChoice(code, label) for code, label in ITEM_KIND_LABELS.items()],
    )
    label_sv, label_en = _words(
        _l("Question in Swedish"),
        _l("Question in English"),
        missing=(_l("Enter the question in Swedish."), _l("Enter the question in English.")),
    )
    definition_sv, definition_en = _words(
        _l("Definition in Swedish"), _l("Definition in English"), required=False, area=True
    )
    required = BooleanField(_l("An answer is required"))
    has_forecast = BooleanField(_l("Also asked as a forecast for this year"))
    min_value = SwedishDecimalField(_l("Lowest value"), validators=[Optional()])
    max_value = SwedishDecimalField(_l("Highest value"), validators=[Optional()])
    choices = TextAreaField(
        _l("Options"),
        validators=[Optional()],
        description=_l(
            "For a choice or a maturity level: one option a line, as value | Swedish | English."
        ),
    )

    def entry(self) -> dict:
        kind = self.kind.data
        return {
            "code": _text(self.code.data),
            "section": self.section.data,
            "heading": _text(self.heading.data) or None,
            "kind": kind,
            "required": bool(self.required.data),
            "has_forecast": bool(self.has_forecast.data),
            "min": _number(self.min_value.data),
            "max": _number(self.max_value.data),
            "label": {"sv": _text(self.label_sv.data), "en": _text(self.label_en.data)},
            "definition": {
                "sv": _text(self.definition_sv.data),
                "en": _text(self.definition_en.data),
            },
            "choices": _choices(self.choices.data or "", kind),
        }

    def fill(self, entry: dict) -> None:
        self.code.data, self.section.data = entry["code"], entry["section"]
        self.heading.data, self.kind.data = entry["heading"] or "", entry["kind"]
        self.label_sv.data, self.label_en.data = entry["label"]["sv"], entry["label"]["en"]
        self.definition_sv.data = entry["definition"]["sv"]
        self.definition_en.data = entry["definition"]["en"]
        self.required.data, self.has_forecast.data = entry["required"], entry["has_forecast"]
        for name in ("min", "max"):
            value = entry[name]
            getattr(self, f"{name}_value").data = None if value is None else Decimal(str(value))
        self.choices.data = _choices_text(entry["choices"])


class RuleForm(FlaskForm):
    code = _code()
    kind = SelectField(
        _l("Kind of rule"),
        choices=[SelectChoice(code, label) for code, label in RULE_KIND_LABELS.items()],
    )
    target = StringField(
        _l("Item checked"),
        validators=[InputRequired(_l("Enter the code of the item.")), Length(max=60)],
    )
    operands = StringField(
        _l("Operands"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Separated by commas; see the kinds of rule below."),
    )
    label_sv, label_en = _words(_l("Message in Swedish"), _l("Message in English"))

    def entry(self) -> dict:
        operands = [part.strip() for part in (self.operands.data or "").split(",")]
        operands = [part or None for part in operands] if self.operands.data else []
        if self.kind.data == "at_least" and len(operands) == 1:
            operands.append(None)  # no explanation item
        return {
            "code": _text(self.code.data),
            "kind": self.kind.data,
            "target": _text(self.target.data),
            "operands": operands,
            "label": {"sv": _text(self.label_sv.data), "en": _text(self.label_en.data)},
        }

    def fill(self, entry: dict) -> None:
        self.code.data, self.kind.data, self.target.data = (
            entry["code"],
            entry["kind"],
            entry["target"],
        )
        self.operands.data = ", ".join("" if o is None else str(o) for o in entry["operands"])
        self.label_sv.data, self.label_en.data = entry["label"]["sv"], entry["label"]["en"]


class KeyFigureForm(FlaskForm):
    code = _code()
    label_sv, label_en = _words(_l("Name in Swedish"), _l("Name in English"))
    unit = StringField(
        _l("Unit"),
        validators=[Optional(), Length(max=20)],
        description=_l("% for a share (shown with one decimal), kr, or empty."),
    )
    formula = StringField(
        _l("Formula"),
        validators=[InputRequired(_l("Write a formula.")), Length(max=500)],
        description=_l(
            "Item codes, numbers, + - * / and brackets, for example "
            "it_cost_total * 100 / operating_cost. Computed from this year's outcome."
        ),
    )
    definition_sv, definition_en = _words(
        _l("Definition in Swedish"), _l("Definition in English"), required=False, area=True
    )

    def entry(self) -> dict:
        return {
            "code": _text(self.code.data),
            "unit": _text(self.unit.data),
            "formula": _text(self.formula.data),
            "label": {"sv": _text(self.label_sv.data), "en": _text(self.label_en.data)},
            "definition": {
                "sv": _text(self.definition_sv.data),
                "en": _text(self.definition_en.data),
            },
        }

    def fill(self, entry: dict) -> None:
        self.code.data, self.unit.data, self.formula.data = (
            entry["code"],
            entry["unit"],
            entry["formula"],
        )
        self.label_sv.data, self.label_en.data = entry["label"]["sv"], entry["label"]["en"]
        self.definition_sv.data = entry["definition"]["sv"]
        self.definition_en.data = entry["definition"]["en"]


FORMS = {
    "sections": SectionForm,
    "items": ItemForm,
    "rules": RuleForm,
    "key_figures": KeyFigureForm,
}
