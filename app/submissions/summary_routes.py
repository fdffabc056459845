""" "Check your answers": everything in one page, with errors and warnings linked to their
fields, the agency's explanations of warnings, and the submit button."""

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import roles_required
from app.cycles.questionnaire_service import (
    items_of,
    key_figure_specs,
    key_figure_units,
    rules_of,
    section_labels,
)
from app.extensions import db
from app.submissions import bp
from app.submissions.access import ANYONE_SIGNED_IN, can_edit, load_submission
from app.submissions.answers import (
    errors_of,
    explanations_of,
    field_name,
    save_explanations,
    warnings_of,
)
from app.submissions.benefits import benefit_labels
from app.submissions.comparison import last_year_submission_id
from app.submissions.findings_text import finding_text
from app.submissions.progress import progress_of
from app.submissions.projects import figures_of, projects_of
from app.submissions.stored import answers_of, values_of
from app.submissions.transitions import available_actions
from app.workflow_messages import trigger_label
from workflows.answers import key_figures
from workflows.benefits import benefit_id_of
from workflows.vocabulary import ItemKind


def _link(submission, finding, section_of) -> str | None:
    benefit_id = benefit_id_of(finding.item)
    if benefit_id is not None:
        return url_for(
            "submissions.benefit_by_id", submission_id=submission.id, benefit_id=benefit_id
        )
    section = section_of.get(finding.item)
    if section is None:
        return None
    return url_for(
        "submissions.section",
        submission_id=submission.id,
        section=section,
        _anchor=field_name(finding.item, finding.period),
    )


def _comments(items, values) -> dict[str, str]:
    """The written comments, by item code (an empty one is no comment)."""
    comments = {}
    for item in items:
        row = values.get((item.code, "outcome"))
        if item.kind == ItemKind.TEXT and row is not None and (row.text or "").strip():
            comments[item.code] = row.text
    return comments


@dataclass(frozen=True)
class SummarySection:
    """A section of the summary: its items with a number or a choice (a table row each, in
    the periods asked), and its comments (prose)."""

    code: str
    label: str
    items: list
    texts: list
    periods: tuple[str, ...]


def _summary_sections(items, sections: dict[str, str]) -> list[SummarySection]:
    """The sections that have items, each item placed once (the template filtered every item
    six times per section)."""
    by_section: dict[str, list] = {code: [] for code in sections}
    for item in items:
        by_section.setdefault(item.section, []).append(item)
    grouped = []
    for code, label in sections.items():
        answered = [item for item in by_section[code] if item.kind != ItemKind.TEXT]
        texts = [item for item in by_section[code] if item.kind == ItemKind.TEXT]
        if answered or texts:
            periods = (
                ("outcome", "forecast") if any(i.has_forecast for i in answered) else ("outcome",)
            )
            grouped.append(SummarySection(code, label, answered, texts, periods))
    return grouped


@bp.get("/submissions/<int:submission_id>/summary")
@roles_required(*ANYONE_SIGNED_IN)
def summary(submission_id):
    submission = load_submission(submission_id)
    locale = str(get_locale())
    items = items_of(submission.cycle_id)
    section_of = {item.code: item.section for item in items}
    labels = {item.code: item.label(locale) for item in items}
    units = key_figure_units(submission.cycle_id)
    labels.update({code: label for code, (label, _unit) in units.items()})
    labels.update({item: name for item, (name, *_rows) in benefit_labels(submission.id).items()})
    sections = section_labels(submission.cycle_id)
    rule_labels = {rule.code: rule.label(locale) for rule in rules_of(submission.cycle_id)}
    values = values_of(submission.id)
    answers = answers_of(submission.id)
    findings = errors_of(submission)
    progress = progress_of(items, answers, findings)
    allowed, blocked = available_actions(submission, current_user, len(findings))
    submit_blocked = blocked.get("submit")
    return render_template(
        "submissions/summary.html",
        submission=submission,
        items=items,
        values=values,
        sections=sections,
        summary_sections=_summary_sections(items, sections),
        labels=labels,
        has_last_year=last_year_submission_id(submission) is not None,
        progress=progress,
        errors=[
            (f, finding_text(f, rule_labels), _link(submission, f, section_of))
            for f in progress.errors
        ],
        warnings=[
            (f, finding_text(f), _link(submission, f, section_of)) for f in warnings_of(submission)
        ],
        explanations=explanations_of(submission.id),
        comments=_comments(items, values),
        figures=key_figures(answers, key_figure_specs(submission.cycle_id)),
        projects=[(project, figures_of(project)) for project in projects_of(submission.id)],
        key_figure_labels=units,
        editable=can_edit(submission),
        can_submit="submit" in allowed,
        submit_blocked=progress.refusal_text(submit_blocked) if submit_blocked else None,
        trigger_label=trigger_label,
    )


@bp.post("/submissions/<int:submission_id>/explanations")
@roles_required(*ANYONE_SIGNED_IN)
def explain(submission_id):
    submission = load_submission(submission_id, lock=True)
    if not can_edit(submission):
        abort(403)
    texts = {
        key.removeprefix("explain:"): value
        for key, value in request.form.items()
        if key.startswith("explain:")
    }
    changed = save_explanations(submission, texts, current_user)
    db.session.commit()
    flash(
        _("Your explanations have been saved.")
        if changed
        else _("Nothing to save: no explanation was changed."),
        "success",
    )
    return redirect(url_for("submissions.summary", submission_id=submission_id, _anchor="warnings"))
