"""The version of a cycle's submissions, for the results computed from them and kept per
process (`app.caching`): every save, project change and transition steps a submission's
version counter, so the fingerprint moves with each of them."""

from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select

from app.accounts.models import Agency
from app.database import read_columns
from app.extensions import db
from app.submissions.models import Submission


@cache
def _fingerprint(by_status: bool, by_group: bool) -> Select[tuple[Any, ...]]:
    """The fingerprint's statement, built once per shape: it is asked for several times a
    view (the peer ranges, the peer statistics), and building its six aggregates and their
    join cost more than running it."""
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
        .where(Submission.cycle_id == bindparam("cycle_id"))
    )
    if by_status:
        statement = statement.where(Submission.status.in_(bindparam("statuses", expanding=True)))
    if by_group:
        statement = statement.where(Agency.peer_group_id == bindparam("peer_group_id"))
    return statement


def cycle_version(
    cycle_id: int, statuses: Iterable[str] | None = None, peer_group_id: int | None = None
) -> tuple[object, ...]:
    """A fingerprint of the cycle's submissions in the given states (and peer group), and of
    their agencies' names and groups: it moves with every saved value, project change and
    transition of those submissions (each steps the version counter), with every submission
    entering or leaving them, and with a renamed or moved agency. Drafts being saved leave
    the statistics of handed-in submissions alone."""
    parameters: dict[str, object] = {"cycle_id": cycle_id}
    if statuses is not None:
        parameters["statuses"] = [str(s) for s in statuses]
    if peer_group_id is not None:
        parameters["peer_group_id"] = peer_group_id
    statement = _fingerprint(statuses is not None, peer_group_id is not None)
    return tuple(read_columns(db.session, statement, parameters).one())
