"""Self-assessment: an agency outside the collection fills in the latest published cycle's
questionnaire for itself, with the same checks, and sees at once where it stands against the
published peer group; private unless shared, one per year, compared year by year, never part
of a dataset."""

import io
from datetime import datetime
from decimal import Decimal

from pypdf import PdfReader
from sqlalchemy import select

from app.cycles.models import Cycle, CycleParticipant
from app.cycles.operations import fire_cycle_transition
from app.cycles.questionnaire import QuestionnaireItem
from app.database import begin_write
from app.datasets.models import DatasetSnapshot
from app.extensions import db
from app.self_assessment.models import SelfAssessment, SelfAssessmentValue
from app.self_assessment.services import this_year
from tests import factories
from tests.integration.test_datasets import ADMIN_NAME, YEAR, _frozen_dataset

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


# Issue 20, point 1 completed: who may self-assess, the questionnaire's own rules, the
# invitation and the years side by side.


def test_a_participant_inside_the_collection_window_is_pointed_to_its_submission(client):
    data, _snapshot = _published()
    agency, editor = _outsider()
    open_cycle = factories.make_cycle(YEAR + 1, "open")
    submission = factories.make_submission(open_cycle, agency)
    client.login(editor)
    page = client.get("/self-assessment/").get_data(as_text=True)
    assert "Er myndighet deltar i insamlingen 2027, som är öppen" in page
    assert f'href="/submissions/{submission.id}"' in page
    assert "Starta självskattningen" not in page
    refused = client.post("/self-assessment/start", follow_redirects=True)
    assert (
        "Kustbevakningen deltar i insamlingen 2027, som är öppen: besvara frågeformuläret i "
        "inlämningen i stället." in refused.get_data(as_text=True)
    )
    assert db.session.scalar(select(SelfAssessment.id)) is None
    client.logout()
    client.login(data.admin)  # nor can the authority invite it to self-assess meanwhile
    page = client.post(f"/admin/agencies/{agency.id}/self-assessment", follow_redirects=True)
    assert (
        "Kustbevakningen deltar i insamlingen 2027, som är öppen: den besvarar frågeformuläret i "
        "sin inlämning och bjuds därför inte in till en självskattning."
        in page.get_data(as_text=True)
    )
    assert db.session.scalar(select(SelfAssessment.id)) is None


def test_outside_the_window_a_participant_self_assesses_and_inside_it_cannot_change_one(client):
    _published()
    agency, editor = _outsider()
    cycle = factories.make_cycle(YEAR + 1, "planned")  # a participant before the cycle opens
    db.session.add(CycleParticipant(cycle_id=cycle.id, agency_id=agency.id))
    db.session.commit()
    client.login(editor)
    assert _start_and_answer(client).status_code == 302
    assert db.session.scalar(select(SelfAssessment.id)) is not None
    begin_write(db.session)
    db.session.get(Cycle, cycle.id).status = "open"  # the window opens: the submission's turn
    db.session.commit()
    factories.make_submission(cycle, agency)
    refused = client.post(
        f"/self-assessment/{this_year()}/answers", {**ANSWERS, "users--outcome": "900"}
    )
    assert refused.status_code == 302 and refused.headers["Location"] == "/self-assessment/"
    assert db.session.scalar(
        select(SelfAssessmentValue.number).where(SelfAssessmentValue.item_code == "users")
    ) == Decimal(500)
    answers = client.get(f"/self-assessment/{this_year()}/answers").get_data(as_text=True)
    assert "Spara och jämför" not in answers and "readonly" in answers
    assert client.get(f"/self-assessment/{this_year()}/").status_code == 200  # still readable


def test_an_exempted_participant_is_outside_the_collection(client):
    _published()
    agency, editor = _outsider()
    factories.make_submission(factories.make_cycle(YEAR + 1, "open"), agency, "exempted")
    client.login(editor)
    assert _start_and_answer(client).status_code == 302


def test_the_questionnaires_rules_refuse_the_whole_save_next_to_the_field(client):
    _published()
    _agency, editor = _outsider()
    client.login(editor)
    response = _start_and_answer(
        client,
        {
            **ANSWERS,
            "operating_cost--outcome": "50 000",  # below the IT cost: the at-least rule
            "it_cost_internal_staff--outcome": "60 000",  # the parts add up to 90 000
            "it_cost_consultants--outcome": "30 000",
        },
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert 'href="#operating_cost--outcome"' in text and 'href="#it_cost_total--outcome"' in text
    assert "Den totala it-kostnaden kan inte vara större än verksamhetskostnaden." in text
    assert "Kostnadsposterna ska summera till den totala it-kostnaden." in text
    assert 'id="it_cost_total--outcome-error"' in text
    assert 'value="50 000"' in text and 'value="60 000"' in text  # the input kept
    assert db.session.scalar(select(SelfAssessmentValue.id)) is None


def test_a_large_change_against_last_years_self_assessment_is_a_warning_not_a_refusal(client):
    _published()
    agency, editor = _outsider()
    client.login(editor)
    _start_and_answer(client)
    _earlier(agency, users=200)
    result = client.get(f"/self-assessment/{this_year()}/").get_data(as_text=True)
    assert "Värden att kontrollera (1)" in result
    assert "Antal användare</a>: Ändrat med +150 % sedan förra året (200)." in result
    assert f'href="/self-assessment/{this_year()}/answers#users--outcome"' in result
    answers = client.get(f"/self-assessment/{this_year()}/answers").get_data(as_text=True)
    assert 'id="users--outcome-warning"' in answers
    assert 'aria-describedby="users--outcome-hint users--outcome-warning"' in answers


def _earlier(agency, users=500, it_cost=80000, maturity=None):
    current = db.session.scalar(select(SelfAssessment).where(SelfAssessment.agency_id == agency.id))
    begin_write(db.session)
    earlier = SelfAssessment(
        agency_id=agency.id,
        year=this_year() - 1,
        cycle_id=current.cycle_id,
        created_at=datetime(2025, 5, 1),
        updated_at=datetime(2025, 5, 1),
    )
    db.session.add(earlier)
    db.session.flush()
    values = {"operating_cost": 1000000, "it_cost_total": it_cost, "users": users}
    values.update(maturity or {})
    db.session.add_all(
        SelfAssessmentValue(
            self_assessment_id=earlier.id, item_code=code, period="outcome", number=Decimal(n)
        )
        for code, n in values.items()
    )
    db.session.commit()
    return earlier


def test_the_years_compared_key_figures_and_maturity(client):
    _published()
    agency, editor = _outsider()
    client.login(editor)
    _start_and_answer(client, {**ANSWERS, "maturity_sourcing_current--outcome": "5"})
    _earlier(agency, maturity={"maturity_sourcing_current": 3})
    index = client.get("/self-assessment/").get_data(as_text=True)
    assert "Era år jämförda" in index and "Er mognad år för år (nuläge, 1–7)" in index
    row = index[index.index("Sourcingstrategi") :].split("</tr>")[0]
    assert "3,0" in row and "5,0" in row


def test_the_invitation_mails_the_agency_and_shows_on_both_pages(app, client, mailbox):
    data, _snapshot = _published()
    agency, editor = _outsider()
    client.login(data.admin)
    before = client.get(f"/admin/agencies/{agency.id}/edit").get_data(as_text=True)
    assert "Inte inbjuden ännu." in before
    client.post(f"/admin/agencies/{agency.id}/self-assessment")
    client.post(f"/admin/agencies/{agency.id}/self-assessment")  # one mail, not two
    after = client.get(f"/admin/agencies/{agency.id}/edit").get_data(as_text=True)
    assert f"{this_year()}: inbjuden" in after and ADMIN_NAME in after
    result = app.test_cli_runner().invoke(args=["reminders", "run-once"])
    assert result.exit_code == 0, result.output
    assert sorted(m["To"] for m in mailbox) == sorted([agency.contact_email, editor.email])
    mail = mailbox[0]
    assert (
        mail["Subject"]
        == f"Granska: en inbjudan till självskattning för Kustbevakningen {this_year()}"
    )
    text = mail.get_body(("plain",)).get_content()
    assert "Myndigheten bjuder in Kustbevakningen till en självskattning" in text
    assert "The authority invites Kustbevakningen to a self-assessment" in text
    assert "http://granska.test/self-assessment/" in text
    client.logout()
    client.login(editor)
    start = client.get("/agency/").get_data(as_text=True)
    assert f"Myndigheten bjuder in er till en självskattning för {this_year()}" in start
    assert f'href="/self-assessment/{this_year()}/answers"' in start
    client.post(f"/self-assessment/{this_year()}/answers", ANSWERS)
    assert "bjuder in er till en självskattning" not in client.get("/agency/").get_data(
        as_text=True
    )


def test_against_a_self_assessment_of_the_cycle_before_a_redefined_figure_is_a_series_break(
    client,
):
    _published()
    agency, editor = _outsider()
    client.login(editor)
    _start_and_answer(client)
    earlier = _earlier(agency)
    # Last year's self-assessment answered the 2025 questionnaire, where "users" still counted
    # consultants: it cost per user is measured otherwise now; the share of operating cost not.
    before = factories.make_cycle(2025, status="closed", questionnaire=True)
    begin_write(db.session)
    users = db.session.scalar(
        select(QuestionnaireItem).where(
            QuestionnaireItem.cycle_id == before.id, QuestionnaireItem.code == "users"
        )
    )
    users.definition_sv = "Personer med eget konto, även konsulter."
    db.session.get(SelfAssessment, earlier.id).cycle_id = before.id
    db.session.commit()
    result = client.get(f"/self-assessment/{this_year()}/").get_data(as_text=True)
    per_user = result[result.index(">It-kostnad per användare<") :].split("</tr>")[0]
    assert "Seriebrott" in per_user
    share = result[result.index(">It-kostnad som andel av verksamhetskostnaden<") :]
    assert "Seriebrott" not in share.split("</tr>")[0]
    assert "Seriebrott: definitionen av ett nyckeltal" in result


def test_the_years_compared_cost_the_same_queries_for_two_years_or_eight(client, count_queries):
    _published()
    agency, editor = _outsider()
    client.login(editor)
    _start_and_answer(client)
    current = db.session.scalar(select(SelfAssessment))

    def add_years(years):
        begin_write(db.session)
        for year in years:
            earlier = SelfAssessment(
                agency_id=agency.id,
                year=year,
                cycle_id=current.cycle_id,
                created_at=datetime(year, 5, 1),
                updated_at=datetime(year, 5, 1),
            )
            db.session.add(earlier)
            db.session.flush()
            db.session.add(
                SelfAssessmentValue(
                    self_assessment_id=earlier.id,
                    item_code="users",
                    period="outcome",
                    number=Decimal(year),
                )
            )
        db.session.commit()

    def cost():
        with count_queries() as counter:
            page = client.get("/self-assessment/")
        assert page.status_code == 200
        return counter.count, page.get_data(as_text=True)

    add_years([this_year() - 1])
    cost()  # the published dataset read once per process, as in production
    two, _page = cost()
    add_years(range(this_year() - 7, this_year() - 1))
    eight, page = cost()
    assert two == eight, (two, eight)
    assert all(f'<th scope="col" class="numeric">{y}</th>' in page for y in range(2019, 2027))
