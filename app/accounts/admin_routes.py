"""Administration of agencies and users (administrators only)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from wtforms.fields.choices import SelectChoice

from app.accounts import admin_bp
from app.accounts.access import roles_required
from app.accounts.agency_import import COLUMNS, REQUIRED, default_peer_group, import_agencies
from app.accounts.forms import AgencyForm, AgencyImportForm, UserForm
from app.accounts.models import Agency, User
from app.accounts.operations import (
    AgencyData,
    UserData,
    create_agency,
    create_user,
    ministries,
    peer_groups,
    set_agency_active,
    set_user_active,
    update_agency,
    update_user,
)
from app.accounts.password_links import INVITE, send_password_link
from app.errors import FieldErrors
from app.extensions import db
from app.forms_support import apply_field_errors
from app.pagination import paginate
from app.roles import Role

admin_only = roles_required(Role.ADMIN)


def _agency_form(agency: Agency | None = None) -> AgencyForm:
    form = AgencyForm(obj=agency)
    locale = str(get_locale())
    form.peer_group_id.choices = [SelectChoice(g.id, g.name(locale)) for g in peer_groups()]
    return form


def _agency_data(form: AgencyForm) -> AgencyData:
    return AgencyData(
        form.name.data,
        form.org_number.data,
        form.peer_group_id.data,
        form.ministry.data,
        form.contact_email.data,
    )


@admin_bp.get("/agencies")
@admin_only
def agencies():
    query = request.args.get("q", "").strip()
    statement = select(Agency).order_by(Agency.name)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(
            or_(func.lower(Agency.name).like(pattern), Agency.org_number.like(f"%{query}%"))
        )
    page = paginate(statement, per_page=50)
    return render_template("admin/agencies.html", page=page, query=query)


@admin_bp.route("/agencies/new", methods=["GET", "POST"])
@admin_only
def new_agency():
    form = _agency_form()
    if form.validate_on_submit():
        try:
            agency = create_agency(_agency_data(form))
        except FieldErrors as error:
            apply_field_errors(form, error)
        else:
            db.session.commit()
            flash(_("The agency %(name)s has been added.", name=agency.name), "success")
            return redirect(url_for("admin.agencies"))
    return render_template("admin/agency_form.html", form=form, agency=None), _status(form)


@admin_bp.route("/agencies/<int:agency_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_agency(agency_id):
    agency = db.get_or_404(Agency, agency_id)
    form = _agency_form(agency)
    if form.validate_on_submit():
        try:
            update_agency(agency, _agency_data(form))
        except FieldErrors as error:
            db.session.rollback()
            apply_field_errors(form, error)
        else:
            db.session.commit()
            flash(_("The agency %(name)s has been saved.", name=agency.name), "success")
            return redirect(url_for("admin.agencies"))
    return render_template("admin/agency_form.html", form=form, agency=agency), _status(form)


@admin_bp.post("/agencies/<int:agency_id>/active")
@admin_only
def set_agency_activity(agency_id):
    agency = db.get_or_404(Agency, agency_id)
    active = request.form.get("active") == "1"
    set_agency_active(agency, active)
    db.session.commit()
    message = (
        _("%(name)s is active again.", name=agency.name)
        if active
        else _("%(name)s has been deactivated, and its users with it.", name=agency.name)
    )
    flash(message, "success")
    return redirect(url_for("admin.edit_agency", agency_id=agency.id))


@admin_bp.route("/agencies/import", methods=["GET", "POST"])
@admin_only
def import_agencies_view():
    form = AgencyImportForm()
    result = None
    if form.validate_on_submit():
        result = import_agencies(form.file.data.read(), form.create_peer_groups.data)
        if result.ok:
            db.session.commit()
            flash(
                _(
                    "Import done: %(created)d agencies added, %(updated)d updated.",
                    created=result.created,
                    updated=result.updated,
                ),
                "success",
            )
            if result.peer_groups_created:
                groups = ", ".join(result.peer_groups_created)
                flash(_("New peer groups: %(groups)s.", groups=groups), "success")
            return redirect(url_for("admin.agencies"))
        db.session.rollback()
    status = 422 if form.errors or (result and not result.ok) else 200
    return render_template(
        "admin/agency_import.html",
        form=form,
        result=result,
        required=REQUIRED,
        optional=[column for column in COLUMNS if column not in REQUIRED],
        default_group=default_peer_group().name(str(get_locale())),
    ), status


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    agencies = db.session.execute(
        select(Agency.id, Agency.name).where(Agency.active).order_by(Agency.name)
    ).all()
    form.agency_id.choices = [SelectChoice("", _("— None (the authority's staff) —"))] + [
        SelectChoice(agency.id, agency.name) for agency in agencies
    ]
    form.ministry.choices = [SelectChoice("", _("— None —"))] + [
        SelectChoice(name, name) for name in ministries()
    ]
    return form


def _user_data(form: UserForm) -> UserData:
    return UserData(
        form.email.data,
        form.name.data,
        form.role.data,
        form.agency_id.data,
        form.ministry.data or None,
    )


@admin_bp.get("/users")
@admin_only
def users():
    query = request.args.get("q", "").strip()
    statement = select(User).order_by(User.name)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(
            or_(func.lower(User.name).like(pattern), func.lower(User.email).like(pattern))
        )
    page = paginate(statement, per_page=50)
    return render_template("admin/users.html", page=page, query=query)


@admin_bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def new_user():
    form = _user_form()
    if form.validate_on_submit():
        try:
            user = create_user(_user_data(form))
        except FieldErrors as error:
            apply_field_errors(form, error)
        else:
            db.session.commit()
            send_password_link(user, INVITE)
            flash(
                _(
                    "%(name)s has been added and has been sent a link to choose a password.",
                    name=user.name,
                ),
                "success",
            )
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None), _status(form)


@admin_bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_user(user_id):
    user = db.get_or_404(User, user_id)
    form = _user_form(user)
    if form.validate_on_submit():
        try:
            update_user(user, _user_data(form), actor=current_user)
        except FieldErrors as error:
            db.session.rollback()
            apply_field_errors(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s has been saved.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user), _status(form)


@admin_bp.post("/users/<int:user_id>/active")
@admin_only
def set_user_activity(user_id):
    user = db.get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    try:
        set_user_active(user, active, actor=current_user)
    except FieldErrors as error:
        db.session.rollback()
        flash(error.errors["active"], "error")
        return redirect(url_for("admin.edit_user", user_id=user_id))
    db.session.commit()
    flash(
        _("%(name)s can log in again.", name=user.name)
        if active
        else _("%(name)s has been deactivated.", name=user.name),
        "success",
    )
    return redirect(url_for("admin.edit_user", user_id=user.id))


@admin_bp.post("/users/<int:user_id>/invite")
@admin_only
def resend_invitation(user_id):
    user = db.get_or_404(User, user_id)
    if not user.active:
        abort(409)
    send_password_link(user, INVITE)
    flash(
        _("A new link to choose a password has been sent to %(email)s.", email=user.email),
        "success",
    )
    return redirect(url_for("admin.edit_user", user_id=user.id))


def _status(form) -> int:
    return 422 if form.errors else 200
