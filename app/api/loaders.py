"""One loader per resource the API's operations share: the object, if this caller may see it
(otherwise 404, so another agency's ids are not even confirmed to exist)."""

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.policies import can_view_agency_data, is_authority_staff, is_own_agency_editor
from app.api.operation import forbidden, not_found
from app.api.problems import ApiProblem
from app.cycles.models import Cycle
from app.extensions import db
from app.submissions.answers import is_editable
from app.submissions.locking import lock_submission
from app.submissions.models import Submission
from workflows.cycle import CycleStatus


def visible_cycle(user: User, year: int) -> Cycle:
    cycle: Cycle | None = db.session.scalar(select(Cycle).where(Cycle.year == year))
    if cycle is None or (not is_authority_staff(user) and cycle.status == CycleStatus.PLANNED):
        raise not_found()
    return cycle


def visible_submission(user: User, year: int, org_number: str, lock: bool = False) -> Submission:
    cycle = visible_cycle(user, year)
    submission: Submission | None = db.session.scalar(
        select(Submission)
        .join(Submission.agency)
        .where(Submission.cycle_id == cycle.id, Submission.agency.has(org_number=org_number))
    )
    if submission is None or not can_view_agency_data(user, submission.agency_id):
        raise not_found()  # another agency's is as good as missing
    if not lock:
        return submission
    locked = lock_submission(submission.id)
    if locked is None:
        raise not_found()  # removed since it was read: as missing as if it never was
    return locked


def check_editable(user: User, submission: Submission) -> None:
    """The caller edits its own agency's submission, and the submission may change now."""
    if not is_own_agency_editor(user, submission.agency_id):
        raise forbidden()
    if not is_editable(submission):
        raise ApiProblem(
            409, "not_editable", _("The submission cannot be changed in its present state.")
        )
