"""Self-assessments read for their pages: the agency's own, the collection it may take part
in instead, the comparison with the published peers, the plausibility warnings, its years side
by side, and the authority's view of those shared and of its invitations. A self-assessment is
read by its agency's users, and by the authority only once shared."""

from dataclasses import dataclass
from decimal import Decimal

from flask import abort, current_app
from sqlalchemy import exists, select
from sqlalchemy.orm import contains_eager, joinedload

from app.accounts.models import Agency
from app.cycles.models import Cycle
from app.cycles.questionnaire_changes import series_breaks
from app.cycles.questionnaire_service import key_figure_specs, key_figures_of
from app.extensions import db
from app.reports.analysis import (
    Dataset,
    dataset_of,
    maturity_among,
    maturity_areas,
    position_among,
)
from app.self_assessment.models import SelfAssessment, SelfAssessmentValue
from app.submissions.answers import item_specs, rule_specs
from app.submissions.models import Submission
from app.submissions.peers import peer_statistics
from app.timeutil import utcnow
from workflows.answers import (
    Answers,
    Finding,
    change_thresholds,
    key_figures,
    plausibility,
)
from workflows.cycle import CycleStatus
from workflows.submission import SubmissionStatus


def latest_published() -> Cycle | None:
    return db.session.scalar(
        select(Cycle).where(Cycle.status == CycleStatus.PUBLISHED).order_by(Cycle.year.desc())
    )


def assessments_of(agency_id: int) -> list[SelfAssessment]:
    return list(
        db.session.scalars(
            select(SelfAssessment)
            .where(SelfAssessment.agency_id == agency_id)
            .order_by(SelfAssessment.year)
        )
    )


def assessment_of(agency_id: int, year: int) -> SelfAssessment | None:
    return db.session.scalar(
        select(SelfAssessment).where(
            SelfAssessment.agency_id == agency_id, SelfAssessment.year == year
        )
    )


def own_assessment_or_404(agency_id: int, year: int) -> SelfAssessment:
    """The agency's own self-assessment of the year; another agency's is as good as missing."""
    assessment = assessment_of(agency_id, year)
    if assessment is None:
        abort(404)
    return assessment


def this_year() -> int:
    return utcnow().year


def collection_submission(agency_id: int) -> Submission | None:
    """The agency's submission in a cycle that is collecting now (open, and the agency not
    exempted): inside the collection window it answers there, not in a self-assessment.
    Before a cycle opens and once it has closed the agency is outside the window."""
    return db.session.scalar(
        select(Submission)
        .join(Cycle, Cycle.id == Submission.cycle_id)
        .where(
            Submission.agency_id == agency_id,
            Cycle.status == CycleStatus.OPEN,
            Submission.status != SubmissionStatus.EXEMPTED,
        )
        .order_by(Cycle.year.desc())
    )


def answers_of(assessment: SelfAssessment) -> Answers:
    return _answers_by_assessment([assessment.id])[assessment.id]


def _answers_by_assessment(ids: list[int]) -> dict[int, Answers]:
    """The answers of these self-assessments, in one query, reading only the value columns."""
    answers: dict[int, Answers] = {assessment_id: {} for assessment_id in ids}
    if not ids:
        return answers
    rows = db.session.execute(
        select(
            SelfAssessmentValue.self_assessment_id,
            SelfAssessmentValue.item_code,
            SelfAssessmentValue.period,
            SelfAssessmentValue.number,
            SelfAssessmentValue.text,
        ).where(SelfAssessmentValue.self_assessment_id.in_(ids))
    )
    for assessment_id, code, period, number, text in rows:
        if number is not None or text:
            answers[assessment_id][(code, period)] = number if number is not None else text
    return answers


def as_submission(assessment: SelfAssessment, agency: Agency) -> dict:
    """The self-assessment in a dataset's form, to be compared with the published one."""
    answers = answers_of(assessment)
    values: dict[str, dict] = {}
    for (code, period), value in answers.items():
        values.setdefault(code, {})[period] = value
    return {
        "agency": {
            "name": agency.name,
            "org_number": agency.org_number,
            "peer_group": agency.peer_group.code,
        },
        "values": values,
        "key_figures": key_figures(answers, key_figure_specs(assessment.cycle_id)),
        "projects": [],
    }


def comparison(assessment: SelfAssessment, agency: Agency, locale: str):
    """(dataset, key figure positions against last year's self-assessment, maturity)."""
    cycle = db.session.get(Cycle, assessment.cycle_id)
    dataset: Dataset = dataset_of(cycle)
    own = as_submission(assessment, agency)
    earlier = assessment_of(agency.id, assessment.year - 1)
    previous = as_submission(earlier, agency) if earlier is not None else None
    # Against a self-assessment of the cycle before, a redefined key figure is a series break.
    compared_before = earlier is not None and earlier.cycle_id != assessment.cycle_id
    breaks = series_breaks(cycle) if compared_before else frozenset()
    positions = position_among(dataset, own, previous, breaks)
    return dataset, positions, maturity_among(dataset, own, locale)


def warnings_of(assessment: SelfAssessment, agency: Agency) -> list[Finding]:
    """The plausibility warnings a submission's answers get, for the self-assessment: a change
    beyond the threshold against the agency's self-assessment of the year before, and a key
    figure outside the 5th–95th percentile of its peer group in the published cycle. Never
    blocking; no one asks for an explanation."""
    answers = answers_of(assessment)
    earlier = assessment_of(agency.id, assessment.year - 1)
    cycle = db.session.get(Cycle, assessment.cycle_id)
    # Last year's self-assessment against the cycle before: what was redefined since is not
    # compared with it (a series break), as in a submission.
    compared_before = earlier is not None and earlier.cycle_id != assessment.cycle_id
    statistics = peer_statistics(cycle.id, agency.peer_group_id, (SubmissionStatus.APPROVED,))
    units = {f.code: f.unit for f in key_figures_of(cycle.id)}
    findings = plausibility(
        item_specs(cycle.id),
        answers,
        answers_of(earlier) if earlier is not None else {},
        key_figures(answers, key_figure_specs(cycle.id)),
        {c: (s.p5, s.p95) for c, s in statistics.figures.items() if s.p5 is not None},
        Decimal(str(current_app.config["PLAUSIBILITY_CHANGE_THRESHOLD"])),
        change_thresholds(rule_specs(cycle.id)),
        series_breaks(cycle) if compared_before else frozenset(),
    )
    return [
        Finding(f.level, f.code, f.item, f.period, {**f.params, "unit": units[f.item]})
        if f.item in units
        else f
        for f in findings
    ]


def shared_assessments():
    """A select of the self-assessments shared with the authority, newest year first, each
    with its agency loaded in the same query (for a page of them)."""
    return (
        select(SelfAssessment)
        .join(SelfAssessment.agency)
        .options(contains_eager(SelfAssessment.agency))
        .where(SelfAssessment.shared_at.is_not(None))
        .order_by(SelfAssessment.year.desc(), Agency.name, SelfAssessment.id)
    )


def invitations_of(agency_id: int) -> list[SelfAssessment]:
    """The agency's invitations to self-assess, newest first, with who invited."""
    return list(
        db.session.scalars(
            select(SelfAssessment)
            .options(joinedload(SelfAssessment.invited_by))
            .where(SelfAssessment.agency_id == agency_id, SelfAssessment.invited_at.is_not(None))
            .order_by(SelfAssessment.year.desc())
        )
    )


def open_invitation(agency_id: int) -> SelfAssessment | None:
    """This year's self-assessment if the authority invited the agency and it has no answer
    yet: what the agency's start page reminds it of."""
    answered = exists().where(SelfAssessmentValue.self_assessment_id == SelfAssessment.id)
    return db.session.scalar(
        select(SelfAssessment).where(
            SelfAssessment.agency_id == agency_id,
            SelfAssessment.year == this_year(),
            SelfAssessment.invited_at.is_not(None),
            ~answered,
        )
    )


@dataclass(frozen=True)
class Years:
    """An agency's self-assessments side by side: each key figure and each area's maturity
    (current level) per year, named as the latest one's published cycle names them."""

    years: list[int]
    figures: list[tuple[str, str, str]]  # code, label, unit
    figure_values: dict[int, dict[str, Decimal | None]]
    areas: list[tuple[str, str]]  # area code, label
    levels: dict[int, dict[str, Decimal | None]]


def years_compared(assessments: list[SelfAssessment], locale: str) -> Years:
    """The values of every year read in one query, whatever the number of years."""
    if not assessments:
        return Years([], [], {}, [], {})
    answers = _answers_by_assessment([a.id for a in assessments])
    dataset = dataset_of(db.session.get(Cycle, assessments[-1].cycle_id))
    areas = maturity_areas(dataset, locale)
    levels = {
        a.year: {
            area: _level(answers[a.id].get((f"maturity_{area}_current", "outcome")))
            for area, _label in areas
        }
        for a in assessments
    }
    return Years(
        [a.year for a in assessments],
        [(code, label, unit) for code, (label, unit) in dataset.key_figures.items()],
        {a.year: key_figures(answers[a.id], key_figure_specs(a.cycle_id)) for a in assessments},
        areas,
        levels,
    )


def _level(value) -> Decimal | None:
    return value if isinstance(value, Decimal) else None
