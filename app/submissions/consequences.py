"""What reopening or exempting a submission will do, for the page that asks an administrator
to confirm it."""

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from app.confirmation import Consequences
from app.effects import AGENCY_RECIPIENTS, ask
from app.extensions import db
from app.submissions.models import Project, Submission, SubmissionValue

# The submission transitions that need a reason, and so a page of their own to give it.
CONFIRMED_TRIGGERS = frozenset({"exempt", "reopen"})


def submission_consequences(submission: Submission, trigger: str) -> Consequences:
    return _exemption(submission) if trigger == "exempt" else _reopening(submission)


def _exemption(submission: Submission) -> Consequences:
    values = db.session.scalar(
        select(func.count(SubmissionValue.id)).where(SubmissionValue.submission_id == submission.id)
    )
    projects = db.session.scalar(
        select(func.count(Project.id)).where(Project.submission_id == submission.id)
    )
    result = Consequences()
    result.effects += [
        _(
            "%(agency)s need not report for %(year)d and is left out of the dataset.",
            agency=submission.agency.name,
            year=submission.cycle.year,
        ),
        _(
            "The %(values)d values and %(projects)d projects already entered are kept.",
            values=values,
            projects=projects,
        ),
        _("Reminders to the agency stop."),
    ]
    result.undo = _("The agency can be reinstated until the cycle is approved.")
    return result


def _reopening(submission: Submission) -> Consequences:
    mails = len(ask(AGENCY_RECIPIENTS, agency=submission.agency, kind="reopen"))
    result = Consequences()
    result.effects += [
        _("The approved submission goes back to review."),
        ngettext(
            "The agency is told by %(num)d e-mail and a notice in Granska.",
            "The agency is told by %(num)d e-mails and a notice in Granska.",
            mails,
        ),
        _("The cycle cannot be approved until the submission is approved again."),
    ]
    return result
