"""Queueing the messages a transition causes, in the transition's own transaction."""

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Role, User
from app.extensions import db
from app.notifications.models import OutboxMessage

# Who hears of which transition: the agency, or the reviewer who holds the submission.
TO_AGENCY = {"submit", "request_clarification", "approve", "reopen"}
TO_REVIEWER = {"answer_clarification"}


def _agency_recipients(submission) -> list[str]:
    editors = db.session.scalars(
        select(User.email).where(
            User.agency_id == submission.agency_id, User.role == Role.AGENCY_EDITOR, User.active
        )
    )
    return sorted({submission.agency.contact_email, *editors})


def _subject(trigger: str, submission) -> str:
    with force_locale("sv"):
        return {
            "submit": _("Granska: %(agency)s has submitted for %(year)d"),
            "request_clarification": _("Granska: questions on %(agency)s's submission %(year)d"),
            "answer_clarification": _("Granska: %(agency)s has answered the questions (%(year)d)"),
            "approve": _("Granska: %(agency)s's submission %(year)d is approved"),
            "reopen": _("Granska: %(agency)s's submission %(year)d has been reopened"),
        }[trigger] % {"agency": submission.agency.name, "year": submission.cycle.year}


def queue_transition_notice(submission, trigger: str, event_id: int, open_questions: int = 0):
    """One message per recipient for this transition (a clarification round is one message,
    whatever the number of questions); flush, never commit."""
    if trigger in TO_AGENCY:
        recipients = _agency_recipients(submission)
    elif trigger in TO_REVIEWER and submission.reviewer is not None:
        recipients = [submission.reviewer.email]
    else:
        return
    link = f"{current_app.config['PUBLIC_URL']}/submissions/{submission.id}"
    body = render_template(
        "emails/transition.txt",
        trigger=trigger,
        submission=submission,
        link=link,
        open_questions=open_questions,
    )
    for recipient in recipients:
        db.session.add(
            OutboxMessage(
                key=f"transition:{event_id}:{recipient}",
                kind=trigger,
                recipient=recipient,
                subject=_subject(trigger, submission),
                body=body,
                submission_id=submission.id,
            )
        )
    db.session.flush()
