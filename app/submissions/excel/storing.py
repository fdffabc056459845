"""Storing a read upload through the web forms' own checks, all or nothing. Never commits."""

from decimal import Decimal

from flask_babel import gettext as _

from app.cycles.questionnaire_service import items_of
from app.errors import FieldErrors
from app.number_format import format_for_reader
from app.submissions.answers import field_name, parse_input, save_section
from app.submissions.answers import stored_values as stored_answers
from app.submissions.benefits import FIELDS as BENEFIT_FIELDS
from app.submissions.benefits import BenefitData, benefits_of_submission, update_benefit
from app.submissions.excel.layout import (
    BENEFIT_COLUMN,
    BENEFITS,
    PROJECT_COLUMN,
    PROJECTS,
    CellError,
    ParsedUpload,
    UploadOutcome,
    ValueChange,
    _coordinate,
)
from app.submissions.findings_text import finding_text
from app.submissions.models import Project, Submission
from app.submissions.projects import ProjectData, create_project, projects_of, update_project


def apply_upload(
    submission: Submission, parsed: ParsedUpload, actor, reason="", locale="sv"
) -> UploadOutcome:
    """Store the upload through the web forms' checks; on any error the caller rolls back."""
    outcome = UploadOutcome(errors=_conflicts(submission, parsed, actor))
    if outcome.errors:
        return outcome
    before = _texts(submission)
    for section, form in parsed.forms.items():
        saved = save_section(submission, section, form, submission.version, actor, reason)
        outcome.values += saved.changed
        outcome.errors += [
            CellError(*parsed.cells[name], finding_text(finding))
            for name, finding in saved.errors.items()
        ]
    existing = {project.id: project for project in projects_of(submission.id)}
    for row in parsed.projects:
        project = existing.get(row.project_id)
        if project is not None and _unchanged(project, row.data):
            continue
        try:
            if project is None:
                create_project(submission, row.data, actor)
            else:
                update_project(submission, project, row.data, actor)
        except FieldErrors as error:
            outcome.errors += [
                CellError(PROJECTS, _coordinate(row.row, PROJECT_COLUMN[name]), message)
                for name, message in error.errors.items()
            ]
        else:
            outcome.projects += 1
            outcome.project_names.append(row.data.name)
    _store_benefits(submission, parsed, actor, outcome)
    outcome.changes = _changes(submission, before, _texts(submission), locale)
    return outcome


def _store_benefits(submission: Submission, parsed: ParsedUpload, actor, outcome) -> None:
    """This year's realisation of each benefit, through the register's own rules (a realised
    benefit needs its value, an abandoned one its reason), next to the cell they are about."""
    existing = {benefit.id: benefit for benefit in benefits_of_submission(submission.id)}
    for row in parsed.benefits:
        benefit = existing[row.benefit_id]
        current = {name: getattr(benefit, name) for name in BENEFIT_FIELDS}
        if all(current[name] == value for name, value in row.values.items()):
            continue
        try:
            update_benefit(submission, benefit, BenefitData(**{**current, **row.values}), actor)
        except FieldErrors as error:
            outcome.errors += [
                CellError(
                    BENEFITS,
                    _coordinate(row.row, BENEFIT_COLUMN.get(name, BENEFIT_COLUMN["name"])),
                    message,
                )
                for name, message in error.errors.items()
            ]
        else:
            outcome.benefit_names.append(benefit.name)


def _texts(submission: Submission) -> dict[tuple[str, str], str | None]:
    return {
        key: (str(row.number) if row.number is not None else row.text)
        for key, row in stored_answers(submission.id).items()
    }


def _changes(submission, before: dict, after: dict, locale: str) -> list[ValueChange]:
    """Every answer the upload changed, old → new, in the questionnaire's order."""
    changes = []
    for item in items_of(submission.cycle_id):
        for period in ("outcome", "forecast"):
            old, new = before.get((item.code, period)), after.get((item.code, period))
            if (old or None) != (new or None):
                changes.append(ValueChange(item.label(locale), period, old, new))
    return changes


def _conflicts(submission: Submission, parsed: ParsedUpload, actor) -> list[CellError]:
    """Answers changed in the service after the template was downloaded — by anyone, the
    uploader included — where the file says otherwise: an offline file must not silently undo
    newer work. One such cell and nothing of the file is stored."""
    items = {item.code: item for item in items_of(submission.cycle_id)}
    errors = []
    for (code, period), row in stored_answers(submission.id).items():
        name = field_name(code, period)
        form = parsed.forms.get(items[code].section, {}) if code in items else {}
        if name not in form or row.changed_in_version <= parsed.version:
            continue
        value, problem = parse_input(items[code], form[name], period)
        current = row.number if row.number is not None else row.text
        if problem is None and value != current:
            message = _conflict_text(row, actor, current, value)
            errors.append(CellError(*parsed.cells[name], message))
    return errors


def _conflict_text(row, actor, current, value) -> str:
    if row.updated_by_id == actor.id:
        return _(
            "You changed this value in the service to %(current)s after the file was "
            "downloaded; the file says %(file)s. Download a new template to start from the "
            "current values.",
            current=_shown(current),
            file=_shown(value),
        )
    return _(
        "%(name)s changed this value in the service to %(current)s after the file was "
        "downloaded; the file says %(file)s. Download a new template to start from the "
        "current values.",
        name=row.updated_by.name if row.updated_by else "–",
        current=_shown(current),
        file=_shown(value),
    )


def _shown(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, Decimal):
        return format_for_reader(value, 2)
    return f"”{value}”"


def _unchanged(project: Project, data: ProjectData) -> bool:
    current = {"budget": project.current_budget, "end_date": project.current_end_date}
    return all(
        getattr(data, name) == current.get(name, getattr(project, name, None))
        for name in ProjectData.__dataclass_fields__
        if name != "rebaseline_reason"
    )
