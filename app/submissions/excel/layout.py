"""The workbook's layout, shared by the template and the upload: its sheets, rows and
columns, the limits on an upload, and what a read upload and its storing come to.
"""

import re
from dataclasses import dataclass, field

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl.utils import get_column_letter

from app.accounts.models import Agency
from app.cycles.models import Cycle
from app.cycles.questionnaire_service import items_of, sections_of
from app.labels import BENEFIT_STATUS, PROJECT_STATUS, RISK
from app.submissions.models import Submission
from app.submissions.projects import ProjectData
from workflows.answers import Answers

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 40 * 1024 * 1024  # a filled-in template unpacks to well under 1 MB
MAX_RATIO = 100  # spreadsheet XML compresses 5–20 times; far more is a zip bomb
MAX_MEMBERS = 300
MAX_ROWS, MAX_COLUMNS = 1000, 40
MAX_TEXT = 5000
PROJECTS = "Projekt"  # fixed: the reader's key
BENEFITS = "Nyttor"  # optional in an upload: a template from before the register has none
HEADER_ROW, FIRST_ROW = 3, 4  # a title and a hint above the header row
EMPTY_PROJECT_ROWS = 20
# The two layouts of a section's sheet, and the column each period's value is in: a row per
# item in its group (the IT costs), or the maturity scale's areas with their levels described.
ITEMS, AREAS = "items", "areas"
ANSWER_COLUMNS = {ITEMS: {"outcome": 4, "forecast": 5}, AREAS: {"outcome": 4}}
_NOT_IN_A_TITLE = re.compile(r"[\\/*?:\[\]]")


@dataclass(frozen=True)
class AnswerSheet:
    """The sheet of one section of the cycle's questionnaire."""

    name: str  # the section's Swedish name as a sheet title: the upload is read by it
    section: str
    layout: str  # ITEMS or AREAS

    @property
    def columns(self) -> dict[str, int]:
        return ANSWER_COLUMNS[self.layout]


def sheet_title(text: str) -> str:
    """A text as Excel takes a sheet's name: none of \\ / * ? : [ ], at most 31 characters."""
    return _NOT_IN_A_TITLE.sub("-", text).strip().strip("'")[:31].strip() or "-"


def answer_sheets(cycle_id: int) -> dict[str, AnswerSheet]:
    """One sheet per section of the cycle's questionnaire, in its order, named after the
    section in Swedish (in either language's template: the upload is read by the names). A
    section of maturity levels takes the areas layout, as its page does."""
    sheets: dict[str, AnswerSheet] = {}
    for section in sections_of(cycle_id):
        items = items_of(cycle_id, section.code)
        if not items:
            continue
        name, number = sheet_title(section.label_sv), 1
        while name.casefold() in {n.casefold() for n in (*sheets, PROJECTS, BENEFITS)}:
            number += 1
            name = f"{sheet_title(section.label_sv)[:27]} ({number})"
        layout = AREAS if any(item.kind == "level" for item in items) else ITEMS
        sheets[name] = AnswerSheet(name, section.code, layout)
    return sheets


ORIENTATION = {"develop": _l("Develop the business"), "efficiency": _l("Make it more efficient")}
YES_NO = {True: _l("Yes"), False: _l("No")}
CHOICES = {
    "status": PROJECT_STATUS,
    "orientation": ORIENTATION,
    "risk": RISK,
    "bool": YES_NO,
    "benefit_status": BENEFIT_STATUS,
}
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
# The benefits sheet: each registered benefit's realisation this year (benefits themselves are
# registered in the service, where their cross-field rules are explained field by field).
BENEFIT_COLUMNS = [
    ("id", _l("Code"), 6, "id", None),
    ("project", _l("Project (locked)"), 28, "locked", None),
    ("name", _l("Benefit (locked)"), 28, "locked", None),
    ("target", _l("Target (locked)"), 18, "locked", None),
    ("realised_value", _l("Realised value this year"), 14, "number", None),
    ("realised_amount", _l("Realised amount this year (tkr)"), 14, "number", None),
    ("status", _l("Status of the realisation"), 16, "benefit_status", None),
    (
        "status_reason",
        _l("Why was the benefit abandoned, or what puts it at risk?"),
        32,
        "text",
        None,
    ),
    ("owner", _l("Benefit owner (a role in the line organisation)"), 28, "text", None),
]
BENEFIT_COLUMN = {key: index for index, (key, *_rest) in enumerate(BENEFIT_COLUMNS, start=1)}
PROJECT_COLUMN = {key: index for index, (key, *_rest) in enumerate(PROJECT_COLUMNS, start=1)}


# Which form a workbook's answers belong to (its "granska_form" property): a submission's
# template has none (nor had any before there were self-assessments).
SUBMISSION_FORM, SELF_ASSESSMENT_FORM = "submission", "self_assessment"


@dataclass(frozen=True)
class AnswerSource:
    """What the questionnaire's sheets are made of, whoever answers: a submission, or an
    agency's self-assessment against a published cycle (only the answer sheets)."""

    cycle: Cycle
    agency: Agency
    answers: Answers
    last_year: Answers
    version: int = 0
    form: str = SUBMISSION_FORM


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
class BenefitRow:
    row: int
    benefit_id: int
    values: dict  # realised_value, realised_amount, status, status_reason, owner


@dataclass
class ParsedUpload:
    version: int  # the submission's version when the template was downloaded
    forms: dict[str, dict[str, str]] = field(default_factory=dict)  # section → save_section form
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # field name → sheet, cell
    projects: list[ProjectRow] = field(default_factory=list)
    benefits: list[BenefitRow] = field(default_factory=list)


@dataclass(frozen=True)
class ValueChange:
    """One answer a successful upload changed, for the receipt the uploader reads."""

    label: str
    period: str
    old: str | None  # the stored text of the value (numbers with two decimals), None: empty
    new: str | None


@dataclass
class UploadOutcome:
    errors: list[CellError] = field(default_factory=list)
    values: int = 0  # answers changed
    projects: int = 0  # projects added or changed
    changes: list[ValueChange] = field(default_factory=list)
    project_names: list[str] = field(default_factory=list)
    benefit_names: list[str] = field(default_factory=list)  # benefits whose report changed


def template_filename(submission: Submission) -> str:
    return f"granska-{submission.cycle.year}-{submission.agency.org_number}.xlsx"


def _headers(layout: str, cycle) -> list[str]:
    """The header row of a sheet of the layout ITEMS, AREAS, PROJECTS or BENEFITS."""
    if layout == ITEMS:
        periods = [
            _("Outcome %(year)d", year=cycle.year),
            _("Forecast %(year)d", year=cycle.year + 1),
        ]
        return [_("Code"), _("Item"), _("Unit"), *periods, _("Last year"), _("Definition")]
    if layout == AREAS:
        levels = [_("Level %(n)s", n=n) for n in (1, 4, 7)]
        return [_("Code"), _("Area"), _("Question"), _("Value"), _("Last year"), *levels]
    if layout == BENEFITS:
        return [str(header) for _key, header, *_rest in BENEFIT_COLUMNS]
    return [str(header) for _key, header, *_rest in PROJECT_COLUMNS]


def _locale() -> str:
    return str(get_locale())


def _coordinate(row: int, column: int) -> str:
    return f"{get_column_letter(column)}{row}"
