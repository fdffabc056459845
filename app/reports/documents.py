"""The two PDF reports: an agency's feedback report and the authority's cycle summary."""

from collections import Counter

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.cycles.models import Cycle
from app.extensions import db
from app.reports.analysis import (
    agency_position,
    dataset_of,
    group_names,
    key_figure_stats,
    maturity,
    maturity_overview,
    portfolio_of,
)
from app.reports.benefits import agency_realisation, benefit_results
from app.reports.figures import (
    figure_box_plot,
    maturity_radar,
    overview_radar,
    peers_bar_chart,
    risk_bars,
)
from app.reports.pdf import render_pdf
from app.review.models import Question
from app.submissions.models import Submission
from app.timeutil import utcnow
from workflows.submission import SubmissionStatus


def _previous(cycle: Cycle):
    previous = db.session.scalar(select(Cycle).where(Cycle.year == cycle.year - 1))
    return dataset_of(previous) if previous is not None and previous.frozen else None


def _questions(cycle: Cycle, org_number: str) -> list[Question]:
    """The questions the agency was sent (never a reviewer's unsent draft), in order."""
    return list(
        db.session.scalars(
            select(Question)
            .join(Submission, Submission.id == Question.submission_id)
            .where(Submission.cycle_id == cycle.id, Question.rounds_sent > 0)
            .where(Submission.agency.has(org_number=org_number))
            .order_by(Question.raised_at, Question.id)
        )
    )


def feedback_context(cycle: Cycle, org_number: str, locale: str) -> dict | None:
    dataset = dataset_of(cycle)
    own = dataset.of(org_number)
    if own is None:
        return None
    positions = agency_position(dataset, org_number, _previous(cycle))
    areas = maturity(dataset, org_number, locale)
    name = own["agency"]["name"]
    return {
        "title": _("Feedback %(year)d: %(agency)s", year=cycle.year, agency=name),
        "cover_title": name,
        "cover_subtitle": _(
            "Feedback on IT costs, maturity and projects, %(year)d", year=cycle.year
        ),
        "cycle": cycle,
        "dataset": dataset,
        "positions": positions,
        "charts": {
            p.code: peers_bar_chart(dataset, org_number, p)
            for p in positions
            if p.value is not None
        },
        "areas": areas,
        "radar": maturity_radar(areas, name),
        "projects": own["projects"],
        "realisation": agency_realisation(dataset, org_number),
        "questions": _questions(cycle, org_number),
        "produced": utcnow(),
    }


def feedback_report(cycle: Cycle, org_number: str, locale: str = "sv") -> bytes | None:
    with force_locale(locale):
        context = feedback_context(cycle, org_number, locale)
        if context is None:
            return None
        return render_pdf(render_template("pdf/feedback.html", current_locale=locale, **context))


def participation(cycle: Cycle) -> dict:
    statuses = Counter(
        dict(
            db.session.execute(
                select(Submission.status, func.count())
                .where(Submission.cycle_id == cycle.id)
                .group_by(Submission.status)
            ).all()
        )
    )
    submitted = db.session.execute(
        select(
            func.count().filter(Submission.submitted_late.is_(False)),
            func.count().filter(Submission.submitted_late.is_(True)),
            func.coalesce(func.sum(Submission.clarification_rounds), 0),
        ).where(Submission.cycle_id == cycle.id, Submission.submitted_at.is_not(None))
    ).one()
    return {
        "total": sum(statuses.values()),
        "approved": statuses[SubmissionStatus.APPROVED],
        "exempted": statuses[SubmissionStatus.EXEMPTED],
        "on_time": submitted[0],
        "late": submitted[1],
        "rounds": submitted[2],
    }


def summary_report(cycle: Cycle, locale: str = "sv") -> bytes:
    with force_locale(locale):
        dataset = dataset_of(cycle)
        groups = group_names(locale)
        stats = key_figure_stats(dataset, groups)
        projects = portfolio_of(dataset)
        rows = maturity_overview(dataset, groups, locale)
        html = render_template(
            "pdf/summary.html",
            current_locale=locale,
            title=_("Cycle summary %(year)d", year=cycle.year),
            cover_title=_("Cycle summary %(year)d", year=cycle.year),
            cover_subtitle=_("IT costs, maturity and strategic IT projects of the agencies"),
            cycle=cycle,
            dataset=dataset,
            participation=participation(cycle),
            stats=stats,
            boxes={row.code: figure_box_plot(row, groups) for row in stats},
            maturity_rows=rows,
            maturity_chart=overview_radar(rows),
            portfolio=projects,
            risk_charts=risk_bars(projects),
            benefits=benefit_results(dataset, groups),
            produced=utcnow(),
        )
        return render_pdf(html)
