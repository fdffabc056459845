"""The OpenAPI description as a client generator reads it, and the API holding to it: named
schemas under components, referred to by $ref; triggers as enums from the workflow tables;
reasons documented; every problem type in the catalogue; ETag, If-Match, Location and 204 as
served; the dataset's files with their media types; request bodies checked against the very
schemas shown (unknown fields and missing required ones refused with 422); projects changed
only with If-Match. Last, openapi-python-client generates a client that runs a small flow
against a live server."""

import importlib
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from app.api.problems import TYPE_BASE
from app.api.spec import PROBLEM_TYPES
from tests.browser.support import live_server
from tests.integration.test_api import (
    API,
    NEW_PROJECT,
    SUB,
    advance,
    assert_problem,
    build_world,
    call,
)
from workflows.cycle import CYCLE_WORKFLOW
from workflows.submission import SUBMISSION_WORKFLOW

ROOT = Path(__file__).resolve().parents[2]
PROJECT = SUB + "/projects/{project}"


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def spec(client) -> dict:
    return client.get(API + "/openapi.json").get_json()


def _schema(spec: dict, schema: dict) -> dict:
    return spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]


def _operation(spec: dict, path: str, method: str) -> dict:
    return spec["paths"][path][method]


def _request_schema(spec: dict, path: str, method: str = "post") -> dict:
    body = _operation(spec, path, method)["requestBody"]["content"]["application/json"]
    return _schema(spec, body["schema"])


def test_every_problem_refers_to_one_shared_schema(spec):
    problems = [
        content["schema"]
        for operation in (op for path in spec["paths"].values() for op in path.values())
        for response in operation["responses"].values()
        for media, content in response.get("content", {}).items()
        if media == "application/problem+json"
    ]
    assert len(problems) > 100
    assert all(schema == {"$ref": "#/components/schemas/Problem"} for schema in problems)
    named = spec["components"]["schemas"]
    assert {"Problem", "Project", "Submission", "ProjectInput", "SubmissionStatus"} <= set(named)
    text = json.dumps(spec["paths"])
    for name, schema in named.items():  # nothing named is also written out inline
        assert json.dumps(schema) not in text, name


def test_the_triggers_are_enums_from_each_workflow_and_the_reasons_are_documented(spec):
    path = "/cycles/{year}/submissions/{org_number}/transitions"
    submission = _request_schema(spec, path)
    trigger = _schema(spec, submission["properties"]["trigger"])
    assert trigger["enum"] == list(SUBMISSION_WORKFLOW.table)
    assert "reopen, exempt" in submission["properties"]["comment"]["description"]
    assert submission["additionalProperties"] is False
    cycle = _request_schema(spec, "/cycles/{year}/transitions")
    assert _schema(spec, cycle["properties"]["trigger"])["enum"] == list(CYCLE_WORKFLOW.table)
    values = _request_schema(spec, "/cycles/{year}/submissions/{org_number}/values", "patch")
    assert "clarification" in values["properties"]["reason"]["description"]


def _problem_kinds_in_the_code() -> set[str]:
    sources = [*ROOT.joinpath("app").rglob("*.py"), *ROOT.joinpath("workflows").rglob("*.py")]
    # The consultation is only read through the API (GET …/consultation): its refusals are
    # said on its pages, never sent as problems.
    sources = [path for path in sources if "consultation" not in path.name + path.parent.name]
    text = "\n".join(path.read_text() for path in sources)
    raised = re.findall(r'ApiProblem\(\s*\d+,\s*"(\w+)"', text)
    refused = re.findall(r'Refusal\(\s*"(\w+)"', text)
    return set(raised) | set(refused) | {"already_in_state", "not_from_state"}


def test_the_catalogue_names_every_problem_type_the_api_can_send(spec):
    catalogue = {entry["type"]: entry for entry in spec["x-problem-types"]}
    missing = {kind for kind in _problem_kinds_in_the_code() if TYPE_BASE + kind not in catalogue}
    assert missing == set()
    assert all(entry["meaning"] for entry in catalogue.values())
    assert set(PROBLEM_TYPES) == {t.removeprefix(TYPE_BASE) for t in catalogue}


def test_headers_and_bodies_are_described_as_served(spec):
    project = "/cycles/{year}/submissions/{org_number}/projects/{id}"
    for path, method in ((project, "get"), (project, "put")):
        assert "ETag" in _operation(spec, path, method)["responses"]["200"]["headers"]
    for path, method in ((project, "put"), (project, "delete")):
        parameters = _operation(spec, path, method)["parameters"]
        assert any(p["name"] == "If-Match" and p["required"] for p in parameters)
        assert {"412", "428"} <= set(_operation(spec, path, method)["responses"])
    created = _operation(spec, project.rsplit("/", 1)[0], "post")["responses"]["201"]
    assert {"ETag", "Location"} <= set(created["headers"])
    assert "content" not in _operation(spec, project, "delete")["responses"]["204"]
    files = {
        "/cycles/{year}/dataset/csv": "text/csv",
        "/cycles/{year}/dataset/xlsx": (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
    }
    for path, media_type in files.items():
        content = _operation(spec, path, "get")["responses"]["200"]["content"]
        assert list(content) == [media_type]


def test_a_field_the_schema_does_not_name_is_a_422_and_nothing_changes(client, world):
    url = world.url(SUB + "/projects")
    response = call(client, "POST", url, world.tokens["editor"], json={**NEW_PROJECT, "budgte": 5})
    errors = assert_problem(response, 422)["errors"]
    assert errors == [{"code": "budgte", "message": "Det finns inget sådant fält."}]
    assert len(call(client, "GET", url, world.tokens["editor"]).get_json()) == 1


def test_a_put_of_a_project_with_only_its_name_is_refused_field_by_field(client, world):
    read = call(client, "GET", world.url(PROJECT), world.tokens["editor"])
    response = call(
        client,
        "PUT",
        world.url(PROJECT),
        world.tokens["editor"],
        headers={"If-Match": read.headers["ETag"], "Accept-Language": "en"},
        json={"name": "Bara namnet"},
    )
    errors = {e["code"]: e["message"] for e in assert_problem(response, 422)["errors"]}
    assert {"orientation", "budget", "end_date", "risk_time"} <= set(errors)
    assert set(errors.values()) == {"This field is required."}
    after = call(client, "GET", world.url(PROJECT), world.tokens["editor"])
    assert after.get_json() == read.get_json() and after.headers["ETag"] == read.headers["ETag"]


def test_a_project_changes_only_with_the_etag_last_read(client, world):
    read = call(client, "GET", world.url(PROJECT), world.tokens["editor"])
    body = {**NEW_PROJECT, "rebaseline_reason": "Ny plan."}
    url, token = world.url(PROJECT), world.tokens["editor"]
    assert_problem(call(client, "PUT", url, token, json=body), 428)
    changed = call(client, "PUT", url, token, headers={"If-Match": read.headers["ETag"]}, json=body)
    assert changed.status_code == 200 and changed.headers["ETag"] != read.headers["ETag"]
    stale = call(client, "PUT", url, token, headers={"If-Match": read.headers["ETag"]}, json=body)
    assert assert_problem(stale, 412)["type"].endswith("/stale")
    gone = call(client, "DELETE", url, token, headers={"If-Match": changed.headers["ETag"]})
    assert gone.status_code == 204 and gone.data == b"" and "Content-Type" not in gone.headers


def test_a_new_project_or_question_is_found_at_its_location(client, world):
    created = call(
        client, "POST", world.url(SUB + "/projects"), world.tokens["editor"], json=NEW_PROJECT
    )
    assert created.status_code == 201
    fetched = call(client, "GET", created.headers["Location"], world.tokens["editor"])
    assert fetched.get_json() == created.get_json()
    assert fetched.headers["ETag"] == created.headers["ETag"]
    advance(world, "in_review")
    asked = call(
        client,
        "POST",
        world.url(SUB + "/questions"),
        world.tokens["reviewer"],
        json={"text": "Stämmer budgeten?"},
    )
    assert asked.status_code == 201
    question = call(client, "GET", asked.headers["Location"], world.tokens["reviewer"])
    assert question.get_json() == asked.get_json()


def test_the_dataset_files_come_with_their_media_types_and_digest(client, world):
    advance(world, "published")
    token = world.tokens["viewer"]
    digest = call(client, "GET", world.url("/cycles/{year}/dataset"), token).get_json()["digest"]
    for query, media_type, start in (
        ("", "text/csv", b"cycle,dataset_sha256,org_number"),
        ("?table=projects&dialect=excel-sv", "text/csv", b"\xef\xbb\xbfcycle;dataset_sha256"),
    ):
        response = call(client, "GET", world.url("/cycles/{year}/dataset/csv") + query, token)
        assert response.mimetype == media_type and response.data.startswith(start)
        assert response.headers["X-Dataset-SHA256"] == digest
    workbook = call(client, "GET", world.url("/cycles/{year}/dataset/xlsx"), token)
    assert workbook.mimetype.endswith("spreadsheetml.sheet") and workbook.data[:2] == b"PK"
    bad = call(client, "GET", world.url("/cycles/{year}/dataset/csv") + "?table=x", token)
    assert assert_problem(bad, 400)["type"].endswith("/bad_format")


# --- a generated client ------------------------------------------------------------------------

GENERATOR_CONFIG = """\
content_type_overrides:
  application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: application/octet-stream
post_hooks: []
"""


@pytest.fixture
def generated_client(client, tmp_path):
    """openapi-python-client's package for the live description, importable as granska_client."""
    (tmp_path / "openapi.json").write_text(client.get(API + "/openapi.json").get_data(as_text=True))
    (tmp_path / "config.yaml").write_text(GENERATOR_CONFIG)
    generator = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(tmp_path / "openapi.json"),
            "--config",
            str(tmp_path / "config.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "granska_client"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("granska_client")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.split(".")[0] == "granska_client"]:
            del sys.modules[name]


def test_a_generated_client_runs_a_flow_against_a_live_server(app, world, generated_client):
    api = _Operations()
    models = importlib.import_module("granska_client.models")
    with live_server(app) as base_url:

        def as_(role):
            return generated_client.AuthenticatedClient(
                base_url=base_url + API, token=world.tokens[role], raise_on_unexpected_status=True
            )

        editor, org = as_("editor"), world.org
        (cycle,) = api.list_cycles.sync(client=editor)
        assert (cycle.year, cycle.status) == (2026, models.CycleStatus.OPEN)
        read = api.get_submission.sync_detailed(2026, org, client=editor)
        assert read.parsed.status == models.SubmissionStatus.DRAFT
        patch = models.ValuesPatch(values=models.ValuesPatchValues.from_dict({"users": 1300}))
        patched = api.patch_values.sync_detailed(
            2026, org, client=editor, body=patch, if_match=read.headers["ETag"]
        )
        assert patched.parsed.values["users"] == 1300
        created = api.add_project.sync_detailed(2026, org, client=editor, body=_project(models))
        assert created.status_code == 201 and created.parsed.name == "Generated"
        new_id, etag = created.parsed.id, created.headers["ETag"]
        stale = api.remove_project.sync_detailed(2026, org, new_id, client=editor, if_match='"x"')
        assert isinstance(stale.parsed, models.Problem) and stale.parsed.status == 412
        gone = api.remove_project.sync_detailed(2026, org, new_id, client=editor, if_match=etag)
        assert gone.status_code == 204 and gone.parsed is None
        advance(world, "published")
        viewer = as_("viewer")
        csv = api.dataset_csv.sync(2026, client=viewer, table=models.DatasetCsvTable.PROJECTS)
        assert csv.startswith("cycle,dataset_sha256,org_number")
        workbook = api.dataset_xlsx.sync(2026, client=viewer)
        assert workbook.payload.read(2) == b"PK"


class _Operations:
    """The generated client's operations, one module each (api/default/<operationId>.py)."""

    def __getattr__(self, name: str):
        return importlib.import_module(f"granska_client.api.default.{name}")


def _project(models):
    return models.ProjectInput(
        name="Generated",
        orientation=models.Orientation.DEVELOP,
        status=models.ProjectStatus.ONGOING,
        start_date=date(2026, 1, 1),
        end_date=date(2027, 6, 30),
        budget=1000.0,
        forecast_at_completion=1000.0,
        risk_benefits=models.RiskLevel.LOW,
        risk_budget=models.RiskLevel.MEDIUM,
        risk_time=models.RiskLevel.HIGH,
    )


def test_the_docs_page_shows_each_request_schema_and_the_problem_types(client):
    page = client.get(API + "/docs").get_data(as_text=True)
    assert "Request body: ProjectInput" in page and '"rebaseline_reason"' in page
    assert '<h2 id="problem-types">Problem types</h2>' in page
    assert f"<code>{TYPE_BASE}if_match_required</code>" in page
