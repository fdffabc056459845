"""The questionnaire of a cycle, for administrators: read always, edited while planned."""

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.accounts.access import roles_required
from app.cycles import bp
from app.cycles.questionnaire import QuestionnaireItem
from app.cycles.questionnaire_document import SCHEMA
from app.cycles.questionnaire_service import ItemWording, items_of, rules_of, update_item
from app.cycles.services import cycle_or_404
from app.errors import FieldErrors
from app.extensions import db
from app.forms_support import SwedishDecimalField, apply_field_errors
from app.roles import Role
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
        items=items_of(cycle.id),
        rules=rules_of(cycle.id),
        editable=cycle.status == CycleStatus.PLANNED,
    )


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
