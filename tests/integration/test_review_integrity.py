"""Nothing that breaks a blocking rule is sent, approved or frozen: the same rules guard
submit, answer_clarification, approve and the cycle's approval, through the pages and the API."""

import html
import re
from decimal import Decimal

from sqlalchemy import select

from app.api.tokens import create_token
from app.cycles.models import Cycle
from app.database import begin_write
from app.datasets.models import DatasetSnapshot
from app.extensions import db
from app.review.models import Question
from app.submissions.models import Submission, SubmissionValue
from tests import factories

PARTS_MISS_THE_TOTAL = "1 fel måste rättas först."


def _value(submission, code="it_cost_other") -> Decimal:
    db.session.rollback()
    return db.session.scalar(
        select(SubmissionValue.number).where(
            SubmissionValue.submission_id == submission.id,
            SubmissionValue.item_code == code,
            SubmissionValue.period == "outcome",
        )
    )


def _status(submission) -> str:
    db.session.rollback()
    return db.session.get(Submission, submission.id).status


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def _fire(client, submission, trigger, reason=""):
    return client.post(f"/submissions/{submission.id}/transitions/{trigger}", {"reason": reason})


def _submission(status, cycle=None, name="Kontrollerad myndighet", **values):
    cycle = cycle or factories.make_cycle(questionnaire=True)
    agency = factories.make_agency(name=name)
    submission = factories.make_submission(cycle, agency, status)
    factories.complete_answers(submission, **values)
    return agency, submission


def _break_behind_the_workflow(submission) -> None:
    """ "Of which other" 1 000 tkr off its total, as a changed rule or a write around the
    workflow would leave it."""
    begin_write(db.session)
    row = db.session.scalar(
        select(SubmissionValue).where(
            SubmissionValue.submission_id == submission.id,
            SubmissionValue.item_code == "it_cost_other",
            SubmissionValue.period == "outcome",
        )
    )
    row.number += 1000
    db.session.commit()


def _broken_other(submission) -> str:
    """A value of "of which other" that makes the parts miss the total by 1 000 tkr."""
    return str(_value(submission) + 1000)


def test_a_correction_that_breaks_a_rule_is_shown_and_blocks_sending_until_mended(client, login):
    agency, submission = _submission("in_review")
    original = _value(submission)
    editor = factories.make_user("agency_editor", agency=agency)
    login("reviewer")
    raised = client.post(
        f"/review/submissions/{submission.id}/questions",
        {"target": "item:it_cost_other", "text": "Stämmer övrigt?"},
    )
    assert raised.status_code == 302
    assert _fire(client, submission, "request_clarification").status_code == 302
    client.logout()
    question = db.session.scalar(select(Question).where(Question.submission_id == submission.id))

    client.login(editor)
    answer_url = f"/submissions/{submission.id}/questions/{question.id}/answer"
    answered = client.post(
        answer_url, {"answer": "Vi räknade fel.", "correction": _broken_other(submission)}
    )
    assert answered.status_code == 302
    assert _value(submission) == original + 1000  # the correction is kept: it can be mended
    page = _text(client.get(answered.headers["Location"]))
    assert "Svaren bryter nu mot en regel" in page
    assert "Svaren bryter mot en regel" in page
    assert "Total it-kostnad" in page.split("Svaren bryter mot en regel")[1]

    refused = _fire(client, submission, "answer_clarification")
    assert refused.status_code == 409 and PARTS_MISS_THE_TOTAL in _text(refused)
    assert _status(submission) == "clarification"

    assert client.post(answer_url, {"answer": "Nu stämmer det.", "correction": str(original)})
    assert _fire(client, submission, "answer_clarification").status_code == 302
    assert _status(submission) == "in_review"
    page = _text(client.get(f"/submissions/{submission.id}"))
    assert "Svaren bryter mot en regel" not in page


def test_a_reviewer_cannot_approve_answers_that_break_a_rule(client, login):
    _agency, submission = _submission("in_review")
    _break_behind_the_workflow(submission)
    login("reviewer")
    page = _text(client.get(f"/submissions/{submission.id}"))
    assert "Svaren bryter mot en regel" in page
    assert "”Godkänn” går inte än: 1 fel måste rättas först." in re.sub(r"<[^>]+>", "", page)
    refused = _fire(client, submission, "approve")
    assert refused.status_code == 409 and PARTS_MISS_THE_TOTAL in _text(refused)
    assert _status(submission) == "in_review"


def test_the_api_refuses_to_approve_answers_that_break_a_rule(client):
    _agency, submission = _submission("in_review")
    _break_behind_the_workflow(submission)
    begin_write(db.session)
    reviewer = factories.make_user("reviewer")
    _token, raw = create_token(reviewer, "test", 90)
    db.session.commit()
    org = db.session.get(Submission, submission.id).agency.org_number
    response = client.raw.post(
        f"/api/v1/cycles/{submission.cycle.year}/submissions/{org}/transitions",
        json={"trigger": "approve"},
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 409
    assert "1 fel måste rättas först." in response.get_json()["detail"]
    assert _status(submission) == "in_review"


def test_a_cycle_with_an_approved_submission_that_breaks_a_rule_is_not_frozen(client, login):
    cycle = factories.make_cycle(status="closed", questionnaire=True)
    _fine, valid = _submission("approved", cycle=cycle, name="Riktig myndighet")
    _bad, broken = _submission("approved", cycle=cycle, name="Felaktig myndighet")
    _break_behind_the_workflow(broken)
    login("admin")
    refused = client.post(f"/admin/cycles/{cycle.year}/transitions/approve")
    assert refused.status_code == 409
    text = _text(refused)
    assert "1 godkänd inlämning bryter mot en regel" in text and "Felaktig myndighet" in text
    assert "Riktig myndighet" not in text.split("bryter mot en regel")[1][:200]
    db.session.rollback()
    assert db.session.get(Cycle, cycle.id).status == "closed"
    assert db.session.scalar(select(DatasetSnapshot.id)) is None
    assert _status(valid) == "approved"


def test_the_reviewer_sees_every_value_changed_since_submission_with_labels_and_numbers(
    client, login
):
    from datetime import timedelta

    from app.timeutil import utcnow

    agency, submission = _submission("in_review", users=1200)
    begin_write(db.session)
    db.session.get(Submission, submission.id).submitted_at = utcnow() - timedelta(days=3)
    db.session.commit()
    editor = factories.make_user("agency_editor", agency=agency, name="Ada Redaktör")
    login("reviewer")
    client.post(
        f"/review/submissions/{submission.id}/questions",
        {"target": "item:users", "text": "Stämmer antalet användare?"},
    )
    assert _fire(client, submission, "request_clarification").status_code == 302
    client.logout()
    question = db.session.scalar(select(Question).where(Question.submission_id == submission.id))
    client.login(editor)
    client.post(
        f"/submissions/{submission.id}/questions/{question.id}/answer",
        {"answer": "Konsulterna räknades två gånger.", "correction": "1 150"},
    )
    assert _fire(client, submission, "answer_clarification").status_code == 302
    client.logout()

    login("reviewer")
    page = re.sub(r"<[^>]+>", " ", _text(client.get(f"/submissions/{submission.id}")))
    changed = page.split("Ändrat sedan myndigheten lämnade in")[1]
    assert re.search(
        r"Antal användare\s+1.200\s+1.150\s+Ada Redaktör, .*Konsulterna räknades två",
        changed,
    ), changed[:400]
    compare = _text(client.get(f"/review/submissions/{submission.id}/compare"))
    assert "Ändrat efter inlämningen:" in compare
    assert "<del>1 200</del> → <ins>1 150</ins> (Ada Redaktör" in compare
    history = _text(client.get(f"/submissions/{submission.id}/history"))
    assert "users:outcome" not in history and "1150.00" not in history
    assert "Antal användare" in history
    assert "<del>1 200</del> → <ins>1 150</ins>" in history
