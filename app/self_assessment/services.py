"""Self-assessments: starting one against the latest published cycle, saving its answers with
the questionnaire's own parsing and checks, and placing it among the published peers. A
self-assessment is read by its agency's users, and by the authority only once shared."""

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import delete, select

from app.accounts.models import Agency
from app.audit.operations import record_event
from app.cycles.models import Cycle
from app.cycles.questionnaire_service import items_of, key_figure_specs
from app.errors import FieldErrors
from app.extensions import db
from app.reports.analysis import Dataset, dataset_of, maturity_among, position_among
from app.self_assessment.models import SelfAssessment, SelfAssessmentValue
from app.submissions.answers import field_name, item_spec, parse_input
from app.timeutil import utcnow
from workflows.answers import Finding, check_value, key_figures
from workflows.cycle import CycleStatus


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


def this_year() -> int:
    return utcnow().year


def start(agency: Agency) -> SelfAssessment:
    """This year's self-assessment of the agency (one per year), against the latest published
    cycle; flush only."""
    existing = assessment_of(agency.id, this_year())
    if existing is not None:
        return existing
    cycle = latest_published()
    if cycle is None:
        raise FieldErrors({"start": _("There is no published collection to compare with yet.")})
    now = utcnow()
    assessment = SelfAssessment(
        agency_id=agency.id, year=this_year(), cycle_id=cycle.id, created_at=now, updated_at=now
    )
    db.session.add(assessment)
    db.session.flush()
    return assessment


def invite(agency: Agency, actor) -> SelfAssessment:
    """An administrator's invitation: this year's self-assessment of the agency, ready to fill
    in and marked as invited (once; a second invitation changes nothing). Flush only."""
    assessment = start(agency)
    if assessment.invited_at is None:
        assessment.invited_at, assessment.invited_by_id = utcnow(), actor.id
        record_event(
            "self_assessment", "invited", actor, agency_id=agency.id, to_value=str(assessment.year)
        )
    db.session.flush()
    return assessment


def answers_of(assessment: SelfAssessment) -> dict[tuple[str, str], Decimal | str]:
    rows = db.session.scalars(
        select(SelfAssessmentValue).where(SelfAssessmentValue.self_assessment_id == assessment.id)
    )
    return {
        (row.item_code, row.period): row.number if row.number is not None else row.text
        for row in rows
        if row.number is not None or row.text
    }


def save_answers(assessment: SelfAssessment, form) -> dict[str, Finding]:
    """Every field parsed and checked as in a submission; all stored, or (any problem)
    nothing and the problems by field name. Flush only."""
    errors: dict[str, Finding] = {}
    parsed: dict[tuple[str, str], Decimal | str] = {}
    for item in items_of(assessment.cycle_id):
        spec = item_spec(item)
        for period in spec.periods:
            name = field_name(item.code, period)
            value, problem = parse_input(item, form.get(name, ""), period)
            problem = problem or check_value(spec, value, period)
            if problem is not None:
                errors[name] = problem
            elif value is not None:
                parsed[(item.code, period)] = value
    if errors:
        return errors
    db.session.execute(
        delete(SelfAssessmentValue).where(SelfAssessmentValue.self_assessment_id == assessment.id)
    )
    db.session.add_all(
        SelfAssessmentValue(
            self_assessment_id=assessment.id,
            item_code=code,
            period=period,
            number=value if isinstance(value, Decimal) else None,
            text=value if isinstance(value, str) else None,
        )
        for (code, period), value in parsed.items()
    )
    assessment.updated_at = utcnow()
    db.session.flush()
    return {}


def set_shared(assessment: SelfAssessment, shared: bool) -> None:
    assessment.shared_at = utcnow() if shared else None
    db.session.flush()


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
    return dataset, position_among(dataset, own, previous), maturity_among(dataset, own, locale)


def shared_assessments() -> list[tuple[SelfAssessment, Agency]]:
    rows = db.session.execute(
        select(SelfAssessment, Agency)
        .join(Agency, Agency.id == SelfAssessment.agency_id)
        .where(SelfAssessment.shared_at.is_not(None))
        .order_by(SelfAssessment.year.desc(), Agency.name)
    )
    return [(assessment, agency) for assessment, agency in rows]


def figures_by_year(
    assessments: list[SelfAssessment],
) -> tuple[list[tuple[str, str, str]], dict[int, dict[str, Decimal | None]]]:
    """The key figures of each of an agency's self-assessments, to compare its years: the
    values read in one query; the figures named as the latest one's published cycle names them."""
    if not assessments:
        return [], {}
    rows = db.session.scalars(
        select(SelfAssessmentValue).where(
            SelfAssessmentValue.self_assessment_id.in_([a.id for a in assessments])
        )
    )
    answers: dict[int, dict] = {a.id: {} for a in assessments}
    for row in rows:
        value = row.number if row.number is not None else row.text
        if value is not None and value != "":
            answers[row.self_assessment_id][(row.item_code, row.period)] = value
    latest = assessments[-1]
    named = dataset_of(db.session.get(Cycle, latest.cycle_id)).key_figures
    figures = [(code, label, unit) for code, (label, unit) in named.items()]
    by_year = {
        a.year: key_figures(answers[a.id], key_figure_specs(a.cycle_id)) for a in assessments
    }
    return figures, by_year
