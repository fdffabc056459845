"""Open data: a published cycle has a public page (no login) with its licence, digest and
files, the parts an administrator withholds are left out of every file and stated, and the
DCAT-AP-SE catalogue validates against the SHACL shapes of tests/shapes."""

import csv
import hashlib
import io
import json
from pathlib import Path

import openpyxl
import pytest
from pyshacl import validate
from rdflib import Graph
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cycles.operations import fire_cycle_transition
from app.datasets import workbook
from app.datasets.models import OpenDataFile, OpenDataRelease
from app.extensions import db
from app.timeutil import utcnow
from tests import factories
from tests.integration.test_datasets import (
    ADMIN_NAME,
    EXEMPTION,
    PROJECT,
    REBASELINES,
    YEAR,
    _frozen_dataset,
)

SHAPES = Path(__file__).resolve().parents[1] / "shapes"
KINDS = ("json", "csv", "projects-csv", "benefits-csv", "xlsx")


def _published():
    data, snapshot = _frozen_dataset()
    fire_cycle_transition(YEAR, "publish", data.admin)
    db.session.commit()
    return data, snapshot


def _files(client) -> dict[str, bytes]:
    files = {}
    for kind in KINDS:
        response = client.get(f"/open-data/{YEAR}/{kind}")
        assert response.status_code == 200, kind
        body = response.get_data()
        assert response.headers["X-Content-SHA256"] == hashlib.sha256(body).hexdigest()
        files[kind] = body
    return files


def test_a_published_cycle_is_open_data_without_login(client):
    _data, snapshot = _published()
    page = client.get(f"/open-data/{YEAR}/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Öppna data: insamlingen 2026" in text
    assert "CC0 1.0" in text and "publicdomain/zero/1.0" in text
    assert snapshot.digest in text  # the frozen dataset it was made from
    files = _files(client)
    opened = json.loads(files["json"])
    assert hashlib.sha256(files["json"]).hexdigest() in text  # the open JSON's digest
    for kind in KINDS:
        assert hashlib.sha256(files[kind]).hexdigest() in text, kind
    assert opened["open_data"] == {
        "licence": "http://publications.europa.eu/resource/authority/licence/CC0",
        "withheld": [],
        "snapshot_sha256": snapshot.digest,
    }
    # Nothing withheld by choice: the projects' free text is there, the approver's name never.
    assert PROJECT["name"] in files["json"].decode()
    assert ADMIN_NAME not in files["json"].decode() and ADMIN_NAME not in text
    assert "Namnet på den som godkände insamlingen" in text
    rows = list(csv.DictReader(io.StringIO(files["projects-csv"].decode())))
    assert [r["name"] for r in rows] == [PROJECT["name"]]
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    assert "Nyckeltal" in book.sheetnames
    assert "/open-data/2026/" in client.get("/open-data/").get_data(as_text=True)


def test_withheld_parts_are_left_out_of_every_file_and_stated(client, login):
    data, _snapshot = _published()
    before = _files(client)
    client.login(data.admin)
    response = client.post(
        f"/admin/cycles/{YEAR}/open-data",
        {
            "licence": "cc-by-4.0",
            "withheld": ["project_text", "exemption_reasons"],
            "description_sv": "Årets it-kostnader.",
            "description_en": "This year's IT costs.",
        },
    )
    assert response.status_code == 302
    client.logout()
    after = _files(client)
    assert after["json"] != before["json"]
    text = after["json"].decode()
    for secret in (PROJECT["name"], EXEMPTION, *(r[3] for r in REBASELINES)):
        assert secret not in text
        assert secret.encode() not in after["projects-csv"]
    opened = json.loads(text)
    assert opened["open_data"]["withheld"] == ["exemption_reasons", "project_text"]
    assert opened["open_data"]["licence"].endswith("/CC_BY_4_0")
    assert len(opened["submissions"][0]["projects"]) == 1  # the project stays, its text goes
    page = client.get(f"/open-data/{YEAR}/").get_data(as_text=True)
    assert "Årets it-kostnader." in page and "CC BY 4.0" in page
    assert "Fritext om projekt" in page and "Skälen till att myndigheter undantogs" in page
    assert hashlib.sha256(after["json"]).hexdigest() in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "open_data"))
    assert event.to_value == "cc-by-4.0; project_text,exemption_reasons"


def test_a_refused_choice_is_shown_next_to_its_field_and_keeps_the_input(client):
    data, _snapshot = _published()
    client.login(data.admin)
    response = client.post(
        f"/admin/cycles/{YEAR}/open-data",
        {"licence": "all-rights-reserved", "withheld": ["projects"], "description_sv": "Min text"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Fel:" in page and 'href="#licence"' in page
    assert "Min text" in page
    assert "Välj en av licenserna i listan." in page
    assert 'checked id="withheld-1" name="withheld" type="checkbox" value="projects"' in page


@pytest.mark.parametrize("status", ["open", "closed", "approved"])
def test_nothing_unpublished_is_open(client, status):
    data, _snapshot = _frozen_dataset() if status == "approved" else (None, None)
    if data is None:
        factories.make_cycle(YEAR, status, questionnaire=True)
    for url in (f"/open-data/{YEAR}/", *(f"/open-data/{YEAR}/{k}" for k in KINDS)):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/open-data/{YEAR + 1}/").status_code == 404
    catalogue = client.get("/open-data/catalog.jsonld").get_json()
    assert catalogue["dcat:dataset"] == []


def test_the_settings_wait_for_a_dataset_and_apply_at_publication(client):
    data, _snapshot = _frozen_dataset()  # approved, not published
    client.login(data.admin)
    response = client.post(
        f"/admin/cycles/{YEAR}/open-data", {"licence": "cc0", "withheld": ["projects"]}
    )
    assert response.status_code == 302
    assert client.get(f"/open-data/{YEAR}/").status_code == 404
    assert client.post(f"/admin/cycles/{YEAR}/transitions/publish").status_code == 302
    opened = json.loads(client.get(f"/open-data/{YEAR}/json").get_data())
    assert all(s["projects"] == [] for s in opened["submissions"])


def test_the_catalogue_validates_against_dcat_ap_se(app, client):
    _published()
    response = client.get("/open-data/catalog.jsonld")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    catalogue = response.get_json()
    [dataset] = catalogue["dcat:dataset"]
    assert dataset["dcterms:temporal"]["dcat:startDate"]["@value"] == f"{YEAR}-01-01"
    files = _files(client)
    checksums = {
        d["dcat:downloadURL"]["@id"].rsplit("/", 1)[1]: d["spdx:checksum"]["spdx:checksumValue"][
            "@value"
        ]
        for d in dataset["dcat:distribution"]
    }
    assert checksums == {k: hashlib.sha256(b).hexdigest() for k, b in files.items()}
    public = f"{app.config['PUBLIC_URL']}/open-data/{YEAR}/"  # never the request's Host
    assert all(d["dcat:accessURL"]["@id"].startswith(public) for d in dataset["dcat:distribution"])
    conforms, report = _validate(response.get_data(as_text=True))
    assert conforms, report


def test_the_shapes_catch_a_catalogue_that_breaks_them(client):
    """The validation is no formality: a distribution without its access address fails."""
    _published()
    catalogue = client.get("/open-data/catalog.jsonld").get_json()
    del catalogue["dcat:dataset"][0]["dcat:distribution"][0]["dcat:accessURL"]
    del catalogue["dcat:dataset"][0]["dcterms:publisher"]
    conforms, report = _validate(json.dumps(catalogue))
    assert not conforms
    assert "accessURL" in report and "publisher" in report


def _validate(jsonld: str) -> tuple[bool, str]:
    data = Graph().parse(data=jsonld, format="json-ld")
    shapes = Graph()
    for path in sorted(SHAPES.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    conforms, _graph, report = validate(data, shacl_graph=shapes, inference="none")
    return conforms, report


def test_a_workbook_costs_the_same_per_row_at_any_size(app, monkeypatch):
    """openpyxl's max_row scans every cell written: read once per row it made a sheet
    quadratic in its rows. Counted, not timed: the reads must not grow with the rows."""
    reads = []
    original = workbook.Workbook

    class CountingWorkbook(original):
        def create_sheet(self, *args, **kwargs):
            sheet = super().create_sheet(*args, **kwargs)
            cls = type(sheet)
            if not hasattr(cls, "_counted"):
                prop = cls.max_row

                def max_row(self):
                    reads.append(1)
                    return prop.fget(self)

                monkeypatch.setattr(cls, "max_row", property(max_row))
                monkeypatch.setattr(cls, "_counted", True, raising=False)
            return sheet

    monkeypatch.setattr(workbook, "Workbook", CountingWorkbook)

    def reads_for(agencies: int) -> int:
        reads.clear()
        with app.test_request_context():
            workbook.workbook_bytes(_data_of(agencies), "0" * 64)
        return len(reads)

    assert reads_for(5) == reads_for(200)


def _data_of(agencies: int) -> dict:
    item = {
        "code": "it_cost_total",
        "section": "it_costs",
        "kind": "amount",
        "has_forecast": False,
        "label": {"sv": "It-kostnad", "en": "IT cost"},
        "definition": {"sv": "", "en": ""},
    }
    submissions = [
        {
            "agency": {"org_number": f"2021{i:06d}", "name": f"M {i}", "peer_group": "other"},
            "values": {"it_cost_total": {"outcome": f"{i}.50"}},
            "key_figures": {},
            "projects": [],
        }
        for i in range(agencies)
    ]
    return {
        "cycle": {"year": YEAR, "title": "T"},
        "frozen": {"at": "2027-04-15T08:30:00Z"},
        "format": "granska-dataset/1",
        "questionnaire": {"items": [item]},
        "submissions": submissions,
        "exempted": [],
    }


def test_the_catalogue_asks_the_same_number_of_queries_at_any_number_of_years(
    client, count_queries
):
    _published()

    def queries() -> int:
        with count_queries() as counter:
            assert client.get("/open-data/catalog.jsonld").status_code == 200
            assert client.get("/open-data/").status_code == 200
        return counter.count

    one_year = queries()
    for year in (2023, 2024, 2025):  # earlier published years, their files already built
        cycle = factories.make_cycle(year, "published")
        release = OpenDataRelease(
            cycle_id=cycle.id,
            licence="cc0",
            description_sv="",
            description_en="",
            withheld="",
            built_at=utcnow(),
            digest="0" * 64,
        )
        db.session.add(release)
        db.session.flush()
        db.session.add_all(
            OpenDataFile(release_id=release.id, kind=k, content=b"x", sha256="0" * 64, byte_size=1)
            for k in KINDS
        )
        db.session.commit()
    assert len(client.get("/open-data/catalog.jsonld").get_json()["dcat:dataset"]) == 4
    assert queries() == one_year


def test_the_listings_read_each_files_checksum_and_size_without_its_bytes(client, count_queries):
    # SQLite stores a row's columns in order: a file's checksum and size come after its bytes
    # (megabytes at 340 agencies), so a listing that read the rows read every byte of every
    # year's files. The listings are read from an index instead.
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's query plans; PostgreSQL keeps large values apart")
    _published()
    with count_queries() as counter:
        for path in ("/open-data/", f"/open-data/{YEAR}/", "/open-data/catalog.jsonld"):
            assert client.get(path).status_code == 200, path
    listings = counter.plans(reading="FROM open_data_file", leaving_out=".content")
    assert len(listings) >= 3, counter.statements
    for statement, steps in listings:
        assert all("COVERING INDEX" in step for step in steps), (statement, steps)
