"""A cycle's progress for the administrator's pages, read from its submissions: the count per
status of every cycle or one, its late agencies, its submissions as a select for a page of
fifty. A fixed number of queries, whatever the number of agencies."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select

from app.accounts.models import Agency
from app.cycles.models import Cycle
from app.extensions import db
from app.submissions.models import Submission
from app.timeutil import today_in_stockholm
from workflows.cycle import CycleStatus
from workflows.submission import SubmissionStatus

STATUS_ORDER = [status.value for status in SubmissionStatus]


@dataclass
class CycleProgress:
    cycle: Cycle
    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, status: str) -> float:
        return self.counts[status] / self.total if self.total else 0.0


def cycles_with_progress() -> list[CycleProgress]:
    cycles = list(db.session.scalars(select(Cycle).order_by(Cycle.year.desc())))
    progress = {cycle.id: CycleProgress(cycle) for cycle in cycles}
    rows = db.session.execute(
        select(Submission.cycle_id, Submission.status, func.count()).group_by(
            Submission.cycle_id, Submission.status
        )
    )
    for cycle_id, status, count in rows:
        progress[cycle_id].counts[status] = count
    return [progress[cycle.id] for cycle in cycles]


def progress_of(cycle: Cycle) -> CycleProgress:
    rows = db.session.execute(
        select(Submission.status, func.count())
        .where(Submission.cycle_id == cycle.id)
        .group_by(Submission.status)
    )
    return CycleProgress(cycle, Counter(dict(rows.all())))


@dataclass(frozen=True)
class SubmissionRow:
    """What the cycle page shows of a submission: its columns only. A whole submission
    joined its cycle, agency, peer group, reviewer and the reviewer's agency and group,
    seven objects for each row of a page of fifty."""

    id: int
    status: str
    submitted_late: bool
    submitted_at: datetime | None
    agency_name: str


_ROWS = (
    select(
        Submission.id,
        Submission.status,
        Submission.submitted_late,
        Submission.submitted_at,
        Agency.name,
    )
    .join(Agency, Agency.id == Submission.agency_id)
    .order_by(Agency.name)
)


def late_submissions(cycle: Cycle) -> list[SubmissionRow]:
    """Drafts past the deadline while the cycle runs, and submissions that came in late."""
    overdue = (
        cycle.status in (CycleStatus.OPEN, CycleStatus.CLOSED)
        and today_in_stockholm() > cycle.submission_deadline
    )
    conditions = [Submission.submitted_late]
    if overdue:
        conditions.append(Submission.status == SubmissionStatus.DRAFT)
    rows = db.session.execute(_ROWS.where(Submission.cycle_id == cycle.id, or_(*conditions)))
    return [SubmissionRow(*row) for row in rows]


def cycle_submission_rows(cycle: Cycle):
    """The cycle's submissions by agency name, as a select of `SubmissionRow`'s columns
    (for a page of them)."""
    return _ROWS.where(Submission.cycle_id == cycle.id)


def cycle_submissions_statement(cycle: Cycle):
    """The cycle's submissions by agency name, as a select (for a page of them)."""
    return (
        select(Submission)
        .join(Submission.agency)
        .where(Submission.cycle_id == cycle.id)
        .order_by(Agency.name)
    )


def cycle_submissions(cycle: Cycle) -> list[Submission]:
    return list(db.session.scalars(cycle_submissions_statement(cycle)))
