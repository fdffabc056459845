"""Read models of cycles for the overview pages: a fixed number of queries, whatever the size.
A cycle's progress, read from its submissions, is `app.cycle_admin.progress`."""

from dataclasses import dataclass

from flask import abort
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import Agency, PeerGroup
from app.cycles.models import Cycle
from app.extensions import db
from workflows.calendar import closed_day_name


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
