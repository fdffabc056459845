from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

if TYPE_CHECKING:  # the actor's model lives above the audit trail; only its type is named
    from app.accounts.models import User


class AuditEvent(db.Model):
    """One thing that happened, appended and never changed: a transition, a value change, a
    login. Each row carries the hash of the row before it, so a change anywhere in the trail
    breaks the chain (`flask audit verify`); the database refuses UPDATE and DELETE."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycle.id"), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # "transition", "value_change", …
    name: Mapped[str] = mapped_column(String(60))  # the trigger, or the field changed
    from_value: Mapped[str | None] = mapped_column(Text)
    to_value: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    actor: Mapped["User | None"] = relationship("User", lazy="joined")


class AuditChainHead(db.Model):
    """The one row holding the hash of the last audit event. Appending locks it, so appenders
    take turns and the chain never forks."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_hash: Mapped[str] = mapped_column(String(64))
