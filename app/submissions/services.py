from dataclasses import dataclass

from sqlalchemy import select

from app.cycles.models import Cycle
from app.extensions import db
from app.submissions.models import Submission
from app.timeutil import today_in_stockholm


@dataclass
class Deadline:
    date: object
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def deadline_of(cycle: Cycle) -> Deadline:
    return Deadline(
        cycle.submission_deadline, (cycle.submission_deadline - today_in_stockholm()).days
    )


def agency_submissions(agency_id: int) -> list[Submission]:
    """The agency's submissions, newest cycle first (cycle joined in the same query)."""
    return list(
        db.session.scalars(
            select(Submission)
            .join(Submission.cycle)
            .where(Submission.agency_id == agency_id)
            .order_by(Cycle.year.desc())
        )
    )
