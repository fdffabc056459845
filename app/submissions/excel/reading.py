"""Reading an upload: its identity and headers checked, then the answers and projects read
cell by cell (cached values only: no formula is ever evaluated). Nothing is stored here.
"""

import zipfile
import zlib
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from app.cycles.questionnaire import QuestionnaireItem
from app.cycles.questionnaire_service import items_of
from app.submissions.answers import field_name, item_spec, parse_input
from app.submissions.benefits import benefits_of_submission
from app.submissions.excel.layout import (
    BENEFIT_COLUMNS,
    BENEFITS,
    CHOICE_DEFAULTS,
    CHOICES,
    DATE_HINT,
    FIRST_ROW,
    HEADER_ROW,
    MAX_TEXT,
    PROJECT_COLUMNS,
    PROJECTS,
    READ_ONLY,
    SELF_ASSESSMENT_FORM,
    SUBMISSION_FORM,
    AnswerSheet,
    BenefitRow,
    CellError,
    ParsedUpload,
    ProjectRow,
    _coordinate,
    _headers,
    _locale,
    answer_sheets,
)
from app.submissions.excel.workbook import (
    Sheet,
    _damaged,
    _package_problem,
    _read_workbook,
    _scan,
    _text,
)
from app.submissions.findings_text import finding_text
from app.submissions.models import Submission
from app.submissions.projects import ProjectData, projects_of
from app.swedish_numbers import NOT_A_NUMBER_TEXT, NotANumber, parse_swedish_number
from workflows.answers import check_value


def read_upload(submission: Submission, data: bytes) -> list[CellError] | ParsedUpload:
    return _read(data, submission.cycle, submission.agency, SUBMISSION_FORM, submission)


def read_answers(cycle, agency, data: bytes) -> list[CellError] | ParsedUpload:
    """An upload of `build_answers_template`: the questionnaire's sheets of this cycle for
    this agency's self-assessment, read as a submission's are."""
    return _read(data, cycle, agency, SELF_ASSESSMENT_FORM, None)


def _read(data: bytes, cycle, agency, form: str, submission: Submission | None):
    problem = _package_problem(data)
    if problem:
        return [CellError("", "", problem)]
    formulas = _scan(data)
    if isinstance(formulas, str):
        return [CellError("", "", formulas)]
    expected = answer_sheets(cycle.id)
    # A submission's projects sheet is required, its benefits optional; a self-assessment has
    # only the questionnaire's sheets.
    others = (PROJECTS,) if submission is not None else ()
    wanted = {*expected, PROJECTS, BENEFITS} if submission is not None else set(expected)
    try:
        identity, sheets = _read_workbook(data, formulas, wanted)
    except (KeyError, ValueError, TypeError, IndexError, AttributeError, OSError, SyntaxError,
            zipfile.BadZipFile, zlib.error, EOFError):  # fmt: skip
        # openpyxl raises any of these on a damaged part (an XML parse error is a SyntaxError).
        return [CellError("", "", _damaged())]
    problem = _identity_problem(cycle, agency, form, identity)
    if problem:
        return [CellError("", "", problem)]
    errors: list[CellError] = []
    parsed = ParsedUpload(version=int(identity["granska_version"]))
    layouts = {name: spec.layout for name, spec in expected.items()}
    for name in (*expected, *others):
        if name not in sheets:
            message = _("The sheet is missing. Keep the template's sheets as they are.")
            errors.append(CellError(name, "", message))
        elif _headers_match(sheets[name], layouts.get(name, PROJECTS), cycle, errors):
            if name == PROJECTS:
                parsed.projects = _read_projects(sheets[name], submission, errors)
            else:
                _read_answers(sheets[name], expected[name], cycle.id, parsed, errors)
    if BENEFITS in sheets and _headers_match(sheets[BENEFITS], BENEFITS, cycle, errors):
        parsed.benefits = _read_benefits(sheets[BENEFITS], submission, errors)
    return errors or parsed


QUOTED = 60


def _quoted(text: str) -> str:
    """What a message repeats of a cell: enough to find it, never the whole of a huge text."""
    return text if len(text) <= QUOTED else text[: QUOTED - 1] + "…"


def _identity_problem(cycle, agency, form: str, identity: dict[str, str]) -> str | None:
    keys = ("granska_cycle", "granska_agency", "granska_version")
    if not all(key in identity for key in keys) or not (
        _whole_number(identity["granska_cycle"]) is not None
        and _whole_number(identity["granska_version"]) is not None
    ):
        return _("The workbook is not a template from Granska. Download the template and use it.")
    if identity.get("granska_form", SUBMISSION_FORM) != form:
        if form == SUBMISSION_FORM:
            return _(
                "The file is the template of a self-assessment, not of this submission. "
                "Download the submission's template."
            )
        return _(
            "The file is the template of a submission, not of this self-assessment. Download "
            "the self-assessment's template."
        )
    if int(identity["granska_cycle"]) != cycle.year:
        if form == SELF_ASSESSMENT_FORM:
            return _(
                "The file is the template for %(file)d, but this self-assessment is compared "
                "with %(year)d. Download its template again.",
                file=int(identity["granska_cycle"]),
                year=cycle.year,
            )
        return _(
            "The file is the template for %(file)d, but this submission is for %(year)d. "
            "Download this year's template.",
            file=int(identity["granska_cycle"]),
            year=cycle.year,
        )
    if identity["granska_agency"] != agency.org_number:
        return _("The file is another agency's template. Download your own template.")
    return None


def _headers_match(sheet: Sheet, layout: str, cycle, errors: list[CellError]) -> bool:
    """The columns are where the template put them (headers in either language)."""
    in_locale = {}
    for locale in ("sv", "en"):
        with force_locale(locale):
            in_locale[locale] = _headers(layout, cycle)
    expected = in_locale["en" if _locale() == "en" else "sv"]
    before = len(errors)
    for column, headers in enumerate(zip(in_locale["sv"], in_locale["en"], strict=True), 1):
        if sheet.text(HEADER_ROW, column) not in headers:
            message = _(
                "The column should be “%(header)s”. Keep the template's columns as they are.",
                header=expected[column - 1],
            )
            errors.append(CellError(sheet.name, _coordinate(HEADER_ROW, column), message))
    return len(errors) == before


def _read_answers(
    sheet: Sheet, spec: AnswerSheet, cycle_id: int, parsed: ParsedUpload, errors: list[CellError]
):
    section, columns = spec.section, spec.columns
    items = {item.code: item for item in items_of(cycle_id, section)}
    form = parsed.forms.setdefault(section, {})
    for row in range(FIRST_ROW, len(sheet.rows) + 1):
        code = sheet.text(row, 1)
        if not code and not any(sheet.text(row, column) for column in columns.values()):
            continue  # a heading row, or an empty one
        if code not in items or field_name(code, "outcome") in parsed.cells:
            if not code:
                message = _("The row has no question code, so its value cannot be read.")
            elif code in items:
                message = _(
                    "The question code “%(code)s” appears more than once.", code=_quoted(code)
                )
            else:
                message = _(
                    "Unknown question code “%(code)s”: the sheet does not match this year's "
                    "questionnaire.",
                    code=_quoted(code),
                )
            errors.append(CellError(sheet.name, _coordinate(row, 1), message))
            continue
        for period in item_spec(items[code]).periods:
            cell = (sheet.name, _coordinate(row, columns[period]))
            parsed.cells[field_name(code, period)] = cell
            value = _cell_value(sheet, row, columns[period], errors)
            if value is not _INVALID:
                form[field_name(code, period)] = _form_text(items[code], value)
                problem = _problem(items[code], form[field_name(code, period)], period)
                if problem:
                    errors.append(CellError(*cell, problem))
    for code, item in items.items():
        if field_name(code, "outcome") not in parsed.cells:
            message = _(
                "The question “%(label)s” is missing. Keep every row of the template.",
                label=item.label(_locale()),
            )
            errors.append(CellError(sheet.name, "", message))


def _problem(item: QuestionnaireItem, text: str, period: str) -> str | None:
    """What saving the text would refuse, so one upload lists every error at once."""
    value, finding = parse_input(item, text, period)
    finding = finding or check_value(item_spec(item), value, period)
    return finding_text(finding) if finding else None


_INVALID = object()


def _cell_value(sheet: Sheet, row: int, column: int, errors: list[CellError]):
    """The cell's value, or _INVALID after noting why it cannot be used."""
    cell = sheet.cell(row, column)
    if cell.error:
        message = _(
            "The cell shows an error (%(error)s). Enter a value.", error=_quoted(_text(cell.value))
        )
    elif cell.formula and cell.value is None:
        message = _(
            "The cell has a formula without a computed value. Enter the value, or open and "
            "save the file in Excel first."
        )
    else:
        return cell.value
    errors.append(CellError(sheet.name, _coordinate(row, column), message))
    return _INVALID


def _form_text(item: QuestionnaireItem, value) -> str:
    """The cell as the web form would have sent it: numbers with a decimal comma."""
    text = _text(value)
    if item.kind == "choice":
        for choice in item.choices:
            if text.casefold() in {choice[key].casefold() for key in ("value", "sv", "en")}:
                return choice["value"]
    return text


def _read_projects(sheet: Sheet, submission, errors: list[CellError]) -> list[ProjectRow]:
    existing = {project.id for project in projects_of(submission.id)}
    editable = [i for i, column in enumerate(PROJECT_COLUMNS, 1) if column[3] not in READ_ONLY]
    rows: list[ProjectRow] = []
    for row in range(FIRST_ROW, len(sheet.rows) + 1):
        if not any(sheet.text(row, column) for column in editable):
            if sheet.text(row, 1):
                message = _(
                    "A project cannot be removed through the file: remove it in the service."
                )
                errors.append(CellError(sheet.name, _coordinate(row, 2), message))
            continue
        project_id = None
        if sheet.text(row, 1):
            project_id = _whole_number(sheet.text(row, 1))
            if project_id not in existing or any(r.project_id == project_id for r in rows):
                message = _(
                    "The project is not part of this submission, or appears twice. Leave the "
                    "hidden first column as it was."
                )
                errors.append(CellError(sheet.name, _coordinate(row, 1), message))
                continue
        data = _project_data(sheet, row, errors)
        if data is not None:
            rows.append(ProjectRow(row, project_id, data))
    return rows


def _read_benefits(sheet: Sheet, submission, errors: list[CellError]) -> list[BenefitRow]:
    existing = {benefit.id for benefit in benefits_of_submission(submission.id)}
    editable = [i for i, c in enumerate(BENEFIT_COLUMNS, 1) if c[3] not in READ_ONLY]
    rows: list[BenefitRow] = []
    for row in range(FIRST_ROW, len(sheet.rows) + 1):
        typed = any(sheet.text(row, column) for column in editable)
        benefit_id = _whole_number(sheet.text(row, 1)) if sheet.text(row, 1) else None
        if benefit_id is None:
            if typed:
                message = _("Register a new benefit in the service: the file reports on those.")
                errors.append(CellError(sheet.name, _coordinate(row, 2), message))
            continue
        if benefit_id not in existing or any(r.benefit_id == benefit_id for r in rows):
            message = _(
                "The benefit is not part of this submission, or appears twice. Leave the "
                "hidden first column as it was."
            )
            errors.append(CellError(sheet.name, _coordinate(row, 1), message))
            continue
        values = _benefit_values(sheet, row, errors)
        if values is not None:
            rows.append(BenefitRow(row, benefit_id, values))
    return rows


def _benefit_values(sheet: Sheet, row: int, errors: list[CellError]) -> dict | None:
    values, before = {}, len(errors)
    for column, (key, _header, _width, kind, _missing) in enumerate(BENEFIT_COLUMNS, start=1):
        if kind in READ_ONLY:
            continue
        value = _cell_value(sheet, row, column, errors)
        if value is _INVALID:
            continue
        text = _text(value)
        try:
            if kind == "number":
                values[key] = parse_swedish_number(text) if text else None
            elif kind == "benefit_status":
                values[key] = _choice_of(kind, value, _("Choose the benefit's status."))
            elif len(text) > MAX_TEXT:
                raise ValueError(_("The text can be at most %(n)d characters.", n=MAX_TEXT))
            else:
                values[key] = text
        except NotANumber as problem:
            message = str(NOT_A_NUMBER_TEXT[problem.reason])
            errors.append(CellError(sheet.name, _coordinate(row, column), message))
        except ValueError as problem:
            errors.append(CellError(sheet.name, _coordinate(row, column), str(problem)))
    return values if len(errors) == before else None


def _whole_number(text: str) -> int | None:
    # ASCII digits only: "²".isdigit() is true, but it is no number to int().
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _project_data(sheet: Sheet, row: int, errors: list[CellError]) -> ProjectData | None:
    fields, before = {}, len(errors)
    for column, (key, _header, _width, kind, missing) in enumerate(PROJECT_COLUMNS, start=1):
        if kind in READ_ONLY:
            continue
        value = _cell_value(sheet, row, column, errors)
        if value is _INVALID:
            continue
        try:
            fields[key] = _project_field(kind, value, missing)
        except ValueError as problem:
            errors.append(CellError(sheet.name, _coordinate(row, column), str(problem)))
    return ProjectData(**fields) if len(errors) == before else None


def _project_field(kind: str, value, missing):
    """One cell of a project row as ProjectData wants it; ValueError says what is wrong."""
    if kind in CHOICES:
        return _choice_of(kind, value, missing)
    text = _text(value)
    if not text and missing:
        raise ValueError(str(missing))
    if kind == "date":
        return _date_of(value, text)
    if kind == "amount":
        try:
            return parse_swedish_number(text)
        except NotANumber as problem:
            raise ValueError(str(NOT_A_NUMBER_TEXT[problem.reason])) from None
    limit = 200 if kind == "name" else MAX_TEXT
    if len(text) > limit:
        raise ValueError(_("The text can be at most %(n)d characters.", n=limit))
    return text


def _date_of(value, text: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(str(DATE_HINT)) from None


def _choice_of(kind: str, value, missing):
    """A code from its label in either language, or from the code itself."""
    if kind == "bool" and isinstance(value, bool):
        return value
    text = _text(value).casefold()
    if not text:
        if kind in CHOICE_DEFAULTS:
            return CHOICE_DEFAULTS[kind]
        raise ValueError(str(missing))
    for code, label in CHOICES[kind].items():
        if text in {str(code).casefold(), *(s.casefold() for s in _both_languages(label))}:
            return code
    choices = ", ".join(str(label) for label in CHOICES[kind].values())
    raise ValueError(_("Choose one of: %(choices)s.", choices=choices))


def _both_languages(label) -> set[str]:
    spellings = set()
    for locale in ("sv", "en"):
        with force_locale(locale):
            spellings.add(str(label))
    return spellings
