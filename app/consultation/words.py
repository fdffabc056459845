"""What the consultation's pages say about its states, outcomes and refusals, in the reader's
language, from the workflow's registry."""

from flask_babel import gettext as _

from workflows.consultation import CONSULTATION_WORKFLOW, OUTCOMES
from workflows.rules import Refusal


def state_label(status: str) -> str:
    entry = CONSULTATION_WORKFLOW.registry.get(status)
    return _(entry.label) if entry else status


def state_tag(status: str) -> str:
    entry = CONSULTATION_WORKFLOW.registry.get(status)
    return entry.tag if entry else "neutral"


def outcome_label(outcome: str) -> str:
    text = OUTCOMES.get(outcome)  # type: ignore[call-overload]
    return _(text) if text else outcome


def done_message(trigger: str) -> str:
    return _(CONSULTATION_WORKFLOW.triggers[trigger].done)


def refusal_message(trigger: str, refusal: Refusal) -> str:
    """The trigger's own words for the refusal, or the general ones."""
    entry = CONSULTATION_WORKFLOW.triggers.get(trigger)
    text = entry.refusals.get(refusal.code) if entry else None
    if text:
        return _(text)
    if refusal.code == "no_consultation":
        return _("The questionnaire has not been sent out for comments.")
    if refusal.code == "role":
        return _("Your role may not do this.")
    return _("This is not possible in the consultation's present state.")
