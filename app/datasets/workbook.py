"""The dataset as an XLSX workbook for analysts: one sheet per section, the key figures and
the projects, each with labels in its header row, typed cells (numbers, real dates, true or
false) and one number format per column; the codes and definitions of every column in a
sheet of their own."""

import io

from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.styles import Font

from app.cycles.default_questionnaire import SECTIONS as DEFAULT_SECTIONS
from app.datasets.tables import (
    BENEFIT_COLUMNS,
    CHOICE,
    DATE,
    INTEGER,
    NUMBER,
    PROJECT_COLUMNS,
    Table,
    answers_table,
    benefits_table,
    decimals_of,
    item_columns,
    key_figures_table,
    projects_table,
)
from app.submissions.excel.layout import sheet_title


def _number_format(kind: str, decimals: int) -> str | None:
    if kind == DATE:
        return "yyyy-mm-dd"
    if kind == INTEGER:
        return "0"
    if kind == NUMBER:
        return "#,##0" + ("." + "0" * decimals if decimals else "")
    return None


def _xlsx_cell(column, value):
    if column.kind == CHOICE and column.choices and value in column.choices:
        return str(column.choices[value])
    if column.kind == NUMBER and value is not None and not isinstance(value, str):
        return float(value)
    return value


def _sheet(workbook, title: str, table: Table) -> None:
    sheet = workbook.create_sheet(sheet_title(title))
    sheet.append([str(c.label) for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    formats = [
        _number_format(c.kind, d) for c, d in zip(table.columns, decimals_of(table), strict=True)
    ]
    # The row's own number, counted here: openpyxl's max_row scans every cell written so
    # far, which made a sheet quadratic in its rows.
    for number, row in enumerate(table.rows, start=2):
        sheet.append([_xlsx_cell(c, v) for c, v in zip(table.columns, row, strict=True)])
        for column, number_format in enumerate(formats, start=1):
            if number_format:
                cell = sheet.cell(row=number, column=column)
                if cell.value is not None and not isinstance(cell.value, str):
                    cell.number_format = number_format
    sheet.freeze_panes = "A2"


def _definitions(data: dict, breaks: frozenset[str]) -> list[list]:
    rows = [
        [
            i["code"],
            i["section"],
            i["label"]["sv"],
            i["label"]["en"],
            i["definition"]["sv"],
            i["definition"]["en"],
            i["kind"],
            "ja" if i["code"] in breaks else "",
        ]
        for i in data["questionnaire"]["items"]
    ]
    for part, column in [
        *(("projects", c) for c in PROJECT_COLUMNS),
        *(("benefits", c) for c in BENEFIT_COLUMNS),
    ]:
        with force_locale("en"):
            english = [str(column.label), str(column.definition)]
        rows.append(
            [
                column.key,
                part,
                str(column.label),
                english[0],
                str(column.definition),
                english[1],
                column.kind,
                "",
            ]
        )
    return rows


def _section_names(questionnaire: dict) -> dict[str, str]:
    """Each section's Swedish name, as the dataset's own questionnaire has it; a dataset frozen
    before sections were data (migration 0022) had the default ones."""
    sections = questionnaire.get("sections")
    if sections is None:
        return {s["code"]: s["label_sv"] for s in DEFAULT_SECTIONS}
    return {s["code"]: s["label"]["sv"] for s in sections}


def _plain_sheet(workbook, title: str, header: list[str], rows) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"


def workbook_bytes(data: dict, digest: str, breaks: frozenset[str] = frozenset()) -> bytes:
    """The workbook; `breaks`: the items and key figures not comparable with the year before
    (a series break), marked in the definitions and listed under "Om datasetet"."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    with force_locale("sv"):
        names = _section_names(data["questionnaire"])
        sections = dict.fromkeys(i["section"] for i in data["questionnaire"]["items"])
        for section in sections:
            if item_columns(data, section):
                _sheet(workbook, names.get(section, section), answers_table(data, section))
        _sheet(workbook, "Nyckeltal", key_figures_table(data))
        _sheet(workbook, "Projekt", projects_table(data))
        _sheet(workbook, "Nyttor", benefits_table(data))
        _plain_sheet(
            workbook,
            "Definitioner",
            [
                "Kod",
                "Del",
                "Fråga",
                "Question",
                "Definition",
                "Definition (en)",
                "Typ",
                "Seriebrott mot föregående år (series break)",
            ],
            _definitions(data, breaks),
        )
        _plain_sheet(
            workbook,
            "Om datasetet",
            ["Uppgift", "Värde"],
            [
                ["Insamling", data["cycle"]["year"]],
                ["Rubrik", data["cycle"]["title"]],
                ["Fryst", data["frozen"]["at"]],
                ["SHA-256", digest],
                ["Format", data["format"]],
                ["Godkända inlämningar", len(data["submissions"])],
                ["Undantagna myndigheter", len(data["exempted"])],
                [
                    "Seriebrott mot föregående år: definitionen ändrad, ej jämförbart",
                    ", ".join(sorted(breaks)) or "inga",
                ],
            ],
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
