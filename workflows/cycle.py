"""The cycle workflow: planned → open → closed → approved (frozen) → published.

A closed cycle can be reopened (with a reason) until it is approved: closing too early must
not be a dead end, while an approval freezes the dataset for good."""

from dataclasses import dataclass, field
from enum import StrEnum

from workflows.rules import N_, Refusal, State, T, Trigger, Workflow


class CycleStatus(StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"
    APPROVED = "approved"
    PUBLISHED = "published"


FROZEN_STATES = frozenset({CycleStatus.APPROVED, CycleStatus.PUBLISHED})
ADMIN = "admin"


@dataclass(frozen=True)
class CycleFacts:
    actor_role: str
    participant_count: int = 0
    unsettled_agencies: tuple[str, ...] = field(default_factory=tuple)
    # How many there are, when `unsettled_agencies` names only the first of them (a refusal
    # names a few, not 340); None: as many as are named.
    unsettled_count: int | None = None
    # Approved submissions that break a blocking rule (a rule changed, or a value was stored
    # around the workflow): the dataset would freeze them as they are, so they must be fixed.
    invalid_agencies: tuple[str, ...] = field(default_factory=tuple)
    reason: str = ""


def has_participants(facts: CycleFacts) -> Refusal | None:
    if not facts.participant_count:
        return Refusal("no_participants")
    return None


def every_submission_settled(facts: CycleFacts) -> Refusal | None:
    named = list(facts.unsettled_agencies)
    count = len(named) if facts.unsettled_count is None else facts.unsettled_count
    if count:
        return Refusal(
            "unsettled_submissions",
            {"n": count, "agencies": [*named, "…"] if count > len(named) else named},
        )
    return None


def every_approved_submission_valid(facts: CycleFacts) -> Refusal | None:
    if facts.invalid_agencies:
        return Refusal(
            "approved_with_errors",
            {"n": len(facts.invalid_agencies), "agencies": list(facts.invalid_agencies)},
        )
    return None


C = CycleStatus
TRANSITIONS = [
    T("open",    (C.PLANNED,),  C.OPEN,      frozenset({ADMIN}), (has_participants,)),
    T("close",   (C.OPEN,),     C.CLOSED,    frozenset({ADMIN})),
    T("reopen",  (C.CLOSED,),   C.OPEN,      frozenset({ADMIN}), reason_required=True),
    T("approve", (C.CLOSED,),   C.APPROVED,  frozenset({ADMIN}), (every_submission_settled, every_approved_submission_valid)),
    T("publish", (C.APPROVED,), C.PUBLISHED, frozenset({ADMIN})),
]  # fmt: skip

STATES: dict[str, State] = {
    C.PLANNED:   State(N_("Planned"), "neutral"),
    C.OPEN:      State(N_("Open"), "success"),
    C.CLOSED:    State(N_("Closed"), "attention"),
    C.APPROVED:  State(N_("Approved (frozen)"), "info"),
    C.PUBLISHED: State(N_("Published"), "info"),
}  # fmt: skip

TRIGGERS = {
    "open":    Trigger(N_("Open the cycle"), N_("The cycle is open and the invitations are on their way.")),
    "close":   Trigger(N_("Close the cycle"), N_("The cycle is closed.")),
    "reopen":  Trigger(N_("Reopen the cycle"), N_("The cycle is open again.")),
    "approve": Trigger(N_("Approve and freeze the cycle"), N_("The cycle is approved and its dataset frozen.")),
    "publish": Trigger(N_("Publish"), N_("The cycle is published.")),
}  # fmt: skip

CYCLE_WORKFLOW = Workflow(STATES, TRANSITIONS, TRIGGERS)
