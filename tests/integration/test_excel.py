"""The questionnaire as an Excel file through the web: the template, a filled-in file stored
exactly and all at once, errors per sheet and cell with nothing stored, files that are refused
before they are opened, and who may download and upload."""

import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.extensions import db
from app.submissions.models import Project, Submission, SubmissionValue
from tests import factories
from tests.integration.test_projects_http import FORM as PROJECT_FORM

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

WORDS = "Ange beloppet med siffror, till exempel 480 000, utan ord som ”milj” eller ”ca”."


def _draft(status="draft", year=2026, agency=None):
    cycle = factories.make_cycle(year=year, questionnaire=True)
    agency = agency or factories.make_agency(name="Bolagsverket")
    return agency, factories.make_submission(cycle, agency, status)


def _download(client, submission) -> openpyxl.Workbook:
    response = client.get(f"/submissions/{submission.id}/excel")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.data))


def _bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, submission, data: bytes, name="granska.xlsx", **fields):
    return client.post(
        f"/submissions/{submission.id}/excel/upload",
        {"file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
    )


def _row(sheet, code) -> int:
    return next(row for row in range(1, sheet.max_row + 1) if sheet.cell(row, 1).value == code)


def _values(submission) -> dict:
    rows = db.session.scalars(
        select(SubmissionValue).where(SubmissionValue.submission_id == submission.id)
    )
    return {
        (row.item_code, row.period): row.number if row.number is not None else row.text
        for row in rows
    }


def _errors(response) -> list[tuple[str, str, str]]:
    """The error table's rows: (sheet, cell, message)."""
    page = response.get_data(as_text=True).replace("&#34;", '"').replace("&#39;", "'")
    return re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page)


def test_the_template_is_prefilled_with_numbers_validation_and_a_frozen_header(client, login):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    client.post(
        f"/submissions/{submission.id}/sections/it_costs",
        {"version": "1", "operating_cost--outcome": "1 250 000,5", "users--outcome": "2 400"},
    )
    response = client.get(f"/submissions/{submission.id}/excel")
    assert response.mimetype == XLSX
    disposition = response.headers["Content-Disposition"]
    assert f"granska-2026-{agency.org_number}.xlsx" in disposition
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["It-kostnader", "Mognad", "Projekt", "Nyttor"]
    costs = book["It-kostnader"]
    assert [costs.cell(3, c).value for c in range(2, 7)] == [
        "Post",
        "Enhet",
        "Utfall 2026",
        "Prognos 2027",
        "Förra året",
    ]
    assert costs.freeze_panes == "C4" and costs.column_dimensions["A"].hidden
    row = _row(costs, "operating_cost")
    assert costs.cell(row, 2).value == "Verksamhetskostnad" and costs.cell(row, 3).value == "tkr"
    assert costs.cell(row, 4).value == 1250000.5  # a real number, not text
    assert costs.cell(_row(costs, "users"), 4).value == 2400
    assert costs.cell(_row(costs, "users"), 5).fill.fgColor.rgb.endswith("E4E4E4")  # no forecast
    maturity = book["Mognad"]
    level = f"D{_row(maturity, 'maturity_sourcing_current')}"
    rules = {str(r.sqref): r for r in maturity.data_validations.dataValidation}
    level_rule = next(r for sqref, r in rules.items() if level in sqref.split())
    assert (level_rule.type, level_rule.formula1, level_rule.formula2) == ("whole", "1", "7")
    choice = f"D{_row(costs, 'workstation_cost_direction')}"
    choice_rule = next(
        r for r in costs.data_validations.dataValidation if choice in str(r.sqref).split()
    )
    assert choice_rule.formula1 == '"ligga kvar,öka,minska"'
    projects = book["Projekt"]
    risk_rules = [r.formula1 for r in projects.data_validations.dataValidation]
    assert '"låg,medel,hög"' in risk_rules


def test_the_template_speaks_english_when_asked(client, login, app):
    from app.submissions.excel import build_template

    _, submission = _draft()
    with app.test_request_context():
        book = openpyxl.load_workbook(io.BytesIO(build_template(submission, "en")))
    assert book["It-kostnader"]["B3"].value == "Item"
    assert book["It-kostnader"].cell(_row(book["It-kostnader"], "it_cost_total"), 2).value == (
        "Total IT cost"
    )
    assert book["Projekt"]["B3"].value == "Name of the project"


def test_a_filled_in_file_is_stored_exactly(client, login):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    book = _download(client, submission)
    costs, maturity, projects = book["It-kostnader"], book["Mognad"], book["Projekt"]
    costs.cell(_row(costs, "operating_cost"), 4).value = "1 250 000"  # Swedish text
    costs.cell(_row(costs, "operating_cost"), 5).value = 1300000  # a numeric cell
    costs.cell(_row(costs, "it_cost_total"), 4).value = "187 500 kr"
    costs.cell(_row(costs, "internal_it_staff"), 4).value = 85.5
    costs.cell(_row(costs, "hired_it_staff"), 4).value = "12,25"
    costs.cell(_row(costs, "workstation_cost_direction"), 4).value = "öka"
    costs.cell(_row(costs, "workstation_cost_comment"), 4).value = "Fler bärbara datorer."
    maturity.cell(_row(maturity, "maturity_sourcing_current"), 4).value = 4
    maturity.cell(_row(maturity, "maturity_sourcing_target"), 4).value = "6"
    maturity.cell(_row(maturity, "maturity_sourcing_comment"), 4).value = "Ny strategi 2027."
    new = [
        None, "E-arkiv", "Pågående", "Effektivisera verksamheten", date(2025, 3, 1), None,
        "2027-06-30", None, "45 000", None, 12500.5, "52 000", "medel", "Hög", "låg",
        "Ja", "nej", None, "Ett gemensamt e-arkiv.",
    ]  # fmt: skip
    for column, value in enumerate(new, start=1):
        projects.cell(4, column).value = value

    response = _upload(client, submission, _bytes(book))

    assert response.status_code == 200, _errors(response)
    receipt = re.sub(r"\s+", " ", response.get_data(as_text=True))
    assert "10 värden sparades från filen. 1 projekt lades till eller ändrades." in receipt
    assert (
        '<th scope="row">Verksamhetskostnad</th><td>Utfall</td> '
        '<td class="numeric">–</td> <td class="numeric">1 250 000</td>'
    ) in receipt
    assert "<li>E-arkiv</li>" in receipt
    values = _values(submission)
    assert values[("operating_cost", "outcome")] == Decimal(1250000)
    assert values[("operating_cost", "forecast")] == Decimal(1300000)
    assert values[("it_cost_total", "outcome")] == Decimal(187500)
    assert values[("internal_it_staff", "outcome")] == Decimal("85.5")
    assert values[("hired_it_staff", "outcome")] == Decimal("12.25")
    assert values[("workstation_cost_direction", "outcome")] == "rise"
    assert values[("workstation_cost_comment", "outcome")] == "Fler bärbara datorer."
    assert values[("maturity_sourcing_current", "outcome")] == Decimal(4)
    assert values[("maturity_sourcing_target", "outcome")] == Decimal(6)
    assert values[("maturity_sourcing_comment", "outcome")] == "Ny strategi 2027."
    project = db.session.scalar(select(Project))
    assert (project.name, project.status, project.orientation) == (
        "E-arkiv",
        "ongoing",
        "efficiency",
    )
    assert (project.start_date, project.original_end_date) == (date(2025, 3, 1), date(2027, 6, 30))
    assert project.original_budget == Decimal(45000) and project.cost_to_date == Decimal("12500.5")
    assert (project.risk_benefits, project.risk_budget, project.risk_time) == (
        "medium",
        "high",
        "low",
    )
    assert project.benefits_analysed and not project.benefits_plan

    again = _download(client, submission)  # what was stored comes back as numbers
    assert again["It-kostnader"].cell(_row(costs, "internal_it_staff"), 4).value == 85.5
    assert again["Projekt"].cell(4, 2).value == "E-arkiv"
    assert again["Projekt"].cell(4, 6).value == datetime(2027, 6, 30)  # the locked baseline
    unchanged = _upload(client, submission, _bytes(again))
    assert unchanged.status_code == 302
    page = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Inget att spara: inget värde ändrades." in page


def test_a_changed_budget_needs_a_reason_and_keeps_the_original_baseline(client, login):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    client.post(f"/submissions/{submission.id}/projects/new", PROJECT_FORM)
    factories.complete_answers(submission)
    for trigger in ("submit", "withdraw"):  # submitted once: the plan is the baseline now
        assert client.post(f"/submissions/{submission.id}/transitions/{trigger}").status_code == 302
    book = _download(client, submission)
    book["Projekt"]["I4"] = 60000  # the budget
    refused = _upload(client, submission, _bytes(book))
    assert refused.status_code == 422
    assert (
        "Projekt",
        "J4",
        "Budgeten eller det planerade slutdatumet har ändrats: ange varför.",
    ) in _errors(refused)
    assert db.session.scalar(select(Project.current_budget)) == Decimal(45000)

    book["Projekt"]["J4"] = "Utökat uppdrag"
    assert _upload(client, submission, _bytes(book)).status_code == 200
    project = db.session.scalar(select(Project))
    assert (project.original_budget, project.current_budget) == (Decimal(45000), Decimal(60000))
    assert project.baseline_changes[0].reason == "Utökat uppdrag"


def test_errors_are_listed_per_sheet_and_cell_and_nothing_is_stored(client, login):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    book = _download(client, submission)
    costs, maturity, projects = book["It-kostnader"], book["Mognad"], book["Projekt"]
    costs.cell(_row(costs, "operating_cost"), 4).value = "1 250 000"  # valid on its own
    costs.cell(_row(costs, "it_cost_total"), 4).value = "tolv"
    costs.cell(_row(costs, "users"), 4).value = -5
    costs.cell(_row(costs, "workstations"), 4).value = "=A1*2"  # no cached value
    maturity.cell(_row(maturity, "maturity_governance_current"), 4).value = 9
    projects["B4"], projects["E4"] = "Halvfärdigt projekt", "1 mars"

    response = _upload(client, submission, _bytes(book))

    assert response.status_code == 422
    errors = _errors(response)
    total, users = _row(costs, "it_cost_total"), _row(costs, "users")
    assert ("It-kostnader", f"D{total}", WORDS) in errors  # "tolv": words, not digits
    assert ("It-kostnader", f"D{users}", "Ange 0 eller mer.") in errors
    formula = [e for e in errors if e[1] == f"D{_row(costs, 'workstations')}"]
    assert "formel utan beräknat värde" in formula[0][2]
    governance = f"D{_row(maturity, 'maturity_governance_current')}"
    assert ("Mognad", governance, "Ange 7 eller mindre.") in errors
    assert ("Projekt", "E4", "Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2027-01-29.") in errors
    assert ("Projekt", "D4", "Välj projektets inriktning.") in errors
    assert "Inget sparades: filen har" in response.get_data(as_text=True)
    assert _values(submission) == {}
    assert db.session.scalar(select(func.count(Project.id))) == 0


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as package:
        for name, content in members.items():
            package.writestr(name, content)
    return out.getvalue()


def _corrupt(data: bytes) -> bytes:
    """The template with its compressed sheet data overwritten: CRC and inflate both fail."""
    middle = len(data) // 3
    return data[:middle] + b"\x00" * 2000 + data[middle + 2000 :]


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
WORKBOOK_PARTS = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (lambda template: PNG, "Filen är inte en Excel-arbetsbok (.xlsx)."),
        (lambda template: b"PK\x03\x04 broken", "Filen är skadad och kan inte läsas."),
        (_corrupt, "Filen är skadad och kan inte läsas."),
        (
            lambda template: _zip({**WORKBOOK_PARTS, "xl/big.xml": b"0" * (41 * 1024 * 1024)}),
            "Filen packas upp till långt mer data",
        ),
        (
            lambda template: _zip({**WORKBOOK_PARTS, "xl/dense.xml": b"0" * (3 * 1024 * 1024)}),
            "Filen packas upp till långt mer data",
        ),
        (lambda template: template + b"\x00" * (2 * 1024 * 1024), "Filen är större än 2 MB."),
        (lambda template: _zip(WORKBOOK_PARTS), "Filen är skadad och kan inte läsas."),
        (lambda template: _bytes(openpyxl.Workbook()), "Arbetsboken är inte en mall från Granska."),
    ],
    ids=["png", "truncated", "corrupt", "bomb-size", "bomb-ratio", "too-large", "no-xml", "plain"],
)
def test_files_that_are_not_a_sound_template_are_refused(client, login, make_file, message):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    template = client.get(f"/submissions/{submission.id}/excel").data

    response = _upload(client, submission, make_file(template))

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _values(submission) == {}


def test_a_template_of_another_cycle_or_agency_or_with_a_foreign_code_is_refused(client, login):
    agency, submission = _draft()
    _, last_year = _draft(year=2025, agency=agency)
    other = factories.make_agency(name="Skatteverket")
    theirs = factories.make_submission(submission.cycle, other)
    login("agency_editor", agency=agency)
    old = _download(client, last_year)
    old["It-kostnader"].cell(_row(old["It-kostnader"], "users"), 4).value = 100
    response = _upload(client, submission, _bytes(old))
    assert response.status_code == 422
    assert "Filen är mallen för 2025, men den här inlämningen gäller 2026." in (
        response.get_data(as_text=True)
    )
    client.logout()
    login("agency_editor", agency=other)
    foreign_agency = _bytes(_download(client, theirs))
    client.logout()
    login("agency_editor", agency=agency)
    assert "en annan myndighets mall" in _upload(client, submission, foreign_agency).get_data(
        as_text=True
    )

    book = _download(client, submission)
    costs = book["It-kostnader"]
    row = _row(costs, "it_cost_other")
    costs.cell(row, 1).value, costs.cell(row, 4).value = "it_cost_coffee", 5
    del book["Projekt"]
    response = _upload(client, submission, _bytes(book))
    errors = _errors(response)
    assert (
        "It-kostnader",
        f"A{row}",
        "Okänd frågekod ”it_cost_coffee”: bladet stämmer inte med årets frågeformulär.",
    ) in errors
    assert any(e[0] == "It-kostnader" and "varav övrigt" in e[2] for e in errors)  # missing
    assert ("Projekt", "–", "Bladet saknas. Behåll mallens blad som de är.") in errors
    assert _values(submission) == {}


def test_a_value_changed_by_someone_else_after_the_download_is_not_overwritten(client, login, app):
    from tests.conftest import WebClient

    agency, submission = _draft()
    colleague = WebClient(app.test_client())
    colleague.login(factories.make_user("agency_editor", agency=agency, name="Kim Kollega"))
    login("agency_editor", agency=agency)
    book = _download(client, submission)
    colleague.post(
        f"/submissions/{submission.id}/sections/it_costs",
        {"version": "1", "users--outcome": "2 400"},
    )
    costs = book["It-kostnader"]
    costs.cell(_row(costs, "users"), 4).value = 2500
    costs.cell(_row(costs, "workstations"), 4).value = 2600

    response = _upload(client, submission, _bytes(book))

    assert response.status_code == 422
    [(sheet, cell, message)] = _errors(response)
    assert (sheet, cell) == ("It-kostnader", f"D{_row(costs, 'users')}")
    assert message.startswith(
        "Kim Kollega ändrade värdet i tjänsten till 2\xa0400 efter att filen laddades ned; "
        "filen säger 2\xa0500."
    )
    assert _values(submission) == {("users", "outcome"): Decimal(2400)}


def test_the_uploaders_own_newer_online_edit_is_a_conflict_too(client, login):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    book = _download(client, submission)
    costs = book["It-kostnader"]
    costs.cell(_row(costs, "users"), 4).value = 40
    costs.cell(_row(costs, "workstations"), 4).value = 45
    saved = client.post(
        f"/submissions/{submission.id}/sections/it_costs",
        {"version": "1", "users--outcome": "41"},
    )
    assert saved.status_code == 302

    response = _upload(client, submission, _bytes(book))

    assert response.status_code == 422
    [(sheet, cell, message)] = _errors(response)
    assert (sheet, cell) == ("It-kostnader", f"D{_row(costs, 'users')}")
    assert message.startswith("Du ändrade värdet i tjänsten till 41 efter att filen laddades ned")
    assert _values(submission) == {("users", "outcome"): Decimal(41)}  # nothing of the file

    costs.cell(_row(costs, "users"), 4).value = 41  # the file agrees with the service now
    response = _upload(client, submission, _bytes(book))
    assert response.status_code == 200, _errors(response)
    assert _values(submission) == {
        ("users", "outcome"): Decimal(41),
        ("workstations", "outcome"): Decimal(45),
    }


def test_a_correction_in_clarification_needs_a_reason_and_is_recorded(client, login):
    agency, submission = _draft(status="clarification")
    login("agency_editor", agency=agency)
    book = _download(client, submission)
    costs = book["It-kostnader"]
    costs.cell(_row(costs, "users"), 4).value = 2500
    refused = _upload(client, submission, _bytes(book))
    assert refused.status_code == 422
    assert "Ange varför du ändrar värdena." in refused.get_data(as_text=True)
    assert _values(submission) == {}
    saved = _upload(client, submission, _bytes(book), reason="Rättat antal användare")
    assert saved.status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.name == "users:outcome"))
    assert (event.to_value, event.comment) == ("2500.00", "Rättat antal användare")


@pytest.mark.parametrize("role", ["agency_viewer", "reviewer", "admin"])
def test_only_the_agencys_editors_upload(client, login, role):
    agency, submission = _draft()
    login(role, agency=agency if role.startswith("agency") else None)
    template = client.get(f"/submissions/{submission.id}/excel")
    assert template.status_code == 200  # everyone who sees the submission downloads
    assert client.get(f"/submissions/{submission.id}/excel/upload").status_code == 403
    assert _upload(client, submission, template.data).status_code == 403
    page = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert f"/submissions/{submission.id}/excel" in page
    assert f"/submissions/{submission.id}/excel/upload" not in page
    assert _values(submission) == {}


def test_another_agencys_submission_is_not_found(client, login):
    _, theirs = _draft()
    login("agency_editor", agency=factories.make_agency())
    assert client.get(f"/submissions/{theirs.id}/excel").status_code == 404
    assert client.get(f"/submissions/{theirs.id}/excel/upload").status_code == 404
    assert _upload(client, theirs, b"x").status_code == 404


def test_a_submitted_submission_cannot_be_changed_by_upload(client, login):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    book = _download(client, submission)
    page = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert f"/submissions/{submission.id}/excel/upload" in page
    db.session.get(Submission, submission.id).status = "submitted"
    db.session.commit()
    costs = book["It-kostnader"]
    costs.cell(_row(costs, "users"), 4).value = 2500
    assert client.get(f"/submissions/{submission.id}/excel/upload").status_code == 403
    assert _upload(client, submission, _bytes(book)).status_code == 403
    assert _values(submission) == {}


def test_the_upload_page_asks_for_an_xlsx_file(client, login):
    agency, submission = _draft()
    login("agency_editor", agency=agency)
    page = client.get(f"/submissions/{submission.id}/excel/upload")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.get_data(as_text=True)
    missing = client.post(f"/submissions/{submission.id}/excel/upload", {})
    assert missing.status_code == 422
    assert "Välj Excel-filen som ska laddas upp." in missing.get_data(as_text=True)
    wrong = _upload(client, submission, b"a;b\n", name="svar.csv")
    assert "Välj en Excel-fil (.xlsx)." in wrong.get_data(as_text=True)
