"""What a refused transition says to the user, and what a trigger's button and a
transition that went through say (from the workflows' registries), in their language."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.labels import (
    cycle_status_label,
    question_status_label,
    role_label,
    submission_status_label,
)
from workflows.cycle import CYCLE_WORKFLOW
from workflows.question import QUESTION_WORKFLOW
from workflows.rules import Refusal, Workflow
from workflows.submission import SUBMISSION_WORKFLOW


def _workflow(cycle: bool) -> Workflow:
    return CYCLE_WORKFLOW if cycle else SUBMISSION_WORKFLOW


def done_message(trigger: str, cycle: bool = False) -> str:
    """What a transition that went through says, in plain words."""
    return _(_workflow(cycle).triggers[trigger].done)


def question_done_message(trigger: str) -> str:
    return _(QUESTION_WORKFLOW.triggers[trigger].done)


def trigger_label(trigger: str, cycle: bool = False) -> str:
    entry = _workflow(cycle).triggers.get(trigger) or _workflow(not cycle).triggers.get(trigger)
    return _(entry.label) if entry else trigger


def _roles(roles: list[str]) -> str:
    return f" {_('or')} ".join(str(role_label(role)).lower() for role in roles)


def _state(params) -> str:
    return str(submission_status_label(params["state"])).lower()


def _cycle_state(params) -> str:
    return str(cycle_status_label(params.get("state") or params["cycle_status"])).lower()


def refusal_message(refusal: Refusal, cycle: bool = False) -> str:
    p = refusal.params
    state = _cycle_state if cycle else _state
    action = trigger_label(p.get("trigger", ""), cycle)
    messages = {
        "unknown_trigger": lambda: _("There is no such action."),
        "already_in_state": lambda: _("Nothing was done: it is already %(state)s.", state=state(p)),
        "not_from_state": lambda: _(
            "“%(action)s” is not possible while it is %(state)s.", action=action, state=state(p)
        ),
        "role": lambda: _(
            "Only %(roles)s may do “%(action)s”.", roles=_roles(p["roles"]), action=action
        ),
        "not_own_agency": lambda: _("You can act only on your own agency's submission."),
        "reason_required": lambda: _("Give a reason for “%(action)s”.", action=action),
        "cycle_not_open": lambda: _("The cycle is %(state)s.", state=_cycle_state(p)),
        "cycle_frozen": lambda: _("The cycle is approved and frozen: nothing in it can change."),
        "blocking_errors": lambda: ngettext(
            "%(num)d error must be corrected first.",
            "%(num)d errors must be corrected first.",
            p["n"],
        ),
        "no_open_questions": lambda: _("Raise at least one question to the agency first."),
        "unanswered_questions": lambda: ngettext(
            "%(num)d question is not answered yet.",
            "%(num)d questions are not answered yet.",
            p["n"],
        ),
        "unresolved_questions": lambda: ngettext(
            "%(num)d question is not resolved yet.",
            "%(num)d questions are not resolved yet.",
            p["n"],
        ),
        "changed_meanwhile": lambda: _(
            "Someone else changed the submission at the same moment. Reload the page and try again."
        ),
        "no_participants": lambda: _("Choose at least one participating agency first."),
        "unsettled_submissions": lambda: ngettext(
            "%(num)d submission is neither approved nor exempted: %(agencies)s.",
            "%(num)d submissions are neither approved nor exempted: %(agencies)s.",
            p["n"],
            agencies=", ".join(p["agencies"]),
        ),
        "approved_with_errors": lambda: ngettext(
            "%(num)d approved submission breaks a rule and must be reopened and corrected: "
            "%(agencies)s.",
            "%(num)d approved submissions break a rule and must be reopened and corrected: "
            "%(agencies)s.",
            p["n"],
            agencies=", ".join(p["agencies"]),
        ),
    }
    return messages[refusal.code]()


_QUESTION_GENERAL = {
    "submission_not_in_review": _l(
        "A question can be changed, withdrawn or closed only while the submission is in review."
    ),
    "not_from_state": _l("The question is %(state)s: this step is no longer possible."),
    "already_in_state": _l("The question is %(state)s: this step is no longer possible."),
}


def question_refusal_message(trigger: str, refusal: Refusal) -> str:

    entry = QUESTION_WORKFLOW.triggers.get(trigger)
    specific = entry.refusals.get(refusal.code) if entry else None
    if specific is not None:
        return _(specific)
    if refusal.code in _QUESTION_GENERAL:
        state = str(question_status_label(refusal.params.get("state", ""))).lower()
        return str(_QUESTION_GENERAL[refusal.code]) % {"state": state}
    if refusal.code == "role":
        return _("Only %(roles)s may do this.", roles=_roles(refusal.params["roles"]))
    return refusal_message(refusal)
