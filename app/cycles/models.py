from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow
from workflows.cycle import FROZEN_STATES, CycleStatus


class Cycle(db.Model):
    __tablename__ = "cycle"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))  # none: the Swedish is shown
    status: Mapped[str] = mapped_column(String(20), default=CycleStatus.PLANNED.value)
    opens_on: Mapped[date]
    submission_deadline: Mapped[date]
    review_deadline: Mapped[date]
    # Working days an agency has to answer a clarification round (weekends and holidays skipped).
    clarification_response_days: Mapped[int] = mapped_column(default=10)
    # The reminder plan: days before the submission deadline ("14,7,1"), then every N days
    # once overdue, at most M times, and the administrators told when an agency is K days late.
    reminder_days_before: Mapped[str] = mapped_column(String(60), default="14,7,1")
    overdue_every_days: Mapped[int] = mapped_column(default=7)
    overdue_reminders_max: Mapped[int] = mapped_column(default=3)
    escalate_after_days: Mapped[int] = mapped_column(default=14)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]

    @property
    def frozen(self) -> bool:
        return self.status in FROZEN_STATES

    def title_in(self, locale: str) -> str:
        """The title in the page's language; Swedish where no English one was given."""
        return (self.title_en or self.title) if locale == "en" else self.title


class CycleParticipant(db.Model):
    """An agency chosen to report in a cycle (its submission is created when the cycle opens)."""

    __tablename__ = "cycle_participant"
    __table_args__ = (UniqueConstraint("cycle_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
