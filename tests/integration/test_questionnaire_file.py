"""The questionnaire as a file: `flask questionnaire export|import|schema`, through the CLI.
Export → import changes nothing; an import is all or nothing with every problem on its line;
only a planned cycle takes one; the published schema is the one that checks the file."""

import io
import json
from pathlib import Path

import openpyxl
from sqlalchemy import select

from app.cycles.questionnaire import QuestionnaireItem
from app.cycles.questionnaire_document import SCHEMA
from app.extensions import db
from app.submissions.models import SubmissionValue
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def _run(app, *args):
    return app.test_cli_runner().invoke(args=[str(a) for a in args])


def _export(app, year, path) -> str:
    result = _run(app, "questionnaire", "export", year, path)
    assert result.exit_code == 0, result.output
    return path.read_text(encoding="utf-8")


def _ids(cycle_id):
    rows = db.session.execute(
        select(QuestionnaireItem.code, QuestionnaireItem.id).where(
            QuestionnaireItem.cycle_id == cycle_id
        )
    )
    return dict(rows.all())


def test_export_then_import_is_an_identity(app, tmp_path):
    cycle = factories.make_cycle(2027, status="planned", questionnaire=True)
    before_ids = _ids(cycle.id)
    first = _export(app, 2027, tmp_path / "q.json")
    result = _run(app, "questionnaire", "import", 2027, tmp_path / "q.json")
    assert result.exit_code == 0, result.output
    assert _export(app, 2027, tmp_path / "again.json") == first
    assert _ids(cycle.id) == before_ids  # rows kept, not deleted and written anew
    document = json.loads(first)
    assert [s["code"] for s in document["sections"]] == ["it_costs", "maturity"]
    assert document["key_figures"][0]["formula"] == "it_cost_total * 100 / operating_cost"


def test_a_file_with_problems_lists_each_on_its_line_and_changes_nothing(app, tmp_path):
    factories.make_cycle(2027, status="planned", questionnaire=True)
    text = _export(app, 2027, tmp_path / "q.json")
    document = json.loads(text)
    document["items"][2]["kind"] = "colour"
    document["items"][3]["label"]["sv"] = "Ändrad text som inte får sparas"
    document["key_figures"][1]["formula"] = "__import__('os').getcwd()"
    broken = json.dumps(document, ensure_ascii=False, indent=2)
    (tmp_path / "broken.json").write_text(broken, encoding="utf-8")
    result = _run(app, "questionnaire", "import", 2027, tmp_path / "broken.json")
    assert result.exit_code != 0
    kind_line = broken.splitlines().index('      "kind": "colour",') + 1
    # The schema finds the kind first; the item's object starts a few lines above its kind.
    assert f"broken.json:{kind_line - 4}: items[2].kind" in result.output, result.output
    assert "nothing imported" in result.output
    assert _export(app, 2027, tmp_path / "after.json") == text

    document["items"][2]["kind"] = "amount"
    fixed = json.dumps(document, ensure_ascii=False, indent=2)
    (tmp_path / "formula.json").write_text(fixed, encoding="utf-8")
    result = _run(app, "questionnaire", "import", 2027, tmp_path / "formula.json")
    assert result.exit_code != 0
    formula_line = next(n for n, line in enumerate(fixed.splitlines(), 1) if "__import__" in line)
    figure_line = formula_line - 3  # the key figure's object: code, unit, then the formula
    assert f"formula.json:{figure_line}: key_figures[1].formula" in result.output, result.output
    assert "Endast frågekoder, tal, + - * / och parenteser" in result.output
    assert _export(app, 2027, tmp_path / "after.json") == text


def test_semantic_problems_are_found_together(app, tmp_path):
    factories.make_cycle(2027, status="planned", questionnaire=True)
    document = json.loads(_export(app, 2027, tmp_path / "q.json"))
    document["items"][1]["code"] = document["items"][0]["code"]
    document["items"][5]["section"] = "nowhere"
    document["rules"][0]["operands"].append("no_such_item")
    document["key_figures"].append(
        {
            "code": "per_fte",
            "unit": "kr",
            "formula": "it_cost_total / missing_item",
            "label": {"sv": "Per årsarbetskraft", "en": "Per FTE"},
            "definition": {"sv": "", "en": ""},
        }
    )
    (tmp_path / "bad.json").write_text(json.dumps(document), encoding="utf-8")
    result = _run(app, "questionnaire", "import", 2027, tmp_path / "bad.json")
    assert result.exit_code != 0
    for where in ("items[1].code", "items[5].section", "rules[0]", "key_figures[10].formula"):
        assert where in result.output, result.output
    assert "missing_item" in result.output and "no_such_item" in result.output


def test_only_a_planned_cycle_takes_a_questionnaire(app, tmp_path):
    factories.make_cycle(2026, status="open", questionnaire=True)
    _export(app, 2026, tmp_path / "q.json")
    result = _run(app, "questionnaire", "import", 2026, tmp_path / "q.json")
    assert result.exit_code != 0
    assert "Frågeformuläret är låst när insamlingen har öppnat" in result.output


def test_a_file_for_another_year_is_refused(app, tmp_path):
    factories.make_cycle(2026, status="planned", questionnaire=True)
    factories.make_cycle(2027, status="planned", questionnaire=True)
    _export(app, 2026, tmp_path / "q.json")
    result = _run(app, "questionnaire", "import", 2027, tmp_path / "q.json")
    assert result.exit_code != 0 and "q.json:1: year" in result.output, result.output


def test_the_published_schema_is_the_one_that_checks_the_file(app, client, tmp_path):
    published = json.loads((ROOT / "docs" / "questionnaire.schema.json").read_text())
    assert published == SCHEMA  # regenerate: flask questionnaire schema docs/...
    served = client.get("/questionnaire.schema.json")
    assert served.status_code == 200 and served.get_json() == SCHEMA
    result = _run(app, "questionnaire", "schema", "-")
    assert json.loads(result.output) == SCHEMA


INFORMATION_SECURITY = {
    "section": {
        "code": "information_security",
        "label": {"sv": "Informationssäkerhet", "en": "Information security"},
    },
    "items": [
        {
            "code": code,
            "section": "information_security",
            "heading": None,
            "kind": "count",
            "required": True,
            "has_forecast": False,
            "min": 0,
            "max": None,
            "label": {"sv": sv, "en": en},
            "definition": {"sv": "Vid årets slut.", "en": "At the end of the year."},
            "choices": None,
        }
        for code, sv, en in (
            ("security_incidents", "Rapporterade säkerhetsincidenter", "Security incidents"),
            ("staff_trained", "Anställda som gått säkerhetsutbildning", "Staff trained"),
            ("employees", "Anställda", "Employees"),
        )
    ],
    "rule": {
        "code": "trained_within_staff",
        "kind": "at_least",
        "target": "employees",
        "operands": ["staff_trained", None],
        "label": {
            "sv": "Fler utbildade än anställda: kontrollera antalen.",
            "en": "More trained than employed: check the numbers.",
        },
    },
    "key_figure": {
        "code": "trained_share",
        "unit": "%",
        "formula": "staff_trained * 100 / employees",
        "label": {"sv": "Andel utbildade i säkerhet", "en": "Share trained in security"},
        "definition": {"sv": "", "en": ""},
    },
}


def _with_information_security(document):
    document["sections"].append(INFORMATION_SECURITY["section"])
    document["items"] += INFORMATION_SECURITY["items"]
    document["rules"].append(INFORMATION_SECURITY["rule"])
    document["key_figures"].append(INFORMATION_SECURITY["key_figure"])
    return document


def test_a_section_added_by_file_is_answered_checked_and_computed(app, client, login, tmp_path):
    cycle = factories.make_cycle(2027, status="planned", questionnaire=True)
    document = _with_information_security(json.loads(_export(app, 2027, tmp_path / "q.json")))
    (tmp_path / "new.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = _run(app, "questionnaire", "import", 2027, tmp_path / "new.json")
    assert result.exit_code == 0, result.output
    cycle.status = "open"
    db.session.commit()
    agency = factories.make_agency(name="Skatteverket")
    submission = factories.make_submission(cycle, agency)
    login("agency_editor", agency=agency)
    page_url = f"/submissions/{submission.id}/sections/information_security"
    page = client.get(page_url).get_data(as_text=True)
    assert "<h1>Informationssäkerhet</h1>" in page and "Anställda som gått" in page
    overview = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert page_url in overview

    def save(values):
        version = db.session.get(type(submission), submission.id).version
        db.session.expire_all()
        return client.post(page_url, {"version": str(version), **values})

    assert save({"staff_trained--outcome": "120", "employees--outcome": "100"}).status_code == 302
    page = client.get(page_url).get_data(as_text=True)
    assert "Fler utbildade än anställda" in page  # the rule from the file, on its field
    assert save({"staff_trained--outcome": "-1"}).status_code == 422  # the limit from the file
    assert save({"staff_trained--outcome": "50"}).status_code == 302
    page = client.get(page_url).get_data(as_text=True)
    assert "Fler utbildade än anställda" not in page
    assert "Andel utbildade i säkerhet" in page and "50,0\u00a0%" in page


def test_a_section_added_by_file_is_answered_and_checked_through_the_api(app, client, tmp_path):
    from app.api.tokens import create_token
    from app.database import begin_write

    cycle = factories.make_cycle(2027, status="planned", questionnaire=True)
    document = _with_information_security(json.loads(_export(app, 2027, tmp_path / "q.json")))
    (tmp_path / "new.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert _run(app, "questionnaire", "import", 2027, tmp_path / "new.json").exit_code == 0
    cycle.status = "open"
    db.session.commit()
    agency = factories.make_agency(name="Skatteverket")
    factories.make_submission(cycle, agency)
    editor = factories.make_user("agency_editor", agency=agency)
    begin_write(db.session)
    _row, token = create_token(editor, "test", 90)
    db.session.commit()
    url = f"/api/v1/cycles/2027/submissions/{agency.org_number}"
    auth = {"Authorization": f"Bearer {token}"}
    questionnaire = client.get("/api/v1/cycles/2027/questionnaire", headers=auth).get_json()
    assert {"security_incidents", "staff_trained", "employees"} <= {
        i["code"] for i in questionnaire["items"]
    }
    etag = client.get(url, headers=auth).headers["ETag"]
    body = {"values": {"staff_trained": 120, "employees": 100, "security_incidents": 3}}
    patched = client.request(
        "PATCH", f"{url}/values", json=body, headers={**auth, "If-Match": etag}
    )
    assert patched.status_code == 200, patched.get_json()
    errors = patched.get_json()["errors"]
    assert {"code": "below_reference", "item": "employees"}.items() <= next(
        e for e in errors if e["item"] == "employees" and e["code"] != "required"
    ).items()
    assert patched.get_json()["key_figures"]["trained_share"] == 120
    refused = client.request(
        "PATCH",
        f"{url}/values",
        json={"values": {"security_incidents": -1}},
        headers={**auth, "If-Match": patched.headers["ETag"]},
    )
    assert refused.status_code == 422  # the file's lower limit, as on the page


def test_a_section_named_like_a_fixed_sheet_or_with_signs_excel_refuses_gets_a_sheet_of_its_own(
    app, client, login, tmp_path
):
    cycle = factories.make_cycle(2027, status="planned", questionnaire=True)
    document = _with_information_security(json.loads(_export(app, 2027, tmp_path / "q.json")))
    document["sections"][-1]["label"]["sv"] = "Projekt"  # the projects' sheet is "Projekt"
    document["sections"][0]["label"]["sv"] = "It-kostnader: drift/utveckla [tkr]"
    (tmp_path / "new.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert _run(app, "questionnaire", "import", 2027, tmp_path / "new.json").exit_code == 0
    cycle.status = "open"
    db.session.commit()
    agency = factories.make_agency(name="Skatteverket")
    submission = factories.make_submission(cycle, agency)
    login("agency_editor", agency=agency)
    template = client.get(f"/submissions/{submission.id}/excel").data
    book = openpyxl.load_workbook(io.BytesIO(template))
    assert book.sheetnames == [
        "It-kostnader- drift-utveckla -t",
        "Mognad",
        "Projekt (2)",
        "Projekt",
        "Nyttor",
    ]
    sheet = book["Projekt (2)"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "employees")
    sheet.cell(row, 4).value = 250
    out = io.BytesIO()
    book.save(out)
    uploaded = client.post(
        f"/submissions/{submission.id}/excel/upload",
        {"file": (io.BytesIO(out.getvalue()), "granska.xlsx")},
        content_type="multipart/form-data",
    )
    assert "Sparat från Excelfilen" in uploaded.get_data(as_text=True)
    stored = db.session.execute(
        select(SubmissionValue.number).where(
            SubmissionValue.submission_id == submission.id,
            SubmissionValue.item_code == "employees",
        )
    ).scalar_one()
    assert stored == 250
