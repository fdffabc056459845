"""The template an agency downloads: the questionnaire with its current answers, as a workbook."""

import io
import math
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from app.cycles.questionnaire import QuestionnaireItem
from app.cycles.questionnaire_changes import new_and_changed
from app.cycles.questionnaire_service import items_of, section_labels
from app.number_format import format_for_reader
from app.submissions.answers import item_spec
from app.submissions.answers import stored_values as stored_answers
from app.submissions.comparison import last_year_answers
from app.submissions.excel.layout import (
    AREAS,
    BENEFIT_COLUMNS,
    BENEFITS,
    CHOICES,
    DATE_HINT,
    EMPTY_PROJECT_ROWS,
    FIRST_ROW,
    HEADER_ROW,
    MAX_TEXT,
    PROJECT_COLUMNS,
    PROJECTS,
    READ_ONLY,
    SELF_ASSESSMENT_FORM,
    SUBMISSION_FORM,
    AnswerSheet,
    AnswerSource,
    _headers,
    _locale,
    answer_sheets,
)
from app.submissions.labels import HEADING_LABELS, PROJECTS_LABEL
from app.submissions.models import Project, Submission
from app.submissions.projects import projects_of
from workflows.vocabulary import ITEM_KINDS

INPUT_FILL = PatternFill("solid", fgColor="FFF8DC")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
NEWS_FILL = PatternFill("solid", fgColor="CCE2D8")  # new or redefined this year
LOCKED_FILL = PatternFill("solid", fgColor="E4E4E4")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
THIN = Side(style="thin", color="B4B4B4")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def build_template(submission: Submission, locale: str) -> bytes:
    source = AnswerSource(
        submission.cycle,
        submission.agency,
        _answers(submission),
        last_year_answers(submission),
        submission.version,
    )

    def projects_and_benefits(book) -> None:
        _project_sheet(book.create_sheet(PROJECTS), submission)
        _benefit_sheet(book.create_sheet(BENEFITS), submission)

    return _workbook(source, locale, projects_and_benefits)


def build_answers_template(source: AnswerSource, locale: str) -> bytes:
    """The questionnaire's sheets alone, for answers kept outside a submission (an agency's
    self-assessment): the same sheets, rules and definitions, read back by `read_answers`."""
    return _workbook(source, locale, None)


def _workbook(source: AnswerSource, locale: str, more: Callable | None) -> bytes:
    with force_locale(locale):
        book = Workbook()
        book.remove(book.active)
        for spec in answer_sheets(source.cycle.id).values():
            if spec.layout == AREAS:
                _areas_sheet(book.create_sheet(spec.name), source, spec)
            else:
                _items_sheet(book.create_sheet(spec.name), source, spec)
        if more is not None:
            more(book)
    book.properties.title = f"Granska {source.cycle.year} – {source.agency.name}"
    book.properties.creator = "Granska"
    properties = [
        ("granska_cycle", source.cycle.year),
        ("granska_agency", source.agency.org_number),
        ("granska_version", source.version),
    ]
    if source.form != SUBMISSION_FORM:
        properties.append(("granska_form", source.form))
    for name, value in properties:
        book.custom_doc_props.append(StringProperty(name=name, value=str(value)))
    _clean(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _clean(book) -> None:
    """Control characters that a name or an answer may carry cannot be written to an XLSX
    file at all; they are left out, the rest of the text kept."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and ILLEGAL_CHARACTERS_RE.search(cell.value):
                    cell.value = ILLEGAL_CHARACTERS_RE.sub("", cell.value)


def _start_sheet(sheet, source, title: str, layout: str, hint: str, widths: list[int]):
    """`source`: the submission or the AnswerSource, whose cycle and agency head the sheet."""
    cycle = source.cycle
    sheet["B1"] = f"{title} – {source.agency.name}, {cycle.title}"
    sheet["B1"].font = Font(bold=True, size=14)
    sheet["B2"] = hint
    sheet["B2"].font = Font(italic=True, color="595959")
    for column, header in enumerate(_headers(layout, cycle), start=1):
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
    whole = ITEM_KINDS[item.kind].whole
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


def _title(source: AnswerSource, spec: AnswerSheet) -> str:
    return section_labels(source.cycle.id)[spec.section]


def _items_sheet(sheet, source: AnswerSource, spec: AnswerSheet) -> None:
    """A section's items a row each, in their groups: outcome, forecast where asked, last year
    and the definition."""
    items = items_of(source.cycle.id, spec.section)
    amounts = any(item.kind == "amount" for item in items)
    if source.form == SELF_ASSESSMENT_FORM and amounts:
        hint = _(
            "Amounts in thousands of SEK (tkr). Fill in the yellow cells; the other cells are "
            "locked. Then upload the file on the self-assessment's page."
        )
    elif source.form == SELF_ASSESSMENT_FORM:
        hint = _(
            "Fill in the yellow cells; the other cells are locked. Then upload the file on the "
            "self-assessment's page."
        )
    elif amounts:
        hint = _(
            "Amounts in thousands of SEK (tkr). Fill in the yellow cells; the other cells are "
            "locked. Then upload the file on the submission's page."
        )
    else:
        hint = _(
            "Fill in the yellow cells; the other cells are locked. Then upload the file on "
            "the submission's page."
        )
    widths = [14, 46, 16, 16, 16, 14, 70]
    _start_sheet(sheet, source, _title(source, spec), spec.layout, hint, widths)
    answers, last_year = source.answers, source.last_year
    units = {"amount": "tkr", "fte": _("FTE"), "percent": "%", "count": _("number")}
    rules: dict = {}
    new, redefined = new_and_changed(source.cycle)
    row, heading = FIRST_ROW, None
    for item in items:
        if item.heading != heading:
            heading = item.heading
            sheet.cell(row, 2, str(HEADING_LABELS.get(heading, heading))).font = Font(bold=True)
            for column in range(2, 8):
                sheet.cell(row, column).fill = GROUP_FILL
            row += 1
        sheet.cell(row, 1, item.code)
        label = sheet.cell(row, 2, _label_with_news(item, new, redefined))
        label.alignment = WRAP
        if item.code in new or item.code in redefined:
            label.fill = NEWS_FILL
        sheet.cell(row, 3, units.get(item.kind, "")).alignment = TOP
        for period, column in spec.columns.items():
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
            _note_series_break(previous, item.code in redefined)
        sheet.cell(row, 7, item.definition(_locale())).alignment = WRAP
        row += 1
    _fit_rows(sheet)


def _note_series_break(cell, redefined: bool) -> None:
    """Last year's value of a redefined item was measured otherwise: a note on the cell says
    so (a series break), where the reader looks for the comparison."""
    if redefined and cell.value is not None:
        text = _(
            "Series break: the definition changed this year, so last year's value was "
            "measured otherwise and is not comparable."
        )
        cell.comment = Comment(text, "Granska")


def _label_with_news(item: QuestionnaireItem, new: set[str], redefined: set[str]) -> str:
    """The item's label, and whether it is new or redefined since last year's questionnaire
    (in words, not only by colour)."""
    label = item.label(_locale())
    if item.code in new:
        return f"{label} ({_('New this year')})"
    if item.code in redefined:
        return f"{label} ({_('Changed definition')})"
    return label


def _areas_sheet(sheet, source: AnswerSource, spec: AnswerSheet) -> None:
    """A section of maturity levels: its areas, each with its questions and what levels 1, 4
    and 7 mean."""
    hint = _(
        "For each area, enter the level today and the level you aim for in two years, from 1 "
        "to 7. Explain in the comment if the target is below today's level."
    )
    widths = [14, 24, 22, 10, 11, 36, 36, 36]
    _start_sheet(sheet, source, _title(source, spec), spec.layout, hint, widths)
    answers, last_year = source.answers, source.last_year
    _new, redefined = new_and_changed(source.cycle)
    areas: dict[str, list[QuestionnaireItem]] = {}
    for item in items_of(source.cycle.id, spec.section):
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
                previous = sheet.cell(row, 5, last_year.get((item.code, "outcome")))
                _format(previous, "level")
                _note_series_break(previous, item.code in redefined)
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
    widths = [c[2] for c in PROJECT_COLUMNS]
    _start_sheet(sheet, submission, str(PROJECTS_LABEL), PROJECTS, hint, widths)
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


def _benefit_sheet(sheet, submission: Submission) -> None:
    hint = _(
        "One row per benefit registered in the service: report this year's realisation. "
        "Register new benefits in the service."
    )
    widths = [c[2] for c in BENEFIT_COLUMNS]
    _start_sheet(sheet, submission, _("Benefits"), BENEFITS, hint, widths)
    status = _list_rule(sheet, CHOICES["benefit_status"].values())
    row = FIRST_ROW
    for project in projects_of(submission.id):
        for benefit in project.benefits:
            target_value = format_for_reader(benefit.target_value)
            target = f"{target_value} {benefit.unit} ({benefit.target_year})"
            values = {
                "id": benefit.id,
                "project": project.name,
                "name": benefit.name,
                "target": target,
                "realised_value": benefit.realised_value,
                "realised_amount": benefit.realised_amount,
                "status": str(CHOICES["benefit_status"].get(benefit.status, benefit.status)),
                "status_reason": benefit.status_reason,
                "owner": benefit.owner,
            }
            for column, (key, _header, _width, kind, _missing) in enumerate(BENEFIT_COLUMNS, 1):
                cell = sheet.cell(row, column)
                if kind in READ_ONLY:
                    cell.value = values[key]
                    if kind == "locked":
                        cell.fill = LOCKED_FILL
                    cell.alignment = WRAP
                    continue
                _input(cell, values[key], "amount" if kind == "number" else None)
                if kind == "benefit_status":
                    status.add(cell)
            row += 1
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
