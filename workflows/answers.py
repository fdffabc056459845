"""Checking a submission's answers against its questionnaire: field and cross-field errors,
derived key figures, plausibility warnings. Pure: the caller passes plain data in."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from workflows.vocabulary import NUMERIC_KINDS

OUTCOME, FORECAST = "outcome", "forecast"
SUM_TOLERANCE = Decimal("0.5")  # half a tkr: rounding, not a mistake
WHOLE_KINDS = frozenset({"count", "level"})
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
    kind: str  # "sum" or "at_least"
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
        if item.kind in WHOLE_KINDS and value != value.to_integral_value():
            return Finding("error", "whole_number", item.code, period)
        if item.min_value is not None and value < item.min_value:
            return Finding("error", "below_min", item.code, period, {"min": item.min_value})
        if item.max_value is not None and value > item.max_value:
            return Finding("error", "above_max", item.code, period, {"max": item.max_value})
    elif item.kind == "choice" and item.choices and value not in item.choices:
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
    # Rules are written over numeric items, whose answers are Decimals.
    target = cast(Decimal | None, answers.get((rule.target, period)))
    if target is None:
        return None
    if rule.kind == "sum":
        parts = [cast(Decimal | None, answers.get((code, period))) for code in rule.operands]
        if all(part is None for part in parts):
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
    reference_code, explanation_code = rule.operands
    reference = cast(Decimal | None, answers.get((reference_code, period)))
    if reference is None or target >= reference:
        return None
    if explanation_code and str(answers.get((explanation_code, OUTCOME)) or "").strip():
        return None
    return Finding("error", "below_reference", rule.target, period, {"rule": rule.code})


def _share(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or whole is None or whole == 0:
        return None  # not computable, never a division by zero
    return part * 100 / whole


def _per(amount_tkr: Decimal | None, count: Decimal | None) -> Decimal | None:
    if amount_tkr is None or count is None or count == 0:
        return None
    return amount_tkr * 1000 / count  # kronor per unit


def key_figures(answers: Answers, period: str = OUTCOME) -> dict[str, Decimal | None]:
    """The derived key figures; None where a figure is not computable."""

    def get(code: str, at: str = period) -> Decimal | None:
        value = answers.get((code, at))
        return value if isinstance(value, Decimal) else None

    it_cost = get("it_cost_total")
    internal, hired = get("internal_it_staff", OUTCOME), get("hired_it_staff", OUTCOME)
    staff = internal + hired if internal is not None and hired is not None else None
    split = [get(code) for code in ("it_cost_run", "it_cost_improve", "it_cost_new")]
    split_total = sum(cast(list[Decimal], split), Decimal(0)) if None not in split else None
    users, workstations = get("users", OUTCOME), get("workstations", OUTCOME)
    return {
        "it_cost_share": _share(it_cost, get("operating_cost")),
        "it_investment_share": _share(get("it_investments"), get("operating_cost")),
        "hired_staff_share": _share(hired, staff),
        "it_cost_per_user": _per(it_cost, users),
        "outsourced_share": _share(get("it_cost_outsourced"), it_cost),
        "cost_per_workstation": _per(it_cost, workstations),
        "telephony_per_user": _per(get("it_cost_telephony"), users),
        "run_share": _share(split[0], split_total),
        "improve_share": _share(split[1], split_total),
        "new_share": _share(split[2], split_total),
    }


def plausibility(
    items: list[ItemSpec],
    answers: Answers,
    last_year: Answers,
    figures: dict[str, Decimal | None],
    peer_ranges: dict[str, tuple[Decimal, Decimal]],
    threshold: Decimal = Decimal("0.30"),
) -> list[Finding]:
    """Warnings: a change against last year beyond the threshold, or a key figure outside the
    peer group's 5th–95th percentile of last year."""
    findings = []
    for item in items:
        if item.kind not in NUMERIC_KINDS or item.kind == "level":
            continue
        now = cast(Decimal | None, answers.get((item.code, OUTCOME)))  # a numeric item's
        before = cast(Decimal | None, last_year.get((item.code, OUTCOME)))
        if now is None or before is None or before == 0:
            continue
        change = (now - before) / abs(before)
        if abs(change) > threshold:
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
        if value is None or code not in peer_ranges:
            continue
        low, high = peer_ranges[code]
        if value < low or value > high:
            findings.append(
                Finding("warning", "outside_peers", code, OUTCOME, {"low": low, "high": high})
            )
    return findings
