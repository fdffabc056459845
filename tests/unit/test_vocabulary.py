"""Each vocabulary (project status, orientation, risk level, item kind) is defined once, in
workflows/vocabulary.py; every list of labels, choices or enum that the models, forms, API,
exports, workbook template and reports keep for it must name exactly its members, so a member
added there and forgotten anywhere fails here rather than as a blank label or a 500."""

import pytest

from app.api import schemas
from app.cycles.default_questionnaire import ITEMS, RULES
from app.cycles.questionnaire_words import ITEM_KIND_LABELS, RULE_KIND_LABELS, RULE_OPERAND_HINTS
from app.datasets import tables
from app.labels import PROJECT_STATUS, RISK
from app.reports import analysis, figures
from app.reports.charts import RISK_COLOURS
from app.submissions import forms
from app.submissions.excel import layout
from app.submissions.models import Project
from workflows import answers
from workflows.vocabulary import (
    ITEM_KINDS,
    NUMERIC_KINDS,
    ItemKind,
    Orientation,
    ProjectStatus,
    RiskLevel,
)


def members(vocabulary) -> set[str]:
    return {member.value for member in vocabulary}


def choice_values(unbound_field) -> set[str]:
    return {choice.value for choice in unbound_field.kwargs["choices"]}


def table_choices(key: str) -> set[str]:
    column = next(c for c in tables.PROJECT_COLUMNS if c.key == key)
    return set(column.choices)


@pytest.mark.parametrize(
    ("place", "names"),
    [
        ("API schema", lambda: set(schemas.PROJECT_STATUS["enum"])),
        ("project form", lambda: choice_values(forms.ProjectForm.status)),
        ("page labels", lambda: set(PROJECT_STATUS)),
        ("export table", lambda: table_choices("status")),
        ("workbook template", lambda: set(layout.CHOICES["status"])),
    ],
)
def test_every_place_names_each_project_status(place, names):
    assert names() == members(ProjectStatus), place


@pytest.mark.parametrize(
    ("place", "names"),
    [
        ("API schema", lambda: set(schemas.ORIENTATION["enum"])),
        ("project form", lambda: choice_values(forms.ProjectForm.orientation)),
        ("export table", lambda: table_choices("orientation")),
        ("workbook template", lambda: set(layout.ORIENTATION)),
    ],
)
def test_every_place_names_each_orientation(place, names):
    assert names() == members(Orientation), place


@pytest.mark.parametrize(
    ("place", "names"),
    [
        ("API schema", lambda: set(schemas.RISK_LEVEL["enum"])),
        ("project form", lambda: {choice.value for choice in forms.RISK_CHOICES}),
        ("page labels", lambda: set(RISK)),
        ("export table", lambda: table_choices("risk_budget")),
        ("workbook template", lambda: set(layout.CHOICES["risk"])),
        ("report analysis", lambda: set(analysis.RISK_LEVELS)),
        ("report labels", lambda: set(figures.LEVEL_LABELS)),
    ],
)
def test_every_place_names_each_risk_level(place, names):
    assert names() == members(RiskLevel), place


def test_the_report_colours_one_risk_level_each():
    assert len(RISK_COLOURS) == len(analysis.RISK_LEVELS) == len(RiskLevel)


def test_the_project_model_defaults_to_a_project_status():
    assert Project.__table__.c.status.default.arg in members(ProjectStatus)


def test_the_default_questionnaire_and_the_rules_use_only_item_kinds():
    assert {item["kind"] for item in ITEMS} <= members(ItemKind)
    assert answers.NUMERIC_KINDS is NUMERIC_KINDS


def test_every_item_kind_has_one_entry_in_the_registry():
    assert set(ITEM_KINDS) == members(ItemKind)
    # A whole number is a number; an option is not one.
    assert all(spec.numeric for spec in ITEM_KINDS.values() if spec.whole)
    assert not any(spec.numeric for spec in ITEM_KINDS.values() if spec.choices)


def test_the_default_rules_are_of_registered_kinds_and_sound():
    kinds = {item["code"]: item["kind"] for item in ITEMS}
    for rule in RULES:
        spec = answers.RuleSpec(rule["code"], rule["kind"], rule["target"], tuple(rule["operands"]))
        assert answers.rule_problems(spec, kinds) == [], rule["code"]


def test_the_admin_pages_name_every_item_and_rule_kind():
    assert set(ITEM_KIND_LABELS) == set(ITEM_KINDS)
    assert set(RULE_KIND_LABELS) == set(answers.RULE_KINDS) == set(RULE_OPERAND_HINTS)
