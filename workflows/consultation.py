"""The consultation workflow: the authority sends a planned cycle's draft questionnaire to the
agencies for comments, answers them and records what it decided.

new ─open─▶ open ─close─▶ closed ─record─▶ recorded
              ├─comment, withdraw_comment (agencies, before the deadline)
              └─(closed) answer, decide (the authority)

An agency comments on an item or in general while the consultation is open and its deadline
has not passed, and only while the cycle is still planned; the authority answers each comment
and decides on each commented item once the consultation is closed, and records the outcome
when every comment has its answer and every commented item its decision. The service gathers
the facts; this module decides. No Flask, no SQL.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from workflows.cycle import ADMIN, CycleStatus
from workflows.rules import N_, Refusal, State, T, Trigger, Workflow

AGENCY_EDITOR = "agency_editor"


class ConsultationStatus(StrEnum):
    NEW = "new"  # before it exists: the source of `open`, never stored
    OPEN = "open"
    CLOSED = "closed"
    RECORDED = "recorded"


class Outcome(StrEnum):
    """What the authority decided on an item after the comments."""

    ADOPTED = "adopted"  # the draft stands as sent
    CHANGED = "changed"  # the draft was changed after the comments
    NOT_ADOPTED = "not_adopted"  # the item was dropped, or the proposal not taken up


@dataclass(frozen=True)
class ConsultationFacts:
    actor_role: str
    cycle_status: str
    today: date | None = None
    deadline: date | None = None
    reason: str = ""  # the comment's, answer's or decision's text
    unanswered: int = 0  # comments without the authority's answer
    undecided: int = 0  # commented items without a decision


def cycle_planned(facts: ConsultationFacts) -> Refusal | None:
    if facts.cycle_status != CycleStatus.PLANNED:
        return Refusal("cycle_not_planned", {"cycle_status": facts.cycle_status})
    return None


def deadline_ahead(facts: ConsultationFacts) -> Refusal | None:
    """Opening: the deadline is a day to come."""
    if facts.deadline is None or facts.today is None or facts.deadline <= facts.today:
        return Refusal("deadline_not_ahead")
    return None


def before_deadline(facts: ConsultationFacts) -> Refusal | None:
    """Commenting: up to and including the deadline's day."""
    if facts.deadline is not None and facts.today is not None and facts.today > facts.deadline:
        return Refusal("deadline_passed", {"deadline": facts.deadline})
    return None


def every_comment_answered(facts: ConsultationFacts) -> Refusal | None:
    if facts.unanswered:
        return Refusal("unanswered_comments", {"n": facts.unanswered})
    return None


def every_item_decided(facts: ConsultationFacts) -> Refusal | None:
    if facts.undecided:
        return Refusal("undecided_items", {"n": facts.undecided})
    return None


S = ConsultationStatus
AUTHORITY, EDITOR = frozenset({ADMIN}), frozenset({AGENCY_EDITOR})
COMMENTING = (cycle_planned, before_deadline)

TRANSITIONS = [
    # trigger             sources      dest        who        guards
    T("open",             (S.NEW,),    S.OPEN,     AUTHORITY, (cycle_planned, deadline_ahead)),
    T("comment",          (S.OPEN,),   S.OPEN,     EDITOR,    COMMENTING, reason_required=True),
    T("withdraw_comment", (S.OPEN,),   S.OPEN,     EDITOR,    COMMENTING),
    T("close",            (S.OPEN,),   S.CLOSED,   AUTHORITY),
    T("answer",           (S.CLOSED,), S.CLOSED,   AUTHORITY, reason_required=True),
    T("decide",           (S.CLOSED,), S.CLOSED,   AUTHORITY, reason_required=True),
    T("record",           (S.CLOSED,), S.RECORDED, AUTHORITY, (every_comment_answered, every_item_decided)),
]  # fmt: skip

# `new` is never stored nor shown; it has an entry so every state of the table has one.
STATES: dict[str, State] = {
    S.NEW:      State(N_("Not started"), "neutral"),
    S.OPEN:     State(N_("Open for comments"), "progress"),
    S.CLOSED:   State(N_("Closed, being answered"), "attention"),
    S.RECORDED: State(N_("Decided and recorded"), "success"),
}  # fmt: skip

NOT_PLANNED = N_("The cycle has opened: its questionnaire is settled and no longer consulted on.")
TRIGGERS = {
    "open": Trigger(
        N_("Send out for comments"),
        N_("The draft questionnaire has been sent to the agencies for comments."),
        N_("Consultation opened"),
        refusals={
            "cycle_not_planned": N_("Only a planned cycle's questionnaire can be sent out for comments."),
            "deadline_not_ahead": N_("Give a deadline after today."),
            "already_in_state": N_("The questionnaire has already been sent out for comments."),
            "not_from_state": N_("The questionnaire has already been sent out for comments."),
        },
    ),
    "comment": Trigger(
        N_("Send the comment"),
        N_("Your comment has been sent to the authority."),
        N_("Comment made"),
        refusals={
            "cycle_not_planned": NOT_PLANNED,
            "deadline_passed": N_("The deadline for comments has passed."),
            "not_from_state": N_("The consultation is closed: comments are no longer taken."),
            "reason_required": N_("Write your comment."),
        },
    ),
    "withdraw_comment": Trigger(
        N_("Withdraw the comment"),
        N_("Your comment has been withdrawn."),
        N_("Comment withdrawn"),
        refusals={
            "cycle_not_planned": NOT_PLANNED,
            "deadline_passed": N_("The deadline for comments has passed: the comment stays."),
            "not_from_state": N_("The consultation is closed: the comment stays."),
            "answered": N_("The authority has answered the comment: it stays."),
        },
    ),
    "close": Trigger(
        N_("Close for comments"),
        N_("The consultation is closed. Answer the comments and decide on each item."),
        N_("Consultation closed"),
        refusals={"not_from_state": N_("The consultation is not open.")},
    ),
    "answer": Trigger(
        N_("Save the answer"),
        N_("The answer has been saved."),
        N_("Comment answered"),
        refusals={
            "not_from_state": N_("Comments are answered once the consultation is closed, until the outcome is recorded."),
            "reason_required": N_("Write the answer."),
        },
    ),
    "decide": Trigger(
        N_("Save the decision"),
        N_("The decision has been saved."),
        N_("Decision made"),
        refusals={
            "not_from_state": N_("Decisions are made once the consultation is closed, until the outcome is recorded."),
            "reason_required": N_("Give the reason for the decision."),
        },
    ),
    "record": Trigger(
        N_("Record the outcome"),
        N_("The outcome of the consultation is recorded. It is kept with the cycle and frozen with its dataset."),
        N_("Consultation recorded"),
        refusals={
            "unanswered_comments": N_("Every comment needs an answer before the outcome is recorded."),
            "undecided_items": N_("Every commented item needs a decision before the outcome is recorded."),
            "not_from_state": N_("Close the consultation first."),
            "already_in_state": N_("The outcome is already recorded."),
        },
    ),
}  # fmt: skip

OUTCOMES = {
    Outcome.ADOPTED: N_("Adopted as proposed"),
    Outcome.CHANGED: N_("Changed after the comments"),
    Outcome.NOT_ADOPTED: N_("Not adopted"),
}

CONSULTATION_WORKFLOW = Workflow(STATES, TRANSITIONS, TRIGGERS)
