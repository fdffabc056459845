"""Exports of a frozen dataset, built from its snapshot only, each naming the cycle and
carrying the digest: CSV for Swedish Excel, CSV for programs, XLSX, and the canonical JSON."""

import csv
import io
import json
import re
from dataclasses import dataclass
from decimal import Decimal

from flask import Response
from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.styles import Font

from app.datasets.models import DatasetSnapshot
from app.submissions.findings_text import KEY_FIGURES, key_figure_label
from app.submissions.labels import SECTION_LABELS

FORMATS = {
    "csv-sv": ("text/csv", "csv"),  # the response adds "; charset=utf-8"
    "csv": ("text/csv", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
}
PROJECT_COLUMNS = (
    "name",
    "orientation",
    "status",
    "start_date",
    "original_end_date",
    "current_end_date",
    "original_budget",
    "current_budget",
    "cost_to_date",
    "forecast_at_completion",
    "cost_variance",
    "schedule_slip_days",
    "risk_benefits",
    "risk_budget",
    "risk_time",
    "benefits_plan",
    "benefits_owner",
)


PROJECT_NUMBERS = {
    "original_budget",
    "current_budget",
    "cost_to_date",
    "forecast_at_completion",
    "cost_variance",
}


@dataclass(frozen=True)
class Column:
    key: str  # machine-friendly column name
    item: str | None = None  # a questionnaire item's code …
    period: str = "outcome"
    figure: str | None = None  # … or a key figure's


def _columns(data: dict, section: str | None = None) -> list[Column]:
    columns = []
    for item in data["questionnaire"]["items"]:
        if section is not None and item["section"] != section:
            continue
        columns.append(Column(item["code"], item["code"]))
        if item["has_forecast"]:
            columns.append(Column(f"{item['code']}_forecast", item["code"], "forecast"))
    return columns


def _value(submission: dict, column: Column):
    if column.figure is not None:
        return submission["key_figures"].get(column.figure)
    return submission["values"].get(column.item, {}).get(column.period)


def _typed(value):
    """A snapshot string as a number where it is one (for XLSX cells and CSV formatting)."""
    if value is None:
        return None
    try:
        return Decimal(value)
    except (ArithmeticError, ValueError, TypeError):
        return value


def _csv_rows(data: dict, digest: str):
    columns = _columns(data) + [Column(f"kf_{code}", figure=code) for code in KEY_FIGURES]
    header = ["cycle", "dataset_sha256", "org_number", "agency", "peer_group"]
    yield header + [c.key for c in columns]
    year = data["cycle"]["year"]
    for submission in data["submissions"]:
        agency = submission["agency"]
        values = [_typed(_value(submission, c)) for c in columns]
        yield [year, digest, agency["org_number"], agency["name"], agency["peer_group"], *values]


def _csv(data: dict, digest: str, swedish: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if swedish else ",", lineterminator="\r\n")
    for row in _csv_rows(data, digest):
        writer.writerow([_csv_cell(v, swedish) for v in row])
    text = out.getvalue()
    # Excel in Swedish opens UTF-8 right only with a byte order mark.
    return ("\ufeff" + text).encode("utf-8") if swedish else text.encode("utf-8")


def _csv_cell(value, swedish: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = (
            format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
        )
        return text.replace(".", ",") if swedish else text
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", str(value))
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t") else text  # no formulas


def _sheet(workbook, title: str, header: list[str], rows) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    sheet.freeze_panes = "A2"


def _xlsx(data: dict, digest: str) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    with force_locale("sv"):
        agency_header = ["Organisationsnummer", "Myndighet", "Jämförelsegrupp"]
        labels = {i["code"]: i["label"]["sv"] for i in data["questionnaire"]["items"]}
        for section in dict.fromkeys(i["section"] for i in data["questionnaire"]["items"]):
            columns = _columns(data, section)
            header = agency_header + [
                labels[c.item] + (" (prognos)" if c.period == "forecast" else "") for c in columns
            ]
            rows = (
                [*_agency_cells(s), *(_typed(_value(s, c)) for c in columns)]
                for s in data["submissions"]
            )
            _sheet(workbook, str(SECTION_LABELS.get(section, section))[:31], header, rows)
        _sheet(
            workbook,
            "Nyckeltal",
            agency_header + [key_figure_label(code) for code in KEY_FIGURES],
            (
                [*_agency_cells(s), *(_typed(s["key_figures"].get(c)) for c in KEY_FIGURES)]
                for s in data["submissions"]
            ),
        )
        _sheet(
            workbook,
            "Projekt",
            agency_header + list(PROJECT_COLUMNS),
            (
                [*_agency_cells(s), *(_project_cell(p, c) for c in PROJECT_COLUMNS)]
                for s in data["submissions"]
                for p in s["projects"]
            ),
        )
        _sheet(
            workbook,
            "Definitioner",
            ["Kod", "Del", "Fråga", "Question", "Definition", "Definition (en)", "Typ"],
            (
                [
                    i["code"],
                    i["section"],
                    i["label"]["sv"],
                    i["label"]["en"],
                    i["definition"]["sv"],
                    i["definition"]["en"],
                    i["kind"],
                ]
                for i in data["questionnaire"]["items"]
            ),
        )
        _sheet(
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
            ],
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _project_cell(project: dict, column: str):
    return _typed(project.get(column)) if column in PROJECT_NUMBERS else project.get(column)


def _agency_cells(submission: dict) -> list:
    agency = submission["agency"]
    return [agency["org_number"], agency["name"], agency["peer_group"]]


def download(snapshot: DatasetSnapshot, year: int, kind: str) -> Response:
    """An export as a file to save, its digest in a header as well."""
    content, media_type, name = export(snapshot, year, kind)
    return Response(
        content,
        mimetype=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Dataset-SHA256": snapshot.digest,
        },
    )


def export(snapshot: DatasetSnapshot, year: int, kind: str) -> tuple[bytes, str, str]:
    """(content, media type, file name) of one export of the frozen dataset."""
    media_type, extension = FORMATS[kind]
    name = f"granska-{year}-{snapshot.digest[:12]}{'-sv' if kind == 'csv-sv' else ''}.{extension}"
    if kind == "json":
        return snapshot.content.encode("utf-8"), media_type, name
    data = json.loads(snapshot.content)
    if kind == "xlsx":
        return _xlsx(data, snapshot.digest), media_type, name
    return _csv(data, snapshot.digest, swedish=kind == "csv-sv"), media_type, name
