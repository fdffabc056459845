"""The submission workflow: one table of who may move a submission where, and when.

The service gathers the facts under the row lock; this module decides. No Flask, no SQL.
"""

from dataclasses import dataclass
from enum import StrEnum

from workflows.cycle import FROZEN_STATES, CycleStatus
from workflows.rules import N_, NP_, Notice, Refusal, State, T, Trigger, Workflow


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

# Each state: its name, its tag's style, and what happens next (agency's view, authority's).
STATES: dict[str, State] = {
    S.DRAFT: State(N_("Draft"), "neutral", (
        N_("Your agency fills in the data and an editor submits it before the deadline."),
        N_("The agency is filling in its data."),
    )),
    S.SUBMITTED: State(N_("Submitted"), "info", (
        N_("The authority will start its review. Until then an editor can withdraw the submission to change it."),
        N_("Waiting for a reviewer to start the review."),
    )),
    S.IN_REVIEW: State(N_("In review"), "progress", (
        N_("A reviewer at the authority is reviewing the data. If they have questions, you will be asked to answer them."),
        N_("The reviewer raises any questions, then requests clarification or approves."),
    )),
    S.CLARIFICATION: State(N_("Clarification"), "attention", (
        N_("The authority has questions. Answer every question, then send the answers."),
        N_("Waiting for the agency to answer the questions."),
    )),
    S.APPROVED: State(N_("Approved"), "success", (
        N_("The submission is approved. Nothing more is needed from your agency."),
        N_("Approved. An administrator can reopen it, with a reason, until the cycle is frozen."),
    )),
    S.EXEMPTED: State(N_("Exempted"), "muted", (
        N_("Your agency does not need to report in this cycle."),
        N_("Exempted from the cycle. An administrator can reinstate it."),
    )),
}  # fmt: skip

# Each trigger: its button, what a transition that went through says, its name in the
# history, and the message it sends.
TRIGGERS = {
    "submit": Trigger(
        N_("Submit"),
        N_("The submission has been received. A reviewer at the authority goes through it and asks you if anything is unclear; you hear from us by e-mail."),
        N_("Submitted"),
        Notice(
            "agency",
            N_("Submission confirmed"),
            N_("Granska: %(agency)s has submitted for %(year)d"),
            N_("%(agency)s has submitted its data for %(year)d. Thank you! The review starts now."),
            N_("%(agency)s: the submission for %(year)d has been submitted."),
        ),
    ),
    "withdraw": Trigger(
        N_("Withdraw"), N_("The submission has been withdrawn and is a draft again."), N_("Withdrawn")
    ),
    "start_review": Trigger(
        N_("Start the review"), N_("You have started the review."), N_("Review started")
    ),
    "request_clarification": Trigger(
        N_("Request clarification"),
        N_("The questions have been sent to the agency."),
        N_("Clarification requested"),
        Notice(
            "agency",
            N_("Clarification requested"),
            N_("Granska: questions on %(agency)s's submission %(year)d"),
            NP_(
                "The authority has %(num)d question on %(agency)s's data for %(year)d. Answer it and send the answer in Granska by %(date)s.",
                "The authority has %(num)d questions on %(agency)s's data for %(year)d. Answer them and send the answers in Granska by %(date)s.",
            ),
            N_("%(agency)s: the reviewer has questions on the submission for %(year)d."),
            required=True,
            inbox_due=N_("%(agency)s: the reviewer has questions on the submission for %(year)d. Answer them by %(date)s."),
        ),
    ),
    "answer_clarification": Trigger(
        N_("Send the answers"),
        N_("Your answers have been sent to the reviewer."),
        N_("Answers sent"),
        Notice(
            "reviewer",
            N_("Answers received"),
            N_("Granska: %(agency)s has answered the questions (%(year)d)"),
            N_("%(agency)s has answered the questions on its data for %(year)d."),
            N_("%(agency)s has answered the questions on the submission for %(year)d."),
        ),
    ),
    "approve": Trigger(
        N_("Approve"),
        N_("The submission is approved."),
        N_("Approved"),
        Notice(
            "agency",
            N_("Approval"),
            N_("Granska: %(agency)s's submission %(year)d is approved"),
            N_("%(agency)s's data for %(year)d are approved. Nothing more is needed."),
            N_("%(agency)s: the submission for %(year)d is approved."),
        ),
    ),
    "reopen": Trigger(
        N_("Reopen"),
        N_("The submission is open for review again."),
        N_("Reopened"),
        Notice(
            "agency",
            N_("Reopened"),
            N_("Granska: %(agency)s's submission %(year)d has been reopened"),
            N_("%(agency)s's data for %(year)d have been reopened for review."),
            N_("%(agency)s: the submission for %(year)d has been reopened."),
        ),
    ),
    "exempt": Trigger(
        N_("Exempt from the cycle"), N_("The agency is exempted from the cycle."), N_("Exempted")
    ),
    "reinstate": Trigger(
        N_("Reinstate"), N_("The agency takes part again; its submission is a draft."), N_("Reinstated")
    ),
}  # fmt: skip

SUBMISSION_WORKFLOW = Workflow(STATES, TRANSITIONS, TRIGGERS, agency_acts_on_its_own)

# States in which the submission counts as done for the cycle's approval.
SETTLED_STATES = frozenset({S.APPROVED, S.EXEMPTED})
