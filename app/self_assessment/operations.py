"""Changes to self-assessments: starting this year's, an administrator's invitation, saving
the answers through the submission's own parsing and checks (field and cross-field rules), and
sharing. Each flushes, never commits. An agency taking part in a collection that is open
answers there: none of these runs for it."""

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import delete

from app.accounts.models import Agency
from app.audit.operations import record_event
from app.cycles.questionnaire_service import items_of
from app.effects import SELF_ASSESSMENT_INVITED, announce
from app.errors import FieldErrors
from app.extensions import db
from app.self_assessment.models import SelfAssessment, SelfAssessmentValue
from app.self_assessment.services import (
    assessment_of,
    collection_submission,
    latest_published,
    this_year,
)
from app.submissions.answers import field_name, item_spec, item_specs, parse_input, rule_specs
from app.timeutil import utcnow
from workflows.answers import Answers, Finding, check_answers


def refuse_in_collection(agency: Agency, field: str = "start") -> None:
    """The self-assessment is for an agency outside the collection: one that takes part in an
    open cycle is pointed to its submission instead (the same questions, reviewed)."""
    submission = collection_submission(agency.id)
    if submission is None:
        return
    year = submission.cycle.year
    if field == "invite":  # the administrator reads it
        message = _(
            "%(agency)s takes part in the %(year)d collection, which is open: it answers the "
            "questionnaire in its submission, so it is not invited to a self-assessment.",
            agency=agency.name,
            year=year,
        )
    else:
        message = _(
            "%(agency)s takes part in the %(year)d collection, which is open: answer the "
            "questionnaire in the submission instead.",
            agency=agency.name,
            year=year,
        )
    raise FieldErrors({field: message})


def start(agency: Agency) -> SelfAssessment:
    """This year's self-assessment of the agency (one per year), against the latest published
    cycle."""
    refuse_in_collection(agency)
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
    in, marked as invited and mailed to the agency (once; a second invitation changes
    nothing)."""
    refuse_in_collection(agency, "invite")
    assessment = start(agency)
    if assessment.invited_at is None:
        assessment.invited_at, assessment.invited_by_id = utcnow(), actor.id
        record_event(
            "self_assessment", "invited", actor, agency_id=agency.id, to_value=str(assessment.year)
        )
        db.session.flush()
        announce(SELF_ASSESSMENT_INVITED, agency=agency, assessment=assessment)
    db.session.flush()
    return assessment


def parse_answers(cycle_id: int, form) -> tuple[Answers, dict[str, Finding]]:
    """Every field of the questionnaire parsed as a submission's section save parses it, then
    the answers checked whole by the questionnaire's own field and cross-field rules (sum,
    at least unless explained): (answers, problems by field name). A missing answer is no
    problem: the comparison uses what is given."""
    errors: dict[str, Finding] = {}
    parsed: Answers = {}
    for item in items_of(cycle_id):
        for period in item_spec(item).periods:
            name = field_name(item.code, period)
            value, problem = parse_input(item, form.get(name, ""), period)
            if problem is not None:
                errors[name] = problem
            elif value is not None:
                parsed[(item.code, period)] = value
    for finding in check_answers(item_specs(cycle_id), rule_specs(cycle_id), parsed, False):
        errors.setdefault(field_name(finding.item, finding.period), finding)
    return parsed, errors


def save_answers(assessment: SelfAssessment, agency: Agency, form) -> dict[str, Finding]:
    """All answers stored, or (any problem) nothing and the problems by field name."""
    refuse_in_collection(agency, "answers")
    parsed, errors = parse_answers(assessment.cycle_id, form)
    if errors:
        return errors
    store_answers(assessment, parsed)
    return {}


def store_answers(assessment: SelfAssessment, answers: Answers) -> None:
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
        for (code, period), value in answers.items()
    )
    assessment.updated_at = utcnow()
    db.session.flush()


def set_shared(assessment: SelfAssessment, shared: bool) -> None:
    assessment.shared_at = utcnow() if shared else None
    db.session.flush()
