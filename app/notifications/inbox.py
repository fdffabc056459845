"""The in-app inbox: notices per user, written in the same transaction as their cause (a
transition), and read only by their own user."""

from collections import defaultdict

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select, update

from app.accounts.models import User
from app.database import insert_new, read_columns
from app.extensions import db
from app.notifications.messages import TRANSITION_NOTICES, MessageFacts, notice_sentence
from app.notifications.models import Notification
from app.notifications.outbox import TO_AGENCY, TO_REVIEWER, insert_all_new
from app.roles import AGENCY_ROLES
from app.timeutil import stockholm_date, utcnow


def agency_user_ids(agency_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(User.id).where(
                User.agency_id == agency_id, User.role.in_(AGENCY_ROLES), User.active
            )
        )
    )


def _recipients(submission, trigger: str) -> list[int]:
    if trigger in TO_AGENCY:
        return agency_user_ids(submission.agency_id)
    if trigger in TO_REVIEWER and submission.reviewer_id is not None:
        return [submission.reviewer_id]
    return []


def agency_user_ids_by_agency(agency_ids) -> dict[int, list[int]]:
    """`agency_user_ids` of many agencies in one query."""
    users = defaultdict(list)
    for agency_id, user_id in db.session.execute(
        select(User.agency_id, User.id).where(
            User.agency_id.in_(list(agency_ids)), User.role.in_(AGENCY_ROLES), User.active
        )
    ):
        users[agency_id].append(user_id)
    return users


def notify(user_ids, kind: str, key: str, submission_id: int | None, due_on=None) -> int:
    """A notice for each user, keyed `key:user:id`; notices already there are left alone."""
    return insert_new(db.session, Notification, _rows(user_ids, kind, key, submission_id, due_on))


def notify_many(notices: list[tuple]) -> None:
    """`notify` for many (user_ids, kind, key, submission_id, due_on), in one statement."""
    insert_all_new(Notification, [row for notice in notices for row in _rows(*notice)])


def _rows(user_ids, kind: str, key: str, submission_id: int | None, due_on=None) -> list[dict]:
    now = utcnow()
    return [
        {
            "key": f"{key}:user:{user_id}",
            "user_id": user_id,
            "kind": kind,
            "submission_id": submission_id,
            "due_on": due_on,
            "created_at": now,
        }
        for user_id in user_ids
    ]


def notify_transition(submission, trigger: str, event_id: int) -> None:
    """A notice for every user the transition concerns; flush, never commit. The key, built
    from the audit event, makes a second notice for the same event impossible."""
    # A clarification's notice says by when to answer, as its mail does.
    due_on = submission.clarification_due_on if trigger == "request_clarification" else None
    notify(
        _recipients(submission, trigger),
        trigger,
        f"transition:{event_id}",
        submission.id,
        due_on=due_on,
    )


_UNREAD = select(func.count(Notification.id)).where(
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None)
)


def unread_count(user) -> int:
    """The badge of the menu, on every page."""
    return read_columns(db.session, _UNREAD, {"user_id": user.id}).scalar_one()


def inbox_of(user):
    """A select of the user's notices, newest first (for paginate)."""
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def own_notification(user, notification_id: int) -> Notification | None:
    """The notice if it is this user's; someone else's is as good as missing."""
    return db.session.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.user_id == user.id
        )
    )


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
    db.session.flush()


def mark_all_read(user) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount


def notice_text(notification: Notification) -> str:
    """The notice in the reader's language."""
    submission = notification.submission
    params = {"agency": submission.agency.name, "year": submission.cycle.year}
    notice = TRANSITION_NOTICES.get(notification.kind)
    if notice is not None and notice.inbox_due and notification.due_on:
        return _(notice.inbox_due, date=format_date(notification.due_on, "d MMMM y"), **params)
    if notice is not None:
        return _(notice.inbox, **params)
    # Reminders and invitations say what the mail says.
    created_on = stockholm_date(notification.created_at)  # the day it was sent, here
    days = (notification.due_on - created_on).days if notification.due_on else 0
    facts = MessageFacts(
        notification.kind, due_on=notification.due_on, days=abs(days), count=1, **params
    )
    return notice_sentence(facts)
