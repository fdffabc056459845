"""What the submissions part does when a cycle moves (app/effects.py), and the facts about a
cycle's submissions it supplies to the cycle's guards: opening a cycle writes a draft per
participant and announces them, so each agency is invited; approving one needs every
submission settled and every approved one within the rules."""

from sqlalchemy import func, insert, select

from app.accounts.models import Agency, User
from app.cycles.models import Cycle
from app.cycles.operations import participant_ids
from app.effects import (
    CYCLE_OPENED,
    CYCLE_TRANSITION,
    INVALID_AGENCIES,
    UNSETTLED_AGENCIES,
    announce,
    subscribe,
    supplies,
)
from app.extensions import db
from app.submissions.answers import submissions_breaking_rules
from app.submissions.models import Submission
from workflows.submission import SETTLED_STATES, SubmissionStatus


@subscribe(CYCLE_TRANSITION)
def open_drafts(cycle: Cycle, trigger: str, actor: User) -> None:
    if trigger == "open":
        _create_drafts(cycle)
        _invite_participants(cycle)


def _create_drafts(cycle: Cycle) -> None:
    existing = set(
        db.session.scalars(select(Submission.agency_id).where(Submission.cycle_id == cycle.id))
    )
    rows = [
        {"cycle_id": cycle.id, "agency_id": agency_id, "status": "draft", "version": 1}
        for agency_id in participant_ids(cycle)
        if agency_id not in existing
    ]
    if rows:  # one executemany, not one INSERT per agency
        db.session.execute(insert(Submission), rows)


def _invite_participants(cycle: Cycle) -> None:
    """Each participant hears that the cycle is open, in the same transaction as the opening
    (the notifications part handles CYCLE_OPENED)."""
    db.session.flush()
    submissions = list(
        db.session.scalars(select(Submission).where(Submission.cycle_id == cycle.id))
    )
    announce(CYCLE_OPENED, cycle=cycle, submissions=submissions)


# A refusal names this many of the unsettled agencies and counts the rest: the cycle page
# asks on every view, and 340 names are neither read nor cheap.
NAMED_UNSETTLED = 10


@supplies(UNSETTLED_AGENCIES)
def unsettled_agencies(cycle: Cycle) -> tuple[int, tuple[str, ...]]:
    rows = db.session.execute(
        select(Agency.name, func.count().over())
        .join(Submission, Submission.agency_id == Agency.id)
        .where(
            Submission.cycle_id == cycle.id,
            Submission.status.not_in([str(s) for s in SETTLED_STATES]),
        )
        .order_by(Agency.name)
        .limit(NAMED_UNSETTLED)
    ).all()
    return (rows[0][1] if rows else 0), tuple(name for name, _count in rows)


@supplies(INVALID_AGENCIES)
def invalid_agencies(cycle: Cycle) -> tuple[str, ...]:
    invalid = submissions_breaking_rules(cycle.id, frozenset({SubmissionStatus.APPROVED}))
    if not invalid:
        return ()
    return tuple(
        db.session.scalars(
            select(Agency.name)
            .join(Submission, Submission.agency_id == Agency.id)
            .where(Submission.id.in_(invalid))
            .order_by(Agency.name)
        )
    )
