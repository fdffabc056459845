"""A transition queues its messages in its own transaction: all of them, or none."""

from sqlalchemy import func, select

from app.extensions import db
from app.notifications.models import OutboxMessage
from app.review.models import Question
from tests import factories


def _messages():
    return list(
        db.session.execute(
            select(OutboxMessage.kind, OutboxMessage.recipient).order_by(OutboxMessage.id)
        )
    )


def test_submitting_queues_a_confirmation_to_the_agency(client, login):
    cycle = factories.make_cycle()
    agency = factories.make_agency(contact_email="registrator@myndighet.example")
    submission = factories.make_submission(cycle, agency)
    editor = login("agency_editor", agency=agency)
    client.post(f"/submissions/{submission.id}/transitions/submit")
    assert _messages() == [("submit", editor.email), ("submit", "registrator@myndighet.example")]
    body = db.session.scalar(select(OutboxMessage.body).limit(1))
    assert f"http://granska.test/submissions/{submission.id}" in body
    assert "har lämnat in" in body and "has submitted" in body


def test_a_clarification_round_is_one_message_whatever_the_number_of_questions(client, login):
    cycle = factories.make_cycle()
    agency = factories.make_agency(contact_email="registrator@myndighet.example")
    submission = factories.make_submission(cycle, agency, "in_review")
    reviewer = login("reviewer")
    for n in range(3):
        db.session.add(
            Question(
                submission_id=submission.id, subject=f"F{n}", text="?", raised_by_id=reviewer.id
            )
        )
    db.session.commit()
    client.post(f"/submissions/{submission.id}/transitions/request_clarification")
    assert _messages() == [("request_clarification", "registrator@myndighet.example")]
    body = db.session.scalar(select(OutboxMessage.body))
    assert "3 frågor" in body


def test_a_refused_transition_queues_nothing(client, login):
    submission = factories.make_submission(
        factories.make_cycle(status="closed"), factories.make_agency()
    )
    login("agency_editor", agency=submission.agency)
    assert client.post(f"/submissions/{submission.id}/transitions/submit").status_code == 409
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_the_reviewer_hears_of_the_answers(client, login):
    cycle = factories.make_cycle()
    agency = factories.make_agency()
    submission = factories.make_submission(cycle, agency, "clarification")
    reviewer = factories.make_user("reviewer")
    submission.reviewer_id = reviewer.id
    db.session.commit()
    login("agency_editor", agency=agency)
    client.post(f"/submissions/{submission.id}/transitions/answer_clarification")
    assert _messages() == [("answer_clarification", reviewer.email)]
