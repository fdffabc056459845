"""Delivering the outbox over SMTP, after the commit of whatever queued the messages.

Delivery is at-least-once. A message is claimed (queued → sending, committed) before it is
handed to the SMTP server and marked sent after; if the process dies in between, the claim goes
stale and the message is sent again later. We accept a rare duplicate over a lost message: a
clarification request or an overdue notice that never arrives costs an agency its deadline,
while a second copy costs a reader a second. Each delivery of a message carries the same
Message-ID, so mail clients can fold a duplicate away.
"""

import hashlib
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from app.database import begin_write
from app.extensions import db
from app.notifications.mail import build_message, deliver, message_id_domain
from app.notifications.models import OutboxMessage, OutboxState
from app.notifications.reminders import still_needed
from app.timeutil import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
STALE_CLAIM = timedelta(minutes=15)  # a claim older than this was lost with its process
BATCH = 200


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    configured: bool = True


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the first, second, third … failure, at most six hours."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


def _message_id(message: OutboxMessage) -> str:
    digest = hashlib.sha256(message.key.encode()).hexdigest()[:16]
    return f"<outbox-{message.id}-{digest}@{message_id_domain()}>"


def _release_stale_claims(now: datetime) -> None:
    begin_write(db.session)
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxState.SENDING,
            OutboxMessage.claimed_at < now - STALE_CLAIM,
        )
        .values(
            status=OutboxState.FAILED.value,
            last_error="interrupted while sending; sent again",
            next_attempt_at=now,
            updated_at=now,
        )
    )
    db.session.commit()


def _due_ids(now: datetime) -> list[int]:
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status.in_((OutboxState.QUEUED, OutboxState.FAILED)),
                OutboxMessage.attempts < MAX_ATTEMPTS,
                or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            )
            .order_by(OutboxMessage.id)
            .limit(BATCH)
        )
    )


def _claim(message_id: int, now: datetime) -> OutboxMessage | None:
    """Take the message for this process; another sender that got there first wins."""
    begin_write(db.session)
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status.in_((OutboxState.QUEUED, OutboxState.FAILED)),
        )
        .values(status=OutboxState.SENDING.value, claimed_at=now, updated_at=now)
    ).rowcount
    db.session.commit()
    return db.session.get(OutboxMessage, message_id) if claimed else None


def _send_one(message: OutboxMessage, report: SendReport) -> None:
    begin_write(db.session)
    now = utcnow()
    if not still_needed(message):
        message.status, message.last_error = OutboxState.SKIPPED.value, "no longer needed"
        report.skipped += 1
    else:
        email = build_message(
            message.recipient,
            message.subject,
            message.body,
            message.html_body or None,
            _message_id(message),
        )
        try:
            deliver(email)
        except (smtplib.SMTPException, OSError) as error:
            message.attempts += 1
            message.status = OutboxState.FAILED.value
            message.last_error = f"{type(error).__name__}: {error}"[:1000]
            message.next_attempt_at = now + retry_delay(message.attempts)
            report.failed += 1
            log.warning("Mail %s to %s failed: %s", message.id, message.recipient, error)
        else:
            message.status, message.sent_at, message.last_error = OutboxState.SENT.value, now, None
            message.attempts += 1
            report.sent += 1
    message.updated_at = now
    db.session.commit()


def send_due() -> SendReport:
    """Send what is queued and due, one message per transaction."""
    if not current_app.config["MAIL_SERVER"]:
        # Development: the messages stay in the outbox, where the administrator reads them.
        return SendReport(configured=False)
    report = SendReport()
    now = utcnow()
    _release_stale_claims(now)
    for message_id in _due_ids(now):
        message = _claim(message_id, now)
        if message is not None:
            _send_one(message, report)
    return report
