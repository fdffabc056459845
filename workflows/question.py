"""The question workflow: a reviewer's question on a submission, from raised to settled.

new ─raise─▶ open ─answer─▶ answered ─resolve─▶ resolved
               │  ▲            │
               │  └─send_back──┘
               ├─edit (not yet sent)
               ├─withdraw (not yet sent) ─▶ withdrawn
               └─close (sent, no answer) ─▶ closed

A clarification round carries every open question to the agency (`sent`); until then the
question is the reviewer's draft, which they may edit or withdraw. The service gathers the
facts; this module decides. No Flask, no SQL.
"""

from dataclasses import dataclass
from enum import StrEnum

from workflows.rules import N_, Refusal, State, T, Trigger, Workflow
from workflows.submission import AGENCY_EDITOR, REVIEWER, SubmissionStatus


class QuestionStatus(StrEnum):
    NEW = "new"  # before it exists: the source of `raise`, never stored
    OPEN = "open"
    ANSWERED = "answered"
    RESOLVED = "resolved"
    WITHDRAWN = "withdrawn"  # taken back before any round carried it
    CLOSED = "closed"  # settled without an answer, with the reviewer's reason


# Questions that still need something from someone: they block approval.
UNSETTLED = frozenset({QuestionStatus.OPEN, QuestionStatus.ANSWERED})


@dataclass(frozen=True)
class QuestionFacts:
    actor_role: str
    actor_is_owner: bool  # an agency user of the submission's own agency
    submission_status: str
    sent: bool = False  # a clarification round has carried it to the agency
    reason: str = ""


def submission_in_review(facts: QuestionFacts) -> Refusal | None:
    if facts.submission_status != SubmissionStatus.IN_REVIEW:
        return Refusal("submission_not_in_review", {"state": facts.submission_status})
    return None


def submission_in_clarification(facts: QuestionFacts) -> Refusal | None:
    if facts.submission_status != SubmissionStatus.CLARIFICATION:
        return Refusal("submission_not_in_clarification", {"state": facts.submission_status})
    return None


def not_yet_sent(facts: QuestionFacts) -> Refusal | None:
    if facts.sent:
        return Refusal("already_sent")
    return None


def already_sent(facts: QuestionFacts) -> Refusal | None:
    if not facts.sent:
        return Refusal("not_sent")
    return None


def agency_acts_on_its_own(facts: QuestionFacts) -> Refusal | None:
    if facts.actor_role == AGENCY_EDITOR and not facts.actor_is_owner:
        return Refusal("not_own_agency")
    return None


Q = QuestionStatus
REVIEWERS, EDITOR = frozenset({REVIEWER}), frozenset({AGENCY_EDITOR})
IN_REVIEW, IN_CLARIFICATION = submission_in_review, submission_in_clarification

TRANSITIONS = [
    # trigger      sources                  dest          who        guards
    T("raise",     (Q.NEW,),                Q.OPEN,       REVIEWERS, (IN_REVIEW,)),
    T("edit",      (Q.OPEN,),               Q.OPEN,       REVIEWERS, (IN_REVIEW, not_yet_sent)),
    T("withdraw",  (Q.OPEN,),               Q.WITHDRAWN,  REVIEWERS, (IN_REVIEW, not_yet_sent), reason_required=True),
    T("answer",    (Q.OPEN, Q.ANSWERED),    Q.ANSWERED,   EDITOR,    (IN_CLARIFICATION, already_sent)),
    T("resolve",   (Q.ANSWERED,),           Q.RESOLVED,   REVIEWERS, (IN_REVIEW,), reason_required=True),
    T("send_back", (Q.ANSWERED,),           Q.OPEN,       REVIEWERS, (IN_REVIEW,), reason_required=True),
    T("close",     (Q.OPEN,),               Q.CLOSED,     REVIEWERS, (IN_REVIEW, already_sent), reason_required=True),
]  # fmt: skip

# `new` is never stored nor shown; it has an entry so every state of the table has one.
STATES: dict[str, State] = {
    Q.NEW:       State(N_("New"), "neutral"),
    Q.OPEN:      State(N_("Open"), "attention"),
    Q.ANSWERED:  State(N_("Answered"), "info"),
    Q.RESOLVED:  State(N_("Resolved"), "success"),
    Q.WITHDRAWN: State(N_("Withdrawn"), "muted"),
    Q.CLOSED:    State(N_("Closed without an answer"), "muted"),
}  # fmt: skip

NOT_IN_REVIEW = "submission_not_in_review"
TRIGGERS = {
    "raise": Trigger(
        N_("Raise a question"),
        N_("The question has been added. It reaches the agency when you request clarification."),
        N_("Question raised"),
        step=("raised", N_("Question from")),
        refusals={NOT_IN_REVIEW: N_("Questions can be raised only while the submission is in review.")},
    ),
    "edit": Trigger(
        N_("Save the question"),
        N_("The question has been changed."),
        N_("Question changed"),
        step=("edited", N_("Question changed by")),
        refusals={"already_sent": N_("The question has already been sent to the agency: it can no longer be changed. Close it with a reason instead.")},
    ),
    "withdraw": Trigger(
        N_("Withdraw the question"),
        N_("The question has been withdrawn. The agency never sees it."),
        N_("Question withdrawn"),
        step=("withdrawn", N_("Withdrawn by")),
        refusals={
            "already_sent": N_("The question has already been sent to the agency: it can no longer be withdrawn. Close it with a reason instead."),
            "reason_required": N_("Say why the question is withdrawn."),
        },
    ),
    "answer": Trigger(
        N_("Save the answer"),
        N_("Your answer has been saved."),
        N_("Question answered"),
        step=("answered", N_("Answer from")),
        refusals={
            "submission_not_in_clarification": N_("Questions can be answered only during a clarification round."),
            "not_sent": N_("The question has not been sent to your agency."),
        },
    ),
    "resolve": Trigger(
        N_("Mark as resolved"),
        N_("The question is resolved."),
        N_("Question resolved"),
        step=("resolved", N_("Resolved by")),
        refusals={
            NOT_IN_REVIEW: N_("Questions can be resolved only while the submission is in review."),
            "not_from_state": N_("Only an answered question can be resolved."),
            "already_in_state": N_("Only an answered question can be resolved."),
            "reason_required": N_("Say why the answer settles the question."),
        },
    ),
    "send_back": Trigger(
        N_("Send back to the agency"),
        N_("The question is open again; it goes to the agency with the next clarification round."),
        N_("Question sent back"),
        step=("sent_back", N_("Sent back by")),
        refusals={
            NOT_IN_REVIEW: N_("A question can be sent back only while the submission is in review."),
            "not_from_state": N_("Only an answered question can be sent back."),
            "already_in_state": N_("Only an answered question can be sent back."),
            "reason_required": N_("Say what is still unclear."),
        },
    ),
    "close": Trigger(
        N_("Close the question"),
        N_("The question is closed without an answer."),
        N_("Question closed without an answer"),
        step=("closed", N_("Closed without an answer by")),
        refusals={
            "not_sent": N_("The question has not been sent to the agency yet: withdraw it instead."),
            "reason_required": N_("Say why the question is closed without an answer."),
        },
    ),
}  # fmt: skip

QUESTION_WORKFLOW = Workflow(STATES, TRANSITIONS, TRIGGERS, agency_acts_on_its_own)
