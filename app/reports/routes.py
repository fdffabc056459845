from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from app.accounts.access import roles_required
from app.accounts.policies import is_authority_staff
from app.cycles.models import Cycle
from app.datasets.access import readable_cycle
from app.extensions import db
from app.reports import bp
from app.reports.analysis import (
    agency_position,
    dataset_of,
    group_names,
    key_figure_stats,
    maturity,
    maturity_overview,
    portfolio,
    portfolio_of,
    trend,
    trend_breaks,
)
from app.reports.batches import archive_path, latest_batch, request_batch
from app.reports.benefits import benefit_results
from app.reports.documents import feedback_report, summary_report
from app.reports.figures import (
    figure_box_plot,
    maturity_radar,
    overview_radar,
    peer_distribution_chart,
    risk_bars,
)
from app.reports.models import BatchState, ReportBatch
from app.roles import Role

EVERYONE = tuple(role.value for role in Role)


def _previous_dataset(cycle: Cycle):
    previous = db.session.scalar(select(Cycle).where(Cycle.year == cycle.year - 1))
    return dataset_of(previous) if previous is not None and previous.frozen else None


@bp.get("/cycles/<int:year>/analysis")
@roles_required(*EVERYONE)
def overview(year):
    cycle = readable_cycle(year)
    locale = str(get_locale())
    dataset = dataset_of(cycle)
    groups = group_names(locale)
    # Every reader of this version of the dataset sees the same content in a language:
    # its tables, box plots and the link to each agency are drawn once and kept with the
    # dataset, which is dropped when the dataset changes (app/caching.py).
    key = ("overview page", locale, tuple(groups.items()), cycle.title)
    content = dataset.memo(key, lambda: _overview_content(cycle, dataset, groups, locale))
    return render_template("reports/overview.html", cycle=cycle, content=content)


def _overview_content(cycle: Cycle, dataset, groups: dict[str, str], locale: str) -> Markup:
    stats = key_figure_stats(dataset, groups)
    projects = portfolio_of(dataset)
    maturity_rows = maturity_overview(dataset, groups, locale)
    # Jinja escaped every value while rendering it: the result is markup as it stands.
    return Markup(  # noqa: S704
        render_template(
            "reports/overview_content.html",
            cycle=cycle,
            dataset=dataset,
            groups=groups,
            stats=stats,
            boxes={row.code: figure_box_plot(row, groups) for row in stats},
            maturity_rows=maturity_rows,
            maturity_chart=overview_radar(maturity_rows),
            portfolio=projects,
            risk_charts=risk_bars(projects),
            benefits=benefit_results(dataset, groups),
            agencies=sorted((s["agency"] for s in dataset.submissions), key=lambda a: a["name"]),
        )
    )


@bp.get("/cycles/<int:year>/analysis/<org_number>")
@roles_required(*EVERYONE)
def agency(year, org_number):
    cycle = readable_cycle(year)
    locale = str(get_locale())
    dataset = dataset_of(cycle)
    own = dataset.of(org_number)
    if own is None:
        abort(404)
    positions = agency_position(dataset, org_number, _previous_dataset(cycle))
    areas = maturity(dataset, org_number, locale)
    # The drawings come from this dataset, the agency and the language only (last year's
    # dataset adds the changes, which are in the table): drawn once for recent readers.
    charts, radar = dataset.memo_recent(
        ("agency charts", org_number, locale),
        lambda: (
            {
                p.code: peer_distribution_chart(dataset, org_number, p)
                for p in positions
                if p.value is not None
            },
            maturity_radar(areas, own["agency"]["name"]),
        ),
    )
    return render_template(
        "reports/agency.html",
        cycle=cycle,
        dataset=dataset,
        own=own,
        positions=positions,
        charts=charts,
        trend=trend(org_number, cycle.year, dataset.key_figures),
        trend_breaks=trend_breaks(cycle.year, dataset.key_figures),
        areas=areas,
        radar=radar,
        portfolio=portfolio(own["projects"]),
        group_name=group_names(locale).get(own["agency"]["peer_group"], ""),
        is_own=getattr(current_user, "agency", None) is not None
        and current_user.agency.org_number == org_number,
    )


def _pdf(content: bytes, name: str) -> Response:
    return Response(
        content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _report_language() -> str:
    return "en" if request.args.get("lang") == "en" else "sv"


@bp.get("/cycles/<int:year>/reports/agencies/<org_number>.pdf")
@roles_required(*EVERYONE)
def feedback_pdf(year, org_number):
    cycle = readable_cycle(year)
    own = getattr(current_user.agency, "org_number", None)  # a ministry's user has none
    if not is_authority_staff(current_user) and own != org_number:
        abort(404)  # an agency reads its own feedback report, nobody else's
    content = feedback_report(cycle, org_number, _report_language())
    if content is None:
        abort(404)
    return _pdf(content, f"granska-{year}-aterkoppling-{org_number}.pdf")


@bp.get("/cycles/<int:year>/reports/summary.pdf")
@roles_required(Role.ADMIN, Role.REVIEWER)
def summary_pdf(year):
    cycle = readable_cycle(year)
    return _pdf(summary_report(cycle, _report_language()), f"granska-{year}-sammanstallning.pdf")


@bp.get("/cycles/<int:year>/reports")
@roles_required(Role.ADMIN, Role.REVIEWER)
def batch_page(year):
    cycle = readable_cycle(year)
    return render_template("reports/batch.html", cycle=cycle, batch=latest_batch(cycle))


@bp.post("/cycles/<int:year>/reports/batch")
@roles_required(Role.ADMIN, Role.REVIEWER)
def request_batch_view(year):
    cycle = readable_cycle(year)
    request_batch(cycle, current_user)
    db.session.commit()
    flash(_("The reports are being made. Follow the progress here."), "success")
    return redirect(url_for("reports.batch_page", year=year))


@bp.get("/cycles/<int:year>/reports/batch/<int:batch_id>.zip")
@roles_required(Role.ADMIN, Role.REVIEWER)
def batch_download(year, batch_id):
    cycle = readable_cycle(year)
    batch = db.session.get(ReportBatch, batch_id)
    if batch is None or batch.cycle_id != cycle.id or batch.status != BatchState.DONE:
        abort(404)
    return send_file(archive_path(batch), as_attachment=True, download_name=batch.file_name)
