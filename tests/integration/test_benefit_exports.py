"""The benefits in the frozen dataset: in the snapshot with their project, as a table of their
own in CSV (both dialects) and in the workbook, and in the API's CSV."""

import csv
import io
import json

import openpyxl

from tests.integration.test_api import new_token
from tests.integration.test_datasets import YEAR, _download, _file_name, _frozen_dataset


def test_the_snapshot_holds_each_projects_benefits(app):
    _data, snapshot = _frozen_dataset()
    content = json.loads(snapshot.content)
    (project,) = content["submissions"][0]["projects"]
    names = [b["name"] for b in project["benefits"]]
    assert names == ["Kortare handläggningstid", "Nöjdare kunder"]  # ordered by content
    first = project["benefits"][0]
    assert (first["amount"], first["realised_value"], first["baseline_date"]) == (
        "4500.00",
        "24.00",
        "2025-01-15",
    )
    assert (first["is_main"], first["target_year"], first["status"]) == (True, 2028, "on_track")
    assert project["benefits"][1]["amount"] is None


def test_the_benefits_csv_has_one_row_per_benefit_with_its_agency_and_project(app):
    data, snapshot = _frozen_dataset()
    response = _download(app, data, "benefits-csv")
    assert _file_name(response) == f"granska-{YEAR}-{snapshot.digest[:12]}-benefits.csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode())))
    assert [(r["agency"], r["project"], r["name"]) for r in rows] == [
        ("Bolagsverket", "Nytt ärendehanteringssystem", "Kortare handläggningstid"),
        ("Bolagsverket", "Nytt ärendehanteringssystem", "Nöjdare kunder"),
    ]
    assert (rows[0]["kind"], rows[0]["amount"], rows[0]["budget_affecting"]) == (
        "economic",
        "4500",
        "true",
    )
    assert (rows[1]["status"], rows[1]["status_reason"]) == ("at_risk", "Mätningen är försenad")
    swedish = _download(app, data, "benefits-csv-sv")
    (first, _second) = csv.DictReader(io.StringIO(swedish.data.decode("utf-8-sig")), delimiter=";")
    assert first["target_year"] == "2028"


def test_the_workbook_has_a_benefits_sheet_with_labels_and_definitions(app):
    data, _snapshot = _frozen_dataset()
    workbook = openpyxl.load_workbook(io.BytesIO(_download(app, data, "xlsx").data))
    sheet = workbook["Nyttor"]
    header, first = ([cell.value for cell in r] for r in sheet.iter_rows(min_row=1, max_row=2))
    cells = dict(zip(header, first, strict=True))
    assert cells["Nyttans namn"] == "Kortare handläggningstid"
    assert cells["Typ av nytta"] == "Ekonomisk" and cells["Huvudnytta"] is True
    assert cells["Belopp (tkr per år)"] == 4500
    parts = {r[1] for r in workbook["Definitioner"].iter_rows(min_row=2, values_only=True)}
    assert "benefits" in parts


def test_the_api_gives_the_benefits_table(app, client):
    data, snapshot = _frozen_dataset()
    headers = {"Authorization": f"Bearer {new_token(data.admin)}"}
    response = client.get(f"/api/v1/cycles/{YEAR}/dataset/csv?table=benefits", headers=headers)
    assert response.status_code == 200
    assert response.headers["X-Dataset-SHA256"] == snapshot.digest
    assert len(list(csv.DictReader(io.StringIO(response.data.decode())))) == 2
