"""Read models of cycles for the overview pages: a fixed number of queries, whatever the size."""

from collections import Counter
from dataclasses import dataclass, field

from flask import abort
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from app.accounts.models import Agency, PeerGroup
from app.cycles.models import Cycle
from app.extensions import db
from app.submissions.models import Submission
from app.timeutil import today_in_stockholm
from workflows.calendar import closed_day_name
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


def late_submissions(cycle: Cycle) -> list[Submission]:
    """Drafts past the deadline while the cycle runs, and submissions that came in late."""
    overdue = (
        cycle.status in (CycleStatus.OPEN, CycleStatus.CLOSED)
        and today_in_stockholm() > cycle.submission_deadline
    )
    conditions = [Submission.submitted_late]
    if overdue:
        conditions.append(Submission.status == SubmissionStatus.DRAFT)
    return list(
        db.session.scalars(
            select(Submission)
            .join(Submission.agency)
            .where(Submission.cycle_id == cycle.id, or_(*conditions))
            .order_by(Agency.name)
        )
    )


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


@dataclass
class AgencyCounts:
    active: int
    inactive: int
    per_peer_group: list[tuple[PeerGroup, int]]


def agency_counts() -> AgencyCounts:
    by_activity = dict(
        db.session.execute(select(Agency.active, func.count()).group_by(Agency.active)).all()
    )
    per_group = db.session.execute(
        select(PeerGroup, func.count(Agency.id))
        .outerjoin(Agency, (Agency.peer_group_id == PeerGroup.id) & Agency.active)
        .group_by(PeerGroup.id)
        .order_by(PeerGroup.position)
    ).all()
    return AgencyCounts(
        active=by_activity.get(True, 0),
        inactive=by_activity.get(False, 0),
        per_peer_group=[(group, count) for group, count in per_group],
    )


def agencies_by_peer_group() -> list[tuple[PeerGroup, list[Agency]]]:
    groups = {
        g.id: (g, []) for g in db.session.scalars(select(PeerGroup).order_by(PeerGroup.position))
    }
    for agency in db.session.scalars(select(Agency).where(Agency.active).order_by(Agency.name)):
        groups[agency.peer_group_id][1].append(agency)
    return list(groups.values())


def non_working_dates(cycle: Cycle, locale: str) -> list[str]:
    """A warning for each of the cycle's dates that falls on a weekend or a Swedish public
    holiday: allowed, but rarely meant."""
    dates = (
        (_("The opening day"), cycle.opens_on),
        (_("The submission deadline"), cycle.submission_deadline),
        (_("The review deadline"), cycle.review_deadline),
    )
    warnings = []
    for what, day in dates:
        reason = closed_day_name(day, locale)
        if reason is not None:
            why = _("a weekend") if reason == "weekend" else reason
            warnings.append(
                _(
                    "%(what)s, %(date)s, is not a working day (%(why)s).",
                    what=what,
                    date=format_date(day, "long"),
                    why=why,
                )
            )
    return warnings


def cycle_or_404(year: int) -> Cycle:
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == year))
    if cycle is None:
        abort(404)
    return cycle
