"""Checking a submission's answers against its questionnaire: field and cross-field errors,
derived key figures, plausibility warnings. Pure: the caller passes plain data in."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from workflows.formulas import Node, evaluate
from workflows.vocabulary import ITEM_KINDS, NUMERIC_KINDS

OUTCOME, FORECAST = "outcome", "forecast"
SUM_TOLERANCE = Decimal("0.5")  # half a tkr: rounding, not a mistake
# Every value fits the columns exactly (18 digits, 2 of them decimals) with room to spare.
LARGEST = Decimal("9999999999999")

Answers = dict[tuple[str, str], Decimal | str]  # (item code, period) → value


@dataclass(frozen=True)
class ItemSpec:
    code: str
    kind: str
    required: bool = True
    has_forecast: bool = False
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    choices: tuple[str, ...] = ()

    @property
    def periods(self) -> tuple[str, ...]:
        return (OUTCOME, FORECAST) if self.has_forecast else (OUTCOME,)


@dataclass(frozen=True)
class RuleSpec:
    code: str
    kind: str  # a key of RULE_KINDS
    target: str
    operands: tuple[Any, ...]  # item codes; for "at_least" the explanation may be None


@dataclass(frozen=True)
class Finding:
    level: str  # "error" blocks submission; "warning" asks for an explanation
    code: str  # what kind of problem, for the message
    item: str  # the item (or key figure) it is about
    period: str = OUTCOME
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def target(self) -> str:
        return f"{self.item}:{self.period}"


def check_value(
    item: ItemSpec, value: Decimal | str | None, period: str = OUTCOME
) -> Finding | None:
    """Type and range of one parsed value (None when missing is checked elsewhere)."""
    if value is None:
        return None
    if item.kind in NUMERIC_KINDS:
        value = cast(Decimal, value)  # an item of a numeric kind is parsed to a Decimal
        if not value.is_finite() or abs(value) > LARGEST:
            return Finding("error", "above_max", item.code, period, {"max": LARGEST})
        if value != value.quantize(Decimal("0.01")):
            return Finding("error", "too_precise", item.code, period)
        if ITEM_KINDS[item.kind].whole and value != value.to_integral_value():
            return Finding("error", "whole_number", item.code, period)
        if item.min_value is not None and value < item.min_value:
            return Finding("error", "below_min", item.code, period, {"min": item.min_value})
        if item.max_value is not None and value > item.max_value:
            return Finding("error", "above_max", item.code, period, {"max": item.max_value})
    elif ITEM_KINDS[item.kind].choices and item.choices and value not in item.choices:
        return Finding("error", "not_a_choice", item.code, period)
    return None


def check_answers(
    items: list[ItemSpec], rules: list[RuleSpec], answers: Answers, complete: bool = True
) -> list[Finding]:
    """Errors in the answers; with complete=True a missing required answer is one too."""
    findings = []
    for item in items:
        for period in item.periods:
            value = answers.get((item.code, period))
            if value is None:
                if complete and item.required:
                    findings.append(Finding("error", "required", item.code, period))
                continue
            finding = check_value(item, value, period)
            if finding:
                findings.append(finding)
    periods = {item.code: item.periods for item in items}
    for rule in rules:
        for period in periods.get(rule.target, (OUTCOME,)):
            finding = _check_rule(rule, answers, period)
            if finding:
                findings.append(finding)
    return findings


def _check_rule(rule: RuleSpec, answers: Answers, period: str) -> Finding | None:
    check = RULE_KINDS[rule.kind].check
    return check(rule, answers, period) if check else None


def _check_sum(rule: RuleSpec, answers: Answers, period: str) -> Finding | None:
    # Rules are written over numeric items, whose answers are Decimals.
    target = cast(Decimal | None, answers.get((rule.target, period)))
    parts = [cast(Decimal | None, answers.get((code, period))) for code in rule.operands]
    if target is None or all(part is None for part in parts):
        return None
    total = sum((part or Decimal(0) for part in parts), Decimal(0))
    if abs(total - target) > SUM_TOLERANCE:
        return Finding(
            "error",
            "sum_mismatch",
            rule.target,
            period,
            {"rule": rule.code, "sum": total, "total": target, "difference": total - target},
        )
    return None


def _check_at_least(rule: RuleSpec, answers: Answers, period: str) -> Finding | None:
    target = cast(Decimal | None, answers.get((rule.target, period)))
    reference_code, explanation_code = rule.operands
    reference = cast(Decimal | None, answers.get((reference_code, period)))
    if target is None or reference is None or target >= reference:
        return None
    if explanation_code and str(answers.get((explanation_code, OUTCOME)) or "").strip():
        return None
    return Finding("error", "below_reference", rule.target, period, {"rule": rule.code})


def _items_operands(operands: tuple[Any, ...], items: dict[str, str]) -> list[str]:
    if not operands:
        return ["no_parts"]
    return [f"not_numeric:{code}" for code in operands if items.get(code) not in NUMERIC_KINDS]


def _reference_operands(operands: tuple[Any, ...], items: dict[str, str]) -> list[str]:
    if len(operands) != 2:
        return ["two_operands"]
    reference, explanation = operands
    problems = [] if items.get(reference) in NUMERIC_KINDS else [f"not_numeric:{reference}"]
    if explanation is not None and items.get(explanation) != "text":
        problems.append(f"not_text:{explanation}")
    return problems


def _threshold_operands(operands: tuple[Any, ...], items: dict[str, str]) -> list[str]:
    if len(operands) != 1:
        return ["one_threshold"]
    try:
        threshold = Decimal(str(operands[0]))
    except (ArithmeticError, ValueError):
        return ["bad_threshold"]
    return [] if threshold.is_finite() and 0 < threshold <= 1000 else ["bad_threshold"]


@dataclass(frozen=True)
class RuleKindSpec:
    """One kind of rule: how its operands are checked when the questionnaire is edited, and
    how it checks answers (None for a kind that only tunes the plausibility warnings)."""

    operands: Callable[[tuple[Any, ...], dict[str, str]], list[str]]
    check: Callable[[RuleSpec, Answers, str], Finding | None] | None
    target_numeric: bool = True


# The one registry of rule kinds: a new kind is an entry here plus its tests (and its words
# in app/cycles/questionnaire_words.py).
RULE_KINDS: dict[str, RuleKindSpec] = {
    # The operands (items) add up to the target, within half a tkr.
    "sum": RuleKindSpec(_items_operands, _check_sum),
    # The target is at least the first operand, unless the second (a text item) explains.
    "at_least": RuleKindSpec(_reference_operands, _check_at_least),
    # A change of the target against last year beyond this many per cent is a warning; the
    # cycle's general threshold holds for the other items.
    "change_threshold": RuleKindSpec(_threshold_operands, None),
}


def rule_problems(rule: RuleSpec, items: dict[str, str]) -> list[str]:
    """What is wrong with a rule over these items (code → kind); empty when it is sound."""
    kind = RULE_KINDS.get(rule.kind)
    if kind is None:
        return ["unknown_kind"]
    problems = [] if rule.target in items else [f"unknown_item:{rule.target}"]
    if kind.target_numeric and rule.target in items and items[rule.target] not in NUMERIC_KINDS:
        problems.append(f"not_numeric:{rule.target}")
    named = [code for code in rule.operands if isinstance(code, str)]
    if kind.check is not None:
        problems += [f"unknown_item:{code}" for code in named if code not in items]
    return problems + [p for p in kind.operands(rule.operands, items) if p not in problems]


@dataclass(frozen=True)
class KeyFigureSpec:
    code: str
    formula: Node


def key_figures(answers: Answers, figures: list[KeyFigureSpec]) -> dict[str, Decimal | None]:
    """The questionnaire's key figures over this year's outcome; None where a figure is not
    computable (a value missing, or a division by zero)."""
    values = {
        code: value
        for (code, period), value in answers.items()
        if period == OUTCOME and isinstance(value, Decimal)
    }
    return {figure.code: evaluate(figure.formula, values) for figure in figures}


def change_thresholds(rules: list[RuleSpec]) -> dict[str, Decimal]:
    """The items whose change against last year has a threshold of its own, as a fraction."""
    return {
        rule.target: Decimal(str(rule.operands[0])) / 100
        for rule in rules
        if rule.kind == "change_threshold"
    }


def plausibility(
    items: list[ItemSpec],
    answers: Answers,
    last_year: Answers,
    figures: dict[str, Decimal | None],
    peer_ranges: dict[str, tuple[Decimal, Decimal]],
    threshold: Decimal = Decimal("0.30"),
    thresholds: dict[str, Decimal] | None = None,
    breaks: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Warnings: a change against last year beyond the threshold (the item's own, from a
    change_threshold rule, or the general one), or a key figure outside the peer group's
    5th–95th percentile of last year. An item or key figure in `breaks` (its definition changed
    since last year: a series break) is not compared with last year at all."""
    findings = []
    for item in items:
        if not ITEM_KINDS[item.kind].compared or item.code in breaks:
            continue
        now = cast(Decimal | None, answers.get((item.code, OUTCOME)))  # a numeric item's
        before = cast(Decimal | None, last_year.get((item.code, OUTCOME)))
        if now is None or before is None or before == 0:
            continue
        change = (now - before) / abs(before)
        if abs(change) > (thresholds or {}).get(item.code, threshold):
            findings.append(
                Finding(
                    "warning",
                    "large_change",
                    item.code,
                    OUTCOME,
                    {"before": before, "change": change * 100},
                )
            )
    for code, value in figures.items():
        if value is None or code not in peer_ranges or code in breaks:
            continue
        low, high = peer_ranges[code]
        if value < low or value > high:
            findings.append(
                Finding("warning", "outside_peers", code, OUTCOME, {"low": low, "high": high})
            )
    return findings
