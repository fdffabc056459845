"""Every state and trigger of every workflow through every page, message and notification that
names them, in Swedish and English: no KeyError, no 500, and the words of the workflow's
registry on the page. A state or trigger added to a table without its words fails here."""

from datetime import date
from html import unescape

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.audit.operations import record_submission_event
from app.database import begin_write
from app.extensions import db
from app.labels import (
    cycle_status_label,
    event_label,
    message_kind_label,
    next_step_text,
    question_status_label,
    question_step_label,
    submission_status_label,
)
from app.notifications.messages import MessageFacts, compose
from app.notifications.models import Notification, OutboxMessage
from app.review.models import Question, QuestionEntry
from app.timeutil import utcnow
from app.workflow_messages import (
    done_message,
    question_done_message,
    question_refusal_message,
    trigger_label,
)
from tests import factories
from workflows.cycle import CYCLE_WORKFLOW, CycleStatus
from workflows.question import QUESTION_WORKFLOW, QuestionStatus
from workflows.rules import Refusal
from workflows.submission import SUBMISSION_WORKFLOW, SubmissionStatus

LANGUAGES = ("sv", "en")
NOTICE_TRIGGERS = [t for t, entry in SUBMISSION_WORKFLOW.triggers.items() if entry.notice]


def _words(app, language, function, *args):
    with app.test_request_context(), force_locale(language):
        return str(function(*args))


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return unescape(response.get_data(as_text=True))


def _speak(client, language: str) -> None:
    client.post("/language", {"lang": language, "next": "/"})


def _commit(*rows):
    begin_write(db.session)
    db.session.add_all(rows)
    db.session.commit()
    return rows


@pytest.mark.parametrize("status", [s.value for s in SubmissionStatus])
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_submission_state_on_the_pages_that_show_it(app, client, login, status, language):
    cycle = factories.make_cycle()
    agency = factories.make_agency(name="Tullverket")
    submission = factories.make_submission(cycle, agency, status)
    label = _words(app, language, submission_status_label, status)
    style = SUBMISSION_WORKFLOW.registry[status].tag
    tag = f'class="tag tag-{style}">{label}<'

    login("agency_editor", agency=agency)
    _speak(client, language)
    for url in ("/agency/", f"/submissions/{submission.id}"):
        assert tag in _page(client, url), url
    next_step = _words(app, language, next_step_text, status, False)
    assert next_step in _page(client, f"/submissions/{submission.id}")
    client.logout()

    login("admin")
    _speak(client, language)
    page = _page(client, f"/admin/cycles/{cycle.year}")
    # The row's tag, and the progress bar's segment and legend in the same style.
    assert tag in page and f"segment-{style}" in page and f"swatch-{style}" in page
    page = _page(client, f"/submissions/{submission.id}")
    assert tag in page and _words(app, language, next_step_text, status, True) in page


@pytest.mark.parametrize("status", [s.value for s in CycleStatus])
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_cycle_state_on_the_administrators_pages(app, client, login, status, language):
    cycle = factories.make_cycle(status=status)
    label = _words(app, language, cycle_status_label, status)
    tag = f'class="tag tag-{CYCLE_WORKFLOW.registry[status].tag}">{label}<'
    login("admin")
    _speak(client, language)
    assert tag in _page(client, "/admin/")
    assert tag in _page(client, f"/admin/cycles/{cycle.year}")


@pytest.mark.parametrize("trigger", list(CYCLE_WORKFLOW.table))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_cycle_trigger_has_its_confirmation_page(app, client, login, trigger, language):
    source = CYCLE_WORKFLOW.table[trigger].sources[0]
    cycle = factories.make_cycle(status=source)
    login("admin")
    _speak(client, language)
    page = _page(client, f"/admin/cycles/{cycle.year}/transitions/{trigger}")
    assert _words(app, language, trigger_label, trigger, True) in page
    assert _words(app, language, done_message, trigger, True).strip()


def _question(submission, reviewer, status: str, sent: bool) -> Question:
    """A question as the workflow leaves it in `status`: answered and resolved ones carry
    their answer and times."""
    now = utcnow()
    answered = status in ("answered", "resolved")
    (question,) = _commit(
        Question(
            submission_id=submission.id,
            subject="Inlämningen som helhet",
            text="Varför?",
            raised_by_id=reviewer.id,
            rounds_sent=1 if sent else 0,
            status=status,
            answer="Därför." if answered else None,
            answered_at=now if answered else None,
            resolved_by_id=reviewer.id if status == "resolved" else None,
            resolved_at=now if status == "resolved" else None,
        )
    )
    return question


@pytest.mark.parametrize(
    "status", [s.value for s in QuestionStatus if s != QuestionStatus.NEW]
)  # `new` is the source of `raise`, never stored
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_question_state_on_the_submission_page_and_the_list(
    app, client, login, status, language
):
    cycle = factories.make_cycle()
    agency = factories.make_agency(name="Tullverket")
    submission = factories.make_submission(cycle, agency, "in_review")
    reviewer = login("reviewer")
    _question(submission, reviewer, status, sent=status != "withdrawn")
    _speak(client, language)
    label = _words(app, language, question_status_label, status)
    tag = f'class="tag tag-{QUESTION_WORKFLOW.registry[status].tag}">{label}<'
    assert tag in _page(client, f"/submissions/{submission.id}")
    assert tag in _page(client, f"/review/questions?status={status}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_trigger_names_its_event_in_the_history(app, client, login, language):
    cycle = factories.make_cycle()
    agency = factories.make_agency(name="Tullverket")
    submission = factories.make_submission(cycle, agency, "in_review")
    admin = login("admin")
    names = [*SUBMISSION_WORKFLOW.triggers, *(f"{t}_question" for t in QUESTION_WORKFLOW.triggers)]
    begin_write(db.session)
    for name in names:
        record_submission_event("transition", name, admin, submission)
    db.session.commit()
    _speak(client, language)
    page = _page(client, f"/submissions/{submission.id}/history")
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.name.in_(names))):
        label = _words(app, language, event_label, event)
        assert label != event.name and f"<td>{label}</td>" in page, event.name


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_question_trigger_has_its_step_done_message_and_refusals(
    app, client, login, language
):
    cycle = factories.make_cycle()
    agency = factories.make_agency(name="Tullverket")
    submission = factories.make_submission(cycle, agency, "in_review")
    reviewer = login("reviewer")
    question = _question(submission, reviewer, "open", sent=False)
    steps = [entry.step[0] for entry in QUESTION_WORKFLOW.triggers.values() if entry.step]
    _commit(
        *(
            QuestionEntry(question_id=question.id, step=step, text="…", author_id=reviewer.id)
            for step in steps
        )
    )
    _speak(client, language)
    page = _page(client, f"/submissions/{submission.id}")
    for step in steps:
        assert _words(app, language, question_step_label, step) in page, step
    for trigger, entry in QUESTION_WORKFLOW.triggers.items():
        assert _words(app, language, question_done_message, trigger).strip()
        for code in entry.refusals:
            message = _words(app, language, question_refusal_message, trigger, Refusal(code))
            assert message.strip() and message != code, (trigger, code)


@pytest.mark.parametrize("trigger", list(SUBMISSION_WORKFLOW.table))
def test_every_submission_trigger_has_a_button_label_and_a_done_message(app, trigger):
    for language in LANGUAGES:
        assert _words(app, language, trigger_label, trigger) != trigger
        assert _words(app, language, done_message, trigger).strip()
    assert _words(app, "sv", done_message, trigger) != _words(app, "en", done_message, trigger)


@pytest.mark.parametrize("trigger", NOTICE_TRIGGERS)
def test_every_notice_of_a_trigger_as_mail_inbox_and_outbox(app, client, login, trigger):
    cycle = factories.make_cycle()
    agency = factories.make_agency(name="Tullverket")
    submission = factories.make_submission(cycle, agency, "in_review")
    facts = MessageFacts(trigger, agency="Tullverket", year=2026, due_on=date(2027, 1, 29), count=2)
    with app.test_request_context():
        subject, text, html = compose(facts)
    assert "Tullverket" in subject and "Tullverket" in text and "Tullverket" in html

    user = login("agency_editor", agency=agency)
    _commit(
        Notification(key=f"t:{trigger}", user_id=user.id, kind=trigger, submission_id=submission.id)
    )
    for language in LANGUAGES:
        _speak(client, language)
        page = _page(client, "/notifications/")
        assert "Tullverket" in page and "2026" in page
    client.logout()

    (message,) = _commit(
        OutboxMessage(
            key=f"o:{trigger}", kind=trigger, recipient="a@example.se", subject=subject, body=text
        )
    )
    login("admin")
    for language in LANGUAGES:
        _speak(client, language)
        label = _words(app, language, message_kind_label, trigger)
        assert label != trigger
        assert label in _page(client, "/admin/outbox/")
        assert label in _page(client, f"/admin/outbox/{message.id}")
