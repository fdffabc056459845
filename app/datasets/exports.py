"""Exports of a frozen dataset, built from its snapshot only, each naming the cycle and
carrying the digest: CSV for Swedish Excel, CSV for programs (answers and key figures; the
projects in files of their own), XLSX, and the canonical JSON."""

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import Response

from app.cycles.models import Cycle
from app.cycles.questionnaire_changes import series_breaks
from app.datasets.models import DatasetSnapshot
from app.datasets.tables import (
    Table,
    answers_table,
    benefits_table,
    decimals_of,
    joined,
    key_figures_table,
    projects_table,
)
from app.datasets.workbook import workbook_bytes
from app.extensions import db

CSV, XLSX, JSON = (
    "text/csv",  # the response adds "; charset=utf-8"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/json",
)


@dataclass(frozen=True)
class ExportFormat:
    media_type: str
    suffix: str  # what the file name ends with
    table: str | None = None  # which table a CSV holds: "answers" or "projects"
    swedish: bool = False  # semicolons, decimal comma, a byte order mark


FORMATS = {
    "csv-sv": ExportFormat(CSV, "-sv.csv", "answers", swedish=True),
    "csv": ExportFormat(CSV, ".csv", "answers"),
    "projects-csv-sv": ExportFormat(CSV, "-projects-sv.csv", "projects", swedish=True),
    "projects-csv": ExportFormat(CSV, "-projects.csv", "projects"),
    "benefits-csv-sv": ExportFormat(CSV, "-benefits-sv.csv", "benefits", swedish=True),
    "benefits-csv": ExportFormat(CSV, "-benefits.csv", "benefits"),
    "xlsx": ExportFormat(XLSX, ".xlsx"),
    "json": ExportFormat(JSON, ".json"),
}
# A spreadsheet's import dialog splits on all of these at first use, so a cell holding one
# (an agency's name, a decimal comma) is quoted whatever the file's own delimiter.
_NEEDS_QUOTES = re.compile(r'[,;\t"\r\n]')
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _csv_table(data: dict, kind: str) -> Table:
    if FORMATS[kind].table == "projects":
        return projects_table(data)
    if FORMATS[kind].table == "benefits":
        return benefits_table(data)
    return joined(answers_table(data), key_figures_table(data, prefix="kf_"))


def _csv(data: dict, digest: str, kind: str, breaks: frozenset[str]) -> bytes:
    swedish = FORMATS[kind].swedish
    table = _csv_table(data, kind)
    places = [0, 0, *decimals_of(table)]
    header = ["cycle", "dataset_sha256", *(c.key for c in table.columns)]
    lines = [header] + [[data["cycle"]["year"], digest, *row] for row in table.rows]
    if FORMATS[kind].table == "answers":
        # The codes (items, and key figures as kf_…) not comparable with the year before,
        # on every row like the digest: a program reading one row knows.
        figures = _figure_codes(data)
        listed = " ".join(sorted(f"kf_{c}" if c in figures else c for c in breaks))
        places.append(0)
        lines = [[*lines[0], "series_breaks"]] + [[*line, listed] for line in lines[1:]]
    delimiter = ";" if swedish else ","
    text = "".join(
        delimiter.join(_csv_cell(v, d, swedish) for v, d in zip(line, places, strict=True)) + "\r\n"
        for line in lines
    )
    # Excel in Swedish opens UTF-8 right only with a byte order mark.
    return ("\ufeff" + text).encode("utf-8") if swedish else text.encode("utf-8")


def _csv_cell(value, decimals: int, swedish: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, Decimal):
        text = f"{value:.{decimals}f}"
        text = text.replace(".", ",") if swedish else text
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, int):
        text = str(value)
    else:
        text = _CONTROL.sub("", str(value))
        text = f"'{text}" if text[:1] in ("=", "+", "-", "@") else text  # no formulas
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if _NEEDS_QUOTES.search(text) else text


def _figure_codes(data: dict) -> set[str]:
    return {figure["code"] for figure in data["questionnaire"].get("key_figures", [])}


def data_export(data: dict, digest: str, kind: str, breaks: frozenset[str] = frozenset()) -> bytes:
    """A table export of a dataset's data (the snapshot's, or its open version) naming the
    digest given; `breaks`: its items and key figures not comparable with the year before."""
    if kind == "xlsx":
        return workbook_bytes(data, digest, breaks)
    return _csv(data, digest, kind, breaks)


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
    export_format = FORMATS[kind]
    name = f"granska-{year}-{snapshot.digest[:12]}{export_format.suffix}"
    if kind == "json":
        return snapshot.content.encode("utf-8"), export_format.media_type, name
    data = json.loads(snapshot.content)
    cycle = db.session.get(Cycle, snapshot.cycle_id)
    breaks = series_breaks(cycle) if cycle is not None else frozenset()
    return data_export(data, snapshot.digest, kind, breaks), export_format.media_type, name
