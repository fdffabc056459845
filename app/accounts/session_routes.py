"""Keeping a session alive from the timeout warning: any request does it (the idle time counts
from the last one, see app/web.py), so this one does nothing else."""

from app.accounts import bp
from app.accounts.access import roles_required
from app.roles import Role


@bp.get("/session/keep-alive")
@roles_required(*(role.value for role in Role))
def keep_alive():
    return "", 204
