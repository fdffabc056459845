"""Self-assessment pages: the agency's own (404 for anyone else's), and the administrator's
list of those shared with the authority."""

from typing import NamedTuple

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import roles_required
from app.accounts.models import Agency
from app.cycles.models import Cycle
from app.cycles.questionnaire_service import items_of, key_figures_of, rules_of, section_labels
from app.database import begin_write
from app.errors import FieldErrors
from app.extensions import db
from app.pagination import paginate
from app.reports.figures import maturity_radar
from app.reports.pdf import render_pdf
from app.roles import Role
from app.self_assessment import bp
from app.self_assessment.models import SelfAssessment
from app.self_assessment.operations import invite, save_answers, set_shared, start
from app.self_assessment.services import (
    answers_of,
    assessments_of,
    collection_submission,
    comparison,
    invitations_of,
    latest_published,
    open_invitation,
    own_assessment_or_404,
    shared_assessments,
    this_year,
    warnings_of,
    years_compared,
)
from app.submissions.answers import field_name
from app.submissions.findings_text import finding_text
from app.timeutil import utcnow

AGENCY = (Role.AGENCY_EDITOR, Role.AGENCY_VIEWER)
SHARED_PER_PAGE = 50


@bp.app_template_global()
def self_assessment_invitations(agency_id: int) -> list[SelfAssessment]:
    """For the administrator's page of an agency: when and by whom it was invited."""
    return invitations_of(agency_id)


@bp.app_template_global()
def open_self_assessment_invitation(agency_id: int) -> SelfAssessment | None:
    """For the agency's start page: an invitation it has not answered yet."""
    return open_invitation(agency_id)


def _own_or_404(year: int) -> SelfAssessment:
    return own_assessment_or_404(current_user.agency_id, year)


@bp.get("/self-assessment/")
@roles_required(*AGENCY)
def index():
    assessments = assessments_of(current_user.agency_id)
    return render_template(
        "self_assessment/index.html",
        assessments=assessments,
        years=years_compared(assessments, str(get_locale())),
        collection=collection_submission(current_user.agency_id),
        published=latest_published(),
        this_year=this_year(),
        has_this_year=any(a.year == this_year() for a in assessments),
    )


@bp.post("/self-assessment/start")
@roles_required(Role.AGENCY_EDITOR)
def start_view():
    begin_write(db.session)
    try:
        assessment = start(current_user.agency)
    except FieldErrors as error:
        db.session.rollback()
        flash(" ".join(error.errors.values()), "error")
        return redirect(url_for("self_assessment.index"))
    db.session.commit()
    return redirect(url_for("self_assessment.answers", year=assessment.year))


@bp.route("/self-assessment/<int:year>/answers", methods=["GET", "POST"])
@roles_required(*AGENCY)
def answers(year):
    assessment = _own_or_404(year)
    editable = current_user.role == Role.AGENCY_EDITOR
    errors, typed = {}, {}
    if request.method == "POST":
        if not editable:
            abort(403)
        begin_write(db.session)
        assessment = _own_or_404(year)
        try:
            problems = save_answers(assessment, current_user.agency, request.form)
        except FieldErrors as error:
            db.session.rollback()
            flash(" ".join(error.errors.values()), "error")
            return redirect(url_for("self_assessment.index"))
        if not problems:
            db.session.commit()
            flash(_("Saved. This is where you stand."), "success")
            return redirect(url_for("self_assessment.result", year=year))
        db.session.rollback()
        rules = _rule_labels(assessment.cycle_id)
        errors = {name: finding_text(f, rules) for name, f in problems.items()}
        typed = {k: v for k, v in request.form.items() if "--" in k}
    items = items_of(assessment.cycle_id)
    warnings = {} if errors else _warnings(assessment, current_user.agency)
    return render_template(
        "self_assessment/answers.html",
        assessment=assessment,
        sections=section_labels(assessment.cycle_id),
        items=items,
        labels={item.code: item.label(str(get_locale())) for item in items},
        values=answers_of(assessment),
        typed=typed,
        errors=errors,
        warnings={w.anchor: w.text for w in warnings if w.anchor},
        editable=editable and collection_submission(current_user.agency_id) is None,
        field_name=field_name,
    ), 422 if errors else 200


def _rule_labels(cycle_id: int) -> dict[str, str]:
    locale = str(get_locale())
    return {rule.code: rule.label(locale) for rule in rules_of(cycle_id)}


class _Warning(NamedTuple):
    label: str
    text: str
    anchor: str | None  # the field on the answers page; none for a key figure


def _warnings(assessment: SelfAssessment, agency: Agency) -> list[_Warning]:
    locale = str(get_locale())
    labels = {item.code: item.label(locale) for item in items_of(assessment.cycle_id)}
    figures = {f.code: f.label(locale) for f in key_figures_of(assessment.cycle_id)}
    return [
        _Warning(
            labels.get(f.item) or figures.get(f.item, f.item),
            finding_text(f),
            field_name(f.item, f.period) if f.item in labels else None,
        )
        for f in warnings_of(assessment, agency)
    ]


def _result_page(assessment: SelfAssessment, agency: Agency, shared_view: bool):
    locale = str(get_locale())
    dataset, positions, areas = comparison(assessment, agency, locale)
    return render_template(
        "self_assessment/result.html",
        assessment=assessment,
        agency=agency,
        dataset=dataset,
        positions=positions,
        areas=areas,
        radar=maturity_radar(areas, agency.name),
        warnings=_warnings(assessment, agency),
        shared_view=shared_view,
        editable=not shared_view and current_user.role == Role.AGENCY_EDITOR,
    )


@bp.get("/self-assessment/<int:year>/")
@roles_required(*AGENCY)
def result(year):
    return _result_page(_own_or_404(year), current_user.agency, shared_view=False)


@bp.post("/self-assessment/<int:year>/sharing")
@roles_required(Role.AGENCY_EDITOR)
def sharing(year):
    begin_write(db.session)
    assessment = _own_or_404(year)
    shared = request.form.get("share") == "1"
    set_shared(assessment, shared)
    db.session.commit()
    if shared:
        flash(_("Shared: the authority can now read this self-assessment."), "success")
    else:
        flash(_("No longer shared: only your agency can read it."), "success")
    return redirect(url_for("self_assessment.result", year=year))


@bp.get("/admin/self-assessments/")
@roles_required(Role.ADMIN, Role.REVIEWER)
def shared_list():
    page = paginate(shared_assessments(), per_page=SHARED_PER_PAGE)
    return render_template("self_assessment/shared.html", page=page)


@bp.get("/admin/self-assessments/<int:assessment_id>")
@roles_required(Role.ADMIN, Role.REVIEWER)
def shared_one(assessment_id):
    assessment = db.session.get(SelfAssessment, assessment_id)
    if assessment is None or assessment.shared_at is None:
        abort(404)  # a self-assessment not shared is the agency's own: not even confirmed
    return _result_page(assessment, db.session.get(Agency, assessment.agency_id), shared_view=True)


@bp.get("/self-assessment/<int:year>/result.pdf")
@roles_required(*AGENCY)
def result_pdf(year):
    assessment = _own_or_404(year)
    agency = current_user.agency
    locale = "en" if request.args.get("lang") == "en" else "sv"
    with force_locale(locale):
        dataset, positions, areas = comparison(assessment, agency, locale)
        html = render_template(
            "pdf/self_assessment.html",
            current_locale=locale,
            title=_("Self-assessment %(year)d: %(agency)s", year=year, agency=agency.name),
            cover_title=agency.name,
            cover_subtitle=_("Self-assessment %(year)d", year=year),
            cycle=db.session.get(Cycle, assessment.cycle_id),
            dataset=dataset,
            produced=utcnow(),
            positions=positions,
            areas=areas,
            radar=maturity_radar(areas, agency.name),
        )
        pdf = render_pdf(html)
    name = f"sjalvskattning-{year}-{agency.org_number}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/admin/agencies/<int:agency_id>/self-assessment")
@roles_required(Role.ADMIN)
def invite_view(agency_id):
    begin_write(db.session)
    agency = db.session.get(Agency, agency_id)
    if agency is None:
        abort(404)
    try:
        invite(agency, current_user)
    except FieldErrors as error:
        db.session.rollback()
        flash(" ".join(error.errors.values()), "error")
    else:
        db.session.commit()
        flash(
            _("Invited: %(agency)s finds its self-assessment ready.", agency=agency.name), "success"
        )
    return redirect(url_for("admin.edit_agency", agency_id=agency_id))
