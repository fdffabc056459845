"""Who may read a cycle's dataset and results."""

from flask import abort
from flask_login import current_user

from app.accounts.policies import is_authority_staff
from app.cycles.services import cycle_or_404
from workflows.cycle import CycleStatus


def can_read_results(user, cycle) -> bool:
    """Staff read every cycle (live until frozen); agency users only published ones, and then
    the whole published benchmark, as the authority publishes results per agency."""
    return is_authority_staff(user) or cycle.status == CycleStatus.PUBLISHED


def readable_cycle(year: int):
    cycle = cycle_or_404(year)
    if not can_read_results(current_user, cycle):
        abort(404)  # an unpublished cycle is not confirmed to agency users
    return cycle
