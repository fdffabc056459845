"""Excel in and out for a submission's questionnaire, so agencies can fill it in offline.

The template carries the question codes and project ids in a hidden first column, and the
cycle, agency and version in the workbook's properties. An upload is checked as a zip package
before openpyxl parses any of it, read cell by cell (cached values only: no formula is ever
evaluated) and stored through the web forms' own checks, all or nothing. Never commits.
"""

import io
import math
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from app.accounts.errors import FieldErrors
from app.cycles.questionnaire import QuestionnaireItem
from app.cycles.questionnaire_service import items_of
from app.labels import PROJECT_STATUS, RISK
from app.submissions.answers import field_name, item_spec, parse_input, save_section
from app.submissions.answers import stored_values as stored_answers
from app.submissions.comparison import last_year_answers
from app.submissions.findings_text import NOT_A_NUMBER_TEXT, finding_text
from app.submissions.labels import HEADING_LABELS, SECTION_LABELS
from app.submissions.models import Project, Submission
from app.submissions.projects import ProjectData, create_project, projects_of, update_project
from app.submissions.swedish_numbers import NotANumber, parse_swedish_number
from workflows.answers import check_value

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 40 * 1024 * 1024  # a filled-in template unpacks to well under 1 MB
MAX_RATIO = 100  # spreadsheet XML compresses 5–20 times; far more is a zip bomb
MAX_MEMBERS = 300
MAX_ROWS, MAX_COLUMNS = 1000, 40
MAX_TEXT = 5000
IT_COSTS, MATURITY, PROJECTS = "It-kostnader", "Mognad", "Projekt"  # fixed: the reader's keys
HEADER_ROW, FIRST_ROW = 3, 4  # a title and a hint above the header row
EMPTY_PROJECT_ROWS = 20
# The answer sheets: their section, and the column each period's value is in.
ANSWER_SHEETS = {
    IT_COSTS: ("it_costs", {"outcome": 4, "forecast": 5}),
    MATURITY: ("maturity", {"outcome": 4}),
}

ORIENTATION = {"develop": _l("Develop the business"), "efficiency": _l("Make it more efficient")}
YES_NO = {True: _l("Yes"), False: _l("No")}
CHOICES = {"status": PROJECT_STATUS, "orientation": ORIENTATION, "risk": RISK, "bool": YES_NO}
CHOICE_DEFAULTS = {"status": "ongoing", "bool": False}
DATE_HINT = _l("Enter the date as YYYY-MM-DD, for example 2027-01-29.")
RISK_MISSING = _l("Choose low, medium or high.")
# The projects sheet: (field, header, width, kind, message when missing).
PROJECT_COLUMNS = [
    ("id", _l("Code"), 6, "id", None),
    ("name", _l("Name of the project"), 32, "name", _l("Enter the project's name.")),
    ("status", _l("Status"), 15, "status", None),
    ("orientation", _l("Orientation"), 24, "orientation", _l("Choose the project's orientation.")),
    ("start_date", _l("Start date"), 13, "date", _l("Enter the day the project started.")),
    ("original_end_date", _l("Original end date (locked)"), 13, "locked", None),
    ("end_date", _l("Planned end date"), 13, "date", _l("Enter the planned end date.")),
    ("original_budget", _l("Original budget (tkr, locked)"), 14, "locked", None),
    ("budget", _l("Budget (tkr)"), 14, "amount", _l("Enter the budget.")),
    ("rebaseline_reason", _l("Why did the budget or end date change?"), 32, "text", None),
    ("cost_to_date", _l("Costs to date (tkr)"), 14, "amount", _l("Enter the costs to date.")),
    (
        "forecast_at_completion",
        _l("Forecast at completion (tkr)"),
        14,
        "amount",
        _l("Enter the forecast at completion."),
    ),
    ("risk_benefits", _l("Risk that the benefits are not realised"), 15, "risk", RISK_MISSING),
    ("risk_budget", _l("Risk that the budget is exceeded"), 15, "risk", RISK_MISSING),
    ("risk_time", _l("Risk that the project is delayed"), 15, "risk", RISK_MISSING),
    ("benefits_analysed", _l("The benefits have been analysed"), 15, "bool", None),
    ("benefits_plan", _l("There is a benefits realisation plan"), 15, "bool", None),
    ("benefits_owner", _l("The benefits have a named owner"), 15, "bool", None),
    ("description", _l("Description"), 40, "text", None),
    ("collaboration", _l("Collaboration with other organisations"), 30, "text", None),
    ("expected_benefits", _l("Expected benefits"), 30, "text", None),
    ("benefit_measure", _l("How the benefits are measured"), 30, "text", None),
    ("benefit_target", _l("Target value"), 24, "text", None),
    ("realised_benefits", _l("Benefits realised so far"), 30, "text", None),
]
READ_ONLY = ("id", "locked")  # project columns the upload never reads as data
PROJECT_COLUMN = {key: index for index, (key, *_rest) in enumerate(PROJECT_COLUMNS, start=1)}


@dataclass(frozen=True)
class CellError:
    sheet: str  # "" for a problem with the whole file
    cell: str  # "" for a problem with a whole sheet
    message: str


@dataclass
class ProjectRow:
    row: int
    project_id: int | None  # None: a new project
    data: ProjectData


@dataclass
class ParsedUpload:
    version: int  # the submission's version when the template was downloaded
    forms: dict[str, dict[str, str]] = field(default_factory=dict)  # section → save_section form
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # field name → sheet, cell
    projects: list[ProjectRow] = field(default_factory=list)


@dataclass
class UploadOutcome:
    errors: list[CellError] = field(default_factory=list)
    values: int = 0  # answers changed
    projects: int = 0  # projects added or changed


def template_filename(submission: Submission) -> str:
    return f"granska-{submission.cycle.year}-{submission.agency.org_number}.xlsx"


# ------------------------------------------------------------------------------ the template

INPUT_FILL = PatternFill("solid", fgColor="FFF8DC")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
LOCKED_FILL = PatternFill("solid", fgColor="E4E4E4")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
THIN = Side(style="thin", color="B4B4B4")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def build_template(submission: Submission, locale: str) -> bytes:
    with force_locale(locale):
        book = Workbook()
        book.remove(book.active)
        _it_cost_sheet(book.create_sheet(IT_COSTS), submission)
        _maturity_sheet(book.create_sheet(MATURITY), submission)
        _project_sheet(book.create_sheet(PROJECTS), submission)
    book.properties.title = f"Granska {submission.cycle.year} – {submission.agency.name}"
    book.properties.creator = "Granska"
    for name, value in (
        ("granska_cycle", submission.cycle.year),
        ("granska_agency", submission.agency.org_number),
        ("granska_version", submission.version),
    ):
        book.custom_doc_props.append(StringProperty(name=name, value=str(value)))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _headers(sheet_name: str, cycle) -> list[str]:
    if sheet_name == IT_COSTS:
        periods = [
            _("Outcome %(year)d", year=cycle.year),
            _("Forecast %(year)d", year=cycle.year + 1),
        ]
        return [_("Code"), _("Item"), _("Unit"), *periods, _("Last year"), _("Definition")]
    if sheet_name == MATURITY:
        levels = [_("Level %(n)s", n=n) for n in (1, 4, 7)]
        return [_("Code"), _("Area"), _("Question"), _("Value"), _("Last year"), *levels]
    return [str(header) for _key, header, *_rest in PROJECT_COLUMNS]


def _start_sheet(sheet, submission, section: str, hint: str, widths: list[int]) -> None:
    cycle = submission.cycle
    sheet["B1"] = f"{SECTION_LABELS[section]} – {submission.agency.name}, {cycle.title}"
    sheet["B1"].font = Font(bold=True, size=14)
    sheet["B2"] = hint
    sheet["B2"].font = Font(italic=True, color="595959")
    for column, header in enumerate(_headers(sheet.title, cycle), start=1):
        cell = sheet.cell(HEADER_ROW, column, header)
        cell.font, cell.fill, cell.alignment = Font(bold=True), HEADER_FILL, WRAP
        cell.border = Border(bottom=THIN)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.column_dimensions["A"].hidden = True  # the code an upload is matched on
    sheet.freeze_panes = f"C{FIRST_ROW}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    # Locked cells keep codes, labels and the baseline as they are; no password, on purpose.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = sheet.protection.formatRows = False


def _rule(sheet, kind: str, error: str, **formulas) -> DataValidation:
    rule = DataValidation(type=kind, allow_blank=True, showErrorMessage=True, **formulas)
    rule.errorTitle, rule.error = _("Check the value"), error
    sheet.add_data_validation(rule)
    return rule


def _list_rule(sheet, labels) -> DataValidation:
    quoted = ",".join(str(label).replace('"', '""') for label in labels)
    return _rule(sheet, "list", _("Choose one of the options in the list."), formula1=f'"{quoted}"')


def _item_rule(sheet, item: QuestionnaireItem, rules: dict) -> DataValidation:
    """The Excel rule for an item's cells; items with the same rule share it."""
    key = (item.kind, item.min_value, item.max_value, item.code if item.kind == "choice" else "")
    if key in rules:
        return rules[key]
    if item.kind == "choice":
        rules[key] = _list_rule(sheet, (_choice_label(c) for c in item.choices))
    elif item.kind == "text":
        error = _("The text can be at most %(n)d characters.", n=MAX_TEXT)
        rules[key] = _rule(sheet, "textLength", error, operator="lessThanOrEqual", formula1="5000")
    else:
        rules[key] = _number_rule(sheet, item)
    return rules[key]


def _number_rule(sheet, item: QuestionnaireItem) -> DataValidation:
    low, high = (_plain(v) if v is not None else None for v in (item.min_value, item.max_value))
    whole = item.kind in ("count", "level")
    if low is not None and high is not None:
        bounds = {"operator": "between", "formula1": low, "formula2": high}
        error = (
            _("Enter a whole number from %(min)s to %(max)s.", min=low, max=high)
            if whole
            else _("Enter a number from %(min)s to %(max)s.", min=low, max=high)
        )
    elif low is not None:
        bounds = {"operator": "greaterThanOrEqual", "formula1": low}
        error = (
            _("Enter a whole number, %(min)s or more.", min=low)
            if whole
            else _("Enter %(min)s or more.", min=low)
        )
    else:
        bounds = {"operator": "greaterThan", "formula1": "-1E+15"}
        error = _("Enter a whole number.") if whole else _("Enter a number.")
    return _rule(sheet, "whole" if whole else "decimal", error, **bounds)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _choice_label(choice: dict) -> str:
    return choice.get(str(get_locale()), choice["sv"])


def _input(cell, value, kind: str | None = None) -> None:
    """A cell the agency fills in: unlocked, highlighted, numbers and dates formatted."""
    cell.value = None if value == "" else value
    cell.fill, cell.border, cell.protection = INPUT_FILL, BOX, Protection(locked=False)
    _format(cell, kind)


def _format(cell, kind: str | None = None) -> None:
    if isinstance(cell.value, Decimal | int):
        whole = kind in ("count", "level") or cell.value == int(cell.value)
        cell.number_format = "#,##0" if whole else "#,##0.00"
    elif isinstance(cell.value, date):
        cell.number_format = "yyyy-mm-dd"
    cell.alignment = WRAP if kind in (None, "text") else TOP


def _shown(item: QuestionnaireItem, value):
    """A stored answer as the sheet shows it: numbers as numbers, choices by their label."""
    if item.kind == "choice" and value is not None:
        return next((_choice_label(c) for c in item.choices if c["value"] == value), value)
    return value


def _it_cost_sheet(sheet, submission: Submission) -> None:

    hint = _(
        "Amounts in thousands of SEK (tkr). Fill in the yellow cells; the other cells are "
        "locked. Then upload the file on the submission's page."
    )
    _start_sheet(sheet, submission, "it_costs", hint, [14, 46, 16, 16, 16, 14, 70])
    answers, last_year = _answers(submission), last_year_answers(submission)
    units = {"amount": "tkr", "fte": _("FTE"), "percent": "%", "count": _("number")}
    rules: dict = {}
    row, heading = FIRST_ROW, None
    for item in items_of(submission.cycle_id, "it_costs"):
        if item.heading != heading:
            heading = item.heading
            sheet.cell(row, 2, str(HEADING_LABELS.get(heading, heading))).font = Font(bold=True)
            for column in range(2, 8):
                sheet.cell(row, column).fill = GROUP_FILL
            row += 1
        sheet.cell(row, 1, item.code)
        sheet.cell(row, 2, item.label(_locale())).alignment = WRAP
        sheet.cell(row, 3, units.get(item.kind, "")).alignment = TOP
        for period, column in ANSWER_SHEETS[IT_COSTS][1].items():
            cell = sheet.cell(row, column)
            if period in item_spec(item).periods:
                _input(cell, _shown(item, answers.get((item.code, period))), item.kind)
                _item_rule(sheet, item, rules).add(cell)
            else:
                cell.fill = LOCKED_FILL
        if item.kind == "text":  # a comment gets the width of the number columns
            sheet.merge_cells(start_row=row, start_column=4, end_row=row, end_column=6)
        else:
            previous = sheet.cell(row, 6, _shown(item, last_year.get((item.code, "outcome"))))
            _format(previous, item.kind)
        sheet.cell(row, 7, item.definition(_locale())).alignment = WRAP
        row += 1
    _fit_rows(sheet)


def _maturity_sheet(sheet, submission: Submission) -> None:
    hint = _(
        "For each area, enter the level today and the level you aim for in two years, from 1 "
        "to 7. Explain in the comment if the target is below today's level."
    )
    _start_sheet(sheet, submission, "maturity", hint, [14, 24, 22, 10, 11, 36, 36, 36])
    answers, last_year = _answers(submission), last_year_answers(submission)
    areas: dict[str, list[QuestionnaireItem]] = {}
    for item in items_of(submission.cycle_id, "maturity"):
        areas.setdefault(item.heading, []).append(item)
    rules: dict = {}
    row = FIRST_ROW
    for area_items in areas.values():
        first = row
        for item in area_items:
            sheet.cell(row, 1, item.code)
            question = item.label(_locale()).split(": ", 1)[-1]
            sheet.cell(row, 3, question[:1].upper() + question[1:]).alignment = WRAP
            _input(sheet.cell(row, 4), answers.get((item.code, "outcome")), item.kind)
            _item_rule(sheet, item, rules).add(sheet.cell(row, 4))
            if item.kind == "level":
                _format(sheet.cell(row, 5, last_year.get((item.code, "outcome"))), "level")
            else:  # a comment gets the row's whole width
                sheet.merge_cells(start_row=row, start_column=4, end_row=row, end_column=8)
            row += 1
        area = sheet.cell(first, 2, area_items[0].label(_locale()).split(":")[0])
        area.font, area.alignment = Font(bold=True), WRAP
        sheet.merge_cells(start_row=first, start_column=2, end_row=row - 1, end_column=2)
        levels = [item for item in area_items if item.kind == "level"]
        for column, level in zip((6, 7, 8), ("1", "4", "7"), strict=True):
            descriptor = (levels[0].choices or {}).get(level, {}) if levels else {}
            text = descriptor.get(_locale(), descriptor.get("sv"))
            sheet.cell(first, column, text).alignment = WRAP
            last = first + max(len(levels), 1) - 1
            sheet.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)
        for column in range(2, 9):
            sheet.cell(row - 1, column).border = Border(bottom=THIN)
    _fit_rows(sheet)


def _project_sheet(sheet, submission: Submission) -> None:
    hint = _(
        "One row per project: add new projects in the empty rows, remove projects in the "
        "service. The original budget and end date are kept: if you change the budget or the "
        "planned end date, say why."
    )
    _start_sheet(sheet, submission, "projects", hint, [c[2] for c in PROJECT_COLUMNS])
    rules = {kind: _list_rule(sheet, labels.values()) for kind, labels in CHOICES.items()}
    rules["date"] = _rule(
        sheet,
        "date",
        str(DATE_HINT),
        operator="between",
        formula1="DATE(1990,1,1)",
        formula2="DATE(2100,12,31)",
    )
    rules["amount"] = _rule(
        sheet, "decimal", _("Enter 0 or more."), operator="greaterThanOrEqual", formula1="0"
    )
    projects = projects_of(submission.id)
    for index in range(len(projects) + EMPTY_PROJECT_ROWS):
        project = projects[index] if index < len(projects) else None
        for column, (key, _header, _width, kind, _missing) in enumerate(PROJECT_COLUMNS, 1):
            cell = sheet.cell(FIRST_ROW + index, column)
            value = _project_value(project, key, kind) if project else None
            if kind in READ_ONLY:
                cell.value = value
                if kind == "locked":
                    cell.fill = LOCKED_FILL
                _format(cell, "amount")
                continue
            _input(cell, value, "amount" if kind in ("amount", "date") else None)
            if kind in rules:
                rules[kind].add(cell)
    _fit_rows(sheet)


def _project_value(project: Project, key: str, kind: str):
    value = {"budget": project.current_budget, "end_date": project.current_end_date}.get(
        key, getattr(project, key, None)
    )
    if kind in CHOICES:
        return str(CHOICES[kind].get(value, value))
    return None if key == "rebaseline_reason" else value


def _answers(submission: Submission) -> dict:
    return {
        key: row.number if row.number is not None else row.text
        for key, row in stored_answers(submission.id).items()
    }


def _fit_rows(sheet) -> None:
    """Row heights for wrapped text: Excel does not grow the rows of a file it did not write."""
    spans = {}
    for merged in sheet.merged_cells.ranges:
        columns = range(merged.min_col, merged.max_col + 1)
        width = sum(sheet.column_dimensions[get_column_letter(c)].width for c in columns)
        spans[(merged.min_row, merged.min_col)] = (width, merged.max_row - merged.min_row + 1)
    for row in sheet.iter_rows(min_row=HEADER_ROW):
        lines = 1
        for cell in row:
            if not isinstance(cell, MergedCell) and cell.alignment.wrap_text:
                column_width = sheet.column_dimensions[cell.column_letter].width
                width, rows = spans.get((cell.row, cell.column), (column_width, 1))
                typed = not cell.protection.locked  # room to type a text
                needed = max(_lines(str(cell.value or ""), width), 2 if typed else 1)
                lines = max(lines, math.ceil(needed / rows))
        sheet.row_dimensions[row[0].row].height = 15 * lines


def _lines(text: str, width: float) -> int:
    per_line = max(width * 1.15 - 2, 1)  # width counts digits; text is a little narrower
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _locale() -> str:
    return str(get_locale())


# ------------------------------------------------------------------------------ the upload


@dataclass(frozen=True)
class Cell:
    value: object = None
    formula: bool = False
    error: bool = False  # a cached error such as #DIV/0!


class Sheet:
    """A sheet's cells as plain data, copied out while the workbook is open."""

    def __init__(self, name: str, rows: list[list[Cell]]):
        self.name, self.rows = name, rows

    def cell(self, row: int, column: int) -> Cell:
        cells = self.rows[row - 1] if row <= len(self.rows) else []
        return cells[column - 1] if column <= len(cells) else Cell()

    def text(self, row: int, column: int) -> str:
        return _text(self.cell(row, column).value)


def read_upload(submission: Submission, data: bytes) -> list[CellError] | ParsedUpload:
    problem = _package_problem(data)
    if problem:
        return [CellError("", "", problem)]
    try:
        identity, sheets = _read_workbook(data)
    except (KeyError, ValueError, TypeError, IndexError, AttributeError, OSError, SyntaxError,
            zipfile.BadZipFile, zlib.error, EOFError):  # fmt: skip
        # openpyxl raises any of these on a damaged part (an XML parse error is a SyntaxError).
        return [CellError("", "", _damaged())]
    problem = _identity_problem(submission, identity)
    if problem:
        return [CellError("", "", problem)]
    errors: list[CellError] = []
    parsed = ParsedUpload(version=int(identity["granska_version"]))
    for name in (IT_COSTS, MATURITY, PROJECTS):
        if name not in sheets:
            message = _("The sheet is missing. Keep the template's sheets as they are.")
            errors.append(CellError(name, "", message))
        elif _headers_match(sheets[name], submission.cycle, errors):
            if name == PROJECTS:
                parsed.projects = _read_projects(sheets[name], submission, errors)
            else:
                _read_answers(sheets[name], submission, parsed, errors)
    return errors or parsed


def _damaged() -> str:
    return _("The file is damaged and cannot be read. Save it again as .xlsx and try again.")


def _package_problem(data: bytes) -> str | None:
    """Refuse what is not a small, sound .xlsx before any of its XML is parsed."""
    if len(data) > MAX_UPLOAD_BYTES:
        return _("The file is larger than %(n)d MB.", n=MAX_UPLOAD_BYTES // (1024 * 1024))
    not_xlsx = _("The file is not an Excel workbook (.xlsx). Download the template and use it.")
    bomb = _("The file unpacks to far more data than an Excel template holds, so it is refused.")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return _damaged() if data.startswith(b"PK") else not_xlsx
    with package:
        members = package.infolist()
        if not {"[Content_Types].xml", "xl/workbook.xml"} <= {m.filename for m in members}:
            return not_xlsx
        if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            return bomb
        if any(
            m.file_size > 1 << 20 and m.file_size > MAX_RATIO * m.compress_size for m in members
        ):
            return bomb
        # The sizes above are what the file claims; count what it really unpacks to.
        unpacked = 0
        try:
            for member in members:
                with package.open(member) as stream:
                    while chunk := stream.read(1 << 16):
                        unpacked += len(chunk)
                        if unpacked > MAX_UNPACKED_BYTES:
                            return bomb
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
            return _damaged()
    return None


def _read_workbook(data: bytes) -> tuple[dict[str, str], dict[str, Sheet]]:
    # Opened twice: the cached values, and where the formulas are (a formula with no cached
    # value reads as empty, and must not pass for an empty answer).
    values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        identity = {prop.name: str(prop.value) for prop in values.custom_doc_props.props}
        sheets = {}
        for name in set(values.sheetnames) & {IT_COSTS, MATURITY, PROJECTS}:
            bounds = {"max_row": MAX_ROWS, "max_col": MAX_COLUMNS}
            rows = [
                [
                    Cell(
                        getattr(value, "value", None),
                        getattr(formula, "data_type", None) == "f",
                        getattr(value, "data_type", None) == "e",
                    )
                    for value, formula in zip(value_row, formula_row, strict=False)
                ]
                for value_row, formula_row in zip(
                    values[name].iter_rows(**bounds),
                    formulas[name].iter_rows(**bounds),
                    strict=False,
                )
            ]
            sheets[name] = Sheet(name, rows)
        return identity, sheets
    finally:
        values.close()
        formulas.close()


def _identity_problem(submission: Submission, identity: dict[str, str]) -> str | None:
    keys = ("granska_cycle", "granska_agency", "granska_version")
    if not all(key in identity for key in keys) or not (
        identity["granska_cycle"].isdigit() and identity["granska_version"].isdigit()
    ):
        return _("The workbook is not a template from Granska. Download the template and use it.")
    if int(identity["granska_cycle"]) != submission.cycle.year:
        return _(
            "The file is the template for %(file)d, but this submission is for %(year)d. "
            "Download this year's template.",
            file=int(identity["granska_cycle"]),
            year=submission.cycle.year,
        )
    if identity["granska_agency"] != submission.agency.org_number:
        return _("The file is another agency's template. Download your own template.")
    return None


def _headers_match(sheet: Sheet, cycle, errors: list[CellError]) -> bool:
    """The columns are where the template put them (headers in either language)."""
    in_locale = {}
    for locale in ("sv", "en"):
        with force_locale(locale):
            in_locale[locale] = _headers(sheet.name, cycle)
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


def _read_answers(sheet: Sheet, submission, parsed: ParsedUpload, errors: list[CellError]):
    section, columns = ANSWER_SHEETS[sheet.name]
    items = {item.code: item for item in items_of(submission.cycle_id, section)}
    form = parsed.forms.setdefault(section, {})
    for row in range(FIRST_ROW, len(sheet.rows) + 1):
        code = sheet.text(row, 1)
        if not code and not any(sheet.text(row, column) for column in columns.values()):
            continue  # a heading row, or an empty one
        if code not in items or field_name(code, "outcome") in parsed.cells:
            if not code:
                message = _("The row has no question code, so its value cannot be read.")
            elif code in items:
                message = _("The question code “%(code)s” appears more than once.", code=code)
            else:
                message = _(
                    "Unknown question code “%(code)s”: the sheet does not match this year's "
                    "questionnaire.",
                    code=code,
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
        message = _("The cell shows an error (%(error)s). Enter a value.", error=cell.value)
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


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value))
        if isinstance(value, float):  # drop binary noise such as 0.30000000000000004
            number = number.quantize(Decimal("0.000001"))
        text = format(number, "f")
        return (text.rstrip("0").rstrip(".") if "." in text else text).replace(".", ",")
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value).strip()


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


def _whole_number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


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


# ------------------------------------------------------------------------------ storing


def apply_upload(submission: Submission, parsed: ParsedUpload, actor, reason="") -> UploadOutcome:
    """Store the upload through the web forms' checks; on any error the caller rolls back."""
    outcome = UploadOutcome(errors=_conflicts(submission, parsed, actor))
    if outcome.errors:
        return outcome
    for section, form in parsed.forms.items():
        saved = save_section(submission, section, form, submission.version, actor, reason)
        outcome.values += saved.changed
        outcome.errors += [
            CellError(*parsed.cells[name], finding_text(finding))
            for name, finding in saved.errors.items()
        ]
    existing = {project.id: project for project in projects_of(submission.id)}
    for row in parsed.projects:
        project = existing.get(row.project_id)
        if project is not None and _unchanged(project, row.data):
            continue
        try:
            if project is None:
                create_project(submission, row.data, actor)
            else:
                update_project(submission, project, row.data, actor)
        except FieldErrors as error:
            outcome.errors += [
                CellError(PROJECTS, _coordinate(row.row, PROJECT_COLUMN[name]), message)
                for name, message in error.errors.items()
            ]
        else:
            outcome.projects += 1
    return outcome


def _conflicts(submission: Submission, parsed: ParsedUpload, actor) -> list[CellError]:
    """Answers someone else changed after the template was downloaded, where the file says
    otherwise: an offline file must not silently undo their work."""
    items = {item.code: item for item in items_of(submission.cycle_id)}
    errors = []
    for (code, period), row in stored_answers(submission.id).items():
        name = field_name(code, period)
        form = parsed.forms.get(items[code].section, {}) if code in items else {}
        if name not in form or row.changed_in_version <= parsed.version:
            continue
        if row.updated_by_id == actor.id:
            continue
        value, problem = parse_input(items[code], form[name], period)
        if problem is None and value != (row.number if row.number is not None else row.text):
            message = _(
                "%(name)s changed this value in the service after the file was downloaded. "
                "Download a new template to start from the current values.",
                name=row.updated_by.name if row.updated_by else "–",
            )
            errors.append(CellError(*parsed.cells[name], message))
    return errors


def _unchanged(project: Project, data: ProjectData) -> bool:
    current = {"budget": project.current_budget, "end_date": project.current_end_date}
    return all(
        getattr(data, name) == current.get(name, getattr(project, name, None))
        for name in ProjectData.__dataclass_fields__
        if name != "rebaseline_reason"
    )


def _coordinate(row: int, column: int) -> str:
    return f"{get_column_letter(column)}{row}"
