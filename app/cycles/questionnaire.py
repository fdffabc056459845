"""The questionnaire of a cycle: its sections, items, rules and key figures, stored as data so
the method can change between years while old cycles keep the questionnaire they had."""

from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from workflows.vocabulary import NUMERIC_KINDS, ItemKind  # noqa: F401  (used from here too)

# The strategic IT projects are a part of every submission with pages of their own, not a
# section of items: no section may take their code.
PROJECTS = "projects"


class QuestionnaireSection(db.Model):
    """A page of items (and a sheet of the Excel template)."""

    __tablename__ = "questionnaire_section"
    __table_args__ = (UniqueConstraint("cycle_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    position: Mapped[int]
    label_sv: Mapped[str] = mapped_column(String(100))
    label_en: Mapped[str] = mapped_column(String(100))

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_sv


class QuestionnaireItem(db.Model):
    __tablename__ = "questionnaire_item"
    __table_args__ = (UniqueConstraint("cycle_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    section: Mapped[str] = mapped_column(String(30))
    heading: Mapped[str | None] = mapped_column(String(60))  # a group of items, or a maturity area
    position: Mapped[int]
    label_sv: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300))
    definition_sv: Mapped[str] = mapped_column(Text, default="")
    definition_en: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20))
    required: Mapped[bool] = mapped_column(default=True)
    has_forecast: Mapped[bool] = mapped_column(default=False)  # also asked for this year
    min_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    max_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    # Choice: [{"value", "sv", "en"}]; level: {"1": {"sv", "en"}, "4": …, "7": …}.
    choices: Mapped[dict | list | None] = mapped_column(JSON)

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_sv

    def definition(self, locale: str) -> str:
        return self.definition_en if locale == "en" else self.definition_sv


class QuestionnaireRule(db.Model):
    __tablename__ = "questionnaire_rule"
    __table_args__ = (UniqueConstraint("cycle_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(60))  # the total, or the item that must be ≥
    # Sum: the parts' codes; at least: [reference code, explanation code]; change threshold:
    # [per cent]. workflows/answers.RULE_KINDS checks them.
    operands: Mapped[list] = mapped_column(JSON)
    label_sv: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300))

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_sv


class QuestionnaireKeyFigure(db.Model):
    """A figure derived from the items by a formula (workflows/formulas.py), computed on every
    read and kept in the frozen dataset."""

    __tablename__ = "questionnaire_key_figure"
    __table_args__ = (UniqueConstraint("cycle_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    position: Mapped[int]
    label_sv: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300))
    definition_sv: Mapped[str] = mapped_column(Text, default="")
    definition_en: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(20), default="")  # "%", "kr", or none
    formula: Mapped[str] = mapped_column(String(500))

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_sv

    def definition(self, locale: str) -> str:
        return self.definition_en if locale == "en" else self.definition_sv
