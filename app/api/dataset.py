"""The frozen dataset of a cycle: its snapshot with the digest, as JSON, CSV or XLSX."""

import json

from flask import jsonify, request
from flask_babel import gettext as _

from app.api import schemas
from app.api.loaders import visible_cycle
from app.api.operation import operation
from app.api.problems import ApiProblem
from app.datasets.access import can_read_results
from app.datasets.exports import FORMATS, download
from app.datasets.freezing import snapshot_of

CSV_TABLES = {"answers": "csv", "projects": "projects-csv", "benefits": "benefits-csv"}


def _readable_snapshot(user, year: int):
    cycle = visible_cycle(user, year)
    if not can_read_results(user, cycle):
        raise ApiProblem(403, "not_published", _("The dataset is not published yet."))
    snapshot = snapshot_of(cycle)
    if snapshot is None:
        raise ApiProblem(404, "not_frozen", _("The cycle is not frozen: there is no dataset yet."))
    return cycle, snapshot


@operation(
    "/cycles/{year}/dataset",
    "GET",
    "The frozen snapshot with its digest (?format=csv or xlsx: the files of /dataset/csv and "
    "/dataset/xlsx)",
    "staff once frozen; agency users once published",
    responses={200: ("The snapshot and its SHA-256 digest", schemas.DATASET)},
    query=[
        {
            "name": "format",
            "in": "query",
            "required": False,
            "deprecated": True,
            "schema": {"enum": ["json", "csv", "xlsx"]},
        }
    ],
    media={"text/csv": schemas.CSV_FILE, FORMATS["xlsx"].media_type: schemas.XLSX_FILE},
)
def dataset(user, year):
    cycle, snapshot = _readable_snapshot(user, year)
    kind = request.args.get("format", "json")
    if kind in ("csv", "xlsx"):
        return download(snapshot, cycle.year, kind)
    if kind != "json":
        raise ApiProblem(400, "bad_format", _("format is json, csv or xlsx."))
    response = jsonify(
        {"year": cycle.year, "digest": snapshot.digest, "snapshot": json.loads(snapshot.content)}
    )
    response.headers["X-Dataset-SHA256"] = snapshot.digest
    return response


@operation(
    "/cycles/{year}/dataset/csv",
    "GET",
    "The frozen dataset as CSV: one row per agency (answers and key figures) or per project",
    "staff once frozen; agency users once published",
    responses={200: ("The CSV file; X-Dataset-SHA256 carries the digest", None)},
    query=[
        {"name": "table", "in": "query", "required": False, "schema": {"enum": list(CSV_TABLES)}},
        {
            "name": "dialect",
            "in": "query",
            "required": False,
            "description": "excel-sv: semicolons, decimal comma and a byte order mark",
            "schema": {"enum": ["programs", "excel-sv"]},
        },
    ],
    media={"text/csv": schemas.CSV_FILE},
)
def dataset_csv(user, year):
    cycle, snapshot = _readable_snapshot(user, year)
    table, dialect = request.args.get("table", "answers"), request.args.get("dialect", "programs")
    if table not in CSV_TABLES or dialect not in ("programs", "excel-sv"):
        raise ApiProblem(400, "bad_format", _("table or dialect has an unknown value."))
    kind = CSV_TABLES[table] + ("-sv" if dialect == "excel-sv" else "")
    return download(snapshot, cycle.year, kind)


@operation(
    "/cycles/{year}/dataset/xlsx",
    "GET",
    "The frozen dataset as an XLSX workbook: a sheet per section, key figures, projects and "
    "definitions",
    "staff once frozen; agency users once published",
    responses={200: ("The workbook; X-Dataset-SHA256 carries the digest", None)},
    media={FORMATS["xlsx"].media_type: schemas.XLSX_FILE},
)
def dataset_xlsx(user, year):
    cycle, snapshot = _readable_snapshot(user, year)
    return download(snapshot, cycle.year, "xlsx")
