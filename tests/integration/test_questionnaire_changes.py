"""Changes between years: what was added, removed or changed in a questionnaire against the
previous cycle's, through the API (as its description says), the changes page with the
definitions as a word diff, and "New this year" beside the agency's new questions."""

import io
import json

from openpyxl import load_workbook
from sqlalchemy import select

from app.api.tokens import create_token
from app.cycles.models import Cycle
from app.database import begin_write
from app.extensions import db
from app.submissions.models import SubmissionValue
from tests import factories


def _token(user) -> str:
    begin_write(db.session)
    _row, raw = create_token(user, "test", 90)
    db.session.commit()
    return raw


def _next_year(app, tmp_path):
    """2026 with the default questionnaire; 2027 with a new item, one item gone, a definition
    reworded and a key figure's formula changed, by file import."""
    factories.make_cycle(2026, status="closed", questionnaire=True)
    cycle = factories.make_cycle(2027, status="planned", questionnaire=True)
    runner = app.test_cli_runner()
    runner.invoke(args=["questionnaire", "export", "2027", str(tmp_path / "q.json")])
    document = json.loads((tmp_path / "q.json").read_text(encoding="utf-8"))
    users = next(i for i in document["items"] if i["code"] == "users")
    # Was "Personer med eget konto i myndighetens it-miljö vid årets slut, även konsulter."
    users["definition"]["sv"] = (
        "Personer med eget konto i myndighetens it-miljö vid årets slut, utom konsulter."
    )
    document["items"] = [i for i in document["items"] if i["code"] != "it_cost_storage"]
    for rule in document["rules"]:
        if "it_cost_storage" in rule["operands"]:
            rule["operands"].remove("it_cost_storage")
    document["items"].append(
        {
            **users,
            "code": "cloud_services",
            "kind": "amount",
            "label": {"sv": "Molntjänster", "en": "Cloud services"},
            "definition": {"sv": "", "en": ""},
        }
    )
    figure = next(f for f in document["key_figures"] if f["code"] == "it_cost_per_user")
    figure["formula"] = "it_cost_total * 1000 / (users + 1)"
    (tmp_path / "q.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["questionnaire", "import", "2027", str(tmp_path / "q.json")])
    assert result.exit_code == 0, result.output
    return cycle


def test_the_api_lists_what_changed_since_last_year(app, client, tmp_path):
    _next_year(app, tmp_path)
    token = _token(factories.make_user("reviewer"))
    response = client.get(
        "/api/v1/cycles/2027/questionnaire/changes", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["year"] == 2027 and body["compared_with"] == 2026
    kinds = {(c["part"], c["code"]): c for c in body["changes"]}
    assert kinds[("items", "cloud_services")]["change"] == "added"
    assert kinds[("items", "it_cost_storage")]["change"] == "removed"
    users = kinds[("items", "users")]
    assert users["change"] == "changed" and users["series_break"]
    diff = users["definition"]["sv"]
    assert {"op": "delete", "text": "även"} in diff and {"op": "insert", "text": "utom"} in diff
    assert "".join(s["text"] for s in diff if s["op"] != "insert").startswith("Personer med")
    figure = kinds[("key_figures", "it_cost_per_user")]
    assert figure["series_break"] and {"op": "delete", "text": "users"} in figure["formula"]
    assert kinds[("rules", "it_cost_parts")]["series_break"] is False  # a rule is no definition
    # Not comparable either: a key figure over the redefined item, though its formula stands.
    assert {"users", "it_cost_per_user", "telephony_per_user"} <= set(body["series_breaks"])
    assert "it_cost_share" not in body["series_breaks"]
    assert ("key_figures", "telephony_per_user") not in kinds
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/cycles/{year}/questionnaire/changes" in spec["paths"]


def test_agencies_see_the_changes_once_the_cycle_opens(app, client, login, tmp_path):
    cycle = _next_year(app, tmp_path)
    agency = factories.make_agency(name="Skatteverket")
    login("agency_editor", agency=agency)
    assert client.get("/cycles/2027/questionnaire/changes").status_code == 404  # still planned
    cycle.status = "open"
    db.session.commit()
    page = client.get("/cycles/2027/questionnaire/changes").get_data(as_text=True)
    assert "Molntjänster" in page and "Nytt i år" in page and "Seriebrott" in page
    assert "Ändrat: definition" in page
    assert '<ins><span class="visually-hidden">tillagt: </span>utom</ins>' in page
    submission = factories.make_submission(cycle, agency)
    last_year = db.session.scalar(select(Cycle).where(Cycle.year == 2026))
    factories.complete_answers(factories.make_submission(last_year, agency, "approved"))
    page = client.get(f"/submissions/{submission.id}/sections/it_costs").get_data(as_text=True)
    new_row = page[page.index('id="item-cloud_services"') :][:1200]
    assert "Nytt i år" in new_row
    users_row = page[page.index('id="item-users"') :][:1200]
    assert "Ändrad definition" in users_row
    assert "(seriebrott)" in users_row  # beside last year's value, measured otherwise
    operating_row = page[page.index('id="item-operating_cost"') :][:1200]
    assert "seriebrott" not in operating_row
    # Prefilled from last year: every answer but the redefined item's, and the page says why.
    prefilled = client.post(f"/submissions/{submission.id}/prefill")
    assert prefilled.status_code == 302
    overview = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Frågor vars definition har ändrats i år lämnades tomma" in overview
    copied = {
        code
        for (code,) in db.session.execute(
            select(SubmissionValue.item_code).where(SubmissionValue.submission_id == submission.id)
        )
    }
    assert "operating_cost" in copied and "users" not in copied
    assert "/cycles/2027/questionnaire/changes" in page


def test_a_redefined_item_is_a_series_break_not_a_warning(app, client, login, tmp_path):
    cycle = _next_year(app, tmp_path)
    cycle.status = "open"
    db.session.commit()
    agency = factories.make_agency(name="Skatteverket")
    before = factories.make_submission(
        db.session.scalar(select(Cycle).where(Cycle.year == 2026)), agency, "approved"
    )
    factories.complete_answers(before, users="1000", it_cost_total="100000")
    now = factories.make_submission(cycle, agency, "submitted")
    factories.complete_answers(now, users="3000", it_cost_total="300000")
    login("reviewer")
    page = client.get(f"/review/submissions/{now.id}/compare").get_data(as_text=True)
    users_row = page[page.index('id="compare-users"') :].split("</tr>")[0]
    total_row = page[page.index('id="compare-it_cost_total"') :].split("</tr>")[0]
    # Tripled under a new definition: a series break, said so, and no warning to explain.
    assert "Seriebrott" in users_row and "Varning" not in users_row
    # Tripled under the same definition: the warning stands.
    assert "Varning" in total_row and "Seriebrott" not in total_row


def test_the_excel_template_marks_new_and_redefined_questions(app, client, login, tmp_path):
    cycle = _next_year(app, tmp_path)
    cycle.status = "open"
    db.session.commit()
    agency = factories.make_agency(name="Skatteverket")
    submission = factories.make_submission(cycle, agency)
    last_year = db.session.scalar(select(Cycle).where(Cycle.year == 2026))
    factories.complete_answers(factories.make_submission(last_year, agency, "approved"))
    login("agency_editor", agency=agency)
    response = client.get(f"/submissions/{submission.id}/excel")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    labels = {row[0].value: row[1].value for row in sheet.iter_rows() if row[0].value}
    assert labels["cloud_services"] == "Molntjänster (Nytt i år)"
    assert labels["users"].endswith("(Ändrad definition)")
    assert labels["operating_cost"] == "Verksamhetskostnad"  # unchanged: as it was
    # Last year's value of the redefined item carries a note: a series break.
    before = {row[0].value: row[5] for row in sheet.iter_rows() if row[0].value}
    assert before["users"].value is not None
    assert before["users"].comment.text.startswith("Seriebrott: definitionen har ändrats i år")
    assert before["operating_cost"].value is not None and before["operating_cost"].comment is None
    uploaded = client.post(
        f"/submissions/{submission.id}/excel/upload",
        {"file": (io.BytesIO(response.data), "granska.xlsx")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302  # read past the notes: nothing changed, nothing refused


def test_the_changes_are_kept_once_both_cycles_are_past_planned_and_read_afresh_before(
    app, client, login, tmp_path, count_queries
):
    """While the new cycle is planned its questionnaire may change, and the changes page says
    what it is now; once it is open they are computed once per process: a second view reads
    no questionnaire at all."""
    _next_year(app, tmp_path)
    runner = app.test_cli_runner()
    login("admin")
    assert "Molntjänster" in client.get("/cycles/2027/questionnaire/changes").get_data(True)
    runner.invoke(args=["questionnaire", "export", "2026", str(tmp_path / "old.json")])
    old = json.loads((tmp_path / "old.json").read_text(encoding="utf-8"))
    (tmp_path / "old.json").write_text(json.dumps({**old, "year": 2027}), encoding="utf-8")
    result = runner.invoke(args=["questionnaire", "import", "2027", str(tmp_path / "old.json")])
    assert result.exit_code == 0, result.output
    assert "Molntjänster" not in client.get("/cycles/2027/questionnaire/changes").get_data(True)
    result = runner.invoke(args=["questionnaire", "import", "2027", str(tmp_path / "q.json")])
    assert result.exit_code == 0, result.output
    db.session.scalar(select(Cycle).where(Cycle.year == 2027)).status = "open"
    db.session.commit()
    assert "Molntjänster" in client.get("/cycles/2027/questionnaire/changes").get_data(True)
    with count_queries() as counter:
        page = client.get("/cycles/2027/questionnaire/changes").get_data(as_text=True)
    assert "Molntjänster" in page and "Seriebrott" in page
    assert not [s for s in counter.statements if "questionnaire_" in s.lower()]
