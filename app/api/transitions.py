"""Moving a submission or a cycle along its workflow: the same transitions the pages fire."""

from flask import jsonify
from flask_babel import gettext as _

from app.api import schemas
from app.api.loaders import visible_cycle, visible_submission
from app.api.operation import body, forbidden, not_found, operation
from app.api.problems import ApiProblem
from app.cycles.operations import CycleTransitionRefused, fire_cycle_transition
from app.roles import Role
from app.submissions.transitions import SubmissionNotFound, TransitionRefused, fire_transition
from app.workflow_messages import refusal_message

FORBIDDEN_REFUSALS = {"role", "not_own_agency"}


def _trigger_and_comment(sent: dict) -> tuple[str, str]:
    trigger, comment = sent["trigger"], sent.get("comment") or ""
    if not isinstance(trigger, str) or not isinstance(comment, str):
        raise ApiProblem(400, "bad_json", _("trigger and comment are texts."))
    return trigger, comment


@operation(
    "/cycles/{year}/submissions/{org_number}/transitions",
    "POST",
    "Move the submission along the workflow",
    "whoever the workflow allows for the trigger (README lists them)",
    request=schemas.SUBMISSION_TRANSITION,
    responses={200: ("The new status", schemas.TRANSITION_DONE)},
)
def submission_transition(user, year, org_number):
    trigger, comment = _trigger_and_comment(body(required=("trigger",)))
    submission = visible_submission(user, year, org_number)
    try:
        submission = fire_transition(submission.id, trigger, user, comment)
    except SubmissionNotFound:
        raise not_found() from None
    except TransitionRefused as refused:
        status = 403 if refused.refusal.code in FORBIDDEN_REFUSALS else 409
        raise ApiProblem(status, refused.refusal.code, refusal_message(refused.refusal)) from None
    return jsonify({"status": submission.status, "version": submission.version})


@operation(
    "/cycles/{year}/transitions",
    "POST",
    "Move the cycle along its workflow (open, close, approve, publish)",
    "administrators",
    request=schemas.CYCLE_TRANSITION,
    responses={200: ("The cycle's new status", schemas.CYCLE_TRANSITION_DONE)},
)
def cycle_transition(user, year):
    sent = body(required=("trigger",))
    if user.role != Role.ADMIN:
        raise forbidden()
    visible_cycle(user, year)
    trigger, comment = _trigger_and_comment(sent)
    try:
        cycle = fire_cycle_transition(year, trigger, user, comment)
    except CycleTransitionRefused as refused:
        raise ApiProblem(
            409, refused.refusal.code, refusal_message(refused.refusal, cycle=True)
        ) from None
    return jsonify({"status": cycle.status})
