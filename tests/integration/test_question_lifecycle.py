"""A reviewer's question before and after a round carries it: edit and withdraw while it is
the reviewer's draft, close without an answer once sent; over the pages and the API."""

import html
import re

from sqlalchemy import select

from app.api.tokens import create_token
from app.audit.models import AuditEvent
from app.database import begin_write
from app.extensions import db
from app.review.models import Question, QuestionEntry
from app.submissions.models import Submission
from tests import factories

MISTAKE = "Varför är driftkostnaden noll?"


def _text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _setup():
    cycle = factories.make_cycle(questionnaire=True)
    agency = factories.make_agency(name="Frågad myndighet")
    submission = factories.make_submission(cycle, agency, "in_review")
    factories.complete_answers(submission)
    return agency, submission


def _raise(client, submission, text=MISTAKE) -> Question:
    response = client.post(
        f"/review/submissions/{submission.id}/questions", {"target": "general", "text": text}
    )
    assert response.status_code == 302
    db.session.rollback()
    return db.session.scalars(
        select(Question).where(Question.submission_id == submission.id).order_by(Question.id)
    ).all()[-1]


def _question(question) -> Question:
    db.session.rollback()
    return db.session.get(Question, question.id)


def _steps(question) -> list[tuple[str, str | None]]:
    db.session.rollback()
    rows = db.session.execute(
        select(QuestionEntry.step, QuestionEntry.text)
        .where(QuestionEntry.question_id == question.id)
        .order_by(QuestionEntry.id)
    )
    return [tuple(row) for row in rows]


def _fire(client, submission, trigger):
    return client.post(f"/submissions/{submission.id}/transitions/{trigger}")


def test_a_question_not_yet_sent_is_edited_or_withdrawn_and_no_longer_blocks_approval(
    client, login
):
    agency, submission = _setup()
    login("reviewer")
    question = _raise(client, submission)
    assert _fire(client, submission, "approve").status_code == 409

    edited = client.post(f"/review/questions/{question.id}/edit", {"comment": "Rätt fråga?"})
    assert edited.status_code == 302
    assert _question(question).text == "Rätt fråga?"

    empty = client.post(f"/review/questions/{question.id}/withdraw", {"comment": "  "})
    assert empty.status_code == 422
    assert "Skriv varför frågan dras tillbaka." in _text(empty)
    assert _question(question).status == "open"

    withdrawn = client.post(
        f"/review/questions/{question.id}/withdraw", {"comment": "Fel myndighet."}
    )
    assert withdrawn.status_code == 302
    assert _question(question).status == "withdrawn"
    assert _steps(question) == [
        ("raised", MISTAKE),
        ("edited", "Rätt fråga?"),
        ("withdrawn", "Fel myndighet."),
    ]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.name == "withdraw_question"))
    assert event.comment == "Fel myndighet."
    page = _text(client.get(f"/submissions/{submission.id}"))
    assert "Tillbakadragen" in page
    refused = _fire(client, submission, "request_clarification")
    assert "Ställ först minst en fråga till myndigheten." in _text(refused)
    assert _fire(client, submission, "approve").status_code == 302

    client.logout()
    login("agency_editor", agency=agency)
    assert MISTAKE not in _text(client.get(f"/submissions/{submission.id}"))


def test_a_sent_question_cannot_be_edited_or_withdrawn_but_can_be_closed(client, login):
    _agency, submission = _setup()
    login("reviewer")
    question = _raise(client, submission)
    assert _fire(client, submission, "request_clarification").status_code == 302
    begin_write(db.session)
    db.session.get(Submission, submission.id).status = "in_review"  # the agency sent no answer
    db.session.commit()

    for step in ("edit", "withdraw"):
        refused = client.post(f"/review/questions/{question.id}/{step}", {"comment": "Nej"})
        assert refused.status_code == 422
        assert "Frågan har redan skickats till myndigheten" in _text(refused)
    assert _question(question).status == "open" and _question(question).text == MISTAKE

    closed = client.post(
        f"/review/questions/{question.id}/close", {"comment": "Besvarat i telefon."}
    )
    assert closed.status_code == 302
    assert _question(question).status == "closed"
    assert "Stängd utan svar" in _text(client.get(f"/submissions/{submission.id}"))
    assert _fire(client, submission, "approve").status_code == 302


def test_only_reviewers_change_a_question(client, login):
    agency, submission = _setup()
    reviewer = login("reviewer")
    question = _raise(client, submission)
    client.logout()
    for role in ("admin", "agency_editor"):
        login(role, agency=agency if role == "agency_editor" else None)
        response = client.post(f"/review/questions/{question.id}/withdraw", {"comment": "x"})
        assert response.status_code == 403
        client.logout()
    assert _question(question).status == "open"
    assert reviewer


def _api(client, token, method, url, body=None):
    return client.raw.open(
        url, method=method, json=body, headers={"Authorization": f"Bearer {token}"}
    )


def test_the_api_withdraws_an_unsent_question_with_204_and_refuses_a_sent_one_with_409(
    client, login
):
    agency, submission = _setup()
    reviewer = login("reviewer")
    first, second = _raise(client, submission), _raise(client, submission, "Andra frågan?")
    begin_write(db.session)
    _token, token = create_token(reviewer, "test", 90)
    db.session.commit()
    base = f"/api/v1/cycles/{submission.cycle.year}/submissions/{agency.org_number}/questions"

    missing = _api(client, token, "DELETE", f"{base}/{first.id}", {"reason": " "})
    assert missing.status_code == 422 and _question(first).status == "open"
    gone = _api(client, token, "DELETE", f"{base}/{first.id}", {"reason": "Dubblett."})
    assert gone.status_code == 204 and gone.get_data() == b""
    assert _question(first).status == "withdrawn"

    assert _fire(client, submission, "request_clarification").status_code == 302
    refused = _api(client, token, "DELETE", f"{base}/{second.id}", {"reason": "Sent."})
    assert refused.status_code == 409  # in clarification: the agency holds it now
    begin_write(db.session)
    db.session.get(Submission, submission.id).status = "in_review"
    db.session.commit()
    refused = _api(client, token, "DELETE", f"{base}/{second.id}", {"reason": "Sent."})
    assert refused.status_code == 409
    assert "redan skickats" in refused.get_json()["detail"]
    edit = _api(client, token, "PATCH", f"{base}/{second.id}", {"text": "Ny text"})
    assert edit.status_code == 409
    assert _question(second).status == "open" and _question(second).text == "Andra frågan?"
