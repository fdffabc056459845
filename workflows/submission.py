"""The submission workflow: one table of who may move a submission where, and when.

The service gathers the facts under the row lock; this module decides. No Flask, no SQL.
"""

from dataclasses import dataclass
from enum import StrEnum

from workflows.cycle import FROZEN_STATES, CycleStatus
from workflows.rules import Refusal, T, Workflow


class SubmissionStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CLARIFICATION = "clarification"
    APPROVED = "approved"
    EXEMPTED = "exempted"


AGENCY_EDITOR, REVIEWER, ADMIN = "agency_editor", "reviewer", "admin"


@dataclass(frozen=True)
class SubmissionFacts:
    """What the guards need to know about one submission at the moment of the transition."""

    actor_role: str
    actor_is_owner: bool  # an agency user of the submission's own agency
    cycle_status: str
    blocking_errors: int = 0
    open_questions: int = 0  # addressed to the agency, not yet answered
    unanswered_questions: int = 0
    unresolved_questions: int = 0  # open, or answered but not yet resolved
    reason: str = ""


def cycle_is_open(facts: SubmissionFacts) -> Refusal | None:
    if facts.cycle_status != CycleStatus.OPEN:
        return Refusal("cycle_not_open", {"cycle_status": facts.cycle_status})
    return None


def cycle_is_not_frozen(facts: SubmissionFacts) -> Refusal | None:
    if facts.cycle_status in FROZEN_STATES:
        return Refusal("cycle_frozen", {"cycle_status": facts.cycle_status})
    return None


def has_no_blocking_errors(facts: SubmissionFacts) -> Refusal | None:
    if facts.blocking_errors:
        return Refusal("blocking_errors", {"n": facts.blocking_errors})
    return None


def has_open_questions(facts: SubmissionFacts) -> Refusal | None:
    if not facts.open_questions:
        return Refusal("no_open_questions")
    return None


def every_question_answered(facts: SubmissionFacts) -> Refusal | None:
    if facts.unanswered_questions:
        return Refusal("unanswered_questions", {"n": facts.unanswered_questions})
    return None


def no_unresolved_question(facts: SubmissionFacts) -> Refusal | None:
    if facts.unresolved_questions:
        return Refusal("unresolved_questions", {"n": facts.unresolved_questions})
    return None


def agency_acts_on_its_own(facts: SubmissionFacts) -> Refusal | None:
    if facts.actor_role == AGENCY_EDITOR and not facts.actor_is_owner:
        return Refusal("not_own_agency")
    return None


S = SubmissionStatus
EDITOR, REVIEWERS, ADMINS = frozenset({AGENCY_EDITOR}), frozenset({REVIEWER}), frozenset({ADMIN})
OPEN, NOT_FROZEN = cycle_is_open, cycle_is_not_frozen

TRANSITIONS = [
    # trigger                  sources                dest              who        guards
    T("submit",                (S.DRAFT,),            S.SUBMITTED,      EDITOR,    (OPEN, has_no_blocking_errors)),
    T("withdraw",              (S.SUBMITTED,),        S.DRAFT,          EDITOR,    (OPEN,)),
    T("start_review",          (S.SUBMITTED,),        S.IN_REVIEW,      REVIEWERS, (NOT_FROZEN,)),
    T("request_clarification", (S.IN_REVIEW,),        S.CLARIFICATION,  REVIEWERS, (NOT_FROZEN, has_open_questions)),
    T("answer_clarification",  (S.CLARIFICATION,),    S.IN_REVIEW,      EDITOR,    (NOT_FROZEN, every_question_answered, has_no_blocking_errors)),
    T("approve",               (S.IN_REVIEW,),        S.APPROVED,       REVIEWERS, (NOT_FROZEN, no_unresolved_question, has_no_blocking_errors)),
    T("reopen",                (S.APPROVED,),         S.IN_REVIEW,      ADMINS,    (NOT_FROZEN,), reason_required=True),
    T("exempt",                (S.DRAFT, S.SUBMITTED), S.EXEMPTED,      ADMINS,    (NOT_FROZEN,), reason_required=True),
    T("reinstate",             (S.EXEMPTED,),         S.DRAFT,          ADMINS,    (NOT_FROZEN,)),
]  # fmt: skip

SUBMISSION_WORKFLOW = Workflow([s.value for s in S], TRANSITIONS, agency_acts_on_its_own)

# States in which the submission counts as done for the cycle's approval.
SETTLED_STATES = frozenset({S.APPROVED, S.EXEMPTED})
