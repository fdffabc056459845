"""Questions on a submission: raise (reviewer, in review), send with a clarification round,
answer and perhaps correct the value (agency, in clarification), resolve or send back
(reviewer). Every step needs a text and is kept in the question's thread. Operations flush,
never commit."""

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, case, func, select

from app.accounts.policies import is_authority_staff
from app.audit.operations import record_submission_event
from app.cycles.questionnaire_service import items_of
from app.database import read_columns
from app.errors import FieldErrors
from app.extensions import db
from app.review.models import Question, QuestionEntry, QuestionStatus, QuestionStep
from app.submissions.answers import correct_value, stored_values
from app.submissions.findings_text import finding_text
from app.submissions.labels import section_names
from app.submissions.locking import lock_submission
from app.submissions.models import Submission
from app.submissions.projects import projects_of
from app.submissions.stored import values_of
from app.timeutil import utcnow
from app.workflow_messages import question_refusal_message
from workflows.answers import OUTCOME, Finding
from workflows.benefits import benefit_item
from workflows.question import QUESTION_WORKFLOW, QuestionFacts
from workflows.rules import Refusal
from workflows.submission import SubmissionStatus

MAX_TEXT = 5000


@dataclass(frozen=True)
class QuestionCounts:
    open: int = 0
    answered: int = 0
    resolved: int = 0

    @property
    def unresolved(self) -> int:
        return self.open + self.answered


_COUNTS = select(
    func.count(case((Question.status == QuestionStatus.OPEN, 1))),
    func.count(case((Question.status == QuestionStatus.ANSWERED, 1))),
    func.count(case((Question.status == QuestionStatus.RESOLVED, 1))),
).where(Question.submission_id == bindparam("submission_id"))


def question_counts(submission_id: int) -> QuestionCounts:
    row = read_columns(db.session, _COUNTS, {"submission_id": submission_id}).one()
    return QuestionCounts(*row)


def questions_of(submission_id: int) -> list[Question]:
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.submission_id == submission_id)
            .order_by(Question.raised_at, Question.id)
        )
    )


def _clean_texts(texts: dict[str, tuple[str, str, int]]) -> dict[str, str]:
    """{field: (text, message when empty, max length)} → the cleaned texts, or FieldErrors
    naming every field that is wrong at once."""
    cleaned, errors = {}, {}
    for field, (text, missing_message, limit) in texts.items():
        value = (text or "").strip()
        if not value:
            errors[field] = missing_message
        elif len(value) > limit:
            errors[field] = _("The text can be at most %(n)d characters.", n=limit)
        cleaned[field] = value
    if errors:
        raise FieldErrors(errors)
    return cleaned


@dataclass(frozen=True)
class Target:
    """A part of a submission a question can be about."""

    value: str  # as posted: general, section:CODE, item:CODE, project:ID or benefit:ID
    label: str
    section: str | None = None
    item_code: str | None = None
    project_id: int | None = None
    benefit_id: int | None = None


def question_targets(submission: Submission, locale: str) -> list[tuple[str, list[Target]]]:
    """Every part of this submission a question can be about, grouped by section."""
    items = items_of(submission.cycle_id)
    groups = [(_("The submission"), [Target("general", _("The submission as a whole"))])]
    names = section_names(submission.cycle_id)
    for section in dict.fromkeys(item.section for item in items):
        name = names.get(section, section)
        whole = Target(f"section:{section}", _("All of “%(section)s”", section=name), section)
        parts = [
            Target(f"item:{item.code}", item.label(locale), section, item_code=item.code)
            for item in items
            if item.section == section
        ]
        groups.append((name, [whole, *parts]))
    name = names["projects"]
    projects = []
    for project in projects_of(submission.id):
        projects.append(
            Target(f"project:{project.id}", project.name, "projects", project_id=project.id)
        )
        projects.extend(
            Target(
                benefit_item(benefit.id),
                _("%(project)s: benefit “%(benefit)s”", project=project.name, benefit=benefit.name),
                "projects",
                project_id=project.id,
                benefit_id=benefit.id,
            )
            for benefit in project.benefits
        )
    groups.append((name, [Target("section:projects", _("All projects"), "projects"), *projects]))
    return groups


def _find_target(submission: Submission, value: str, locale: str) -> Target:
    # Only this submission's own items and projects are offered, so a posted id of another
    # submission's project is simply not found.
    for _group, targets in question_targets(submission, locale):
        for target in targets:
            if target.value == value:
                return target
    raise FieldErrors({"target": _("Choose what the question is about.")})


def _add_entry(question: Question, step: QuestionStep, actor, text=None, **fields) -> None:
    db.session.add(
        QuestionEntry(
            question_id=question.id,
            step=step.value,
            text=text,
            author_id=actor.id,
            created_at=utcnow(),
            **fields,
        )
    )


class QuestionRefused(FieldErrors):
    """The question workflow refused the step (a state or a guard, not the text): the pages
    show it next to the field, the API answers 409."""

    def __init__(self, field: str, refusal: Refusal, trigger: str):
        super().__init__({field: question_refusal_message(trigger, refusal)})
        self.refusal = refusal


def _check(trigger: str, state: str, submission: Submission, actor, field: str, **facts) -> None:
    """Ask the question workflow's table; a refusal names what is wrong, next to `field`."""
    owner = actor.is_agency_user and actor.agency_id == submission.agency_id
    refusal = QUESTION_WORKFLOW.check(
        trigger,
        state,
        QuestionFacts(actor.role, owner, submission.status, **facts),
    )
    if refusal is not None:
        raise QuestionRefused(field, refusal, trigger)


def _move(question: Question, trigger: str) -> None:
    question.status = QUESTION_WORKFLOW.fire(trigger, question.status)


def raise_question(
    submission: Submission, target_value: str, text: str, actor, locale: str = "sv"
) -> Question:
    submission = lock_submission(submission.id)  # the state now, one writer at a time
    _check("raise", QuestionStatus.NEW, submission, actor, "text")
    errors = {}
    try:
        target = _find_target(submission, target_value or "general", locale)
        # What it is about, kept in both languages: each reader sees it in the page's.
        with force_locale("sv"):
            subject_sv = _find_target(submission, target_value or "general", "sv").label
        with force_locale("en"):
            subject_en = _find_target(submission, target_value or "general", "en").label
    except FieldErrors as error:
        errors.update(error.errors)
    try:
        cleaned = _clean_texts({"text": (text, _("Write the question."), MAX_TEXT)})["text"]
    except FieldErrors as error:
        errors.update(error.errors)
    if errors:
        raise FieldErrors(errors)
    question = Question(
        submission_id=submission.id,
        subject=subject_sv[:200],
        subject_en=subject_en[:200],
        section=target.section,
        project_id=target.project_id,
        benefit_id=target.benefit_id,
        text=cleaned,
        raised_by_id=actor.id,
        status=QuestionStatus.OPEN.value,
        **_asked_value(submission, target.item_code),
    )
    db.session.add(question)
    db.session.flush()
    _add_entry(question, QuestionStep.RAISED, actor, question.text)
    _record(submission, question, "raise_question", actor, question.text)
    return question


def _record(submission: Submission, question: Question, name: str, actor, text: str) -> None:
    record_submission_event(
        "question", name, actor, submission, to_value=question.subject, comment=text
    )


def edit_question(submission: Submission, question: Question, text: str, actor) -> None:
    """A question not yet sent is still the reviewer's draft: its text may change (the thread
    keeps the first wording and each new one)."""
    submission = lock_submission(submission.id)
    _check("edit", question.status, submission, actor, "edit", sent=question.rounds_sent > 0)
    text = _clean_texts({"edit": (text, _("Write the question."), MAX_TEXT)})["edit"]
    if text == question.text:
        return
    question.text = text
    _add_entry(question, QuestionStep.EDITED, actor, text)
    _record(submission, question, "edit_question", actor, text)
    db.session.flush()


def withdraw_question(submission: Submission, question: Question, reason: str, actor) -> None:
    """A mistaken question, taken back before any round carried it: it no longer blocks the
    approval, and the agency never sees it. The reason stays in the thread and the audit."""
    _settle_with_reason(
        submission,
        question,
        "withdraw",
        reason,
        actor,
        QuestionStep.WITHDRAWN,
        _("Say why the question is withdrawn."),
    )


def close_question(submission: Submission, question: Question, reason: str, actor) -> None:
    """A question the agency was asked but that no longer needs an answer (REDCap's "close
    query"): settled without one, with the reviewer's reason."""
    _settle_with_reason(
        submission,
        question,
        "close",
        reason,
        actor,
        QuestionStep.CLOSED,
        _("Say why the question is closed without an answer."),
    )


def _settle_with_reason(submission, question, trigger, reason, actor, step, missing) -> None:
    submission = lock_submission(submission.id)
    sent = question.rounds_sent > 0
    _check(trigger, question.status, submission, actor, trigger, sent=sent, reason=reason)
    reason = _clean_texts({trigger: (reason, missing, MAX_TEXT)})[trigger]
    _move(question, trigger)
    _add_entry(question, step, actor, reason)
    _record(submission, question, f"{trigger}_question", actor, reason)
    db.session.flush()


def send_open_questions(submission: Submission, actor) -> int:
    """A clarification round carries every open question to the agency; returns the round."""
    # No flush, not even an automatic one: the transition writes the submission row once, so
    # its version steps once.
    with db.session.no_autoflush:
        submission.clarification_rounds += 1
        for question in questions_of(submission.id):
            if question.status == QuestionStatus.OPEN:
                question.rounds_sent += 1
                _add_entry(
                    question, QuestionStep.SENT, actor, round=submission.clarification_rounds
                )
    return submission.clarification_rounds


def visible_questions(submission: Submission, user) -> list[Question]:
    """The questions this user may read: staff all; the agency those a clarification round has
    carried to it, and not one sent back before the next round carries it again."""
    questions = questions_of(submission.id)
    if is_authority_staff(user):
        return questions
    return [
        question
        for question in questions
        if question.rounds_sent > 0
        and not (
            question.status == QuestionStatus.OPEN
            and submission.status != SubmissionStatus.CLARIFICATION
        )
    ]


def threads_of(questions: list[Question]) -> dict[int, list[QuestionEntry]]:
    """Every step of these questions, in order, in one query."""
    threads = {question.id: [] for question in questions}
    entries = db.session.scalars(
        select(QuestionEntry)
        .where(QuestionEntry.question_id.in_(threads))
        .order_by(QuestionEntry.created_at, QuestionEntry.id)
    )
    for entry in entries:
        threads[entry.question_id].append(entry)
    return threads


def _asked_value(submission: Submission, item_code: str | None) -> dict:
    """The item asked about and its value now, when the question is about one."""
    if not item_code:
        return {}
    row = stored_values(submission.id).get((item_code, OUTCOME))
    value = None if row is None else (str(row.number) if row.number is not None else row.text)
    return {"item_code": item_code[:60], "value_at_raise": value}


def current_values(submission_id: int) -> dict[str, str]:
    """The values now of the items questions were asked about, for the thread."""
    return {
        code: (str(row.number) if row.number is not None else row.text or "")
        for (code, period), row in values_of(submission_id).items()
        if period == OUTCOME
    }


def answer_question(
    submission: Submission, question: Question, answer: str, actor, correction: str = ""
) -> None:
    """The agency's answer; when the question is about a value, the agency may correct it in
    the same step, the answer recorded as the reason."""
    submission = lock_submission(submission.id)  # the state now, one writer at a time
    _check("answer", question.status, submission, actor, "answer", sent=question.rounds_sent > 0)
    answer = _clean_texts({"answer": (answer, _("Write your answer."), MAX_TEXT)})["answer"]
    question.answer = answer
    _move(question, "answer")
    question.answered_by_id, question.answered_at = actor.id, utcnow()
    _add_entry(question, QuestionStep.ANSWERED, actor, answer)
    _record(submission, question, "answer_question", actor, answer)
    if question.item_code and (correction or "").strip():
        _correct(submission, question, correction, actor, answer)
    db.session.flush()


def _correct(submission: Submission, question: Question, raw: str, actor, reason: str) -> None:
    corrected = correct_value(submission, question.item_code, raw, actor, reason)
    if isinstance(corrected, Finding):
        raise FieldErrors({"correction": finding_text(corrected)})
    if corrected is not None:
        old, new = corrected
        _add_entry(question, QuestionStep.CORRECTED, actor, from_value=old, to_value=new)


def resolve_question(submission: Submission, question: Question, comment: str, actor) -> None:
    """The answer settles the question; the reviewer says why, for the record."""
    submission = lock_submission(submission.id)  # the state now, one writer at a time
    _check("resolve", question.status, submission, actor, "resolve", reason=comment)
    comment = _clean_texts(
        {"resolve": (comment, _("Say why the answer settles the question."), MAX_TEXT)}
    )["resolve"]
    _move(question, "resolve")
    question.resolved_by_id, question.resolved_at = actor.id, utcnow()
    _add_entry(question, QuestionStep.RESOLVED, actor, comment)
    _record(submission, question, "resolve_question", actor, comment)
    db.session.flush()


def send_back_question(submission: Submission, question: Question, comment: str, actor) -> None:
    """An answer that does not settle the question: back to open, with the reviewer's reason.
    The next clarification round asks the agency again."""
    submission = lock_submission(submission.id)
    _check("send_back", question.status, submission, actor, "send_back", reason=comment)
    comment = _clean_texts({"send_back": (comment, _("Say what is still unclear."), MAX_TEXT)})[
        "send_back"
    ]
    _move(question, "send_back")
    question.sent_back_comment, question.sent_back_at = comment, utcnow()
    _add_entry(question, QuestionStep.SENT_BACK, actor, comment)
    _record(submission, question, "send_back_question", actor, comment)
    db.session.flush()
