from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Agency, User
from app.extensions import db


class SelfAssessment(db.Model):
    """One agency's self-assessment of one year, against a published cycle's questionnaire
    and dataset; shared with the authority only when the agency says so."""

    __tablename__ = "self_assessment"
    __table_args__ = (UniqueConstraint("agency_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    year: Mapped[int]  # the year it was made; one per agency and year
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"))  # compared with
    shared_at: Mapped[datetime | None]
    # Set when an administrator invited the agency (the invitation makes this year's).
    invited_at: Mapped[datetime | None]
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    # Read only where a page loads them with the row (the authority's list, the agency's page).
    agency: Mapped[Agency] = relationship(lazy="raise")
    invited_by: Mapped[User | None] = relationship(lazy="raise")


class SelfAssessmentValue(db.Model):
    __tablename__ = "self_assessment_value"
    __table_args__ = (UniqueConstraint("self_assessment_id", "item_code", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    self_assessment_id: Mapped[int] = mapped_column(ForeignKey("self_assessment.id"))
    item_code: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(10))
    number: Mapped[Decimal | None] = mapped_column(Numeric(24, 2))
    text: Mapped[str | None] = mapped_column(Text)
