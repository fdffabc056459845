"""Administration of the peer groups agencies are compared within."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts import admin_bp
from app.accounts.access import roles_required
from app.accounts.forms import PeerGroupForm
from app.accounts.models import Agency, PeerGroup
from app.accounts.operations import PeerGroupData, save_peer_group
from app.errors import FieldErrors
from app.extensions import db
from app.forms_support import apply_field_errors
from app.roles import Role

admin_only = roles_required(Role.ADMIN)


@admin_bp.get("/peer-groups")
@admin_only
def peer_groups():
    rows = db.session.execute(
        select(PeerGroup, func.count(Agency.id))
        .outerjoin(Agency, Agency.peer_group_id == PeerGroup.id)
        .group_by(PeerGroup.id)
        .order_by(PeerGroup.position)
    ).all()
    return render_template("admin/peer_groups.html", rows=rows)


def _save(group: PeerGroup | None):
    form = PeerGroupForm(obj=group)
    if form.validate_on_submit():
        data = PeerGroupData(form.code.data, form.name_sv.data, form.name_en.data)
        try:
            saved = save_peer_group(group, data)
        except FieldErrors as error:
            db.session.rollback()
            apply_field_errors(form, error)
        else:
            db.session.commit()
            flash(_("The peer group %(name)s has been saved.", name=saved.name_sv), "success")
            return redirect(url_for("admin.peer_groups"))
    status = 422 if form.errors else 200
    return render_template("admin/peer_group_form.html", form=form, group=group), status


@admin_bp.route("/peer-groups/new", methods=["GET", "POST"])
@admin_only
def new_peer_group():
    return _save(None)


@admin_bp.route("/peer-groups/<int:group_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_peer_group(group_id):
    return _save(db.get_or_404(PeerGroup, group_id))
