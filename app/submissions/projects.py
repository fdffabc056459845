"""Strategic IT projects of a submission. Until the submission is first submitted a project's
plan is a draft the agency may change freely; from then on the original baseline (budget and
planned end date) is never overwritten: a change of either is a re-baseline with a reason, kept
in history. Operations flush, never commit."""

from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select, update

from app.audit.operations import record_submission_event
from app.effects import PROJECT_REMOVED, announce
from app.errors import FieldErrors
from app.extensions import db
from app.session_memo import memoised
from app.submissions.models import (
    Benefit,
    Project,
    ProjectBaselineChange,
    ProjectStatus,
    Submission,
)
from app.timeutil import utcnow
from workflows.answers import LARGEST
from workflows.vocabulary import CLOSED_BENEFIT_STATUSES, Orientation, RiskLevel

RISKS = tuple(RiskLevel)
EARLIEST, LATEST = date(1990, 1, 1), date(2100, 12, 31)
ORIENTATIONS = tuple(Orientation)


@dataclass
class ProjectData:
    name: str
    description: str
    orientation: str
    status: str
    start_date: date
    end_date: date  # the currently planned end date
    budget: Decimal  # the current budget, tkr
    cost_to_date: Decimal
    forecast_at_completion: Decimal
    collaboration: str
    risk_benefits: str
    risk_budget: str
    risk_time: str
    benefits_analysed: bool
    benefits_plan: bool
    benefits_owner: bool
    expected_benefits: str
    benefit_measure: str
    benefit_target: str
    realised_benefits: str
    rebaseline_reason: str = ""


@memoised
def projects_of(submission_id: int) -> list[Project]:
    return list(
        db.session.scalars(
            select(Project).where(Project.submission_id == submission_id).order_by(Project.name)
        )
    )


def _cleaned(data: ProjectData) -> ProjectData:
    """The texts without NUL, as they will be stored (app/database.py drops NUL before any
    flush): a name of nothing but NUL is an empty name, and refused as one."""
    return replace(
        data,
        **{
            f.name: getattr(data, f.name).replace("\x00", "")
            for f in fields(data)
            if isinstance(getattr(data, f.name), str)
        },
    )


def _check(data: ProjectData, project: Project | None) -> None:
    errors = {}
    if data.end_date < data.start_date:
        errors["end_date"] = _("The planned end date must come after the start date.")
    if (
        project is not None
        and project.baseline_is_set
        and project.original_end_date < data.start_date
    ):
        errors["start_date"] = _("The start date must come before the original end date.")
    for name in ("budget", "cost_to_date", "forecast_at_completion"):
        amount = getattr(data, name)
        if amount < 0:
            errors[name] = _("Enter 0 or more.")
        elif amount > LARGEST or amount != amount.quantize(Decimal("0.01")):
            errors[name] = _("Enter at most 9 999 999 999 999 thousand kronor, two decimals.")
    if not data.name.strip():
        errors["name"] = _("Enter the project's name.")
    for name in ("start_date", "end_date"):
        if not EARLIEST <= getattr(data, name) <= LATEST:
            errors[name] = _("Enter a date between 1990 and 2100.")
    if (
        project is not None
        and project.baseline_is_set
        and _rebaselined(project, data)
        and not data.rebaseline_reason.strip()
    ):
        errors["rebaseline_reason"] = _("The budget or the planned end date has changed: say why.")
    if errors:
        raise FieldErrors(errors)


def _rebaselined(project: Project, data: ProjectData) -> bool:
    return data.budget != project.current_budget or data.end_date != project.current_end_date


_PLAIN_FIELDS = (
    "name",
    "description",
    "orientation",
    "status",
    "start_date",
    "cost_to_date",
    "forecast_at_completion",
    "collaboration",
    "risk_benefits",
    "risk_budget",
    "risk_time",
    "benefits_analysed",
    "benefits_plan",
    "benefits_owner",
    "expected_benefits",
    "benefit_measure",
    "benefit_target",
    "realised_benefits",
)


def create_project(submission: Submission, data: ProjectData, actor) -> Project:
    data = _cleaned(data)
    _check(data, None)
    project = Project(
        submission_id=submission.id,
        original_budget=data.budget,
        current_budget=data.budget,
        original_end_date=data.end_date,
        current_end_date=data.end_date,
    )
    for name in _PLAIN_FIELDS:
        setattr(project, name, getattr(data, name))
    db.session.add(project)
    db.session.flush()
    touch_submission(submission, actor, "add_project", project.name)
    return project


def update_project(submission: Submission, project: Project, data: ProjectData, actor) -> None:
    data = _cleaned(data)
    _check(data, project)
    reason = data.rebaseline_reason.strip()
    if not project.baseline_is_set:
        # Still the agency's draft plan: a typo in the budget is no re-baseline.
        project.original_budget, project.original_end_date = data.budget, data.end_date
        reason = ""
    else:
        _record_rebaselines(project, data, reason, actor)
    project.current_budget, project.current_end_date = data.budget, data.end_date
    for name in _PLAIN_FIELDS:
        setattr(project, name, getattr(data, name))
    db.session.flush()
    touch_submission(submission, actor, "change_project", project.name, reason)


def _record_rebaselines(project: Project, data: ProjectData, reason: str, actor) -> None:
    for field, old, new in (
        ("budget", project.current_budget, data.budget),
        ("end_date", project.current_end_date, data.end_date),
    ):
        if old != new:
            project.baseline_changes.append(
                ProjectBaselineChange(
                    field=field,
                    old_value=_text(old),
                    new_value=_text(new),
                    reason=reason,
                    changed_by_id=actor.id,
                )
            )


def _text(value) -> str:
    return str(value.quantize(Decimal("0.01"))) if isinstance(value, Decimal) else str(value)


def delete_project(submission: Submission, project: Project, actor) -> None:
    name = project.name
    announce(PROJECT_REMOVED, project_id=project.id)  # its questions stay in the record
    db.session.delete(project)
    db.session.flush()
    touch_submission(submission, actor, "remove_project", name)


def touch_submission(
    submission: Submission, actor, event: str, name: str, reason: str = ""
) -> None:
    submission.updated_at = utcnow()  # steps the version: projects are part of the answers
    if submission.status != "draft":
        record_submission_event(
            "value_change",
            event,
            actor,
            submission,
            to_value=name,
            comment=reason,
        )


@dataclass(frozen=True)
class ProjectFigures:
    cost_variance: Decimal  # forecast at completion against the original budget, tkr
    cost_variance_share: Decimal | None  # in %
    schedule_slip_days: int  # current against original planned end date


def set_baselines(submission: Submission) -> None:
    """At submission the plans of the projects submitted for the first time become their
    original baselines (in the transition's transaction). No autoflush: the transition writes
    the submission row once, so its version steps once."""
    with db.session.no_autoflush:
        db.session.execute(
            update(Project)
            .where(Project.submission_id == submission.id, Project.baseline_set_at.is_(None))
            .values(baseline_set_at=utcnow()),
            execution_options={"synchronize_session": False},
        )


def figures_of(project: Project) -> ProjectFigures:
    variance = project.forecast_at_completion - project.original_budget
    share = variance * 100 / project.original_budget if project.original_budget else None
    slip = (project.current_end_date - project.original_end_date).days
    return ProjectFigures(variance, share, slip)


def benefit_still_followed(benefit: Benefit, year: int) -> bool:
    """Whether a benefit is still reported on in the cycle of `year`: until it is realised,
    abandoned or past its target year, whether or not its project has ended."""
    return benefit.status not in CLOSED_BENEFIT_STATUSES and benefit.target_year >= year


def carry_over_projects(source_submission_id: int, target: Submission) -> int:
    """Copy last year's projects into a new draft, baseline and history included: the ongoing
    ones with all their benefits, the ended ones while a benefit of theirs is still followed
    (realisation happens after the project, in the line organisation), with those benefits."""
    carried = 0
    year = target.cycle.year
    for old in projects_of(source_submission_id):
        running = old.status in (ProjectStatus.ONGOING, ProjectStatus.REORIENTING)
        followed = [b for b in old.benefits if running or benefit_still_followed(b, year)]
        if not running and not followed:
            continue
        copy = Project(submission_id=target.id, carried_from_id=old.id)
        for column in (c.key for c in Project.__table__.columns):
            if column not in ("id", "submission_id", "carried_from_id", "updated_at"):
                setattr(copy, column, getattr(old, column))
        copy.baseline_changes = [
            ProjectBaselineChange(
                field=c.field,
                old_value=c.old_value,
                new_value=c.new_value,
                reason=c.reason,
                changed_by_id=c.changed_by_id,
                changed_at=c.changed_at,
            )
            for c in old.baseline_changes
        ]
        copy.benefits = [_carried_benefit(b) for b in followed]
        db.session.add(copy)
        carried += 1
    db.session.flush()
    return carried


def _carried_benefit(old: Benefit) -> Benefit:
    """This year's row of a benefit: last year's register and realisation as the starting
    point, which the agency brings up to date."""
    copy = Benefit(carried_from_id=old.id)
    for column in (c.key for c in Benefit.__table__.columns):
        if column not in ("id", "project_id", "carried_from_id", "updated_at"):
            setattr(copy, column, getattr(old, column))
    return copy
