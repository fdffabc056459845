"""The benefit register of a project: each benefit with its indicator, baseline, target and
owner, and the realisation the agency reports for it each year. Field checks are the form's;
the cross-field rules (target year against the project's start, an economic benefit's amount,
one main benefit, a reason for abandoning) are here, so the form, the Excel upload and the API
refuse the same. Operations flush, never commit."""

from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.effects import BENEFIT_REMOVED, announce
from app.errors import FieldErrors
from app.extensions import db
from app.submissions.models import Benefit, Project, Submission
from app.submissions.projects import projects_of, touch_submission
from app.timeutil import utcnow
from workflows.answers import LARGEST, Finding
from workflows.benefits import BenefitFacts, benefit_item, benefit_warnings
from workflows.vocabulary import BenefitKind, BenefitStatus, ProjectStatus

ENDED = (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED)

EARLIEST_YEAR, LATEST_YEAR = 1990, 2100
TEXT_LIMITS = {"name": 200, "stakeholder": 200, "indicator": 200, "unit": 60, "owner": 200}


@dataclass
class BenefitData:
    name: str
    stakeholder: str
    kind: str
    goal: str
    indicator: str
    unit: str
    baseline_value: Decimal
    baseline_date: date
    target_value: Decimal
    target_year: int
    owner: str
    is_main: bool
    amount: Decimal | None
    budget_affecting: bool
    realised_value: Decimal | None
    realised_amount: Decimal | None
    status: str
    status_reason: str


FIELDS = tuple(f.name for f in fields(BenefitData))


def _cleaned(data: BenefitData) -> BenefitData:
    """Texts as they will be stored: without NUL (app/database.py drops it), trimmed."""
    return replace(
        data,
        **{
            name: getattr(data, name).replace("\x00", "").strip()
            for name in FIELDS
            if isinstance(getattr(data, name), str)
        },
    )


def _number_errors(data: BenefitData) -> dict[str, str]:
    errors = {}
    for name in ("baseline_value", "target_value", "realised_value"):
        value = getattr(data, name)
        if value is not None and (abs(value) > LARGEST or value != value.quantize(Decimal("0.01"))):
            errors[name] = _("Enter a number of at most 13 digits, two decimals.")
    for name in ("amount", "realised_amount"):
        amount = getattr(data, name)
        if amount is None:
            continue
        if amount < 0:
            errors[name] = _("Enter 0 or more.")
        elif amount > LARGEST or amount != amount.quantize(Decimal("0.01")):
            errors[name] = _("Enter at most 9 999 999 999 999 thousand kronor, two decimals.")
    return errors


def _field_errors(data: BenefitData) -> dict[str, str]:
    required = {
        "name": _("Enter the benefit's name."),
        "stakeholder": _("Enter who perceives the benefit."),
        "goal": _("Enter the goal of the organisation the benefit contributes to."),
        "indicator": _("Enter what is measured."),
        "unit": _("Enter the unit of the indicator."),
    }
    errors = {name: message for name, message in required.items() if not getattr(data, name)}
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(data, name)) > limit:
            errors[name] = _("Enter at most %(n)d characters.", n=limit)
    if data.kind not in tuple(BenefitKind):
        errors["kind"] = _("Choose economic or qualitative.")
    if data.status not in tuple(BenefitStatus):
        errors["status"] = _("Choose the benefit's status.")
    if not EARLIEST_YEAR <= data.target_year <= LATEST_YEAR:
        errors["target_year"] = _("Enter a year between 1990 and 2100.")
    if not date(EARLIEST_YEAR, 1, 1) <= data.baseline_date <= date(LATEST_YEAR, 12, 31):
        errors["baseline_date"] = _("Enter a date between 1990 and 2100.")
    return errors | _number_errors(data)


def _cross_field_errors(data: BenefitData, project: Project, benefit: Benefit | None) -> dict:
    errors = {}
    if data.target_year < project.start_date.year:
        errors["target_year"] = _(
            "The target year cannot come before the project starts (%(year)d).",
            year=project.start_date.year,
        )
    economic = data.kind == BenefitKind.ECONOMIC
    if economic and data.amount is None:
        errors["amount"] = _("An economic benefit needs its amount, in tkr a year.")
    if not economic and data.amount is not None:
        errors["amount"] = _("Only an economic benefit has an amount: leave it empty.")
    if not economic and data.realised_amount is not None:
        errors["realised_amount"] = _("Only an economic benefit has a realised amount.")
    if not economic and data.budget_affecting:
        errors["budget_affecting"] = _("Only an economic benefit can affect the budget.")
    if data.status == BenefitStatus.ABANDONED and not data.status_reason:
        errors["status_reason"] = _("Say why the benefit was abandoned.")
    if data.status == BenefitStatus.REALISED and data.realised_value is None:
        errors["realised_value"] = _("A realised benefit needs its realised value.")
    other_main = next((b for b in project.benefits if b.is_main and b is not benefit), None)
    if data.is_main and other_main is not None:
        errors["is_main"] = _(
            "The project's main benefit is already “%(name)s”: untick it there first.",
            name=other_main.name,
        )
    return errors


def check(data: BenefitData, project: Project, benefit: Benefit | None) -> BenefitData:
    """The data as it will be stored, or FieldErrors with every field's message."""
    data = _cleaned(data)
    errors = _field_errors(data)
    errors = _cross_field_errors(data, project, benefit) | errors
    if errors:
        raise FieldErrors(errors)
    return data


def create_benefit(submission: Submission, project: Project, data: BenefitData, actor) -> Benefit:
    data = check(data, project, None)
    benefit = Benefit(project_id=project.id)
    _assign(benefit, data)
    project.benefits.append(benefit)
    db.session.flush()
    touch_submission(submission, actor, "add_benefit", f"{project.name}: {benefit.name}")
    return benefit


def update_benefit(submission: Submission, benefit: Benefit, data: BenefitData, actor) -> None:
    project = db.session.get_one(Project, benefit.project_id)
    data = check(data, project, benefit)
    _assign(benefit, data)
    db.session.flush()
    touch_submission(submission, actor, "change_benefit", f"{project.name}: {benefit.name}")


def delete_benefit(submission: Submission, benefit: Benefit, actor) -> None:
    project = db.session.get_one(Project, benefit.project_id)
    name = f"{project.name}: {benefit.name}"
    announce(BENEFIT_REMOVED, benefit_id=benefit.id)  # its questions stay in the record
    project.benefits.remove(benefit)
    db.session.flush()
    touch_submission(submission, actor, "remove_benefit", name)


def _assign(benefit: Benefit, data: BenefitData) -> None:
    for name in FIELDS:
        setattr(benefit, name, getattr(data, name))


def benefit_of(project: Project, benefit_id: int) -> Benefit | None:
    return next((b for b in project.benefits if b.id == benefit_id), None)


def benefits_of_submission(submission_id: int) -> list[Benefit]:
    """Every benefit of a submission's projects, in one query."""
    return list(
        db.session.scalars(
            select(Benefit)
            .join(Project, Benefit.project_id == Project.id)
            .where(Project.submission_id == submission_id)
            .order_by(Project.name, Benefit.id)
        )
    )


def benefit_facts(benefits: list[Benefit], projects: dict[int, Project]) -> list[BenefitFacts]:
    return [
        BenefitFacts(
            id=b.id,
            kind=b.kind,
            status=b.status,
            baseline_value=b.baseline_value,
            target_value=b.target_value,
            realised_value=b.realised_value,
            amount=b.amount,
            owner=b.owner,
            project_cost=projects[b.project_id].forecast_at_completion,
            project_end=projects[b.project_id].current_end_date,
            project_ended=projects[b.project_id].status in ENDED,
        )
        for b in benefits
    ]


def benefit_warnings_of(submission_id: int) -> list[Finding]:
    """The plausibility warnings of a submission's benefits (its projects and their benefits:
    a fixed number of queries)."""
    return _warnings_of_projects(projects_of(submission_id), utcnow().date())


def benefit_warnings_by_submission(submission_ids: list[int]) -> dict[int, list[Finding]]:
    """`benefit_warnings_of` each submission, for a list: the projects and their benefits of
    all of them in three queries."""
    projects: dict[int, list[Project]] = {}
    for project in db.session.scalars(
        select(Project)
        .where(Project.submission_id.in_(submission_ids))
        .order_by(Project.submission_id, Project.name)  # as projects_of orders them
    ):
        projects.setdefault(project.submission_id, []).append(project)
    today = utcnow().date()
    return {
        submission_id: _warnings_of_projects(own, today) for submission_id, own in projects.items()
    }


def _warnings_of_projects(projects: list[Project], today: date) -> list[Finding]:
    benefits = [benefit for project in projects for benefit in project.benefits]
    return benefit_warnings(benefit_facts(benefits, {p.id: p for p in projects}), today)


def benefit_labels(submission_id: int) -> dict[str, tuple[str, Benefit, Project]]:
    """Each benefit of a submission as a finding names it: "Project: benefit", with its rows."""
    projects = {p.id: p for p in projects_of(submission_id)}
    return {
        benefit_item(b.id): (f"{projects[p].name}: {b.name}", b, projects[p])
        for p in projects
        for b in projects[p].benefits
    }
