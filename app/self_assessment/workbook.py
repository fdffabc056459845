"""The self-assessment as an Excel file: the questionnaire's sheets of a submission's template
(app/submissions/excel, through its public functions), filled in with the self-assessment's
answers and last year's, and read back through the same checks as the form — the cell's own
and the questionnaire's cross-field rules — all stored or none."""

from flask_babel import get_locale, ngettext

from app.accounts.models import Agency
from app.cycles.models import Cycle
from app.cycles.questionnaire_service import rules_of
from app.extensions import db
from app.self_assessment.models import SelfAssessment
from app.self_assessment.operations import parse_answers, refuse_in_collection, store_answers
from app.self_assessment.services import answers_of, assessment_of
from app.submissions.excel import (
    SELF_ASSESSMENT_FORM,
    AnswerSource,
    CellError,
    build_answers_template,
    read_answers,
)
from app.submissions.findings_text import finding_text


def template_of(assessment: SelfAssessment, agency: Agency, locale: str) -> bytes:
    earlier = assessment_of(agency.id, assessment.year - 1)
    source = AnswerSource(
        db.session.get(Cycle, assessment.cycle_id),
        agency,
        answers_of(assessment),
        answers_of(earlier) if earlier is not None else {},
        form=SELF_ASSESSMENT_FORM,
    )
    return build_answers_template(source, locale)


def template_name(assessment: SelfAssessment, agency: Agency) -> str:
    return f"sjalvskattning-{assessment.year}-{agency.org_number}.xlsx"


def read_file(assessment: SelfAssessment, agency: Agency, data: bytes):
    """The answers in the file, or its errors per sheet and cell (nothing stored)."""
    parsed = read_answers(db.session.get(Cycle, assessment.cycle_id), agency, data)
    if isinstance(parsed, list):
        return parsed
    form = {name: text for fields in parsed.forms.values() for name, text in fields.items()}
    answers, problems = parse_answers(assessment.cycle_id, form)
    if not problems:
        return answers
    locale = str(get_locale())
    rules = {rule.code: rule.label(locale) for rule in rules_of(assessment.cycle_id)}
    return [
        CellError(*parsed.cells.get(name, ("", "")), finding_text(finding, rules))
        for name, finding in problems.items()
    ]


def store_file(assessment: SelfAssessment, agency: Agency, answers) -> int:
    """The file's answers replace the self-assessment's, as a save of the form does; flush
    only. Refused for an agency inside the collection window."""
    refuse_in_collection(agency, "file")
    store_answers(assessment, answers)
    return len(answers)


def saved_message(count: int) -> str:
    return ngettext(
        "Saved from the file: %(num)d answer. This is where you stand.",
        "Saved from the file: %(num)d answers. This is where you stand.",
        count,
    )
