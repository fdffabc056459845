"""Where results are: one page per kind (results, datasets, reports) listing the cycles this
user may read, for the menu. An agency user sees the published cycles, with its own results
and feedback report first; staff see every cycle that has results to read."""

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from app.accounts.access import roles_required
from app.accounts.policies import is_authority_staff
from app.cycles.models import Cycle
from app.extensions import db
from app.reports import bp
from app.roles import Role
from app.submissions.models import Submission
from workflows.cycle import FROZEN_STATES, CycleStatus

EVERYONE = tuple(role.value for role in Role)
STAFF = (Role.ADMIN, Role.REVIEWER)


def _cycles(statuses) -> list[Cycle]:
    return list(
        db.session.scalars(
            select(Cycle)
            .where(Cycle.status.in_([str(s) for s in statuses]))
            .order_by(Cycle.year.desc())
        )
    )


def _own_approved_years() -> set[int]:
    """The published years in which the user's agency has an approved submission: those with
    a feedback report of its own."""
    rows = db.session.scalars(
        select(Cycle.year)
        .join(Submission, Submission.cycle_id == Cycle.id)
        .where(
            Submission.agency_id == current_user.agency_id,
            Submission.status == "approved",
            Cycle.status == CycleStatus.PUBLISHED.value,
        )
    )
    return set(rows)


@bp.get("/results")
@roles_required(*EVERYONE)
def results_index():
    if is_authority_staff(current_user):
        live = [s for s in CycleStatus if s != CycleStatus.PLANNED]
        return render_template("reports/index.html", kind="results", cycles=_cycles(live))
    if current_user.agency is None:  # a ministry's user: the published results, no own
        return render_template(
            "reports/index.html", kind="results", cycles=_cycles([CycleStatus.PUBLISHED])
        )
    return render_template(
        "reports/index.html",
        kind="results",
        cycles=_cycles([CycleStatus.PUBLISHED]),
        own_years=_own_approved_years(),
        org_number=current_user.agency.org_number,
    )


@bp.get("/datasets")
@roles_required(*STAFF)
def datasets_index():
    return render_template("reports/index.html", kind="datasets", cycles=_cycles(FROZEN_STATES))


@bp.get("/reports")
@roles_required(*STAFF)
def reports_index():
    return render_template("reports/index.html", kind="reports", cycles=_cycles(FROZEN_STATES))
