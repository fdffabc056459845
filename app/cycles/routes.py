from flask import render_template

from app.accounts.access import roles_required
from app.accounts.models import Role
from app.cycles import bp
from app.cycles.services import STATUS_ORDER, agency_counts, cycles_with_progress


@bp.get("/admin/")
@roles_required(Role.ADMIN)
def admin_overview():
    return render_template(
        "cycles/admin_overview.html",
        cycles=cycles_with_progress(),
        agencies=agency_counts(),
        statuses=STATUS_ORDER,
    )
