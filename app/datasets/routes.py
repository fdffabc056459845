from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import roles_required
from app.accounts.policies import is_authority_staff
from app.database import begin_write
from app.datasets import bp
from app.datasets.access import readable_cycle
from app.datasets.exports import FORMATS
from app.datasets.exports import download as export_download
from app.datasets.freezing import last_verification, record_verification, snapshot_of
from app.extensions import db
from app.roles import Role

EVERYONE = tuple(role.value for role in Role)


@bp.get("/cycles/<int:year>/dataset")
@roles_required(*EVERYONE)
def show(year):
    cycle = readable_cycle(year)
    snapshot = snapshot_of(cycle)
    return render_template(
        "datasets/show.html",
        cycle=cycle,
        snapshot=snapshot,
        can_verify=is_authority_staff(current_user),
        last_verified=last_verification(cycle) if is_authority_staff(current_user) else None,
        formats=FORMATS,
    )


@bp.post("/cycles/<int:year>/dataset/verify")
@roles_required(Role.ADMIN, Role.REVIEWER)
def verify_now(year):
    cycle = readable_cycle(year)
    begin_write(db.session)
    result = record_verification(cycle, current_user)
    if result is None:
        db.session.rollback()
        abort(404)
    db.session.commit()
    if result.ok:
        flash(_("Verified: the dataset is as it was frozen."), "success")
    else:
        flash(_("Verified: the dataset does NOT match its digest."), "error")
    return redirect(url_for("datasets.show", year=year))


@bp.get("/cycles/<int:year>/dataset/<kind>")
@roles_required(*EVERYONE)
def download(year, kind):
    cycle = readable_cycle(year)
    snapshot = snapshot_of(cycle)
    if kind not in FORMATS or snapshot is None:
        abort(404)
    return export_download(snapshot, cycle.year, kind)
