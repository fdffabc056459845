"""What a refused transition says to the user, in their language."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.labels import (
    cycle_status_label,
    question_status_label,
    role_label,
    submission_status_label,
)
from workflows.rules import Refusal

TRIGGERS = {
    "submit": _l("Submit"),
    "withdraw": _l("Withdraw"),
    "start_review": _l("Start the review"),
    "request_clarification": _l("Request clarification"),
    "answer_clarification": _l("Send the answers"),
    "approve": _l("Approve"),
    "reopen": _l("Reopen"),
    "exempt": _l("Exempt from the cycle"),
    "reinstate": _l("Reinstate"),
    "open": _l("Open the cycle"),
    "close": _l("Close the cycle"),
    "publish": _l("Publish"),
}
CYCLE_TRIGGERS = {
    "approve": _l("Approve and freeze the cycle"),
    "reopen": _l("Reopen the cycle"),
}


# What a transition that went through says, in plain words ("Inlämningen är mottagen"), not
# "Klart: Lämna in.".
DONE = {
    "submit": _l(
        "The submission has been received. A reviewer at the authority goes through it and "
        "asks you if anything is unclear; you hear from us by e-mail."
    ),
    "withdraw": _l("The submission has been withdrawn and is a draft again."),
    "start_review": _l("You have started the review."),
    "request_clarification": _l("The questions have been sent to the agency."),
    "answer_clarification": _l("Your answers have been sent to the reviewer."),
    "approve": _l("The submission is approved."),
    "reopen": _l("The submission is open for review again."),
    "exempt": _l("The agency is exempted from the cycle."),
    "reinstate": _l("The agency takes part again; its submission is a draft."),
}
CYCLE_DONE = {
    "open": _l("The cycle is open and the invitations are on their way."),
    "close": _l("The cycle is closed."),
    "reopen": _l("The cycle is open again."),
    "approve": _l("The cycle is approved and its dataset frozen."),
    "publish": _l("The cycle is published."),
}


def done_message(trigger: str, cycle: bool = False) -> str:
    return str((CYCLE_DONE if cycle else DONE)[trigger])


def trigger_label(trigger: str, cycle: bool = False):
    if cycle and trigger in CYCLE_TRIGGERS:
        return CYCLE_TRIGGERS[trigger]
    return TRIGGERS.get(trigger, trigger)


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


# What a refused step on a question says: the wording of each trigger where it has its own.
_QUESTION_MESSAGES = {
    ("raise", "submission_not_in_review"): _l(
        "Questions can be raised only while the submission is in review."
    ),
    ("answer", "submission_not_in_clarification"): _l(
        "Questions can be answered only during a clarification round."
    ),
    ("answer", "not_sent"): _l("The question has not been sent to your agency."),
    ("resolve", "submission_not_in_review"): _l(
        "Questions can be resolved only while the submission is in review."
    ),
    ("resolve", "not_from_state"): _l("Only an answered question can be resolved."),
    ("resolve", "already_in_state"): _l("Only an answered question can be resolved."),
    ("resolve", "reason_required"): _l("Say why the answer settles the question."),
    ("send_back", "submission_not_in_review"): _l(
        "A question can be sent back only while the submission is in review."
    ),
    ("send_back", "not_from_state"): _l("Only an answered question can be sent back."),
    ("send_back", "already_in_state"): _l("Only an answered question can be sent back."),
    ("send_back", "reason_required"): _l("Say what is still unclear."),
    ("edit", "already_sent"): _l(
        "The question has already been sent to the agency: it can no longer be changed. "
        "Close it with a reason instead."
    ),
    ("withdraw", "already_sent"): _l(
        "The question has already been sent to the agency: it can no longer be withdrawn. "
        "Close it with a reason instead."
    ),
    ("withdraw", "reason_required"): _l("Say why the question is withdrawn."),
    ("close", "not_sent"): _l(
        "The question has not been sent to the agency yet: withdraw it instead."
    ),
    ("close", "reason_required"): _l("Say why the question is closed without an answer."),
}
_QUESTION_GENERAL = {
    "submission_not_in_review": _l(
        "A question can be changed, withdrawn or closed only while the submission is in review."
    ),
    "not_from_state": _l("The question is %(state)s: this step is no longer possible."),
    "already_in_state": _l("The question is %(state)s: this step is no longer possible."),
}


def question_refusal_message(trigger: str, refusal: Refusal) -> str:

    specific = _QUESTION_MESSAGES.get((trigger, refusal.code))
    if specific is not None:
        return str(specific)
    if refusal.code in _QUESTION_GENERAL:
        state = str(question_status_label(refusal.params.get("state", ""))).lower()
        return str(_QUESTION_GENERAL[refusal.code]) % {"state": state}
    if refusal.code == "role":
        return _("Only %(roles)s may do this.", roles=_roles(refusal.params["roles"]))
    return refusal_message(refusal)
