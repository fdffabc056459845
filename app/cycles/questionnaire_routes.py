"""The questionnaire of a cycle, for administrators: read always, edited while planned."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.accounts.access import roles_required
from app.accounts.policies import is_authority_staff
from app.cycles import bp
from app.cycles.questionnaire import QuestionnaireItem
from app.cycles.questionnaire_changes import changes_of
from app.cycles.questionnaire_document import SCHEMA
from app.cycles.questionnaire_editing import entry_of, save_entry
from app.cycles.questionnaire_editing import move_entry as move_entry_of
from app.cycles.questionnaire_editing import remove_entry as remove_entry_of
from app.cycles.questionnaire_forms import FORMS
from app.cycles.questionnaire_service import (
    ItemWording,
    items_of,
    key_figures_of,
    rules_of,
    sections_of,
    update_item,
)
from app.cycles.questionnaire_words import (
    FIELD_LABELS,
    ITEM_KIND_LABELS,
    PART_NAMES,
    PART_TITLES,
    RULE_KIND_LABELS,
    RULE_OPERAND_HINTS,
)
from app.cycles.services import cycle_or_404
from app.errors import FieldErrors
from app.extensions import db
from app.forms_support import SwedishDecimalField, apply_field_errors
from app.roles import AGENCY_ROLES, Role
from workflows.cycle import CycleStatus

admin_only = roles_required(Role.ADMIN)


class ItemForm(FlaskForm):
    label_sv = StringField(
        _l("Question in Swedish"),
        validators=[InputRequired(_l("Enter the question in Swedish.")), Length(max=300)],
    )
    label_en = StringField(
        _l("Question in English"),
        validators=[InputRequired(_l("Enter the question in English.")), Length(max=300)],
    )
    definition_sv = TextAreaField(_l("Definition in Swedish"), validators=[Optional()])
    definition_en = TextAreaField(_l("Definition in English"), validators=[Optional()])
    required = BooleanField(_l("An answer is required"))
    min_value = SwedishDecimalField(_l("Lowest value"), validators=[Optional()])
    max_value = SwedishDecimalField(_l("Highest value"), validators=[Optional()])


@bp.get("/admin/cycles/<int:year>/questionnaire")
@admin_only
def questionnaire(year):
    cycle = cycle_or_404(year)
    return render_template(
        "cycles/questionnaire.html",
        cycle=cycle,
        sections=sections_of(cycle.id),
        items=items_of(cycle.id),
        rules=rules_of(cycle.id),
        figures=key_figures_of(cycle.id),
        kind_labels=ITEM_KIND_LABELS,
        rule_kind_labels=RULE_KIND_LABELS,
        editable=cycle.status == CycleStatus.PLANNED,
    )


def _part_or_404(part: str) -> None:
    if part not in FORMS:
        abort(404)


def _form(cycle, part: str):
    form = FORMS[part]()
    if part == "items":
        form.section.choices = [
            SelectChoice(s.code, s.label(str(get_locale()))) for s in sections_of(cycle.id)
        ]
    return form


def _entry_page(cycle, part: str, form, code: str | None, entry: dict | None = None):
    locale = str(get_locale())
    return render_template(
        "cycles/questionnaire_entry.html",
        cycle=cycle,
        part=part,
        form=form,
        code=code,
        heading=entry["label"].get(locale) if entry else None,
        part_titles=PART_TITLES,
        rule_hints=RULE_OPERAND_HINTS,
        rule_kind_labels=RULE_KIND_LABELS,
    ), (422 if form.errors else 200)


@bp.route("/admin/cycles/<int:year>/questionnaire/<part>/new", methods=["GET", "POST"])
@admin_only
def new_entry(year, part):
    _part_or_404(part)
    cycle = cycle_or_404(year)
    form = _form(cycle, part)
    if form.validate_on_submit() and _saved(cycle, part, None, form):
        return redirect(url_for("cycles.questionnaire", year=year, _anchor=part))
    return _entry_page(cycle, part, form, None)


@bp.route("/admin/cycles/<int:year>/questionnaire/<part>/<code>", methods=["GET", "POST"])
@admin_only
def edit_entry(year, part, code):
    _part_or_404(part)
    cycle = cycle_or_404(year)
    entry = entry_of(cycle, part, code)
    if entry is None:
        abort(404)
    form = _form(cycle, part)
    if request.method == "GET":
        form.fill(entry)
    else:
        # A code is kept: rules, figures and answers name it.
        form.code.data, form.code.raw_data = code, [code]
    if form.validate_on_submit() and _saved(cycle, part, code, form):
        return redirect(url_for("cycles.questionnaire", year=year, _anchor=part))
    return _entry_page(cycle, part, form, code, entry)


def _saved(cycle, part: str, code: str | None, form) -> bool:
    try:
        save_entry(cycle, part, code, form.entry())
    except FieldErrors as error:
        db.session.rollback()
        apply_field_errors(form, error)
        return False
    db.session.commit()
    flash(_("The questionnaire has been saved."), "success")
    return True


@bp.post("/admin/cycles/<int:year>/questionnaire/<part>/<code>/remove")
@admin_only
def remove_entry(year, part, code):
    _part_or_404(part)
    return _changed(year, part, lambda cycle: remove_entry_of(cycle, part, code), _("Removed."))


@bp.post("/admin/cycles/<int:year>/questionnaire/<part>/<code>/move")
@admin_only
def move_entry(year, part, code):
    _part_or_404(part)
    step = -1 if request.form.get("direction") == "up" else 1
    return _changed(year, part, lambda cycle: move_entry_of(cycle, part, code, step), _("Moved."))


def _changed(year: int, part: str, change, done: str):
    """A removal or move: done, or refused with why (a rule still names the item, say)."""
    cycle = cycle_or_404(year)
    try:
        change(cycle)
    except FieldErrors as error:
        db.session.rollback()
        flash(" ".join(error.errors.values()), "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("cycles.questionnaire", year=year, _anchor=part))


@bp.route("/admin/cycles/<int:year>/questionnaire/<int:item_id>", methods=["GET", "POST"])
@admin_only
def edit_item(year, item_id):
    cycle = cycle_or_404(year)
    item = db.session.get(QuestionnaireItem, item_id)
    if item is None or item.cycle_id != cycle.id:
        abort(404)
    form = ItemForm(obj=item)
    if form.validate_on_submit():
        wording = ItemWording(
            form.label_sv.data,
            form.label_en.data,
            form.definition_sv.data or "",
            form.definition_en.data or "",
            form.required.data,
            form.min_value.data,
            form.max_value.data,
        )
        try:
            update_item(cycle, item, wording)
        except FieldErrors as error:
            db.session.rollback()
            apply_field_errors(form, error)
        else:
            db.session.commit()
            flash(_("The question has been saved."), "success")
            return redirect(url_for("cycles.questionnaire", year=year))
    return render_template(
        "cycles/questionnaire_item.html",
        cycle=cycle,
        item=item,
        form=form,
        editable=cycle.status == CycleStatus.PLANNED,
    ), (422 if form.errors else 200)


@bp.get("/questionnaire.schema.json")
def questionnaire_schema():
    """The questionnaire file format's JSON Schema: public, like any published format."""
    return jsonify(SCHEMA)


@bp.get("/cycles/<int:year>/questionnaire/changes")
@roles_required(*AGENCY_ROLES, Role.REVIEWER, Role.ADMIN)
def questionnaire_changes(year):
    """What changed since last year: for everyone who answers or reads the cycle (a planned
    cycle's draft only for the authority's staff)."""
    cycle = cycle_or_404(year)
    if cycle.status == CycleStatus.PLANNED and not is_authority_staff(current_user):
        abort(404)
    previous, changes = changes_of(cycle)
    return render_template(
        "cycles/questionnaire_changes.html",
        cycle=cycle,
        previous=previous,
        changes=changes,
        part_names=PART_NAMES,
        field_labels=FIELD_LABELS,
    )
