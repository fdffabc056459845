"""What an administrator or reviewer writes once is read in both languages: a cycle's title
(an English one given, or the Swedish shown), and what a question is about."""

from sqlalchemy import select

from app.api.tokens import create_token
from app.cycles.models import Cycle
from app.database import begin_write
from app.extensions import db
from app.review.models import Question
from tests import factories
from tests.integration.test_cycle_admin import FORM


def test_a_cycle_has_an_english_title_for_english_pages_and_the_api(client, login):
    admin = login("admin")
    english = {**FORM, "title_en": "  Collection   2027 "}
    assert client.post("/admin/cycles/new", english).status_code == 302
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == 2027))
    assert (cycle.title, cycle.title_en) == ("Insamling 2027", "Collection 2027")
    assert "<h1>Insamling 2027" in client.get("/admin/cycles/2027").get_data(as_text=True)
    client.post("/language", {"lang": "en"})
    page = client.get("/admin/cycles/2027").get_data(as_text=True)
    assert "<h1>Collection 2027" in page and "Insamling 2027" not in page
    form = client.get("/admin/cycles/2027/edit").get_data(as_text=True)
    assert 'lang="en"' in form and 'value="Collection 2027"' in form

    begin_write(db.session)
    _token, token = create_token(admin, "test", 90)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    served = client.get("/api/v1/cycles", headers=headers).get_json()
    assert (served[0]["title"], served[0]["title_en"]) == ("Insamling 2027", "Collection 2027")

    # Emptied again: English pages fall back to the Swedish title.
    edit = {k: v for k, v in FORM.items() if k not in ("year", "copy_from")}
    assert client.post("/admin/cycles/2027/edit", {**edit, "title_en": " "}).status_code == 302
    db.session.refresh(cycle)
    assert cycle.title_en is None
    assert "<h1>Insamling 2027" in client.get("/admin/cycles/2027").get_data(as_text=True)


def test_what_a_question_is_about_reads_in_the_pages_language(client, login):
    cycle = factories.make_cycle(questionnaire=True)
    submission = factories.make_submission(cycle, factories.make_agency(), "in_review")
    factories.complete_answers(submission)
    login("reviewer")
    client.post("/language", {"lang": "en"})  # asked from an English page, kept in both
    response = client.post(
        f"/review/submissions/{submission.id}/questions",
        {"target": "item:operating_cost", "text": "Varför?"},
    )
    assert response.status_code == 302
    question = db.session.scalars(select(Question)).one()
    assert (question.subject, question.subject_en) == ("Verksamhetskostnad", "Operating cost")
    english = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Operating cost" in english
    client.post("/language", {"lang": "sv"})
    swedish = client.get("/review/questions").get_data(as_text=True)
    assert "Verksamhetskostnad" in swedish and "Operating cost" not in swedish
