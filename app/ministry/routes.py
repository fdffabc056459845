"""The ministry's pages (its own agencies, published cycles only: anything else is 404) and
the administrator's page for the observations to the ministry."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.access import roles_required
from app.accounts.models import Agency
from app.cycles.services import cycle_or_404
from app.database import begin_write
from app.extensions import db
from app.ministry import bp
from app.ministry.forms import ObservationForm
from app.ministry.operations import save_observation
from app.ministry.services import (
    agencies_of,
    agency_of,
    briefing,
    observation_of,
    published_cycle,
    published_years,
    side_by_side,
)
from app.reports.analysis import group_names
from app.reports.figures import maturity_radar
from app.reports.pdf import render_pdf
from app.roles import Role
from app.timeutil import utcnow
from workflows.cycle import FROZEN_STATES


def _year() -> int | None:
    return request.args.get("year", type=int)


def _cycle_or_404():
    cycle = published_cycle(_year())
    if cycle is None and _year() is not None:
        abort(404)  # an unpublished (or unknown) year
    return cycle


@bp.get("/ministry/")
@roles_required(Role.MINISTRY)
def overview():
    cycle = _cycle_or_404()
    agencies = agencies_of(current_user.ministry)
    locale = str(get_locale())
    key_figures, rows = side_by_side(cycle, agencies, locale) if cycle else ([], [])
    return render_template(
        "ministry/overview.html",
        cycle=cycle,
        years=published_years(),
        rows=rows,
        key_figures=key_figures,
        groups=group_names(locale),
    )


def _briefing_or_404(org_number: str, locale: str):
    agency = agency_of(current_user.ministry, org_number)
    cycle = _cycle_or_404()
    if agency is None or cycle is None:
        abort(404)  # another ministry's agency is not even confirmed to exist
    content = briefing(cycle, agency, locale)
    if content is None:
        abort(404)  # the agency took no part in that published cycle
    return agency, content


@bp.get("/ministry/agencies/<org_number>")
@roles_required(Role.MINISTRY)
def agency(org_number):
    locale = str(get_locale())
    agency, content = _briefing_or_404(org_number, locale)
    return render_template(
        "ministry/briefing.html",
        agency=agency,
        b=content,
        years=published_years(),
        radar=maturity_radar(content.areas, agency.name),
        group_name=group_names(locale).get(agency.peer_group.code, ""),
    )


@bp.get("/ministry/agencies/<org_number>/briefing.pdf")
@roles_required(Role.MINISTRY)
def briefing_pdf(org_number):
    locale = "en" if request.args.get("lang") == "en" else "sv"
    with force_locale(locale):
        agency, content = _briefing_or_404(org_number, locale)
        html = render_template(
            "pdf/briefing.html",
            current_locale=locale,
            title=_("Briefing %(year)d: %(agency)s", year=content.cycle.year, agency=agency.name),
            cover_title=agency.name,
            cover_subtitle=_(
                "Briefing for the dialogue with the agency, %(year)d", year=content.cycle.year
            ),
            cycle=content.cycle,
            dataset=content.dataset,
            produced=utcnow(),
            agency=agency,
            b=content,
            radar=maturity_radar(content.areas, agency.name),
        )
        pdf = render_pdf(html)
    name = f"briefing-{content.cycle.year}-{agency.org_number}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/admin/cycles/<int:year>/observations/<org_number>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def observation(year, org_number):
    cycle = cycle_or_404(year)
    agency = db.session.scalar(select(Agency).where(Agency.org_number == org_number))
    if agency is None or cycle.status not in FROZEN_STATES:
        abort(404)  # observations are about approved results
    form = ObservationForm()
    if request.method == "GET":
        current = observation_of(cycle, agency)
        form.text.data = current.text if current else ""
    if form.validate_on_submit():
        begin_write(db.session)
        save_observation(cycle, agency, form.text.data or "", current_user)
        db.session.commit()
        flash(_("The observations to the ministry have been saved."), "success")
        return redirect(url_for("ministry.observation", year=year, org_number=org_number))
    return render_template(
        "ministry/observation.html", form=form, cycle=cycle, agency=agency
    ), 422 if form.errors else 200
