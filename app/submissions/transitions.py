"""Firing a submission transition: one transaction, the row locked, the workflow deciding.

The caller commits (or rolls back on refusal). Nothing is written unless the whole
transition is allowed.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from app.audit.operations import record_submission_event
from app.effects import (
    CLARIFICATION_REQUESTED,
    QUESTION_COUNTS,
    SUBMISSION_TRANSITION,
    announce,
    ask,
)
from app.extensions import db
from app.submissions.access import readable_submission
from app.submissions.answers import blocking_error_count
from app.submissions.models import Submission
from app.submissions.projects import set_baselines
from app.timeutil import today_in_stockholm, utcnow
from workflows.calendar import add_working_days
from workflows.rules import Refusal
from workflows.submission import SUBMISSION_WORKFLOW, SubmissionFacts


class TransitionRefused(Exception):
    def __init__(self, refusal: Refusal):
        super().__init__(refusal.code)
        self.refusal = refusal


class SubmissionNotFound(Exception):
    pass


def facts_for(
    submission: Submission, actor, reason: str = "", blocking_errors: int | None = None
) -> SubmissionFacts:
    counts = ask(QUESTION_COUNTS, submission_id=submission.id)  # the review part's
    return SubmissionFacts(
        actor_role=actor.role,
        actor_is_owner=actor.is_agency_user and actor.agency_id == submission.agency_id,
        cycle_status=submission.cycle.status,
        blocking_errors=blocking_error_count(submission)
        if blocking_errors is None
        else blocking_errors,
        open_questions=counts.open,
        unanswered_questions=counts.open,
        unresolved_questions=counts.unresolved,
        reason=reason,
    )


def fire_transition(submission_id: int, trigger: str, actor, reason: str = "") -> Submission:
    """Move the submission along the workflow, or raise TransitionRefused with the reason."""
    # The state as it is now, under the lock.
    submission = readable_submission(actor, submission_id, lock=True)
    if submission is None:
        raise SubmissionNotFound(submission_id)
    refusal = SUBMISSION_WORKFLOW.check(
        trigger, submission.status, facts_for(submission, actor, reason)
    )
    if refusal is not None:
        raise TransitionRefused(refusal)
    before = submission.status
    submission.status = SUBMISSION_WORKFLOW.fire(trigger, before)
    effect = EFFECTS.get(trigger)
    if effect is not None:
        effect(submission, actor, utcnow())
    event = record_submission_event(
        "transition",
        trigger,
        actor,
        submission,
        from_value=before,
        to_value=submission.status,
        comment=reason,
    )
    try:
        db.session.flush()
    except StaleDataError:
        # Someone else changed the row after we read it; the lock makes this rare.
        raise TransitionRefused(Refusal("changed_meanwhile")) from None
    # In the same transaction: the messages exist if and only if the transition does.
    announce(SUBMISSION_TRANSITION, submission=submission, trigger=trigger, event_id=event.id)
    return submission


# What each trigger does besides moving the state, declared next to the workflow's table:
# one small function per trigger (submission, actor, now), run in the transition's
# transaction before the audit event. A trigger without an entry only moves the state.
def _submitted(submission: Submission, actor, now) -> None:
    set_baselines(submission)
    submission.submitted_at = now
    submission.submitted_late = today_in_stockholm() > submission.cycle.submission_deadline


def _back_to_draft(submission: Submission, actor, now) -> None:
    submission.submitted_at, submission.submitted_late = None, False


def _review_started(submission: Submission, actor, now) -> None:
    submission.reviewer_id, submission.review_started_at = actor.id, now


def _clarification_requested(submission: Submission, actor, now) -> None:
    announce(CLARIFICATION_REQUESTED, submission=submission, actor=actor)  # sends the questions
    submission.clarification_requested_at, submission.clarification_answered_at = now, None
    submission.clarification_due_on = add_working_days(
        today_in_stockholm(), submission.cycle.clarification_response_days
    )


def _clarification_answered(submission: Submission, actor, now) -> None:
    set_baselines(submission)  # a project added in clarification: its plan is sent now
    submission.clarification_answered_at = now


def _approved(submission: Submission, actor, now) -> None:
    submission.approved_at = now


def _reopened(submission: Submission, actor, now) -> None:
    submission.approved_at = None


EFFECTS: dict[str, Callable[[Submission, Any, datetime], None]] = {
    "submit": _submitted,
    "withdraw": _back_to_draft,
    "start_review": _review_started,
    "request_clarification": _clarification_requested,
    "answer_clarification": _clarification_answered,
    "approve": _approved,
    "reopen": _reopened,
    "reinstate": _back_to_draft,
}


def available_actions(
    submission: Submission, actor, blocking_errors: int | None = None
) -> tuple[list[str], dict[str, Refusal]]:
    """The triggers this user may fire now, and for the others of their role, why not."""
    facts = facts_for(submission, actor, blocking_errors=blocking_errors)
    allowed, blocked = [], {}
    for trigger in SUBMISSION_WORKFLOW.triggers_from(submission.status, actor.role):
        refusal = SUBMISSION_WORKFLOW.check(trigger, submission.status, facts)
        if refusal is None or refusal.code == "reason_required":
            allowed.append(trigger)
        elif refusal.code != "not_own_agency":
            blocked[trigger] = refusal
    return allowed, blocked
