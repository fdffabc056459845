from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Agency, User
from app.cycles.models import Cycle
from app.extensions import db
from app.timeutil import utcnow
from workflows.submission import SubmissionStatus
from workflows.vocabulary import BenefitStatus, ProjectStatus


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
    clarification_due_on: Mapped[date | None]
    clarification_rounds: Mapped[int] = mapped_column(default=0)
    approved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    cycle: Mapped[Cycle] = relationship(lazy="joined")
    agency: Mapped[Agency] = relationship(lazy="joined")
    reviewer: Mapped[User | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class Period(StrEnum):
    OUTCOME = "outcome"  # the reporting year
    FORECAST = "forecast"  # the current year


class SubmissionValue(db.Model):
    """One answer: a number or a text for one questionnaire item (and period)."""

    __tablename__ = "submission_value"
    __table_args__ = (UniqueConstraint("submission_id", "item_code", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(10), default=Period.OUTCOME.value)
    number: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    text: Mapped[str | None] = mapped_column(Text)
    changed_in_version: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    updated_by: Mapped[User | None] = relationship(lazy="joined")


class WarningExplanation(db.Model):
    """The agency's explanation of a plausibility warning (on a value or a key figure)."""

    __tablename__ = "warning_explanation"
    __table_args__ = (UniqueConstraint("submission_id", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    target: Mapped[str] = mapped_column(String(80))  # "item_code:period" or a key figure code
    text: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Project(db.Model):
    """A strategic IT project reported in a submission. Its plan becomes the original baseline
    (budget, end date) when the submission carrying it is first submitted (`baseline_set_at`),
    or came from last year; from then on it is never overwritten: changes go to
    ProjectBaselineChange with a reason."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    orientation: Mapped[str] = mapped_column(String(20))  # develop | efficiency
    status: Mapped[str] = mapped_column(String(20), default=ProjectStatus.ONGOING.value)
    start_date: Mapped[date]
    original_end_date: Mapped[date]
    current_end_date: Mapped[date]
    original_budget: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    current_budget: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    cost_to_date: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=0)
    forecast_at_completion: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    collaboration: Mapped[str] = mapped_column(Text, default="")
    risk_benefits: Mapped[str] = mapped_column(String(10))  # low | medium | high
    risk_budget: Mapped[str] = mapped_column(String(10))
    risk_time: Mapped[str] = mapped_column(String(10))
    benefits_analysed: Mapped[bool] = mapped_column(default=False)
    benefits_plan: Mapped[bool] = mapped_column(default=False)
    benefits_owner: Mapped[bool] = mapped_column(default=False)
    expected_benefits: Mapped[str] = mapped_column(Text, default="")
    benefit_measure: Mapped[str] = mapped_column(Text, default="")
    benefit_target: Mapped[str] = mapped_column(Text, default="")
    realised_benefits: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    baseline_set_at: Mapped[datetime | None]

    @property
    def baseline_is_set(self) -> bool:
        return self.baseline_set_at is not None or self.carried_from_id is not None

    baseline_changes: Mapped[list["ProjectBaselineChange"]] = relationship(
        order_by="ProjectBaselineChange.id", lazy="selectin", cascade="all, delete-orphan"
    )
    benefits: Mapped[list["Benefit"]] = relationship(
        order_by="Benefit.id", lazy="selectin", cascade="all, delete-orphan"
    )


class ProjectBaselineChange(db.Model):
    """A re-baseline: the budget or the planned end date changed, and why."""

    __tablename__ = "project_baseline_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    field: Mapped[str] = mapped_column(String(20))  # budget | end_date
    old_value: Mapped[str] = mapped_column(String(40))
    new_value: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Benefit(db.Model):
    """A benefit of a project: "a measurable change perceived as positive by a stakeholder that
    contributes to the organisation's goals". One row per cycle, like its project: the row of
    each year holds that year's realisation (value, amount, status), and `carried_from_id`
    links it to last year's row, so a benefit keeps one identity across cycles."""

    __tablename__ = "benefit"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("benefit.id"))
    name: Mapped[str] = mapped_column(String(200))
    stakeholder: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # economic | qualitative
    goal: Mapped[str] = mapped_column(Text)  # the organisation's goal it contributes to
    indicator: Mapped[str] = mapped_column(String(200))  # what is measured
    unit: Mapped[str] = mapped_column(String(60))
    baseline_value: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    baseline_date: Mapped[date]
    target_value: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    target_year: Mapped[int]
    owner: Mapped[str] = mapped_column(String(200), default="")  # a role in the line organisation
    is_main: Mapped[bool] = mapped_column(default=False)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))  # economic: tkr a year
    budget_affecting: Mapped[bool] = mapped_column(default=False)
    # This cycle's realisation.
    realised_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    realised_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    status: Mapped[str] = mapped_column(String(20), default=BenefitStatus.ON_TRACK.value)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
