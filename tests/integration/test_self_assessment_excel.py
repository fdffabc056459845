"""The self-assessment's Excel template and upload: the questionnaire's sheets of a submission's
template, filled with the self-assessment's answers, read back through the same checks as the
form (the questionnaire's cross-field rules too), all or nothing; never mistaken for a
submission's file, nor a submission's for it."""

import io
from decimal import Decimal

import openpyxl
from sqlalchemy import select

from app.extensions import db
from app.self_assessment.models import SelfAssessmentValue
from app.self_assessment.services import this_year
from tests import factories
from tests.integration.test_excel import _bytes, _errors, _row
from tests.integration.test_self_assessment import ANSWERS, _outsider, _published

YEAR = this_year()
COSTS = "It-kostnader"


def _started(client, role="agency_editor"):
    _published()
    agency, editor = _outsider()
    client.login(editor)
    assert client.post(f"/self-assessment/{YEAR}/answers", ANSWERS).status_code == 404
    assert client.post("/self-assessment/start").status_code == 302
    assert client.post(f"/self-assessment/{YEAR}/answers", ANSWERS).status_code == 302
    return agency, editor


def _download(client) -> openpyxl.Workbook:
    response = client.get(f"/self-assessment/{YEAR}/excel")
    assert response.status_code == 200
    assert f"sjalvskattning-{YEAR}-202100-5000.xlsx" in response.headers["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.data))


def _upload(client, data: bytes):
    return client.post(
        f"/self-assessment/{YEAR}/excel/upload",
        {"file": (io.BytesIO(data), "sjalvskattning.xlsx")},
        content_type="multipart/form-data",
    )


def _stored() -> dict:
    rows = db.session.execute(
        select(SelfAssessmentValue.item_code, SelfAssessmentValue.number).where(
            SelfAssessmentValue.period == "outcome"
        )
    )
    return {code: number for code, number in rows}


def test_the_template_holds_the_questionnaires_sheets_with_the_answers_and_no_projects(client):
    _started(client)
    book = _download(client)
    assert book.sheetnames == [COSTS, "Mognad"]  # no projects or benefits in a self-assessment
    assert book.custom_doc_props["granska_form"].value == "self_assessment"
    costs = book[COSTS]
    assert costs.cell(_row(costs, "operating_cost"), 4).value == 1000000
    assert "självskattningens sida" in costs["B2"].value
    answers = client.get(f"/self-assessment/{YEAR}/answers").get_data(as_text=True)
    assert f'href="/self-assessment/{YEAR}/excel/upload"' in answers


def test_a_filled_in_file_is_stored_and_compared_at_once(client):
    _started(client)
    book = _download(client)
    costs = book[COSTS]
    costs.cell(_row(costs, "it_cost_total"), 4).value = 150000
    book["Mognad"].cell(_row(book["Mognad"], "maturity_sourcing_current"), 4).value = 4
    response = _upload(client, _bytes(book))
    assert (
        response.status_code == 302 and response.headers["Location"] == f"/self-assessment/{YEAR}/"
    )
    assert _stored()["it_cost_total"] == Decimal(150000)
    assert _stored()["maturity_sourcing_current"] == Decimal(4)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sparat från filen: 4 svar." in page and "15,0\u00a0%" in page


def test_a_file_breaking_the_questionnaires_rules_stores_nothing_and_names_the_cells(client):
    _started(client)
    book = _download(client)
    costs = book[COSTS]
    costs.cell(_row(costs, "operating_cost"), 4).value = 50000  # below the IT cost
    costs.cell(_row(costs, "users"), 4).value = "många"
    response = _upload(client, _bytes(book))
    assert response.status_code == 422
    errors = _errors(response)
    assert [e[:2] for e in errors] == [(COSTS, f"D{_row(costs, 'users')}")], errors
    assert _stored() == {"operating_cost": 1000000, "it_cost_total": 100000, "users": 500}
    costs.cell(_row(costs, "users"), 4).value = 500  # only the rule is left
    errors = _errors(_upload(client, _bytes(book)))
    assert errors == [
        (
            COSTS,
            f"D{_row(costs, 'operating_cost')}",
            "Den totala it-kostnaden kan inte vara större än verksamhetskostnaden.",
        )
    ]
    assert _stored()["operating_cost"] == Decimal(1000000)


def test_a_submissions_file_is_not_a_self_assessments_nor_the_other_way_round(client):
    _agency, editor = _started(client)
    self_assessment_file = _download(client)
    cycle = factories.make_cycle(YEAR + 1, "open", questionnaire=True)
    submission = factories.make_submission(cycle, factories.make_agency("Sjöfartsverket"))
    client.logout()
    client.login(factories.make_user("agency_editor", agency=submission.agency))
    submission_file = client.get(f"/submissions/{submission.id}/excel").data
    refused = client.post(
        f"/submissions/{submission.id}/excel/upload",
        {"file": (io.BytesIO(_bytes(self_assessment_file)), "x.xlsx")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "Filen är mallen för en självskattning" in refused.get_data(as_text=True)
    client.logout()
    client.login(editor)
    refused = _upload(client, submission_file)
    assert refused.status_code == 422
    assert "Filen är mallen för en inlämning" in refused.get_data(as_text=True)


def test_who_may_download_and_upload(client):
    agency, editor = _started(client)
    book = _bytes(_download(client))
    client.logout()
    viewer = factories.make_user("agency_viewer", agency=agency)
    client.login(viewer)
    assert client.get(f"/self-assessment/{YEAR}/excel").status_code == 200
    assert _upload(client, book).status_code == 403
    client.logout()
    other = factories.make_user("agency_editor", agency=factories.make_agency())
    client.login(other)
    assert client.get(f"/self-assessment/{YEAR}/excel").status_code == 404
    assert _upload(client, book).status_code == 404
    client.logout()
    for role in ("admin", "reviewer"):
        client.login(factories.make_user(role))
        assert client.get(f"/self-assessment/{YEAR}/excel").status_code == 403
        client.logout()
    # Inside the collection window the file is refused, as the form is.
    factories.make_submission(factories.make_cycle(YEAR + 1, "open"), agency)
    client.login(editor)
    assert _upload(client, book).status_code == 403
    assert _stored()["users"] == Decimal(500)
