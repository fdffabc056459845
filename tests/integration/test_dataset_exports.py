"""The exports as analysts open them: every cell that holds a comma or a semicolon quoted, so
a spreadsheet's import dialog (which splits on comma, semicolon and tab at first use) keeps
the columns; one number of decimals per column; the projects as a table of their own, in CSV
and in the workbook, with labels, real dates and numbers. LibreOffice itself opens the files
when it is installed (CI installs it)."""

import csv
import io
import os
import re
import shutil
import subprocess
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest

from app.extensions import db
from tests.integration.test_datasets import (
    YEAR,
    _dataset,
    _download,
    _file_name,
    _freeze,
    _frozen_dataset,
    _value_row,
)


@pytest.fixture
def soffice() -> str:
    path = shutil.which("soffice")
    if path is None:
        reason = "LibreOffice (soffice) not found (apt-get install libreoffice-calc-nogui)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + ": CI must open the exports with it", pytrace=False)
        pytest.skip(reason)
    return path


# LibreOffice's CSV filter options: separators, text delimiter ("), UTF-8 (76), first line 1.
DIALOG_DEFAULTS = "CSV:44/59/9,34,76,1"  # comma, semicolon and tab: the dialog at first use
SWEDISH = "CSV:59,34,76,1,,1053"  # semicolon, language sv-SE (1053)


def _lines(response) -> list[str]:
    return response.data.decode("utf-8-sig").split("\r\n")[:-1]


def _unquoted(line: str) -> str:
    return re.sub(r'"(?:[^"]|"")*"', "", line)


@pytest.mark.parametrize("kind", ["csv-sv", "csv", "projects-csv-sv", "projects-csv"])
def test_no_comma_semicolon_or_tab_stands_outside_quotes_but_the_delimiters(app, kind):
    data, _snapshot = _frozen_dataset()
    delimiter = ";" if kind.endswith("-sv") else ","
    lines = _lines(_download(app, data, kind))
    others = set(",;\t") - {delimiter}
    assert all(not (set(_unquoted(line)) & others) for line in lines)
    widths = {len(_unquoted(line).split(delimiter)) for line in lines}
    assert len(widths) == 1  # every row as wide as the header


def test_the_swedish_csv_quotes_decimals_and_names_with_commas(app):
    data, _snapshot = _frozen_dataset()
    header, bolagsverket, _lantmateriet = _lines(_download(app, data, "csv-sv"))
    cells = dict(zip(header.split(";"), bolagsverket.split(";"), strict=True))
    assert (cells["internal_it_staff"], cells["users"]) == ('"85,5"', "1200")
    assert cells["it_cost_total_forecast"] == '"62500,5"'


def _numeric_columns(rows: list[dict]) -> dict[str, set[int]]:
    places: dict[str, set[int]] = {}
    for row in rows:
        for column, cell in row.items():
            if re.fullmatch(r"-?\d+(\.\d+)?", cell):
                places.setdefault(column, set()).add(len(cell.partition(".")[2]))
    return places


def test_a_number_column_has_one_number_of_decimals(app):
    data = _dataset()
    lantmateriet = data["Lantmäteriet"]
    db.session.add(_value_row(lantmateriet, "internal_it_staff--outcome", "40"))
    db.session.commit()
    _freeze(data)
    for kind in ("csv", "projects-csv"):
        rows = list(csv.DictReader(io.StringIO(_download(app, data, kind).data.decode())))
        places = _numeric_columns(rows)
        assert places and all(len(p) == 1 for column, p in places.items() if column != "cycle")
    rows = list(csv.DictReader(io.StringIO(_download(app, data, "csv").data.decode())))
    assert [row["internal_it_staff"] for row in rows] == ["85.5", "40.0"]


def test_the_projects_csv_has_one_row_per_project_with_its_agency_and_codes(app):
    data, snapshot = _frozen_dataset()
    response = _download(app, data, "projects-csv")
    assert _file_name(response) == f"granska-{YEAR}-{snapshot.digest[:12]}-projects.csv"
    (project,) = csv.DictReader(io.StringIO(response.data.decode()))
    assert (project["cycle"], project["dataset_sha256"]) == (str(YEAR), snapshot.digest)
    assert (project["agency"], project["org_number"]) == ("Bolagsverket", "202100-0019")
    assert (project["name"], project["status"], project["risk_budget"]) == (
        "Nytt ärendehanteringssystem",
        "ongoing",
        "high",
    )
    assert (project["start_date"], project["current_end_date"]) == ("2025-03-01", "2027-12-31")
    assert (project["cost_to_date"], project["cost_variance"]) == ("12500.5", "7000")
    assert (project["schedule_slip_days"], project["benefits_plan"]) == ("184", "true")
    swedish = _download(app, data, "projects-csv-sv")
    assert swedish.data.startswith(b"\xef\xbb\xbf")
    (row,) = csv.DictReader(io.StringIO(swedish.data.decode("utf-8-sig")), delimiter=";")
    assert row["cost_to_date"] == "12500,5"


def test_the_workbooks_project_sheet_has_labels_dates_numbers_and_its_codes_defined(app):
    data, _snapshot = _frozen_dataset()
    workbook = openpyxl.load_workbook(io.BytesIO(_download(app, data, "xlsx").data))
    sheet = workbook["Projekt"]
    header, row = ([cell for cell in r] for r in sheet.iter_rows(min_row=1, max_row=2))
    cells = {h.value: c for h, c in zip(header, row, strict=True)}
    assert cells["Startdatum"].value == datetime(2025, 3, 1)
    assert cells["Startdatum"].number_format == "yyyy-mm-dd"
    assert cells["Planerat slutdatum"].value == datetime(2027, 12, 31)
    assert cells["Kostnader hittills (tkr)"].value == 12500.5
    assert cells["Kostnader hittills (tkr)"].number_format == "#,##0.0"
    assert cells["Aktuell budget (tkr)"].number_format == "#,##0"
    assert (cells["Status"].value, cells["Risk att budgeten överskrids"].value) == (
        "Pågående",
        "Hög",
    )
    assert cells["Det finns en plan för nyttorealisering"].value is True
    definitions = {r[0]: r for r in workbook["Definitioner"].iter_rows(min_row=2, values_only=True)}
    assert definitions["cost_variance"][1:4] == (
        "projects",
        "Kostnadsavvikelse (tkr)",
        "Cost variance (tkr)",
    )


def _libreoffice(soffice, tmp_path, content: bytes, name: str, infilter) -> list[tuple]:
    """The file opened by LibreOffice and saved as XLSX, read back row by row."""
    source = tmp_path / name
    source.write_bytes(content)
    profile = (tmp_path / "profile").as_uri()  # its own, so parallel runs do not collide
    command = [soffice, f"-env:UserInstallation={profile}", "--headless"]
    command += [f"--infilter={infilter}"] if infilter else []
    command += ["--convert-to", "xlsx", "--outdir", str(tmp_path / "out"), str(source)]
    subprocess.run(command, check=True, capture_output=True, timeout=180)
    converted = tmp_path / "out" / (source.stem + ".xlsx")
    return list(openpyxl.load_workbook(converted).active.iter_rows(values_only=True))


def test_libreoffice_opens_the_csvs_with_every_column_in_place(app, tmp_path, soffice):
    data, _snapshot = _frozen_dataset()
    swedish = _download(app, data, "csv-sv").data
    header = swedish.decode("utf-8-sig").split("\r\n")[0].split(";")
    rows = _libreoffice(soffice, tmp_path, swedish, "dialog.csv", DIALOG_DEFAULTS)
    assert [len(row) for row in rows] == [len(header)] * 3
    assert [row[header.index("agency")] for row in rows[1:]] == ["Bolagsverket", "Lantmäteriet"]
    rows = _libreoffice(soffice, tmp_path, swedish, "swedish.csv", SWEDISH)
    staff, forecast = header.index("internal_it_staff"), header.index("it_cost_total_forecast")
    assert (rows[1][staff], rows[1][forecast]) == (85.5, 62500.5)  # numbers, not texts
    programs = _download(app, data, "csv").data
    rows = _libreoffice(soffice, tmp_path, programs, "default.csv", None)  # LibreOffice's defaults
    assert [len(row) for row in rows] == [len(header)] * 3
    assert Decimal(str(rows[1][staff])) == Decimal("85.5")
