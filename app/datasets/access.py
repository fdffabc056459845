"""Who may read a cycle's dataset and results."""

from app.accounts.policies import is_authority_staff
from workflows.cycle import CycleStatus


def can_read_results(user, cycle) -> bool:
    """Staff read every cycle (live until frozen); agency users only published ones, and then
    the whole published benchmark, as the authority publishes results per agency."""
    return is_authority_staff(user) or cycle.status == CycleStatus.PUBLISHED
