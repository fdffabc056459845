from dataclasses import dataclass

from sqlalchemy import select

from app.accounts.models import Agency
from app.cycles.models import Cycle
from app.extensions import db
from app.submissions.models import Submission


@dataclass
class QueueFilter:
    cycle_year: int | None = None
    status: str | None = None
    peer_group_id: int | None = None


def submissions_for_review(filters: QueueFilter):
    """A select of submissions for the reviewer's list; cycle and agency are joined eagerly."""
    statement = (
        select(Submission)
        .join(Submission.cycle)
        .join(Submission.agency)
        .order_by(Cycle.year.desc(), Agency.name)
    )
    if filters.cycle_year:
        statement = statement.where(Cycle.year == filters.cycle_year)
    if filters.status:
        statement = statement.where(Submission.status == filters.status)
    if filters.peer_group_id:
        statement = statement.where(Agency.peer_group_id == filters.peer_group_id)
    return statement


def cycle_years() -> list[int]:
    return list(db.session.scalars(select(Cycle.year).order_by(Cycle.year.desc())))
