"""The submission workflow through the web: status pages, actions, refusals, history."""

from datetime import timedelta

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.extensions import db
from app.review.models import Question
from app.submissions.models import Submission
from app.timeutil import today_in_stockholm
from tests import factories


def _setup(status="draft", **cycle_fields):
    cycle = factories.make_cycle(**cycle_fields)
    agency = factories.make_agency(name="Tullverket")
    submission = factories.make_submission(cycle, agency, status)
    return cycle, agency, submission


def _status(submission) -> str:
    return db.session.scalar(select(Submission.status).where(Submission.id == submission.id))


def _events(submission) -> list[tuple]:
    return list(
        db.session.execute(
            select(AuditEvent.name, AuditEvent.from_value, AuditEvent.to_value, AuditEvent.comment)
            .where(AuditEvent.submission_id == submission.id)
            .order_by(AuditEvent.id)
        )
    )


def _fire(client, submission, trigger, reason=None):
    data = {"reason": reason} if reason is not None else {}
    return client.post(f"/submissions/{submission.id}/transitions/{trigger}", data)


def test_agency_editor_sees_status_deadline_and_only_the_actions_it_may_take(client, login):
    _, agency, submission = _setup(submission_deadline=today_in_stockholm() + timedelta(days=5))
    login("agency_editor", agency=agency)
    page = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "5 dagar kvar" in page
    assert "Er myndighet fyller i uppgifterna" in page
    assert "/transitions/submit" in page
    for other in ("withdraw", "start_review", "approve", "exempt", "reopen"):
        assert f"/transitions/{other}" not in page


def test_agency_viewer_gets_no_buttons_and_cannot_act(client, login):
    _, agency, submission = _setup()
    login("agency_viewer", agency=agency)
    page = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "/transitions/" not in page
    response = _fire(client, submission, "submit")
    assert response.status_code == 409
    assert "Endast myndighetsredaktör får göra ”Lämna in”." in response.get_data(as_text=True)
    assert _status(submission) == "draft" and _events(submission) == []


def test_the_full_round_submit_review_approve_with_history(client, login):
    _, agency, submission = _setup()
    editor = login("agency_editor", agency=agency)
    assert _fire(client, submission, "submit").status_code == 302
    client.logout()
    reviewer = login("reviewer")
    assert _fire(client, submission, "start_review").status_code == 302
    assert _fire(client, submission, "approve").status_code == 302
    assert _status(submission) == "approved"
    assert _events(submission) == [
        ("submit", "draft", "submitted", None),
        ("start_review", "submitted", "in_review", None),
        ("approve", "in_review", "approved", None),
    ]
    row = db.session.get(Submission, submission.id)
    assert row.reviewer_id == reviewer.id and row.approved_at and row.version == 4
    history = client.get(f"/submissions/{submission.id}/history").get_data(as_text=True)
    for text in (editor.name, reviewer.name, "Utkast → Inlämnad", "Under granskning → Godkänd"):
        assert text in history


def test_submitting_after_the_deadline_is_allowed_and_marked_late(client, login):
    _, agency, submission = _setup(submission_deadline=today_in_stockholm() - timedelta(days=1))
    login("agency_editor", agency=agency)
    _fire(client, submission, "submit")
    assert db.session.get(Submission, submission.id).submitted_late
    assert "Sen</strong>" in client.get(f"/submissions/{submission.id}").get_data(as_text=True)


def test_submitting_in_a_closed_cycle_is_refused_with_the_reason(client, login):
    cycle = factories.make_cycle(status="closed")
    agency = factories.make_agency()
    submission = factories.make_submission(cycle, agency)
    login("agency_editor", agency=agency)
    page = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "”Lämna in” går inte än:" in page and "Insamlingen är stängd." in page
    response = _fire(client, submission, "submit")
    assert response.status_code == 409
    assert "Insamlingen är stängd." in response.get_data(as_text=True)
    assert _status(submission) == "draft"


def test_agency_editor_cannot_act_on_another_agencys_submission(client, login):
    _, _, foreign = _setup()
    login("agency_editor", agency=factories.make_agency())
    assert _fire(client, foreign, "submit").status_code == 404
    assert _status(foreign) == "draft" and _events(foreign) == []


def test_second_approval_says_already_approved(client, login):
    _, _, submission = _setup("in_review")
    login("reviewer")
    assert _fire(client, submission, "approve").status_code == 302
    again = _fire(client, submission, "approve")
    assert again.status_code == 409
    assert "Inget gjordes: den är redan godkänd." in again.get_data(as_text=True)
    assert len(_events(submission)) == 1


def test_reopen_needs_an_administrator_and_a_reason(client, login):
    _, _, submission = _setup("approved")
    login("reviewer")
    response = _fire(client, submission, "reopen", "fel")
    assert "Endast administratör får göra ”Öppna igen”." in response.get_data(as_text=True)
    client.logout()
    login("admin")
    response = _fire(client, submission, "reopen", "   ")
    assert response.status_code == 409
    assert "Ange en motivering för ”Öppna igen”." in response.get_data(as_text=True)
    assert _fire(client, submission, "reopen", "Fel i summan").status_code == 302
    assert _events(submission)[-1] == ("reopen", "approved", "in_review", "Fel i summan")


def test_reopen_is_refused_once_the_cycle_is_frozen(client, login):
    cycle = factories.make_cycle(status="closed")
    submission = factories.make_submission(cycle, factories.make_agency(), "approved")
    factories.freeze(cycle)
    login("admin")
    response = _fire(client, submission, "reopen", "Fel")
    assert "Insamlingen är godkänd och fryst" in response.get_data(as_text=True)
    assert _status(submission) == "approved"


def test_exempt_and_reinstate(client, login):
    _, _, submission = _setup("draft")
    login("admin")
    assert _fire(client, submission, "exempt", "Myndigheten avvecklas").status_code == 302
    assert _status(submission) == "exempted"
    assert _fire(client, submission, "reinstate").status_code == 302
    assert _status(submission) == "draft"


def test_clarification_round_with_questions(client, login):
    _, agency, submission = _setup("in_review", questionnaire=True)
    factories.complete_answers(submission)
    reviewer = login("reviewer")
    refused = _fire(client, submission, "request_clarification")
    assert "Ställ först minst en fråga till myndigheten." in refused.get_data(as_text=True)
    empty = client.post(
        f"/review/submissions/{submission.id}/questions",
        {"target": "section:it_costs", "text": "   "},
    )
    assert empty.status_code == 422
    assert '<option value="section:it_costs" selected>' in empty.get_data(as_text=True)
    client.post(
        f"/review/submissions/{submission.id}/questions",
        {"target": "section:it_costs", "text": "Varför +80 %?"},
    )
    assert _fire(client, submission, "request_clarification").status_code == 302
    client.logout()

    login("agency_editor", agency=agency)
    question = db.session.scalar(select(Question).where(Question.submission_id == submission.id))
    refused = _fire(client, submission, "answer_clarification")
    assert "1 fråga är inte besvarad än." in refused.get_data(as_text=True)
    client.post(
        f"/submissions/{submission.id}/questions/{question.id}/answer",
        {"answer": "Nytt datacenter."},
    )
    assert _fire(client, submission, "answer_clarification").status_code == 302
    client.logout()

    client.login(reviewer)
    refused = _fire(client, submission, "approve")
    assert "1 fråga är inte löst än." in refused.get_data(as_text=True)
    client.post(f"/review/questions/{question.id}/resolve", {"comment": "Tydligt svar."})
    assert _fire(client, submission, "approve").status_code == 302
    assert [e[0] for e in _events(submission)] == [
        "raise_question",
        "request_clarification",
        "answer_question",
        "answer_clarification",
        "resolve_question",
        "approve",
    ]


def test_agency_sees_no_question_before_the_round_is_sent(client, login):
    _, agency, submission = _setup("in_review")
    login("reviewer")
    client.post(
        f"/review/submissions/{submission.id}/questions",
        {"text": "Utkast till fråga"},
    )
    client.logout()
    login("agency_viewer", agency=agency)
    page = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Utkast till fråga" not in page


def test_another_agency_cannot_answer_a_question(client, login):
    _, _, submission = _setup("clarification")
    reviewer = factories.make_user("reviewer")
    question = Question(
        submission_id=submission.id, subject="X", text="Y", raised_by_id=reviewer.id, rounds_sent=1
    )
    db.session.add(question)
    db.session.commit()
    login("agency_editor", agency=factories.make_agency())
    response = client.post(
        f"/submissions/{submission.id}/questions/{question.id}/answer", {"answer": "Hej"}
    )
    assert response.status_code == 404
    db.session.refresh(question)
    assert question.answer is None


def test_history_of_another_agency_is_not_found(client, login):
    _, _, submission = _setup()
    login("agency_viewer", agency=factories.make_agency())
    assert client.get(f"/submissions/{submission.id}/history").status_code == 404


def test_audit_rows_are_only_ever_added(client, login):
    _, agency, submission = _setup()
    login("agency_editor", agency=agency)
    _fire(client, submission, "submit")
    _fire(client, submission, "withdraw")
    _fire(client, submission, "submit")
    count = select(func.count(AuditEvent.id)).where(AuditEvent.submission_id == submission.id)
    assert db.session.scalar(count) == 3


def test_an_unsettled_answer_is_sent_back_and_asked_again(client, login):
    _, agency, submission = _setup("in_review")
    reviewer = login("reviewer")
    client.post(
        f"/review/submissions/{submission.id}/questions",
        {"target": "general", "text": "Varför +80 %?"},
    )
    _fire(client, submission, "request_clarification")
    client.logout()
    login("agency_editor", agency=agency)
    question = db.session.scalar(select(Question).where(Question.submission_id == submission.id))
    client.post(
        f"/submissions/{submission.id}/questions/{question.id}/answer", {"answer": "Nytt system."}
    )
    _fire(client, submission, "answer_clarification")
    client.logout()
    client.login(reviewer)
    empty = client.post(f"/review/questions/{question.id}/send-back", {"comment": "  "})
    assert empty.status_code == 422
    assert "Ange vad som fortfarande är oklart." in empty.get_data(as_text=True)
    client.post(
        f"/review/questions/{question.id}/send-back",
        {"comment": "Vilket system, och under vilken post?"},
    )
    db.session.refresh(question)
    assert question.status == "open"
    assert question.sent_back_comment == "Vilket system, och under vilken post?"
    refused = _fire(client, submission, "approve")
    assert "1 fråga är inte löst än." in refused.get_data(as_text=True)
    assert _fire(client, submission, "request_clarification").status_code == 302
    client.logout()
    login("agency_viewer", agency=agency)
    page = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Vilket system, och under vilken post?" in page


def test_only_an_answered_question_can_be_sent_back(client, login):
    _, _, submission = _setup("in_review")
    reviewer = login("reviewer")
    client.post(
        f"/review/submissions/{submission.id}/questions",
        {"target": "general", "text": "Varför?"},
    )
    question = db.session.scalar(select(Question).where(Question.submission_id == submission.id))
    response = client.post(f"/review/questions/{question.id}/send-back", {"comment": "Nej"})
    assert "Bara en besvarad fråga kan skickas tillbaka." in response.get_data(as_text=True)
    assert reviewer.id


def test_a_clarification_round_has_a_due_date_in_working_days(client, login):
    from datetime import date

    from app.notifications.models import OutboxMessage
    from app.timeutil import replayed_at

    _, agency, submission = _setup("in_review")
    login("reviewer")
    client.post(
        f"/review/submissions/{submission.id}/questions",
        {"target": "general", "text": "Varför?"},
    )
    # Friday 18 December 2026, 10:00 in Stockholm: ten working days skip Christmas and New Year.
    from datetime import datetime

    with replayed_at(datetime(2026, 12, 18, 9, 0)):
        _fire(client, submission, "request_clarification")
    assert db.session.get(Submission, submission.id).clarification_due_on == date(2027, 1, 8)
    client.logout()
    login("agency_viewer", agency=agency)
    page = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Svara senast" in page and "8 januari 2027" in page
    body = db.session.scalar(select(OutboxMessage.body).limit(1))
    assert "senast 8 januari 2027" in body


def test_exempting_is_confirmed_on_a_page_that_says_what_is_kept(client, login):
    _, agency, submission = _setup("draft")
    factories.make_user("agency_editor", agency=agency)
    login("admin")
    show = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert f'href="/submissions/{submission.id}/transitions/exempt"' in show
    assert 'name="reason"' not in show  # the reason is given on the confirmation page

    page = " ".join(client.get(f"/submissions/{submission.id}/transitions/exempt").text.split())
    assert "<h1>Undanta från insamlingen: Tullverket?</h1>" in page
    assert "Tullverket behöver inte rapportera för 2026 och lämnas utanför datasetet." in page
    assert "De 0 värden och 0 projekt som redan har fyllts i sparas." in page
    assert "Myndigheten kan återinföras till dess insamlingen är godkänd." in page
    assert _status(submission) == "draft"

    refused = _fire(client, submission, "exempt", " ")
    assert refused.status_code == 409
    assert "<title>Fel: Undanta från insamlingen" in refused.text
    assert '<a href="#reason">Ange en motivering' in refused.text
    assert _fire(client, submission, "exempt", "Avvecklas 30 juni").status_code == 302
    assert _status(submission) == "exempted"


def test_reopening_a_submission_says_who_is_told(client, login):
    _, agency, submission = _setup("approved")
    factories.make_user("agency_editor", agency=agency)
    login("admin")
    page = " ".join(client.get(f"/submissions/{submission.id}/transitions/reopen").text.split())
    assert "Myndigheten får besked i 2 e-postmeddelanden och ett meddelande i Granska." in page
    assert "Insamlingen kan inte godkännas förrän inlämningen är godkänd igen." in page
    client.logout()
    login("reviewer")
    assert client.get(f"/submissions/{submission.id}/transitions/reopen").status_code == 403


def test_a_transition_that_went_through_says_so_in_plain_words(client, login):
    # Every trigger's words are in its workflow's registry (test_workflow_registry.py).
    _, agency, submission = _setup()
    login("agency_editor", agency=agency)
    # "Lämna in" ends on its receipt page (tests/integration/test_where_things_are.py).
    page = client.get(_fire(client, submission, "submit").headers["Location"]).text
    assert "<h1>Inlämningen är mottagen</h1>" in page and "Klart:" not in page
    page = client.get(_fire(client, submission, "withdraw").headers["Location"]).text
    assert "Inlämningen är återkallad och är ett utkast igen." in page
