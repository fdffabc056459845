"""Questions and clarification rounds through the web: the whole round trip, every refusal,
grouping by section, one notice per recipient, the reviewers' dashboard and CSV, what an
agency may never see, and a fixed number of queries however many agencies and questions."""

import csv
import html
import io
import re
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.accounts.models import Agency
from app.audit.models import AuditEvent
from app.consultation.models import Consultation, ConsultationComment
from app.cycles.questionnaire import QuestionnaireItem
from app.database import begin_write
from app.extensions import db
from app.notifications.models import Notification, OutboxMessage
from app.review.models import Question, QuestionEntry
from app.self_assessment.models import SelfAssessment
from app.submissions.models import Benefit, Project, Submission, SubmissionValue
from tests import factories

QUESTION = "Varför ökade antalet användare med 20 procent?"
ANSWER = "Vi räknade konsulterna två gånger; rätt antal är 1 150."
RESOLUTION = "Rättelsen förklarar ökningen."
TOO_LONG = "å" * 5001

# ---------------------------------------------------------------------------------------------
# Helpers


def _commit(*rows):
    begin_write(db.session)
    db.session.add_all(rows)
    db.session.commit()
    return rows


def _values(submission, **values):
    _commit(
        *(
            SubmissionValue(submission_id=submission.id, item_code=code, number=Decimal(number))
            for code, number in values.items()
        )
    )


def _benefit(project: Project) -> Benefit:
    return Benefit(
        project_id=project.id,
        name="Deras nytta",
        stakeholder="Företag",
        kind="qualitative",
        goal="Mål",
        indicator="Index",
        unit="st",
        baseline_value=Decimal(1),
        baseline_date=date(2025, 1, 1),
        target_value=Decimal(2),
        target_year=2027,
    )


def _project(submission, name="Nytt ärendesystem") -> Project:
    (project,) = _commit(
        Project(
            submission_id=submission.id,
            name=name,
            orientation="efficiency",
            start_date=date(2025, 3, 1),
            original_end_date=date(2027, 6, 30),
            current_end_date=date(2027, 6, 30),
            original_budget=Decimal(45000),
            current_budget=Decimal(45000),
            forecast_at_completion=Decimal(45000),
            risk_benefits="low",
            risk_budget="low",
            risk_time="low",
        )
    )
    return project


def _setup(status="in_review", name="Granskad myndighet", cycle=None, **values):
    cycle = cycle or factories.make_cycle(questionnaire=True)
    agency = factories.make_agency(name=name)
    submission = factories.make_submission(cycle, agency, status)
    factories.complete_answers(submission, **values)
    return agency, submission


def _raise(client, submission, target, text):
    return client.post(
        f"/review/submissions/{submission.id}/questions", {"target": target, "text": text}
    )


def _fire(client, submission, trigger, reason=None):
    data = {"reason": reason} if reason is not None else {}
    return client.post(f"/submissions/{submission.id}/transitions/{trigger}", data)


def _answer(client, question, answer, correction=""):
    return client.post(
        f"/submissions/{question.submission_id}/questions/{question.id}/answer",
        {"answer": answer, "correction": correction},
    )


def _settle(client, question, how, comment):
    return client.post(f"/review/questions/{question.id}/{how}", {"comment": comment})


def _round(client, reviewer, submission, *questions):
    """The reviewer raises (target, text) questions and sends them in one round; logged out."""
    client.login(reviewer)
    for target, text in questions:
        assert _raise(client, submission, target, text).status_code == 302, target
    assert _fire(client, submission, "request_clarification").status_code == 302
    client.logout()
    return _questions(submission)


def _questions(submission) -> list[Question]:
    return list(
        db.session.scalars(
            select(Question).where(Question.submission_id == submission.id).order_by(Question.id)
        )
    )


def _steps(question) -> list[str]:
    return list(
        db.session.scalars(
            select(QuestionEntry.step)
            .where(QuestionEntry.question_id == question.id)
            .order_by(QuestionEntry.id)
        )
    )


def _events(submission) -> list[tuple]:
    return list(
        db.session.execute(
            select(
                AuditEvent.kind,
                AuditEvent.name,
                AuditEvent.from_value,
                AuditEvent.to_value,
                AuditEvent.comment,
            )
            .where(AuditEvent.submission_id == submission.id)
            .order_by(AuditEvent.id)
        )
    )


def _stored(submission, code="users"):
    return db.session.scalar(
        select(SubmissionValue.number).where(
            SubmissionValue.submission_id == submission.id, SubmissionValue.item_code == code
        )
    )


def _version(submission) -> int:
    return db.session.scalar(select(Submission.version).where(Submission.id == submission.id))


def _text(response) -> str:
    """The page as a reader sees it: entities decoded, no-break spaces as spaces."""
    return html.unescape(response.get_data(as_text=True)).replace("\u00a0", " ")


def _textarea(response, field_id) -> str:
    found = re.search(
        rf'<textarea[^>]*id="{field_id}"[^>]*>(.*?)</textarea>',
        response.get_data(as_text=True),
        re.DOTALL,
    )
    assert found, f"no textarea {field_id}"
    return html.unescape(found.group(1))


def _input_value(response, field_id) -> str:
    tag = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', response.get_data(as_text=True))
    assert tag, f"no input {field_id}"
    return html.unescape(re.search(r'value="([^"]*)"', tag.group(0)).group(1))


def _field_error(response, field_id) -> str:
    """The message shown next to the field (not only in the summary at the top)."""
    found = re.search(
        rf'<p class="error-message" id="{field_id}-error">(.*?)</p>',
        response.get_data(as_text=True),
        re.DOTALL,
    )
    assert found, f"no error next to {field_id}"
    return html.unescape(re.sub(r"<[^>]+>[^<]*</span>", "", found.group(1))).strip()


def _article(page: str, question) -> str:
    start = page.index(f'<article class="question" id="question-{question.id}"')
    return page[start : page.index("</article>", start)]


def _plain(markup: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", markup).split())


def _in_order(text: str, *parts: str) -> bool:
    positions = [text.find(part) for part in parts]
    return -1 not in positions and positions == sorted(positions)


# ---------------------------------------------------------------------------------------------
# 1. The round trip


def test_round_trip_raise_send_answer_with_correction_resolve_and_approve(client, login):
    agency, submission = _setup("submitted", users=1200)
    editor = factories.make_user("agency_editor", agency=agency)
    reviewer = login("reviewer")
    assert _fire(client, submission, "start_review").status_code == 302
    client.logout()
    (question,) = _round(client, reviewer, submission, ("item:users", QUESTION))
    assert (question.item_code, question.value_at_raise) == ("users", "1200.00")

    client.login(editor)
    refused = _fire(client, submission, "answer_clarification")
    assert refused.status_code == 409 and "1 fråga är inte besvarad än." in _text(refused)
    version = _version(submission)
    assert _answer(client, question, ANSWER, "1 150").status_code == 302
    assert _stored(submission) == Decimal(1150)
    assert _version(submission) == version + 1
    assert _fire(client, submission, "answer_clarification").status_code == 302
    client.logout()

    client.login(reviewer)
    refused = _fire(client, submission, "approve")
    assert refused.status_code == 409 and "1 fråga är inte löst än." in _text(refused)
    assert _settle(client, question, "resolve", RESOLUTION).status_code == 302
    assert _fire(client, submission, "approve").status_code == 302

    assert db.session.get(Submission, submission.id).status == "approved"
    assert _steps(question) == ["raised", "sent", "answered", "corrected", "resolved"]
    thread = _article(_text(client.get(f"/submissions/{submission.id}")), question)
    assert "<del>1 200</del> → <ins>1 150</ins>" in thread
    assert _in_order(
        _plain(thread),
        "Värde när frågan ställdes: 1 200 · nu 1 150",
        f"Fråga från {reviewer.name} (Granskare)",
        QUESTION,
        "Skickad till myndigheten med kompletteringsrunda 1,",
        f"Svar från {editor.name} (Myndighetsredaktör)",
        ANSWER,
        f"Värdet rättat av {editor.name}",
        "1 200 → 1 150",
        f"Löst av {reviewer.name} (Granskare)",
        RESOLUTION,
    ), thread

    events = _events(submission)
    assert ("value_change", "users:outcome", "1200.00", "1150.00", ANSWER) in events
    assert [name for _kind, name, *_ in events] == [
        "start_review",
        "raise_question",
        "request_clarification",
        "answer_question",
        "users:outcome",
        "answer_clarification",
        "resolve_question",
        "approve",
    ]


# ---------------------------------------------------------------------------------------------
# 2. Refusals


@pytest.mark.parametrize("status", ["submitted", "clarification", "approved"])
def test_a_question_is_raised_only_while_in_review(client, login, status):
    _, submission = _setup(status)
    login("reviewer")
    response = _raise(client, submission, "general", QUESTION)
    assert response.status_code == 422
    assert "Frågor kan bara ställas medan inlämningen granskas." in _text(response)
    assert _questions(submission) == []


def test_an_answer_outside_a_clarification_round_is_refused(client, login):
    agency, submission = _setup("in_review")
    reviewer = factories.make_user("reviewer")
    (question,) = _commit(
        Question(
            submission_id=submission.id,
            subject="Inlämningen som helhet",
            text=QUESTION,
            raised_by_id=reviewer.id,
            rounds_sent=1,
        )
    )
    login("agency_editor", agency=agency)
    response = _answer(client, question, ANSWER)
    assert response.status_code == 422
    assert "Frågor kan bara besvaras under en kompletteringsrunda." in _text(response)
    db.session.refresh(question)
    assert (question.status, question.answer) == ("open", None)


def test_a_question_no_round_has_sent_is_not_found_by_the_agency(client, login):
    agency, submission = _setup("clarification")
    reviewer = factories.make_user("reviewer")
    (question,) = _commit(
        Question(
            submission_id=submission.id,
            subject="Inlämningen som helhet",
            text=QUESTION,
            raised_by_id=reviewer.id,
        )
    )
    login("agency_editor", agency=agency)
    assert _answer(client, question, ANSWER).status_code == 404
    db.session.refresh(question)
    assert (question.status, question.answer) == ("open", None)


def test_only_an_answered_question_is_resolved_or_sent_back(client, login):
    _, submission = _setup("in_review")
    reviewer = login("reviewer")
    _raise(client, submission, "general", QUESTION)
    (open_question,) = _questions(submission)
    (resolved,) = _commit(
        Question(
            submission_id=submission.id,
            subject="Inlämningen som helhet",
            text="Redan löst",
            status="resolved",
            raised_by_id=reviewer.id,
            rounds_sent=1,
        )
    )
    for question in (open_question, resolved):
        response = _settle(client, question, "resolve", RESOLUTION)
        assert response.status_code == 422
        assert "Bara en besvarad fråga kan lösas." in _text(response)
        response = _settle(client, question, "send-back", "Oklart")
        assert response.status_code == 422
        assert "Bara en besvarad fråga kan skickas tillbaka." in _text(response)
    assert [q.status for q in _questions(submission)] == ["open", "resolved"]
    assert _steps(open_question) == ["raised"] and _steps(resolved) == []


@pytest.mark.parametrize(
    "bad, messages",
    [
        (
            "  \n ",
            {
                "raise": "Skriv frågan.",
                "answer": "Skriv ditt svar.",
                "resolve": "Ange varför svaret besvarar frågan.",
                "send-back": "Ange vad som fortfarande är oklart.",
            },
        ),
        (TOO_LONG, dict.fromkeys(("raise", "answer", "resolve", "send-back"), None)),
    ],
    ids=["whitespace", "5001 characters"],
)
def test_every_step_refuses_an_empty_or_too_long_text_and_keeps_it(client, login, bad, messages):
    agency, submission = _setup("in_review", users=1200)
    reviewer = login("reviewer")
    expected = {
        step: text or "Texten får vara högst 5000 tecken." for step, text in messages.items()
    }

    def refused(response, field_id, step):
        assert response.status_code == 422, step
        assert _field_error(response, field_id) == expected[step], step
        assert _textarea(response, field_id) == bad, step

    refused(_raise(client, submission, "item:users", bad), "question-text", "raise")
    assert _questions(submission) == []
    client.logout()
    (question,) = _round(client, reviewer, submission, ("item:users", QUESTION))

    login("agency_editor", agency=agency)
    response = _answer(client, question, bad, "1 150")
    refused(response, f"answer-{question.id}", "answer")
    assert _input_value(response, f"correction-{question.id}") == "1 150"
    assert _stored(submission) == Decimal(1200) and _steps(question) == ["raised", "sent"]
    _answer(client, question, ANSWER)
    _fire(client, submission, "answer_clarification")
    client.logout()

    client.login(reviewer)
    for how in ("resolve", "send-back"):
        refused(_settle(client, question, how, bad), f"review-{question.id}", how)
    db.session.refresh(question)
    assert question.status == "answered"
    assert _steps(question) == ["raised", "sent", "answered"]


@pytest.mark.parametrize(
    "target", ["bogus", "item:no_such_item", "section:no_such_section", "project:999999"]
)
def test_an_unknown_target_is_refused_and_the_text_kept(client, login, target):
    _, submission = _setup("in_review")
    login("reviewer")
    response = _raise(client, submission, target, QUESTION)
    assert response.status_code == 422
    assert _field_error(response, "question-target") == "Välj vad frågan gäller."
    assert _textarea(response, "question-text") == QUESTION
    assert _questions(submission) == []


def test_another_submissions_project_is_not_a_target(client, login):
    _, submission = _setup("in_review")
    _, other = _setup("in_review", name="Annan myndighet", cycle=submission.cycle)
    foreign = _project(other, "Annans projekt")
    login("reviewer")
    response = _raise(client, submission, f"project:{foreign.id}", QUESTION)
    assert response.status_code == 422
    assert _field_error(response, "question-target") == "Välj vad frågan gäller."
    assert _questions(submission) == [] and _questions(other) == []


@pytest.mark.parametrize(
    "correction, message",
    [
        (
            "12 milj",
            "Ange beloppet med siffror, till exempel 480 000, utan ord som ”milj” eller ”ca”.",
        ),
        ("-5", "Ange 0 eller mer."),
    ],
    ids=["not a number", "below the minimum"],
)
def test_an_invalid_correction_stores_neither_answer_nor_value(client, login, correction, message):
    agency, submission = _setup("in_review", users=1200)
    reviewer = factories.make_user("reviewer")
    (question,) = _round(client, reviewer, submission, ("item:users", QUESTION))
    version, events = _version(submission), _events(submission)
    login("agency_editor", agency=agency)
    response = _answer(client, question, ANSWER, correction)
    assert response.status_code == 422
    assert _field_error(response, f"correction-{question.id}").replace("\u00a0", " ") == message
    assert _textarea(response, f"answer-{question.id}") == ANSWER
    assert _input_value(response, f"correction-{question.id}") == correction
    db.session.refresh(question)
    assert (question.status, question.answer, question.answered_at) == ("open", None, None)
    assert _steps(question) == ["raised", "sent"]
    assert _stored(submission) == Decimal(1200)
    assert _version(submission) == version and _events(submission) == events


# ---------------------------------------------------------------------------------------------
# 3. Grouping by section


def test_the_agency_sees_questions_under_section_headings_in_questionnaire_order(client, login):
    agency, submission = _setup("in_review")
    project = _project(submission)
    reviewer = factories.make_user("reviewer")
    # Raised in the reverse of the order they are shown in.
    asked = {
        "Inlämningen": "Fråga om inlämningen som helhet",
        "Strategiska it-projekt": "Fråga om projektet",
        "It-kostnader": "Fråga om den totala it-kostnaden",
        "Mognad": "Fråga om mognaden",
    }
    targets = ["general", f"project:{project.id}", "item:it_cost_total", "section:maturity"]
    _round(client, reviewer, submission, *zip(targets, asked.values(), strict=True))
    login("agency_viewer", agency=agency)
    page = _text(client.get(f"/submissions/{submission.id}"))
    headings = re.findall(r'<h3 id="question-group-\d+">(.*?) <span class="meta">\((.*?)\)', page)
    assert headings == [
        ("It-kostnader", "1 fråga"),
        ("Mognad", "1 fråga"),
        ("Strategiska it-projekt", "1 fråga"),
        ("Inlämningen", "1 fråga"),
    ]
    groups = page.split('<section class="question-group"')[1:]
    for (heading, _count), group in zip(headings, groups, strict=True):
        assert asked[heading] in group, heading
        assert sum(text in group for text in asked.values()) == 1, heading


# ---------------------------------------------------------------------------------------------
# 4. Notices


def _agency_with_users():
    agency, submission = _setup("in_review")
    users = [
        factories.make_user(role, agency=agency)
        for role in ("agency_editor", "agency_editor", "agency_viewer")
    ]
    factories.make_user("agency_editor", agency=agency, active=False)
    return agency, submission, users


def test_one_round_is_one_message_per_recipient_whatever_the_number_of_questions(client, login):
    agency, submission, users = _agency_with_users()
    bystander = factories.make_user("agency_editor")  # another agency
    reviewer = factories.make_user("reviewer")
    _round(
        client,
        reviewer,
        submission,
        ("general", "Första frågan"),
        ("section:maturity", "Andra frågan"),
        ("item:users", "Tredje frågan"),
    )
    recipients = db.session.scalars(
        select(OutboxMessage.recipient).where(OutboxMessage.kind == "request_clarification")
    ).all()
    editors = [user.email for user in users if user.role == "agency_editor"]
    assert sorted(recipients) == sorted([agency.contact_email, *editors])
    notified = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "request_clarification")
    ).all()
    assert sorted(notified) == sorted(user.id for user in users)
    assert bystander.id not in notified


def _unread(user) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def _notice(user) -> Notification:
    return db.session.scalar(select(Notification).where(Notification.user_id == user.id))


def test_inbox_shows_own_notices_unread_opens_and_marks_all_read(client, login):
    _, submission, (editor, other_editor, viewer) = _agency_with_users()
    reviewer = factories.make_user("reviewer")
    _round(client, reviewer, submission, ("general", QUESTION), ("section:maturity", "Mognad?"))

    client.login(viewer)
    inbox = _text(client.get("/notifications/"))
    assert "Granskad myndighet: granskaren har frågor om inlämningen för 2026." in inbox
    assert inbox.count(">Ny</strong>") == 1  # one notice for two questions, and it is new
    assert '<span class="badge">1<span class="visually-hidden"> olästa</span>' in inbox

    others = _notice(editor)
    assert client.post(f"/notifications/{others.id}/open").status_code == 404
    assert _unread(editor) == 1

    opened = client.post(f"/notifications/{_notice(viewer).id}/open")
    assert opened.status_code == 302
    assert opened.headers["Location"] == f"/submissions/{submission.id}"
    assert _unread(viewer) == 0
    assert 'class="badge"' not in client.get("/notifications/").get_data(as_text=True)
    client.logout()

    client.login(editor)
    done = client.post("/notifications/read", follow_redirects=True)
    assert "1 notis markerad som läst." in _text(done)
    assert _unread(editor) == 0 and _unread(other_editor) == 1
    again = client.post("/notifications/read", follow_redirects=True)
    assert "Inga olästa notiser." in _text(again)


# ---------------------------------------------------------------------------------------------
# 5. The reviewers' dashboard and its CSV

T0 = datetime(2026, 3, 2, 8, 0)  # naive UTC, as stored; 09:00 in Stockholm


def _dashboard_data():
    """Cycle 2026: agencies A (2 rounds), B (1 round), C (none).
    A: resolved after 2 and 4 days, one answered; B: resolved after 9 days, one open;
    C: one open, never sent. `sent` entries: A 4, B 2. Cycle 2025: one resolved after 30 days.
    """
    reviewer = factories.make_user("reviewer", name="Rita Granskare")
    cycle = factories.make_cycle(2026)
    last = factories.make_cycle(2025, status="closed")
    subs = {
        key: factories.make_submission(cycle, factories.make_agency(name=f"Myndighet {key}"))
        for key in "ABC"
    }
    subs["old"] = factories.make_submission(last, factories.make_agency(name="Myndighet Gammal"))
    begin_write(db.session)
    for key, rounds in (("A", 2), ("B", 1), ("C", 0), ("old", 2)):
        subs[key].clarification_rounds = rounds
        subs[key].status = "in_review"
        subs[key].reviewer_id = reviewer.id
    db.session.commit()
    spec = [
        # key, subject, status, days to resolve, sent entries, text
        ("A", "Fråga A1", "resolved", 2, 1, "=1+1"),
        ("A", "Fråga A2", "resolved", 4, 1, "Varför?"),
        ("A", "Fråga A3", "answered", None, 2, "@SUM(A1)"),
        ("B", "Fråga B1", "resolved", 9, 1, "+46 8 123"),
        ("B", "Fråga B2", "open", None, 1, "-1"),
        ("C", "Fråga C1", "open", None, 0, "Ej skickad"),
        ("old", "Fråga gammal", "resolved", 30, 2, "Förra året"),
    ]
    questions = []
    for n, (key, subject, status, days, sent, text) in enumerate(spec):
        raised = T0 + timedelta(hours=n)
        question = Question(
            submission_id=subs[key].id,
            subject=subject,
            text=text,
            status=status,
            raised_by_id=reviewer.id,
            raised_at=raised,
            resolved_at=raised + timedelta(days=days) if days else None,
            resolved_by_id=reviewer.id if days else None,
            answer="Svar" if status != "open" else None,
            rounds_sent=sent,
        )
        _commit(question)
        _commit(
            *(
                QuestionEntry(question_id=question.id, step="sent", round=r, author_id=reviewer.id)
                for r in range(1, sent + 1)
            )
        )
        questions.append(question)
    return reviewer, questions


def _figures(response) -> dict[str, str]:
    page = _text(response)
    figures = page[page.index('<dl class="figures">') : page.index("</dl>")]
    return dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", figures))


def _listed(response) -> list[str]:
    return re.findall(r'#question-\d+">([^<]*)</a>', response.get_data(as_text=True))


def _as_float(shown: str) -> float:
    return float(shown.replace(",", "."))


def test_dashboard_figures_match_hand_computed_ones(client, login):
    _dashboard_data()
    login("reviewer")
    figures = _figures(client.get("/review/questions"))  # the latest cycle by default
    # Open B2, C1; answered A3; resolved A1, A2, B1 after 2, 4, 9 days → median 4.
    # Sent entries 6 over 3 rounds → 2 per round; 3 rounds over 2 submissions → 1.5.
    assert {key: figures[key] for key in ("Öppen", "Besvarade, inte lösta än", "Löst")} == {
        "Öppen": "2",
        "Besvarade, inte lösta än": "1",
        "Löst": "3",
    }
    assert _as_float(figures["Median dagar till löst"]) == 4.0
    assert _as_float(figures["Frågor per runda"]) == 2.0
    assert figures["Rundor per inlämning"] == "1,5"

    everything = _figures(client.get("/review/questions?cycle=&status=all"))
    # With 2025: resolved after 2, 4, 9, 30 → 6.5; 8 sent over 5 rounds → 1.6;
    # 5 rounds over 3 submissions → 1.7.
    assert everything == {
        "Öppen": "2",
        "Besvarade, inte lösta än": "1",
        "Löst": "4",
        "Median dagar till löst": "6,5",
        "Frågor per runda": "1,6",
        "Rundor per inlämning": "1,7",
    }


def test_dashboard_shows_figures_with_one_decimal(client, login):
    # A whole number keeps its decimal, so 4 days reads "4,0" beside "6,5".
    _dashboard_data()
    login("reviewer")
    figures = _figures(client.get("/review/questions?cycle=2026"))
    assert figures["Median dagar till löst"] == "4,0"
    assert figures["Frågor per runda"] == "2,0"


def test_dashboard_lists_by_cycle_and_status_open_longest_first(client, login):
    _dashboard_data()
    login("reviewer")
    expected = {
        "": ["Fråga A3", "Fråga B2", "Fråga C1"],  # default: unresolved, latest cycle
        "?status=open": ["Fråga B2", "Fråga C1"],
        "?status=answered": ["Fråga A3"],
        "?status=resolved": ["Fråga A1", "Fråga A2", "Fråga B1"],
        "?status=all&cycle=2026": [f"Fråga {k}" for k in ("A1", "A2", "A3", "B1", "B2", "C1")],
        "?status=all&cycle=2025": ["Fråga gammal"],
        "?status=resolved&cycle=": ["Fråga A1", "Fråga A2", "Fråga B1", "Fråga gammal"],
    }
    for query, subjects in expected.items():
        response = client.get(f"/review/questions{query}")
        assert response.status_code == 200
        assert _listed(response) == subjects, query


def test_agency_users_cannot_see_the_dashboard_or_its_csv(client, login):
    _dashboard_data()
    for role in ("agency_editor", "agency_viewer"):
        login(role)
        assert client.get("/review/questions").status_code == 403
        assert client.get("/review/questions.csv").status_code == 403
        client.logout()


def _csv_rows(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    text = body.decode("utf-8").removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_csv_export_has_the_same_questions_and_defuses_formulas(client, login):
    reviewer, questions = _dashboard_data()
    login("reviewer")
    response = client.get("/review/questions.csv?cycle=2026&status=all")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    header, *rows = _csv_rows(response)
    assert header == [
        "Insamling",
        "Myndighet",
        "Organisationsnummer",
        "Del",
        "Gäller",
        "Frågekod",
        "Status",
        "Ställd",
        "Dagar öppen",
        "Rundor",
        "Fråga",
        "Senaste svar",
        "Besvarad",
        "Löst",
        "Granskare",
    ]
    page = client.get("/review/questions?cycle=2026&status=all")
    assert [row[4] for row in rows] == _listed(page)
    by_subject = {row[4]: dict(zip(header, row, strict=True)) for row in rows}
    a1 = by_subject["Fråga A1"]
    assert a1["Fråga"] == "'=1+1"
    assert (a1["Insamling"], a1["Myndighet"], a1["Status"]) == ("2026", "Myndighet A", "Löst")
    assert (a1["Ställd"], a1["Löst"]) == ("2026-03-02 09:00", "2026-03-04 09:00")
    assert (a1["Dagar öppen"], a1["Rundor"], a1["Granskare"]) == ("2", "1", reviewer.name)
    assert by_subject["Fråga A2"]["Dagar öppen"] == "4"
    assert by_subject["Fråga B1"]["Dagar öppen"] == "9"
    assert by_subject["Fråga A3"]["Fråga"] == "'@SUM(A1)"
    assert by_subject["Fråga B1"]["Fråga"] == "'+46 8 123"
    assert by_subject["Fråga B2"]["Fråga"] == "'-1"
    assert by_subject["Fråga C1"]["Fråga"] == "Ej skickad"
    assert len(rows) == len(questions) - 1  # the 2025 question is filtered out


# ---------------------------------------------------------------------------------------------
# 6. What an agency never sees

OURS = "Vår egen myndighet"
THEIRS = "Hemliga grannmyndigheten"
THEIR_TEXTS = (
    THEIRS,
    "Grannens fråga om projektet",
    "Grannens samtalsmeddelande",
    "Grannens interna anteckning",
    "Grannens hemliga projekt",
    "Grannens synpunkt på frågeformuläret",
)
OUR_NOTE = "Internt: misstänkt dubbelräkning av licenser"
TABLES = (
    "consultation_comment",
    "consultation_decision",
    "question",
    "question_entry",
    "comment",
    "submission",
    "submission_value",
    "project",
    "project_baseline_change",
    "benefit",
    "warning_explanation",
    "notification",
    "outbox_message",
    "audit_event",
    "api_token",
)
TRIGGERS = (
    "submit",
    "withdraw",
    "start_review",
    "request_clarification",
    "answer_clarification",
    "approve",
    "reopen",
    "exempt",
    "reinstate",
)
PUBLIC_WITH_ARGUMENTS = {"static", "accounts.set_password_from_link"}
# Pages with a year but no agency's data: the open cycle's questionnaire and what changed in it
# are the same for every agency that answers it.
SHARED_BY_EVERY_AGENCY = {"cycles.questionnaire_changes"}
# The consultation's page and comment form take no agency's id: the caller's own agency is the
# one read and written (test_consultation.py shows another's comments never appear there).
OWN_AGENCY_BY_SESSION = {"consultation.agency_page", "consultation.comment"}
# A POST with every field a form could use, so a route that forgot its check would write.
POSTED = {
    "answer": "Inbrytning",
    "correction": "7",
    "text": "Inbrytning",
    "kind": "conversation",
    "comment": "Inbrytning",
    "reason": "Inbrytning",
    "target": "general",
    "users--outcome": "7",
    "name": "Inbrytning",
    "description": "Inbrytning",
    "orientation": "efficiency",
    "status": "ongoing",
    "start_date": "2025-03-01",
    "end_date": "2027-06-30",
    "budget": "1",
    "cost_to_date": "1",
    "forecast_at_completion": "1",
    "risk_benefits": "low",
    "risk_budget": "low",
    "risk_time": "low",
    "rebaseline_reason": "Inbrytning",
    "stakeholder": "Inbrytning",
    "goal": "Inbrytning",
    "indicator": "Inbrytning",
    "unit": "st",
    "baseline_value": "1",
    "baseline_date": "2025-01-01",
    "target_value": "2",
    "target_year": "2027",
}


def _token_of(user):
    from app.api.tokens import create_token

    begin_write(db.session)
    token, _raw = create_token(user, "Deras ekonomisystem")
    db.session.commit()
    return token


def _two_agencies(client):
    """Ours and theirs, both in clarification with a question, a conversation message, an
    internal note, a project and notices to their users."""
    cycle = factories.make_cycle(questionnaire=True)
    mine, ours = _setup("in_review", name=OURS, cycle=cycle, users=100)
    other, theirs = _setup("in_review", name=THEIRS, cycle=cycle, users=200)
    our_project, their_project = _project(ours), _project(theirs, THEIR_TEXTS[4])
    (their_benefit,) = _commit(_benefit(their_project))
    stamp = datetime(2026, 5, 1)
    (their_assessment,) = _commit(
        SelfAssessment(
            agency_id=other.id,
            year=cycle.year,
            cycle_id=cycle.id,
            shared_at=stamp,
            created_at=stamp,
            updated_at=stamp,
        )
    )
    their_editor = factories.make_user("agency_editor", agency=other)
    reviewer = factories.make_user("reviewer")
    client.login(reviewer)
    for submission, texts in (
        (ours, ("Vår fråga", "Vårt samtalsmeddelande", OUR_NOTE)),
        (theirs, THEIR_TEXTS[1:4]),
    ):
        project = our_project if submission is ours else their_project
        assert _raise(client, submission, f"project:{project.id}", texts[0]).status_code == 302
        for kind, text in (("conversation", texts[1]), ("internal", texts[2])):
            response = client.post(
                f"/submissions/{submission.id}/comments", {"kind": kind, "text": text}
            )
            assert response.status_code == 302
        assert _fire(client, submission, "request_clarification").status_code == 302
    client.logout()
    return {
        "mine": mine,
        "ours": ours,
        "theirs": theirs,
        "other": other,
        "our_project": our_project,
        "their_project": their_project,
        "their_benefit": their_benefit,
        "their_assessment": their_assessment,
        "their_comment": _their_consultation_comment(cycle, other, their_editor),
        "their_editor": their_editor,
        "our_question": _questions(ours)[0],
        "their_question": _questions(theirs)[0],
        "their_notice": _notice(their_editor),
        "their_token": _token_of(their_editor),
        "their_message": db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.submission_id == theirs.id).limit(1)
        ),
        "reviewer": reviewer,
    }


def _their_consultation_comment(cycle, other, their_editor):
    """The cycle's questionnaire out for comments, with the other agency's comment on it."""
    stamp = datetime(2026, 5, 1)
    consultation = Consultation(cycle_id=cycle.id, deadline=date(2099, 1, 1), opened_at=stamp)
    comment = ConsultationComment(
        cycle_id=cycle.id,
        agency_id=other.id,
        author_id=their_editor.id,
        item_code="users",
        text=THEIR_TEXTS[5],
        created_at=stamp,
    )
    return _commit(consultation, comment)[1]


def _dump() -> dict[str, list[tuple]]:
    db.session.rollback()
    return {
        name: [tuple(row) for row in db.session.execute(db.metadata.tables[name].select())]
        for name in TABLES
    }


def _foreign_urls(app, world, item_id):
    """Every (method, url) of a route with arguments, filled with the other agency's ids; with
    our own submission too where the route also takes the id of an object inside it."""
    foreign = {
        "submission_id": world["theirs"].id,
        "question_id": world["their_question"].id,
        "project_id": world["their_project"].id,
        "benefit_id": world["their_benefit"].id,
        "assessment_id": world["their_assessment"].id,
        "comment_id": world["their_comment"].id,
        "key": "users",
        "notification_id": world["their_notice"].id,
        "message_id": world["their_message"].id,
        "token_id": world["their_token"].id,
        "agency_id": world["other"].id,
        "user_id": world["their_editor"].id,
        "group_id": world["other"].peer_group_id,
        "year": world["theirs"].cycle.year,
        "item_id": item_id,
        # the questionnaire's editing pages: administrators only
        "part": "items",
        "code": db.session.get(QuestionnaireItem, item_id).code,
        "kind": "json",  # a dataset export: the other agency's cycle is not published
        "org_number": world["other"].org_number,
        "batch_id": 1,
        "action": "exempt",
    }
    for rule in app.url_map.iter_rules():
        skipped = PUBLIC_WITH_ARGUMENTS | SHARED_BY_EVERY_AGENCY | OWN_AGENCY_BY_SESSION
        if not rule.arguments or rule.endpoint in skipped:
            continue
        if rule.endpoint.startswith("api."):
            continue  # token-only; another agency's ids are tried in test_api.py
        assert rule.arguments <= {*foreign, "trigger", "section"}, f"fill in {rule.rule}"
        variants = [foreign]
        if "submission_id" in rule.arguments and rule.arguments & {
            "question_id",
            "project_id",
            "benefit_id",
        }:
            variants.append({**foreign, "submission_id": world["ours"].id})
        for values in variants:
            for trigger in TRIGGERS if "trigger" in rule.arguments else (None,):
                for section in ("it_costs", "maturity") if "section" in rule.arguments else (None,):
                    filled = {**values, "trigger": trigger, "section": section}
                    _, url = rule.build({k: filled[k] for k in rule.arguments}, False)
                    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                        yield method, url


@pytest.mark.parametrize("role", ["agency_editor", "agency_viewer"])
def test_an_agency_user_reaches_nothing_of_another_agency(app, client, login, role):
    world = _two_agencies(client)
    item_id = db.session.scalar(select(func.min(QuestionnaireItem.id)))
    login(role, agency=world["mine"])
    token = client.csrf_token()
    before = _dump()
    tried = 0
    for method, url in _foreign_urls(app, world, item_id):
        data = {**POSTED, "version": str(world["theirs"].version), "csrf_token": token}
        response = client.request(method, url, data=data if method == "POST" else None)
        assert response.status_code in (403, 404), (method, url, response.status_code)
        body = response.get_data(as_text=True)
        for secret in THEIR_TEXTS:
            assert secret not in body, (method, url, secret)
        tried += 1
    assert tried > 50  # every route with an id, every trigger, both sections
    assert _dump() == before


def _pages_of(world) -> list[str]:
    sid = world["ours"].id
    return [
        f"/submissions/{sid}",
        f"/submissions/{sid}/history",
        f"/submissions/{sid}/summary",
        f"/submissions/{sid}/sections/it_costs",
        f"/submissions/{sid}/sections/maturity",
        f"/submissions/{sid}/projects",
        f"/submissions/{sid}/projects/{world['our_project'].id}/edit",
        f"/submissions/{sid}/excel",
        "/notifications/",
        "/agency/",
    ]


def _readable(response) -> str:
    """The body as text; an Excel file unzipped, every part of it."""
    body = response.get_data()
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as workbook:
            return "".join(
                workbook.read(name).decode("utf-8", "replace") for name in workbook.namelist()
            )
    return html.unescape(body.decode("utf-8"))


@pytest.mark.parametrize("role", ["agency_editor", "agency_viewer"])
def test_the_owning_agency_never_sees_the_internal_note(client, login, role):
    world = _two_agencies(client)
    login(role, agency=world["mine"])
    responses = [client.get(path) for path in _pages_of(world)]
    # Pages drawn again after a refusal: an empty answer, a transition not allowed.
    responses.append(_answer(client, world["our_question"], "   "))
    responses.append(_fire(client, world["ours"], "approve"))
    reached = 0
    for response in responses:
        if response.status_code in (403, 404):
            continue
        reached += 1
        text = _readable(response)
        for secret in (OUR_NOTE, "Interna anteckningar", *THEIR_TEXTS):
            assert secret not in text, (response.request.path, secret)
    assert reached >= 10
    assert "Vårt samtalsmeddelande" in _text(client.get(f"/submissions/{world['ours'].id}"))


def test_the_agency_sees_a_question_only_once_a_round_has_carried_it(client, login):
    agency, submission = _setup("in_review")
    viewer = factories.make_user("agency_viewer", agency=agency)
    editor = factories.make_user("agency_editor", agency=agency)
    reviewer = login("reviewer")
    _raise(client, submission, "general", "Fråga som ännu inte skickats")
    (question,) = _questions(submission)
    client.logout()

    def leaks(*texts) -> list[tuple[str, str]]:
        client.login(viewer)
        found = [
            (path, text)
            for path in (f"/submissions/{submission.id}", f"/submissions/{submission.id}/history")
            for text in texts
            if text in _text(client.get(path))
        ]
        client.logout()
        return found

    unsent = leaks("Fråga som ännu inte skickats")
    client.login(reviewer)
    _fire(client, submission, "request_clarification")
    client.logout()
    # Now the agency's to see, in the question's thread (the history keeps to the workflow).
    assert leaks("Fråga som ännu inte skickats") == [
        (f"/submissions/{submission.id}", "Fråga som ännu inte skickats")
    ]
    client.login(editor)
    _answer(client, question, ANSWER)
    _fire(client, submission, "answer_clarification")
    client.logout()
    client.login(reviewer)
    _settle(client, question, "send-back", "Vilket system avses?")
    client.logout()
    sent_back = leaks("Vilket system avses?")
    assert not unsent and not sent_back, {"unsent": unsent, "sent back": sent_back}


# ---------------------------------------------------------------------------------------------
# 7. A fixed number of queries


def _crowd(cycle, reviewer, count: int, start: int) -> list[Submission]:
    """`count` more agencies, each with a submission in review (flushed, not committed)."""
    group = factories.peer_group()
    agencies = [
        Agency(
            name=f"Myndighet {n}",
            org_number=factories.org_number(70000 + n),
            peer_group_id=group.id,
            ministry="Finansdepartementet",
            contact_email=f"m{n}@myndighet.example",
        )
        for n in range(start, start + count)
    ]
    db.session.add_all(agencies)
    db.session.flush()
    submissions = [
        Submission(
            cycle_id=cycle.id,
            agency_id=agency.id,
            status="in_review",
            reviewer_id=reviewer.id,
            clarification_rounds=1,
        )
        for agency in agencies
    ]
    db.session.add_all(submissions)
    db.session.flush()
    return submissions


def _add_questions(submissions, reviewer, editor, count, raised_at=T0):
    """`count` answered questions on each submission, each with a three-step thread."""
    questions = [
        Question(
            submission_id=submission.id,
            subject=f"Fråga {n}",
            section="it_costs",
            item_code="users",
            value_at_raise="1200.00",
            text="?",
            status="answered",
            answer="Svar",
            answered_by_id=editor.id,
            answered_at=raised_at,
            raised_by_id=reviewer.id,
            raised_at=raised_at,
            rounds_sent=1,
        )
        for submission in submissions
        for n in range(count)
    ]
    db.session.add_all(questions)
    db.session.flush()
    db.session.add_all(
        QuestionEntry(question_id=question.id, step=step, text="x", author_id=author.id, round=1)
        for question in questions
        for step, author in (("raised", reviewer), ("sent", reviewer), ("answered", editor))
    )


def test_query_count_does_not_depend_on_agencies_or_questions(client, login, count_queries):
    cycle = factories.make_cycle(questionnaire=True)
    agency, submission = _setup("in_review", cycle=cycle, users=1200)
    editor = factories.make_user("agency_editor", agency=agency)
    reviewer = login("reviewer")
    begin_write(db.session)
    target = db.session.get(Submission, submission.id)
    target.reviewer_id = reviewer.id
    _add_questions([target], reviewer, editor, 1)
    _crowd(cycle, reviewer, 9, start=0)
    db.session.commit()

    def counts():
        result = {}
        for path in (f"/submissions/{submission.id}", "/review/questions"):
            with count_queries() as counter:
                assert client.get(path).status_code == 200
            result[path] = counter.count
        return result

    counts()  # the first view reads the open cycle's questionnaire, once per process
    small = counts()  # 10 agencies, 1 question
    begin_write(db.session)
    crowd = _crowd(cycle, reviewer, 290, start=9)
    db.session.commit()
    many_agencies = counts()  # 300 agencies, 1 question
    begin_write(db.session)
    _add_questions([db.session.get(Submission, submission.id)], reviewer, editor, 39)
    # 39 more agencies with a question, raised earlier: the dashboard lists them first.
    _add_questions(crowd[:39], reviewer, editor, 1, raised_at=T0 - timedelta(days=1))
    db.session.commit()
    many_questions = counts()  # 300 agencies, 40 questions on the submission, 79 in all
    assert small == many_agencies == many_questions, (small, many_agencies, many_questions)
