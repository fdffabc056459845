"""The questionnaire's sections of a submission: read by anyone who may see the submission,
saved by the agency's editors while the submission is a draft or in clarification."""

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import roles_required
from app.accounts.form_stash import keeps_form_across_login, take_stash
from app.cycles.questionnaire_changes import new_and_changed
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
    field_name,
    parse_section,
    reason_missing,
    save_section,
)
from app.submissions.comparison import last_year_answers
from app.submissions.findings_text import finding_text
from app.submissions.labels import HEADING_LABELS
from app.submissions.models import Submission
from app.submissions.stored import answers_of, values_of
from workflows.answers import key_figures
from workflows.formulas import names

# The groups of a section page a save button may return to (see macros/answers.save_here).
_GROUP_ANCHOR = re.compile(r"(heading|area)-[a-z0-9_]{1,60}")


def _known_section(submission: Submission, section: str) -> None:
    if section not in section_labels(submission.cycle_id):
        abort(404)


@bp.route("/submissions/<int:submission_id>/sections/<section>", methods=["GET", "POST"])
@keeps_form_across_login
@roles_required(*ANYONE_SIGNED_IN)
def section(submission_id, section):
    if request.method == "GET":
        submission = load_submission(submission_id)
        stash = take_stash(current_user, request.path) if can_edit(submission) else None
        if stash is not None:
            return _render_stash(submission, section, stash)
        return _render(submission, section)
    submission = load_submission(submission_id)
    _known_section(submission, section)
    if not can_edit(submission):
        abort(403)
    # Parsed and checked before the write lock is taken: the lock is held for the version
    # check and the writes only, not through the parsing of every field.
    parsed = parse_section(submission.cycle_id, section, request.form)
    submission = load_submission(submission_id, lock=True)
    if not can_edit(submission):
        abort(403)
    reason = request.form.get("reason", "")
    typed = {k: v for k, v in request.form.items() if "--" in k}
    if reason_missing(submission, reason):
        db.session.rollback()
        return _render(
            load_submission(submission_id),
            section,
            typed=typed,
            status=422,
            reason_error=_("Say why you change the values."),
        )
    version = request.form.get("version", type=int) or 0
    outcome = save_section(
        submission, section, request.form, version, current_user, reason, parsed=parsed
    )
    if outcome.conflicts:
        db.session.rollback()
        return _render(
            load_submission(submission_id),
            section,
            typed=typed,
            status=409,
            conflicts=outcome.conflicts,
        )
    db.session.commit()
    if outcome.errors:
        return _render(
            load_submission(submission_id),
            section,
            typed=typed,
            status=422,
            errors={name: finding_text(f) for name, f in outcome.errors.items()},
        )
    flash(
        _("Saved.") if outcome.changed else _("Nothing to save: no value was changed."), "success"
    )
    return redirect(
        url_for(
            "submissions.section",
            submission_id=submission_id,
            section=section,
            _anchor=_return_anchor(request.form.get("return_to", "")),
        )
    )


def _render_stash(submission, section, stash):
    """The form as the user sent it when their session had ended: their values, their reason
    and the version they had loaded, so the save they now make is checked as the lost one was."""
    return _render(
        submission,
        section,
        typed={k: v for k, v in stash.items() if "--" in k},
        restored=True,
        version=stash.get("version", type=int),
        reason=stash.get("reason", ""),
    )


def _return_anchor(value: str) -> str | None:
    """Back to the group whose button saved, not to the top of a long page."""
    return value if _GROUP_ANCHOR.fullmatch(value) else None


def _render(
    submission,
    section,
    typed=None,
    errors=None,
    status=200,
    conflicts=None,
    reason_error=None,
    restored=False,
    version=None,
    reason=None,
):
    _known_section(submission, section)
    items = items_of(submission.cycle_id, section)
    values = values_of(submission.id)
    answers = answers_of(submission.id)
    rule_labels = {r.code: r.label(_locale()) for r in rules_of(submission.cycle_id)}
    on_this_page = {item.code for item in items}
    cross_field = [
        f
        for f in errors_of(submission, complete=False)
        if f.code in ("sum_mismatch", "below_reference") and f.item in on_this_page
    ]
    # The key figures computed from this page's items; the maturity scale has a layout of its
    # own, any other section the layout of groups of items.
    figures = [
        figure
        for figure in key_figure_specs(submission.cycle_id)
        if names(figure.formula) & on_this_page
    ]
    units = key_figure_units(submission.cycle_id)
    levels = any(item.kind == "level" for item in items)
    new_codes, changed_codes = new_and_changed(submission.cycle)
    return render_template(
        f"submissions/section_{'maturity' if levels else 'items'}.html",
        submission=submission,
        section=section,
        sections=section_labels(submission.cycle_id),
        items=items,
        headings=_by_heading(items, section),
        new_codes=new_codes,
        changed_codes=changed_codes,
        values=values,
        typed=typed or {},
        errors=errors or {},
        cross_field={
            field_name(f.item, f.period): finding_text(f, rule_labels) for f in cross_field
        },
        last_year=last_year_answers(submission),
        figures=key_figures(answers, figures),
        key_figure_labels={figure.code: units[figure.code] for figure in figures},
        editable=can_edit(submission),
        conflicts=conflicts,
        field_name=field_name,
        reason_error=reason_error,
        heading_labels={section: section_labels(submission.cycle_id)[section], **HEADING_LABELS},
        labels={item.code: item.label(_locale()) for item in items},
        reason=reason
        if reason is not None
        else (request.form.get("reason", "") if request.method == "POST" else ""),
        restored=restored,
        version=version or submission.version,
    ), status


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale())


def _by_heading(items, section: str):
    """Items by their group; items of no group are grouped under their section."""
    headings = {}
    for item in items:
        headings.setdefault(item.heading or section, []).append(item)
    return headings
