"""Plausibility of a project's benefits: warnings, never blocking, that the agency explains
like any other (a realised value beyond the target, an economic benefit worth more a year than
the whole project costs, a benefit nobody owns once its project has ended). Pure: the caller
passes plain facts in."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from workflows.answers import OUTCOME, Finding
from workflows.vocabulary import BenefitKind, BenefitStatus

BENEFIT_PREFIX = "benefit:"


@dataclass(frozen=True)
class BenefitFacts:
    id: int
    kind: str
    status: str
    baseline_value: Decimal
    target_value: Decimal
    realised_value: Decimal | None
    amount: Decimal | None
    owner: str
    project_cost: Decimal  # the forecast at completion, tkr
    project_end: date  # the currently planned end date
    project_ended: bool  # completed or cancelled


def benefit_item(benefit_id: int) -> str:
    """A benefit as the item a finding, an explanation or a question is about."""
    return f"{BENEFIT_PREFIX}{benefit_id}"


def benefit_id_of(item: str) -> int | None:
    if not item.startswith(BENEFIT_PREFIX):
        return None
    number = item.removeprefix(BENEFIT_PREFIX)
    return int(number) if number.isdigit() else None


def _beyond_target(facts: BenefitFacts) -> bool:
    """Past the target in the direction the benefit moves (a shorter handling time is a
    target below the baseline)."""
    realised = facts.realised_value
    if realised is None or facts.target_value == facts.baseline_value:
        return False
    if facts.target_value > facts.baseline_value:
        return realised > facts.target_value
    return realised < facts.target_value


def benefit_warnings(benefits: list[BenefitFacts], today: date) -> list[Finding]:
    findings = []
    for facts in benefits:
        if facts.status == BenefitStatus.ABANDONED:
            continue  # given up, with a reason: nothing left to be plausible about
        item = benefit_item(facts.id)
        if _beyond_target(facts):
            findings.append(
                Finding(
                    "warning",
                    "beyond_target",
                    item,
                    OUTCOME,
                    {"realised": facts.realised_value, "target": facts.target_value},
                )
            )
        if (
            facts.kind == BenefitKind.ECONOMIC
            and facts.amount is not None
            and facts.amount > facts.project_cost
        ):
            findings.append(
                Finding(
                    "warning",
                    "benefit_above_cost",
                    item,
                    OUTCOME,
                    {"amount": facts.amount, "cost": facts.project_cost},
                )
            )
        ended = facts.project_ended or facts.project_end < today
        if ended and not facts.owner.strip():
            findings.append(Finding("warning", "no_owner_after_end", item, OUTCOME, {}))
    return findings
