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

from workflows.rules import Refusal, T, Workflow
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

QUESTION_WORKFLOW = Workflow([q.value for q in Q], TRANSITIONS, agency_acts_on_its_own)
