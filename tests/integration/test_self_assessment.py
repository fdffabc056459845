"""Self-assessment: an agency outside the collection fills in the latest published cycle's
questionnaire for itself, with the same checks, and sees at once where it stands against the
published peer group; private unless shared, one per year, compared year by year, never part
of a dataset."""

import io
from datetime import datetime
from decimal import Decimal

from pypdf import PdfReader
from sqlalchemy import select

from app.cycles.operations import fire_cycle_transition
from app.datasets.models import DatasetSnapshot
from app.extensions import db
from app.self_assessment.models import SelfAssessment, SelfAssessmentValue
from app.self_assessment.services import this_year
from tests import factories
from tests.integration.test_datasets import YEAR, _frozen_dataset

ANSWERS = {  # an IT cost share of 10 %; the esam peers have 12 % and 15 %: median 13,5 %
    "operating_cost--outcome": "1 000 000",
    "it_cost_total--outcome": "100 000",
    "users--outcome": "500",
}


def _published():
    data, snapshot = _frozen_dataset()
    fire_cycle_transition(YEAR, "publish", data.admin)
    db.session.commit()
    return data, snapshot


def _outsider(role="agency_editor"):
    agency = factories.make_agency("Kustbevakningen", "esam", org_number="202100-5000")
    return agency, factories.make_user(role, agency=agency)


def _start_and_answer(client, answers=ANSWERS):
    assert client.post("/self-assessment/start").status_code == 302
    return client.post(f"/self-assessment/{this_year()}/answers", answers)


def test_an_agency_outside_the_collection_sees_where_it_stands_at_once(client):
    _published()
    _agency, editor = _outsider()
    client.login(editor)
    page = client.get("/self-assessment/").get_data(as_text=True)
    assert f"Starta självskattningen för {this_year()}" in page
    saved = _start_and_answer(client)
    assert saved.status_code == 302
    assert saved.headers["Location"] == f"/self-assessment/{this_year()}/"
    text = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "10,0\u00a0%" in text and "13,5\u00a0%" in text  # own figure, the peers' median
    assert "3 av 3 (1 = högst)" in text  # below both peers, counted among them
    assert "Privat: bara er myndighets användare kan läsa den." in text
    assert 'id="maturity-radar"' in text or "Mognad" in text


def test_the_same_checks_refuse_bad_input_next_to_the_field_and_keep_it(client):
    _published()
    _agency, editor = _outsider()
    client.login(editor)
    response = _start_and_answer(
        client, {**ANSWERS, "operating_cost--outcome": "en miljon", "users--outcome": "12,5"}
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert 'href="#operating_cost--outcome"' in text and 'href="#users--outcome"' in text
    assert 'value="en miljon"' in text and 'value="100 000"' in text
    assert db.session.scalar(select(SelfAssessmentValue.id)) is None  # nothing stored


def test_private_until_shared_and_never_another_agencys(client):
    _data, snapshot = _published()
    agency, editor = _outsider()
    client.login(editor)
    _start_and_answer(client)
    assessment = db.session.scalar(select(SelfAssessment))
    client.logout()
    other = factories.make_user("agency_editor", agency=factories.make_agency())
    client.login(other)
    for url in (f"/self-assessment/{this_year()}/", f"/self-assessment/{this_year()}/answers"):
        assert client.get(url).status_code == 404
    assert "Kustbevakningen" not in client.get("/self-assessment/").get_data(as_text=True)
    client.logout()
    reviewer = factories.make_user("reviewer")
    client.login(reviewer)
    assert "Kustbevakningen" not in client.get("/admin/self-assessments/").get_data(as_text=True)
    assert client.get(f"/admin/self-assessments/{assessment.id}").status_code == 404
    client.logout()
    client.login(editor)
    assert client.post(f"/self-assessment/{this_year()}/sharing", {"share": "1"}).status_code == 302
    client.logout()
    client.login(reviewer)
    assert "Kustbevakningen" in client.get("/admin/self-assessments/").get_data(as_text=True)
    shared = client.get(f"/admin/self-assessments/{assessment.id}")
    assert shared.status_code == 200 and "10,0\u00a0%" in shared.get_data(as_text=True)
    client.logout()
    client.login(editor)
    client.post(f"/self-assessment/{this_year()}/sharing", {"share": "0"})
    client.logout()
    client.login(reviewer)
    assert client.get(f"/admin/self-assessments/{assessment.id}").status_code == 404
    # Never part of a dataset: the published one is as it was, without the agency.
    assert db.session.scalar(select(DatasetSnapshot.digest)) == snapshot.digest
    assert client.get(f"/cycles/{YEAR}/analysis/{agency.org_number}").status_code == 404


def test_a_viewer_reads_but_does_not_change_or_start(client):
    _published()
    agency, editor = _outsider()
    client.login(editor)
    _start_and_answer(client)
    client.logout()
    viewer = factories.make_user("agency_viewer", agency=agency)
    client.login(viewer)
    assert client.get(f"/self-assessment/{this_year()}/").status_code == 200
    assert client.get(f"/self-assessment/{this_year()}/answers").status_code == 200
    assert client.post(f"/self-assessment/{this_year()}/answers", ANSWERS).status_code == 403
    assert client.post(f"/self-assessment/{this_year()}/sharing", {"share": "1"}).status_code == 403


def test_one_per_year_and_the_years_compared(client):
    _published()
    agency, editor = _outsider()
    client.login(editor)
    _start_and_answer(client)
    assert client.post("/self-assessment/start").status_code == 302  # the same one again
    assert db.session.query(SelfAssessment).count() == 1
    current = db.session.scalar(select(SelfAssessment))
    earlier = SelfAssessment(
        agency_id=agency.id,
        year=this_year() - 1,
        cycle_id=current.cycle_id,
        created_at=datetime(2025, 5, 1),
        updated_at=datetime(2025, 5, 1),
    )
    db.session.add(earlier)
    db.session.flush()
    db.session.add_all(
        SelfAssessmentValue(
            self_assessment_id=earlier.id, item_code=code, period="outcome", number=Decimal(n)
        )
        for code, n in (("operating_cost", 1000000), ("it_cost_total", 80000), ("users", 500))
    )
    db.session.commit()
    index = client.get("/self-assessment/").get_data(as_text=True)
    assert "Era nyckeltal år för år" in index and "8,0\u00a0%" in index and "10,0\u00a0%" in index
    result = client.get(f"/self-assessment/{this_year()}/").get_data(as_text=True)
    assert "8,0\u00a0%" in result  # last year's own, beside this year's


def test_nothing_to_compare_with_before_a_cycle_is_published(client):
    _frozen_dataset()  # approved, not published
    _agency, editor = _outsider()
    client.login(editor)
    page = client.get("/self-assessment/").get_data(as_text=True)
    assert "Det finns ännu ingen publicerad insamling att jämföra med." in page
    assert client.post("/self-assessment/start").status_code == 302
    assert db.session.scalar(select(SelfAssessment.id)) is None


def test_an_administrator_invites_and_the_agency_gets_a_pdf(client):
    data, _snapshot = _published()
    agency, editor = _outsider()
    client.login(data.admin)
    url = f"/admin/agencies/{agency.id}/self-assessment"
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # a second invitation changes nothing
    [assessment] = db.session.scalars(select(SelfAssessment)).all()
    assert assessment.invited_by_id == data.admin.id and assessment.shared_at is None
    client.logout()
    client.login(editor)
    page = client.get("/self-assessment/").get_data(as_text=True)
    assert "myndigheten bjöd in er" in page
    client.post(f"/self-assessment/{this_year()}/answers", ANSWERS)
    pdf = client.get(f"/self-assessment/{this_year()}/result.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    words = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_data())).pages)
    assert "Kustbevakningen" in words and "13,5" in words
    client.logout()
    client.login(factories.make_user("agency_editor", agency=factories.make_agency()))
    assert client.get(f"/self-assessment/{this_year()}/result.pdf").status_code == 404
