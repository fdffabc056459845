from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class OutboxState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a sender
    SENT = "sent"
    FAILED = "failed"  # the last attempt failed; retried at next_attempt_at until MAX_ATTEMPTS
    SKIPPED = "skipped"  # no longer needed when its turn came (a reminder of something done)


class OutboxMessage(db.Model):
    """A message to send, written in the same transaction as the change that causes it and
    delivered by the sender after the commit. `key` makes a duplicate impossible."""

    __tablename__ = "outbox_message"
    # The administrators' outbox lists the newest first, all of them or of one state or kind:
    # each list reads its page of fifty from an index instead of sorting every message (some
    # 2 500 a year at 340 agencies, kept for good).
    __table_args__ = (
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        Index("ix_outbox_message_newest", "created_at", "id"),
        Index("ix_outbox_message_state_newest", "status", "created_at", "id"),
        Index("ix_outbox_message_kind_newest", "kind", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text, default="", server_default="")
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"), index=True)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycle.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    due_on: Mapped[date | None]  # for a reminder: the day it is for
    status: Mapped[str] = mapped_column(String(20), default=OutboxState.QUEUED.value)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]


class Notification(db.Model):
    """A notice in one user's in-app inbox. Only the kind and the submission are stored: the
    text is written when it is shown, in the reader's language."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_unread", "user_id", "read_at"),
        Index("ix_notification_newest", "user_id", "created_at", "id"),  # the inbox's order
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(40))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_on: Mapped[date | None]  # for a reminder: the deadline it reminds of
    read_at: Mapped[datetime | None]

    submission = relationship("Submission", lazy="joined")
