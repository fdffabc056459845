from flask import render_template, request

from app.accounts.access import roles_required
from app.accounts.models import Role
from app.accounts.operations import peer_groups
from app.pagination import paginate
from app.review import bp
from app.review.services import QueueFilter, cycle_years, submissions_for_review
from workflows.submission import SubmissionStatus


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.get("/")
@roles_required(Role.REVIEWER, Role.ADMIN)
def queue():
    status = request.args.get("status") or None
    if status not in {s.value for s in SubmissionStatus}:
        status = None
    filters = QueueFilter(_int_arg("cycle"), status, _int_arg("peer_group"))
    years = cycle_years()
    if filters.cycle_year is None and years and "cycle" not in request.args:
        filters.cycle_year = years[0]
    page = paginate(submissions_for_review(filters), per_page=50)
    return render_template(
        "review/queue.html",
        page=page,
        filters=filters,
        years=years,
        peer_groups=peer_groups(),
        statuses=list(SubmissionStatus),
    )
