"""What the notifications part does when something happens below it (app/effects.py): mail a
password link, queue a transition's messages, invite a cycle's agencies, invite an agency to
self-assess; and who gets an agency's mail, for the pages below that count it."""

import uuid

from flask import current_app
from sqlalchemy import select

from app.accounts.models import Agency
from app.database import insert_new
from app.effects import (
    AGENCY_RECIPIENTS,
    CONSULTATION_OPENED,
    CYCLE_OPENED,
    PASSWORD_LINK,
    SELF_ASSESSMENT_INVITED,
    SUBMISSION_TRANSITION,
    subscribe,
    supplies,
)
from app.extensions import db
from app.notifications.inbox import agency_user_ids_by_agency, notify_many, notify_transition
from app.notifications.mail import send_mail
from app.notifications.models import OutboxMessage
from app.notifications.outbox import (
    agency_recipients,
    queue_consultation_invitations,
    queue_invitations,
    queue_self_assessment_invitation,
    queue_transition_notice,
)
from app.review.questions import question_counts
from app.timeutil import utcnow

supplies(AGENCY_RECIPIENTS)(agency_recipients)


@subscribe(PASSWORD_LINK)
def mail_password_link(user, subject: str, text: str, html: str) -> None:
    if current_app.config["MAIL_SERVER"] or current_app.config["PRODUCTION"]:
        send_mail(user.email, subject, text, html)
    else:
        _keep_in_outbox(user, subject, text, html)


def _keep_in_outbox(user, subject: str, text: str, html: str) -> None:
    """Without a mail server (development) the link waits in the outbox with every other
    message, where an administrator finds it; never in production, where it is mailed at once
    and kept nowhere."""
    now = utcnow()
    row = {
        "key": f"password-link:{user.id}:{uuid.uuid4().hex}",
        "kind": "password_link",
        "recipient": user.email,
        "user_id": user.id,
        "subject": subject,
        "body": text,
        "html_body": html,
        "status": "queued",
        "attempts": 0,
        "created_at": now,
        "next_attempt_at": now,
    }
    insert_new(db.session, OutboxMessage, [row])
    db.session.commit()


@subscribe(SUBMISSION_TRANSITION)
def queue_transition_messages(submission, trigger: str, event_id: int) -> None:
    queue_transition_notice(submission, trigger, event_id, question_counts(submission.id).open)
    notify_transition(submission, trigger, event_id)


@subscribe(CYCLE_OPENED)
def invite_participants(cycle, submissions: list) -> None:
    """Each participant hears that the cycle is open, by mail and in the app, in a fixed
    number of statements, so that opening for 340 agencies stays well inside a request."""
    queue_invitations(submissions)
    users = agency_user_ids_by_agency(s.agency_id for s in submissions)
    notify_many(
        [
            (
                users[s.agency_id],
                "cycle_opened",
                f"cycle_opened:{cycle.id}:{s.agency_id}",
                s.id,
                cycle.submission_deadline,
            )
            for s in submissions
        ]
    )


@subscribe(SELF_ASSESSMENT_INVITED)
def mail_self_assessment_invitation(agency, assessment) -> None:
    queue_self_assessment_invitation(agency, assessment)


@subscribe(CONSULTATION_OPENED)
def invite_to_consultation(cycle, consultation, agency_ids: list[int]) -> None:
    """Each consulted agency is mailed the draft's address and the deadline (a planned cycle
    has no submissions yet, which the in-app notices hang on: mail only)."""
    agencies = list(db.session.scalars(select(Agency).where(Agency.id.in_(agency_ids))))
    queue_consultation_invitations(cycle, consultation, agencies)
