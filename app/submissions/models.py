from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Agency, User
from app.cycles.models import Cycle
from app.extensions import db
from app.timeutil import utcnow
from workflows.submission import SubmissionStatus


class Submission(db.Model):
    """One agency's report for one cycle."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("cycle_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=SubmissionStatus.DRAFT.value)
    # Bumped by every change; a save or transition on a stale version is refused.
    version: Mapped[int] = mapped_column(default=1)
    submitted_at: Mapped[datetime | None]
    submitted_late: Mapped[bool] = mapped_column(default=False)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    review_started_at: Mapped[datetime | None]
    clarification_requested_at: Mapped[datetime | None]
    clarification_answered_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    cycle: Mapped[Cycle] = relationship(lazy="joined")
    agency: Mapped[Agency] = relationship(lazy="joined")
    reviewer: Mapped[User | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}
