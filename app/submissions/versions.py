"""The version of a cycle's submissions, for the results computed from them and kept per
process (`app.caching`): every save, project change and transition steps a submission's
version counter, so the fingerprint moves with each of them."""

from collections.abc import Iterable

from sqlalchemy import func, select

from app.accounts.models import Agency
from app.extensions import db
from app.submissions.models import Submission


def cycle_version(
    cycle_id: int, statuses: Iterable[str] | None = None, peer_group_id: int | None = None
) -> tuple[object, ...]:
    """A fingerprint of the cycle's submissions in the given states (and peer group), and of
    their agencies' names and groups: it moves with every saved value, project change and
    transition of those submissions (each steps the version counter), with every submission
    entering or leaving them, and with a renamed or moved agency. Drafts being saved leave
    the statistics of handed-in submissions alone."""
    statement = (
        select(
            func.count(Submission.id),
            func.coalesce(func.sum(Submission.version), 0),
            func.max(Submission.id),
            func.coalesce(func.sum(Agency.peer_group_id * Submission.id), 0),
            func.coalesce(func.sum(func.length(Agency.name)), 0),
            func.max(Agency.name),
        )
        .join(Agency, Agency.id == Submission.agency_id)
        .where(Submission.cycle_id == cycle_id)
    )
    if statuses is not None:
        statement = statement.where(Submission.status.in_([str(s) for s in statuses]))
    if peer_group_id is not None:
        statement = statement.where(Agency.peer_group_id == peer_group_id)
    return tuple(db.session.execute(statement).one())
