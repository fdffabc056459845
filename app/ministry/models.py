from datetime import datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class MinistryObservation(db.Model):
    """What the authority wants a ministry to know about one agency's results in one cycle,
    written by an administrator and shown in the ministry's briefing."""

    __tablename__ = "ministry_observation"
    __table_args__ = (UniqueConstraint("cycle_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
