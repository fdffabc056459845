from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from app.accounts.models import Agency, PeerGroup, User
from app.cycles.models import Cycle
from app.extensions import db
from app.review.models import Question, QuestionStatus
from app.roles import Role
from app.submissions.models import Submission


@dataclass
class QueueFilter:
    cycle_year: int | None = None
    status: str | None = None
    peer_group_id: int | None = None
    reviewer_id: int | None = None


def _filtered(statement, filters: QueueFilter, with_status: bool = True):
    if filters.cycle_year:
        statement = statement.where(Cycle.year == filters.cycle_year)
    if with_status and filters.status:
        statement = statement.where(Submission.status == filters.status)
    if filters.peer_group_id:
        statement = statement.where(Agency.peer_group_id == filters.peer_group_id)
    if filters.reviewer_id:
        statement = statement.where(Submission.reviewer_id == filters.reviewer_id)
    return statement


# Waiting longest first: a submission waits from when it was submitted, or from when its
# clarification was requested.
_WAITING_SINCE = func.coalesce(Submission.clarification_requested_at, Submission.submitted_at)


@dataclass(frozen=True)
class QueueRow:
    """What the reviewers' list shows of a submission: its columns only. Loading whole
    submissions joined their cycle, agency, peer group, reviewer and the reviewer's agency,
    seven objects a row, most of a full page's CPU time."""

    id: int
    status: str
    submitted_late: bool
    submitted_at: datetime | None
    clarification_requested_at: datetime | None
    year: int
    agency_name: str
    peer_group_sv: str
    peer_group_en: str
    reviewer_name: str | None

    def peer_group(self, locale: str) -> str:
        return self.peer_group_en if locale == "en" else self.peer_group_sv


_REVIEWER = aliased(User)
# Built once: the list's columns, joined and in its order (the filters are added per view).
_QUEUE = (
    select(
        Submission.id,
        Submission.status,
        Submission.submitted_late,
        Submission.submitted_at,
        Submission.clarification_requested_at,
        Cycle.year,
        Agency.name,
        PeerGroup.name_sv,
        PeerGroup.name_en,
        _REVIEWER.name,
    )
    .join(Cycle, Cycle.id == Submission.cycle_id)
    .join(Agency, Agency.id == Submission.agency_id)
    .join(PeerGroup, PeerGroup.id == Agency.peer_group_id)
    .outerjoin(_REVIEWER, _REVIEWER.id == Submission.reviewer_id)
    .order_by(Cycle.year.desc(), _WAITING_SINCE.is_(None), _WAITING_SINCE, Agency.name)
)


def submissions_for_review(filters: QueueFilter):
    """A select of the list's columns, one row per submission (`QueueRow`'s fields)."""
    return _filtered(_QUEUE, filters)


def status_counts(filters: QueueFilter) -> Counter:
    """Submissions per state under the same filters (the status filter aside)."""
    statement = (
        select(Submission.status, func.count())
        .join(Submission.cycle)
        .join(Submission.agency)
        .group_by(Submission.status)
    )
    return Counter(dict(db.session.execute(_filtered(statement, filters, with_status=False)).all()))


def cycle_years() -> list[int]:
    return list(db.session.scalars(select(Cycle.year).order_by(Cycle.year.desc())))


def reviewers() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.role == Role.REVIEWER, User.active).order_by(User.name)
        )
    )


def answer_progress(submission_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per submission: (questions answered or settled, questions in all but the withdrawn),
    in one query."""
    if not submission_ids:
        return {}
    rows = db.session.execute(
        select(
            Question.submission_id,
            func.count(case((Question.status != QuestionStatus.OPEN, 1))),
            func.count(),
        )
        .where(
            Question.submission_id.in_(submission_ids),
            Question.status != QuestionStatus.WITHDRAWN,
        )
        .group_by(Question.submission_id)
    )
    return {submission_id: (answered, total) for submission_id, answered, total in rows}
