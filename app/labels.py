"""What the user reads for each state and role (translated)."""

from flask_babel import lazy_gettext as _l

from app.accounts.forms import ROLE_LABELS
from app.accounts.models import Role
from workflows.cycle import CycleStatus
from workflows.submission import SubmissionStatus

SUBMISSION_STATUS = {
    SubmissionStatus.DRAFT: _l("Draft"),
    SubmissionStatus.SUBMITTED: _l("Submitted"),
    SubmissionStatus.IN_REVIEW: _l("In review"),
    SubmissionStatus.CLARIFICATION: _l("Clarification"),
    SubmissionStatus.APPROVED: _l("Approved"),
    SubmissionStatus.EXEMPTED: _l("Exempted"),
}

CYCLE_STATUS = {
    CycleStatus.PLANNED: _l("Planned"),
    CycleStatus.OPEN: _l("Open"),
    CycleStatus.CLOSED: _l("Closed"),
    CycleStatus.APPROVED: _l("Approved (frozen)"),
    CycleStatus.PUBLISHED: _l("Published"),
}


def submission_status_label(status: str):
    return SUBMISSION_STATUS.get(status, status)


def cycle_status_label(status: str):
    return CYCLE_STATUS.get(status, status)


def role_label(role: str):
    return ROLE_LABELS.get(Role(role), role)
