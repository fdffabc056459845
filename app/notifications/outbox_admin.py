"""What the administrators' outbox pages read and change."""

from collections import Counter

from sqlalchemy import func, select

from app.audit.operations import record_event
from app.database import lock_row
from app.extensions import db
from app.notifications.messages import compose
from app.notifications.models import OutboxMessage, OutboxState
from app.notifications.reminders import facts_of, recipients_of, upcoming_reminders
from app.timeutil import utcnow


def outbox_messages(state: str | None, kind: str | None):
    """A select of messages, newest first, for paginate."""
    statement = select(OutboxMessage).order_by(
        OutboxMessage.created_at.desc(), OutboxMessage.id.desc()
    )
    if state:
        statement = statement.where(OutboxMessage.status == state)
    if kind:
        statement = statement.where(OutboxMessage.kind == kind)
    return statement


def state_counts() -> Counter:
    return Counter(
        dict(
            db.session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()
        )
    )


def kinds() -> list[str]:
    """The kinds of message in the outbox, in order. Each is found from the one before by a
    step through the kind index (a loose index scan), so the menu costs a few lookups, not a
    read of every message as DISTINCT would."""
    kind = OutboxMessage.kind
    present = select(func.min(kind).label("kind")).cte("present", recursive=True)
    following = select(func.min(kind)).where(kind > present.c.kind).scalar_subquery()
    present = present.union_all(select(following).where(present.c.kind.is_not(None)))
    return list(db.session.scalars(select(present.c.kind).where(present.c.kind.is_not(None))))


class NotResendable(Exception):
    pass


def resend(message: OutboxMessage, actor) -> None:
    """A failed or skipped message goes back in the queue, its attempts counted afresh."""
    lock_row(db.session, message)  # the sender may have claimed it since the page was read
    if message.status not in (OutboxState.FAILED, OutboxState.SKIPPED):
        raise NotResendable(message.status)
    now = utcnow()
    message.status, message.attempts = OutboxState.QUEUED.value, 0
    message.next_attempt_at, message.updated_at = now, now
    record_event(
        "outbox", "resend_message", actor, to_value=f"{message.kind} → {message.recipient}"
    )
    db.session.flush()


def reminder_preview(today, key: str, days: int = 14) -> dict | None:
    """One coming reminder as it will go out: recipients, subject and both parts."""
    for reminder in upcoming_reminders(today, days):
        if reminder.key == key:
            subject, text, _html = compose(facts_of(reminder, reminder.due_on))
            recipients = [r.address for r in recipients_of(reminder)]
            return {
                "reminder": reminder,
                "recipients": recipients,
                "subject": subject,
                "text": text,
            }
    return None
