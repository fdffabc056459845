"""A cycle's consultation, its comments and the authority's decisions: one consultation per
cycle, so comments and decisions belong to the cycle directly (and freeze with it)."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Agency, User
from app.extensions import db
from workflows.consultation import ConsultationStatus

# The item key of a comment or decision on the questionnaire as a whole.
GENERAL = ""


class Consultation(db.Model):
    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=ConsultationStatus.OPEN.value)
    deadline: Mapped[date]  # comments are taken up to and including this day
    intro_sv: Mapped[str] = mapped_column(Text, default="")
    intro_en: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None]
    recorded_at: Mapped[datetime | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

    def intro_in(self, locale: str) -> str:
        return (self.intro_en or self.intro_sv) if locale == "en" else self.intro_sv


class ConsultationComment(db.Model):
    """An agency's comment on one item (its code) or on the whole (GENERAL), and the
    authority's answer to it."""

    __tablename__ = "consultation_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    item_code: Mapped[str] = mapped_column(String(60), default=GENERAL)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[datetime | None]

    agency: Mapped[Agency] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


class ConsultationDecision(db.Model):
    """The authority's decision on one item (or on the whole), with its reason."""

    __tablename__ = "consultation_decision"
    __table_args__ = (UniqueConstraint("cycle_id", "item_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"))
    item_code: Mapped[str] = mapped_column(String(60), default=GENERAL)
    outcome: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime]

    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
