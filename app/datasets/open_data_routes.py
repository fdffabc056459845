"""Open data: public pages (no login) for every published cycle, its files and the
DCAT-AP-SE catalogue; and the administrator's choice of licence and withheld parts."""

import json

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import undefer

from app.accounts.access import roles_required
from app.accounts.models import Role
from app.cycles.models import Cycle
from app.cycles.services import cycle_or_404
from app.database import begin_write
from app.datasets.catalog import absolute, published_releases, summary_of
from app.datasets.catalog import catalogue as build_catalogue
from app.datasets.freezing import snapshot_of
from app.datasets.models import OpenDataFile
from app.datasets.open_data import (
    ALWAYS_WITHHELD,
    DISTRIBUTIONS,
    LICENCES,
    PARTS,
    files_of,
    is_open,
    release_of,
    save_settings,
)
from app.datasets.open_data_forms import OpenDataForm
from app.errors import FieldErrors
from app.extensions import db
from app.forms_support import apply_field_errors

open_data_bp = Blueprint("open_data", __name__)


def _open_release(year: int):
    """A published cycle's release with its files built; 404 for anything else, so an
    unpublished cycle is not even confirmed to exist."""
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == year))
    release = release_of(cycle) if cycle is not None and is_open(cycle) else None
    if release is None or release.built_at is None:
        abort(404)
    return cycle, release


@open_data_bp.get("/open-data/")
def index():
    return render_template("open_data/index.html", releases=published_releases())


@open_data_bp.get("/open-data/<int:year>/")
def cycle(year):
    cycle, release = _open_release(year)
    snapshot = snapshot_of(cycle)
    return render_template(
        "open_data/cycle.html",
        cycle=cycle,
        release=release,
        snapshot_digest=snapshot.digest if snapshot else None,
        licence=LICENCES[release.licence],
        withheld=[PARTS[part] for part in release.withheld_parts],
        always_withheld=ALWAYS_WITHHELD,
        files=files_of(release),
        distributions=DISTRIBUTIONS,
        summary=summary_of(cycle, release),
        catalogue_url=absolute("open_data.catalog"),
    )


@open_data_bp.get("/open-data/<int:year>/<kind>")
def download(year, kind):
    cycle, release = _open_release(year)
    if kind not in DISTRIBUTIONS:
        abort(404)
    row = db.session.scalar(
        select(OpenDataFile)
        .where(OpenDataFile.release_id == release.id, OpenDataFile.kind == kind)
        .options(undefer(OpenDataFile.content))
    )
    if row is None:
        abort(404)
    spec = DISTRIBUTIONS[kind]
    name = f"granska-{cycle.year}-open-{row.sha256[:12]}{spec.suffix}"
    return Response(
        row.content,
        mimetype=spec.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-SHA256": row.sha256,
        },
    )


@open_data_bp.get("/open-data/catalog.jsonld")
def catalog():
    body = json.dumps(build_catalogue(), ensure_ascii=False, indent=1)
    return Response(body, mimetype="application/ld+json")


@open_data_bp.route("/admin/cycles/<int:year>/open-data", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def settings(year):
    cycle = cycle_or_404(year)
    if cycle.status not in ("approved", "published"):
        abort(404)  # there is no dataset to offer before the approval
    release = release_of(cycle)
    form = OpenDataForm()
    if request.method == "GET":  # after a POST the form keeps what the user sent
        form.licence.data = release.licence if release else "cc0"
        form.withheld.data = release.withheld_parts if release else []
        form.description_sv.data = release.description_sv if release else ""
        form.description_en.data = release.description_en if release else ""
    if form.validate_on_submit():
        begin_write(db.session)
        try:
            save_settings(
                cycle,
                current_user,
                form.licence.data,
                form.withheld.data or [],
                form.description_sv.data or "",
                form.description_en.data or "",
            )
        except FieldErrors as error:
            db.session.rollback()
            apply_field_errors(form, error)
        else:
            db.session.commit()
            flash(_("The open-data settings have been saved."), "success")
            return redirect(url_for("open_data.settings", year=year))
    return render_template(
        "open_data/settings.html",
        form=form,
        cycle=cycle,
        release=release,
        published=is_open(cycle),
        always_withheld=ALWAYS_WITHHELD,
    ), 422 if form.errors else 200
