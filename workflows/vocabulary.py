"""The closed vocabularies of the questionnaire and of projects, each defined once: the models,
forms, API schemas, exports and reports take their members from here (their labels, Swedish
and English, sit with the pages that show them; tests/unit/test_vocabulary.py checks that
every list of labels names exactly these members). Pure Python, no Flask."""

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


NUMERIC_KINDS = frozenset(
    {ItemKind.AMOUNT, ItemKind.COUNT, ItemKind.FTE, ItemKind.PERCENT, ItemKind.LEVEL}
)


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
