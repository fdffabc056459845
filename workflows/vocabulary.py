"""The closed vocabularies of the questionnaire and of projects, each defined once: the models,
forms, API schemas, exports and reports take their members from here (their labels, Swedish
and English, sit with the pages that show them; tests/unit/test_vocabulary.py checks that
every list of labels names exactly these members). Pure Python, no Flask."""

from dataclasses import dataclass
from enum import StrEnum


class ItemKind(StrEnum):
    """What a questionnaire item asks for."""

    AMOUNT = "amount"  # thousands of SEK (tkr)
    COUNT = "count"  # a whole number
    FTE = "fte"  # full-time equivalents
    PERCENT = "percent"
    CHOICE = "choice"
    TEXT = "text"
    LEVEL = "level"  # a maturity level on the 1–7 scale


@dataclass(frozen=True)
class KindSpec:
    """What the rest of the system needs to know of a kind: whether its answer is a number
    (parsed the Swedish way, with limits), a whole one, its unit, whether it has options."""

    numeric: bool
    whole: bool = False
    unit: str = ""
    choices: bool = False
    # A number whose change against last year is worth a warning (a level is a judgement).
    compared: bool = True


# The one registry of item kinds: a new kind is an entry here plus its tests (and its words in
# app/cycles/questionnaire_words.py).
ITEM_KINDS: dict[str, KindSpec] = {
    ItemKind.AMOUNT: KindSpec(numeric=True, unit="tkr"),
    ItemKind.COUNT: KindSpec(numeric=True, whole=True),
    ItemKind.FTE: KindSpec(numeric=True, unit="årsarbetskrafter"),
    ItemKind.PERCENT: KindSpec(numeric=True, unit="%"),
    ItemKind.CHOICE: KindSpec(numeric=False, choices=True, compared=False),
    ItemKind.TEXT: KindSpec(numeric=False, compared=False),
    ItemKind.LEVEL: KindSpec(numeric=True, whole=True, compared=False),
}

NUMERIC_KINDS = frozenset(kind for kind, spec in ITEM_KINDS.items() if spec.numeric)


class ProjectStatus(StrEnum):
    ONGOING = "ongoing"
    REORIENTING = "reorienting"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Orientation(StrEnum):
    """What a strategic IT project is for."""

    DEVELOP = "develop"  # develop the business
    EFFICIENCY = "efficiency"  # make it more efficient


class RiskLevel(StrEnum):
    """How great a project's risk to its benefits, budget or time is."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class BenefitKind(StrEnum):
    """Whether a project's benefit shows in money or not."""

    ECONOMIC = "economic"  # carries an amount, tkr a year (cost savings, freed working time)
    QUALITATIVE = "qualitative"


class BenefitStatus(StrEnum):
    """Where a benefit's realisation stands, as the agency reports it each year."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    REALISED = "realised"
    ABANDONED = "abandoned"  # with a reason


# A benefit in one of these is no longer followed: it is not carried into the next cycle.
CLOSED_BENEFIT_STATUSES = frozenset({BenefitStatus.REALISED, BenefitStatus.ABANDONED})
