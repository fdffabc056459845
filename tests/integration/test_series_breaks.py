"""Comparability (issue 18, point 5): where a key figure's definition changed between two
years — its own, or that of an item its formula reads — every place that compares the years
says "series break" instead of offering the change as one: the agency's results page and its
trend, the feedback report (PDF, both languages), the ministry's briefing, the dataset's
workbook and CSV. A key figure measured as before is compared as before."""

import csv
import io
import json
import re
import subprocess

import openpyxl

from app.cycles.operations import fire_cycle_transition
from app.extensions import db
from app.roles import Role
from tests import factories

SHARE = "It-kostnad som andel av verksamhetskostnaden"  # reads no redefined item
PER_USER = "It-kostnad per användare"  # reads users, redefined in 2027
NOTE = "Seriebrott: definitionen av ett nyckeltal som är markerat så har ändrats"


def _two_frozen_years(app, tmp_path):
    """2026 and 2027 frozen by the real approval, two agencies in each; in 2027 the item
    "users" means something else (consultants no longer count)."""
    admin = factories.make_user("admin")
    agencies = [
        factories.make_agency(name=name, group="esam") for name in ("Bolagsverket", "Lantmäteriet")
    ]
    for agency in agencies:
        agency.ministry = "Finansdepartementet"
    db.session.commit()
    for year in (2026, 2027):
        cycle = factories.make_cycle(year, status="planned", questionnaire=True)
        if year == 2027:
            _redefine_users(app, tmp_path)
        cycle.status = "closed"
        db.session.commit()
        for agency in agencies:
            factories.complete_answers(factories.make_submission(cycle, agency, "approved"))
        for trigger in ("approve", "publish"):
            fire_cycle_transition(year, trigger, admin)
            db.session.commit()
    return admin, agencies


def _redefine_users(app, tmp_path):
    runner = app.test_cli_runner()
    path = tmp_path / "q.json"
    assert runner.invoke(args=["questionnaire", "export", "2027", str(path)]).exit_code == 0
    document = json.loads(path.read_text(encoding="utf-8"))
    users = next(i for i in document["items"] if i["code"] == "users")
    users["definition"]["sv"] = "Personer med eget konto vid årets slut, utom konsulter."
    users["definition"]["en"] = "People with an account at the end of the year, not consultants."
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["questionnaire", "import", "2027", str(path)])
    assert result.exit_code == 0, result.output


def _rows(page: str, label: str) -> list[str]:
    """Every table row headed by the label: its cells' HTML."""
    return re.findall(rf'<tr><th scope="row">{re.escape(label)}</th>(.*?)</tr>', page, re.S)


def _pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True, timeout=120
    )
    return " ".join(result.stdout.decode().split())


def test_the_results_page_marks_the_break_against_last_year_and_in_the_trend(app, client, tmp_path):
    admin, agencies = _two_frozen_years(app, tmp_path)
    client.login(admin)
    page = client.get(f"/cycles/2027/analysis/{agencies[0].org_number}").get_data(as_text=True)
    position, over_the_years = _rows(page, PER_USER)
    assert "Seriebrott" in position and "Seriebrott" in over_the_years
    assert all("Seriebrott" not in row for row in _rows(page, SHARE))
    assert NOTE in page


def test_the_feedback_report_says_so_in_both_languages(app, client, tmp_path):
    admin, agencies = _two_frozen_years(app, tmp_path)
    client.login(admin)
    url = f"/cycles/2027/reports/agencies/{agencies[0].org_number}.pdf"
    swedish = _pdf_text(client.get(url).data)
    assert "(seriebrott)" in swedish and NOTE in swedish
    english = _pdf_text(client.get(url + "?lang=en").data)
    assert "(series break)" in english and "Series break: the definition" in english


def test_the_ministrys_briefing_offers_no_change_across_a_break(app, client, tmp_path):
    _admin, agencies = _two_frozen_years(app, tmp_path)
    client.login(factories.make_user(Role.MINISTRY, ministry="Finansdepartementet"))
    url = f"/ministry/agencies/{agencies[0].org_number}?year=2027"
    page = client.get(url).get_data(as_text=True)
    changes = page[page.index("Vad som har ändrats sedan i fjol") :]
    entries = [entry.lower() for entry in re.findall(r"<li>(.*?)</li>", changes)]
    per_user = next(entry for entry in entries if entry.startswith(PER_USER.lower()))
    assert "seriebrott: definitionen har ändrats" in per_user
    share = next(entry for entry in entries if entry.startswith(SHARE.lower()))
    assert "seriebrott" not in share and "procentenheter" in share


def test_the_exports_mark_what_is_not_comparable_with_the_year_before(app, client, tmp_path):
    admin, _agencies = _two_frozen_years(app, tmp_path)
    client.login(admin)
    for kind, delimiter in (("csv", ","), ("csv-sv", ";")):
        text = client.get(f"/cycles/2027/dataset/{kind}").get_data(as_text=True)
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))
        listed = set(rows[0]["series_breaks"].split())
        assert {"users", "kf_it_cost_per_user", "kf_telephony_per_user"} <= listed
        assert "kf_it_cost_share" not in listed and "operating_cost" not in listed
        assert {row["series_breaks"] for row in rows} == {rows[0]["series_breaks"]}
    text = client.get("/cycles/2026/dataset/csv").get_data(as_text=True)
    assert {row["series_breaks"] for row in csv.DictReader(io.StringIO(text))} == {""}

    book = openpyxl.load_workbook(io.BytesIO(client.get("/cycles/2027/dataset/xlsx").data))
    definitions = list(book["Definitioner"].values)
    assert definitions[0][-1] == "Seriebrott mot föregående år (series break)"
    marked = {row[0] for row in definitions[1:] if row[-1] == "ja"}
    assert "users" in marked and "operating_cost" not in marked
    about = {row[0]: row[1] for row in book["Om datasetet"].values}
    noted = about["Seriebrott mot föregående år: definitionen ändrad, ej jämförbart"]
    assert "it_cost_per_user" in noted and "it_cost_share" not in noted
