"""Read models of cycles for the overview pages: a fixed number of queries, whatever the size."""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.accounts.models import Agency, PeerGroup
from app.cycles.models import Cycle
from app.extensions import db
from app.submissions.models import Submission
from workflows.submission import SubmissionStatus


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


STATUS_ORDER = [status.value for status in SubmissionStatus]
