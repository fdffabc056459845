"""Which submission a user may see and change: the one check the pages, the transitions and
the notices share. Another agency's submission is as good as missing, so its id is never
confirmed to exist."""

from flask import abort
from flask_login import current_user

from app.accounts.policies import can_view_agency_data, is_own_agency_editor
from app.extensions import db
from app.roles import AGENCY_ROLES, Role
from app.submissions.answers import is_editable
from app.submissions.locking import lock_submission
from app.submissions.models import Submission

ANYONE_SIGNED_IN = (*AGENCY_ROLES, Role.REVIEWER, Role.ADMIN)


def readable_submission(user, submission_id: int, lock: bool = False) -> Submission | None:
    """The submission if this user may see it, else None; locked for a change if asked."""
    if lock:
        submission = lock_submission(submission_id)
    else:
        submission = db.session.get(Submission, submission_id)
    if submission is None or not can_view_agency_data(user, submission.agency_id):
        return None
    return submission


def load_submission(submission_id: int, lock: bool = False) -> Submission:
    """For a view: the submission the signed-in user may see, or 404."""
    submission = readable_submission(current_user, submission_id, lock)
    if submission is None:
        abort(404)
    return submission


def can_edit(submission: Submission, user=None) -> bool:
    """The user (the signed-in one unless named) edits its own agency's submission, and the
    submission may change now."""
    user = current_user if user is None else user
    return is_own_agency_editor(user, submission.agency_id) and is_editable(submission)
