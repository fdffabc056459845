"""Everything downstream follows the questionnaire as data (issue 18, point 6): a section added to
a planned cycle by file import — "Informationssäkerhet", three items, a rule and a key figure —
is answered in the browser, by Excel and by the API, checked alike, submitted and approved,
frozen, exported in every format, analysed on the results page and shown in the PDF report,
with no code written for it. The dataset frozen the year before keeps its digest."""

import csv
import io
import json
import subprocess
from datetime import date

import openpyxl
from playwright.sync_api import expect
from sqlalchemy import select

from app.api.tokens import create_token
from app.cycles.models import Cycle
from app.cycles.operations import CycleData, create_cycle, fire_cycle_transition
from app.database import begin_write
from app.datasets.models import DatasetSnapshot
from app.extensions import db
from app.submissions.models import Submission
from app.submissions.transitions import fire_transition
from tests import factories
from tests.browser.support import assert_accessible
from tests.conftest import WebClient
from tests.integration.test_questionnaire_file import _with_information_security

SECTION = "information_security"
CODES = ("security_incidents", "staff_trained", "employees")
RULE_TEXT = "Fler utbildade än anställda"
FIGURE = "Andel utbildade i säkerhet"


def _cli(app, *args):
    result = app.test_cli_runner().invoke(args=[str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def _frozen_2026(admin):
    """Last year's cycle, frozen by the real approval before the questionnaire changed."""
    cycle = factories.make_cycle(2026, status="closed", questionnaire=True)
    agency = factories.make_agency(name="Kammarkollegiet", group="esam")
    factories.complete_answers(factories.make_submission(cycle, agency, "approved"))
    fire_cycle_transition(2026, "approve", admin)
    db.session.commit()
    return _snapshot_of(cycle.id)


def _snapshot_of(cycle_id: int) -> DatasetSnapshot:
    db.session.rollback()
    return db.session.scalar(select(DatasetSnapshot).where(DatasetSnapshot.cycle_id == cycle_id))


def _planned_2027_with_the_new_section(app, admin, agencies, tmp_path):
    begin_write(db.session)
    create_cycle(
        CycleData(2027, "Insamling 2027", date(2027, 11, 2), date(2028, 1, 29), date(2028, 3, 31)),
        admin,
        participant_ids=[agency.id for agency in agencies],
        copy_from_year=2026,
    )
    db.session.commit()
    _cli(app, "questionnaire", "export", 2027, tmp_path / "q.json")
    document = json.loads((tmp_path / "q.json").read_text(encoding="utf-8"))
    document = _with_information_security(document)
    text = json.dumps(document, ensure_ascii=False, indent=2)
    (tmp_path / "q.json").write_text(text, encoding="utf-8")
    _cli(app, "questionnaire", "import", 2027, tmp_path / "q.json")
    fire_cycle_transition(2027, "open", admin)
    db.session.commit()


def _submission(agency) -> Submission:
    db.session.rollback()
    return db.session.scalar(
        select(Submission)
        .join(Submission.cycle)
        .where(Submission.agency_id == agency.id, Cycle.year == 2027)
    )


def _answer_in_the_browser(page, live_server, log_in, editor, submission):
    log_in(editor)
    page.goto(f"{live_server}/submissions/{submission.id}")
    page.get_by_role("link", name="Informationssäkerhet", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Informationssäkerhet")

    def fill(values: dict[str, str], status: int):
        for code, value in values.items():
            field = page.locator(f'[id="{code}--outcome"]')
            field.fill(value)
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.get_by_role("button", name="Spara", exact=True).click()
        assert posted.value.status == status
        page.wait_for_load_state()

    # The file's lower limit: refused next to the field, what was typed kept.
    fill({"security_incidents": "4", "staff_trained": "-1", "employees": "100"}, 422)
    expect(page.locator('[id="staff_trained--outcome"]')).to_have_value("-1")
    expect(page.locator('[id="staff_trained--outcome"]')).to_have_attribute("aria-invalid", "true")
    # The file's rule: more trained than employed is pointed out on the field.
    fill({"staff_trained": "120"}, 302)
    expect(page.locator("main")).to_contain_text(RULE_TEXT)
    fill({"staff_trained": "50"}, 302)
    expect(page.locator("main")).not_to_contain_text(RULE_TEXT)
    expect(page.locator("main")).to_contain_text(FIGURE)
    expect(page.locator("main")).to_contain_text("50,0\u00a0%")
    assert_accessible(page)


def _row(sheet, code) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == code)


def _upload(client, submission, values: dict[str, int]):
    response = client.get(f"/submissions/{submission.id}/excel")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert "Informationssäkerhet" in book.sheetnames
    sheet = book["Informationssäkerhet"]
    assert sheet["B1"].value.startswith("Informationssäkerhet – ")
    assert sheet.cell(_row(sheet, "staff_trained"), 2).value.endswith("(Nytt i år)")
    for code, value in values.items():
        sheet.cell(_row(sheet, code), 4).value = value
    out = io.BytesIO()
    book.save(out)
    return client.post(
        f"/submissions/{submission.id}/excel/upload",
        {"file": (io.BytesIO(out.getvalue()), "granska.xlsx")},
        content_type="multipart/form-data",
    )


def _answer_by_excel(app, editor, submission):
    client = WebClient(app.test_client())
    client.login(editor)
    refused = _upload(client, submission, {"security_incidents": 2, "staff_trained": -5})
    assert refused.status_code == 422
    assert "Informationssäkerhet" in refused.get_data(as_text=True)
    stored = _upload(
        client, submission, {"security_incidents": 2, "staff_trained": 90, "employees": 60}
    )
    assert "Sparat från Excelfilen" in stored.get_data(as_text=True)
    # The rule refuses to let it be submitted as it stands.
    refused = client.post(f"/submissions/{submission.id}/transitions/submit")
    assert _submission(submission.agency).status == "draft", refused.status_code
    fixed = _upload(client, _submission(submission.agency), {"staff_trained": 30})
    assert "Sparat från Excelfilen" in fixed.get_data(as_text=True)
    client.post(f"/submissions/{submission.id}/transitions/submit")
    assert _submission(submission.agency).status == "submitted"


def _answer_by_api(client, editor, agency):
    begin_write(db.session)
    _token_row, token = create_token(editor, "test", 90)
    db.session.commit()
    auth = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/cycles/2027/submissions/{agency.org_number}"
    etag = client.get(url, headers=auth).headers["ETag"]
    body = {"values": {"security_incidents": 0, "staff_trained": 300, "employees": 200}}
    patched = client.request(
        "PATCH", f"{url}/values", json=body, headers={**auth, "If-Match": etag}
    )
    assert patched.status_code == 200
    assert any(e["code"] == "below_reference" for e in patched.get_json()["errors"])
    submit = {"trigger": "submit"}
    refused = client.request("POST", f"{url}/transitions", json=submit, headers=auth)
    assert refused.status_code == 409, refused.get_json()
    body = {"values": {"staff_trained": 150}}
    headers = {**auth, "If-Match": patched.headers["ETag"]}
    fixed = client.request("PATCH", f"{url}/values", json=body, headers=headers)
    assert fixed.get_json()["key_figures"]["trained_share"] == 75
    done = client.request("POST", f"{url}/transitions", json=submit, headers=auth)
    assert done.status_code == 200, done.get_json()


def test_a_section_added_by_file_goes_all_the_way_from_answers_to_reports(
    app, client, page, live_server, log_in, tmp_path
):
    admin = factories.make_user("admin")
    last_year = _frozen_2026(admin)
    digest_2026 = last_year.digest
    agencies = [
        factories.make_agency(name=name, group="esam")
        for name in ("Skatteverket", "Tullverket", "Lantmäteriet")
    ]
    editors = [factories.make_user("agency_editor", agency=agency) for agency in agencies]
    _planned_2027_with_the_new_section(app, admin, agencies, tmp_path)
    submissions = [_submission(agency) for agency in agencies]
    for submission in submissions:
        factories.complete_answers(submission)  # the rest of the questionnaire, as before

    _answer_in_the_browser(page, live_server, log_in, editors[0], submissions[0])
    browser_client = WebClient(app.test_client())
    browser_client.login(editors[0])
    browser_client.post(f"/submissions/{submissions[0].id}/transitions/submit")
    _answer_by_excel(app, editors[1], submissions[1])
    _answer_by_api(client, editors[2], agencies[2])

    reviewer = factories.make_user("reviewer")
    for submission in submissions:
        fire_transition(submission.id, "start_review", reviewer)
        db.session.commit()
    # The reviewer may ask about the section, named as the questionnaire names it.
    reviewing = WebClient(app.test_client())
    reviewing.login(reviewer)
    page = reviewing.get(f"/submissions/{submissions[1].id}").get_data(as_text=True)
    assert "Hela ”Informationssäkerhet”" in page
    for submission in submissions:
        fire_transition(submission.id, "approve", reviewer)
        db.session.commit()
    for trigger in ("close", "approve"):
        fire_cycle_transition(2027, trigger, admin)
        db.session.commit()

    # Frozen: the section's items, values and key figure are in the snapshot.
    snapshot = _snapshot_of(submissions[0].cycle_id)
    content = json.loads(snapshot.content)
    assert {
        "code": SECTION,
        "label": {"sv": "Informationssäkerhet", "en": "Information security"},
    } in content["questionnaire"]["sections"]
    by_org = {s["agency"]["org_number"]: s for s in content["submissions"]}
    shares = [by_org[a.org_number]["key_figures"]["trained_share"] for a in agencies]
    assert [float(share) for share in shares] == [50.0, 50.0, 75.0]

    # Exported: CSV for Swedish Excel and for programs, XLSX and JSON.
    client.login(admin)
    exports = {
        kind: client.get(f"/cycles/2027/dataset/{kind}")
        for kind in ("csv-sv", "csv", "xlsx", "json")
    }
    assert {r.status_code for r in exports.values()} == {200}
    for kind in ("csv-sv", "csv"):
        text = exports[kind].get_data(as_text=True).lstrip("\ufeff")
        rows = list(csv.reader(io.StringIO(text), delimiter=";" if kind == "csv-sv" else ","))
        header = " ".join(rows[0])
        assert all(code in header for code in CODES) and "trained_share" in header, header
    book = openpyxl.load_workbook(io.BytesIO(exports["xlsx"].data))
    assert "Informationssäkerhet" in book.sheetnames
    assert json.loads(exports["json"].data) == content

    # Analysed: the results page and the agency's PDF report carry the key figure.
    assert FIGURE in client.get("/cycles/2027/analysis").get_data(as_text=True)
    own = client.get(f"/cycles/2027/analysis/{agencies[2].org_number}").get_data(as_text=True)
    row = own[own.index(f'<th scope="row">{FIGURE}</th>') :].split("</tr>")[0]
    assert "75,0\u00a0%" in row and "50,0\u00a0%" in row  # its own, the peers' median
    report = client.get(f"/cycles/2027/reports/agencies/{agencies[0].org_number}.pdf")
    assert report.status_code == 200
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=report.data, capture_output=True, check=True, timeout=120
    ).stdout.decode()
    text = " ".join(text.split())
    assert FIGURE in text and "50,0 %" in text.replace("\u00a0", " ")

    # Last year's dataset is as it was frozen.
    assert _snapshot_of(last_year.cycle_id).digest == digest_2026
    verified = _cli(app, "dataset", "verify", 2026)
    assert "match: the 2026 dataset is as it was frozen" in verified.output
