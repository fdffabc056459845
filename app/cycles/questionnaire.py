"""The questionnaire of a cycle: its items and rules, stored as data so the method can change
between years while old cycles keep the questionnaire they had."""

from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from workflows.vocabulary import NUMERIC_KINDS, ItemKind  # noqa: F401  (used from here too)


class Section(StrEnum):
    IT_COSTS = "it_costs"
    MATURITY = "maturity"
    PROJECTS = "projects"


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


class RuleKind(StrEnum):
    SUM = "sum"  # parts sum to a total
    AT_LEAST = "at_least"  # an item is at least another, unless an explanation is given


class QuestionnaireRule(db.Model):
    __tablename__ = "questionnaire_rule"
    __table_args__ = (UniqueConstraint("cycle_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(60))  # the total, or the item that must be ≥
    # Sum: the parts' codes; at least: [reference code, explanation code].
    operands: Mapped[list] = mapped_column(JSON)
    label_sv: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300))

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_sv
