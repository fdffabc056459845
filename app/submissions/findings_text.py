"""What a finding (an error or a warning on an answer) says to the user."""

from flask_babel import format_decimal

from app.number_format import format_for_reader
from app.swedish_numbers import NOT_A_NUMBER_TEXT
from app.translation import gettext as _
from workflows.answers import Finding


def _number(value) -> str:
    return format_for_reader(value, 2)


def _figure(unit: str, value) -> str:
    """A key figure as the key figure tables show it: one decimal and % for a share."""
    if unit == "%":
        return f"{format_for_reader(value, 1, 1)}\u00a0%"
    return f"{format_for_reader(value, 0)}\u00a0{unit}".rstrip()


# Each code's text, from the finding's parameters and the rules' labels; kept as functions so
# that a finding's numbers are formatted only for its own text.
_TEXTS = {
    "required": lambda p, rules: _("Answer this question."),
    "unknown_item": lambda p, rules: _("There is no such question in this questionnaire."),
    "not_text": lambda p, rules: _("Enter a text."),
    "not_a_number": lambda p, rules: str(NOT_A_NUMBER_TEXT[p["reason"]]),
    "too_precise": lambda p, rules: _("Enter at most two decimals."),
    "too_long": lambda p, rules: _("The text can be at most %(n)d characters.", n=p["max"]),
    "whole_number": lambda p, rules: _("Enter a whole number."),
    "below_min": lambda p, rules: _("Enter %(min)s or more.", min=_number(p["min"])),
    "above_max": lambda p, rules: _("Enter %(max)s or less.", max=_number(p["max"])),
    "not_a_choice": lambda p, rules: _("Choose one of the options."),
    "sum_mismatch": lambda p, rules: _(
        "%(rule)s The parts add up to %(sum)s, which is %(difference)s from the total %(total)s.",
        rule=rules.get(p["rule"], ""),
        sum=_number(p["sum"]),
        difference=_number(p["difference"]),
        total=_number(p["total"]),
    ),
    "beyond_target": lambda p, rules: _(
        "The realised value %(realised)s is beyond the target %(target)s. Check the value, "
        "or explain.",
        realised=_number(p["realised"]),
        target=_number(p["target"]),
    ),
    "benefit_above_cost": lambda p, rules: _(
        "The benefit, %(amount)s tkr a year, is larger than the whole project costs "
        "(%(cost)s tkr forecast at completion). Check the amount, or explain.",
        amount=_number(p["amount"]),
        cost=_number(p["cost"]),
    ),
    "no_owner_after_end": lambda p, rules: _(
        "The project has ended but the benefit has no owner: name the role in the line "
        "organisation that follows it up."
    ),
    "below_reference": lambda p, rules: rules.get(p["rule"], _("Check the value.")),
    "large_change": lambda p, rules: _(
        "Changed by %(change)s %% since last year (%(before)s). Explain the change.",
        change=format_decimal(p["change"], "+#,##0;−#,##0"),
        before=_number(p["before"]),
    ),
    "outside_peers": lambda p, rules: _(
        "Outside the usual range of your peer group last year (%(low)s–%(high)s). Explain why.",
        low=_figure(p.get("unit", ""), p["low"]),
        high=_figure(p.get("unit", ""), p["high"]),
    ),
}


def finding_text(finding: Finding, rule_labels: dict[str, str] | None = None) -> str:
    return _TEXTS[finding.code](finding.params, rule_labels or {})
