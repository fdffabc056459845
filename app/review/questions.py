"""Questions on a submission: raise (reviewer, in review), answer (agency, in clarification),
resolve or send back (reviewer). Operations flush, never commit."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from app.accounts.errors import FieldErrors
from app.audit.operations import record_submission_event
from app.extensions import db
from app.review.models import Question, QuestionStatus
from app.submissions.answers import stored_values
from app.submissions.locking import lock_submission
from app.submissions.models import Submission
from app.timeutil import utcnow
from workflows.answers import OUTCOME
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


def question_counts(submission_id: int) -> QuestionCounts:
    row = db.session.execute(
        select(
            func.count(case((Question.status == QuestionStatus.OPEN, 1))),
            func.count(case((Question.status == QuestionStatus.ANSWERED, 1))),
            func.count(case((Question.status == QuestionStatus.RESOLVED, 1))),
        ).where(Question.submission_id == submission_id)
    ).one()
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


def raise_question(
    submission: Submission, subject: str, text: str, actor, item_code: str | None = None
) -> Question:
    submission = lock_submission(submission.id)  # the state now, one writer at a time
    if submission.status != SubmissionStatus.IN_REVIEW:
        raise FieldErrors(
            {"text": _("Questions can be raised only while the submission is in review.")}
        )
    cleaned = _clean_texts(
        {
            "subject": (subject, _("Say what the question is about."), 200),
            "text": (text, _("Write the question."), MAX_TEXT),
        }
    )
    subject = cleaned["subject"]
    question = Question(
        submission_id=submission.id,
        subject=subject,
        text=cleaned["text"],
        raised_by_id=actor.id,
        **_asked_value(submission, item_code),
    )
    db.session.add(question)
    db.session.flush()
    record_submission_event(
        "question",
        "raise_question",
        actor,
        submission,
        to_value=subject,
        comment=question.text,
    )
    return question


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
        for (code, period), row in stored_values(submission_id).items()
        if period == OUTCOME
    }


def answer_question(submission: Submission, question: Question, answer: str, actor) -> None:
    submission = lock_submission(submission.id)  # the state now, one writer at a time
    if submission.status != SubmissionStatus.CLARIFICATION:
        raise FieldErrors(
            {"answer": _("Questions can be answered only during a clarification round.")}
        )
    if question.status == QuestionStatus.RESOLVED:
        raise FieldErrors({"answer": _("The question is already resolved.")})
    question.answer = _clean_texts({"answer": (answer, _("Write your answer."), MAX_TEXT)})[
        "answer"
    ]
    question.status = QuestionStatus.ANSWERED.value
    question.answered_by_id, question.answered_at = actor.id, utcnow()
    record_submission_event(
        "question",
        "answer_question",
        actor,
        submission,
        to_value=question.subject,
        comment=question.answer,
    )
    db.session.flush()


def resolve_question(submission: Submission, question: Question, actor) -> None:
    submission = lock_submission(submission.id)  # the state now, one writer at a time
    if submission.status != SubmissionStatus.IN_REVIEW:
        raise FieldErrors(
            {"resolve": _("Questions can be resolved only while the submission is in review.")}
        )
    if question.status != QuestionStatus.ANSWERED:
        raise FieldErrors({"resolve": _("Only an answered question can be resolved.")})
    question.status = QuestionStatus.RESOLVED.value
    question.resolved_by_id, question.resolved_at = actor.id, utcnow()
    record_submission_event(
        "question",
        "resolve_question",
        actor,
        submission,
        to_value=question.subject,
    )
    db.session.flush()


def send_back_question(submission: Submission, question: Question, comment: str, actor) -> None:
    """An answer that does not settle the question: back to open, with the reviewer's reason.
    The next clarification round asks the agency again."""
    submission = lock_submission(submission.id)
    if submission.status != SubmissionStatus.IN_REVIEW:
        raise FieldErrors(
            {"send_back": _("A question can be sent back only while the submission is in review.")}
        )
    if question.status != QuestionStatus.ANSWERED:
        raise FieldErrors({"send_back": _("Only an answered question can be sent back.")})
    comment = _clean_texts({"send_back": (comment, _("Say what is still unclear."), MAX_TEXT)})[
        "send_back"
    ]
    question.status = QuestionStatus.OPEN.value
    question.sent_back_comment, question.sent_back_at = comment, utcnow()
    record_submission_event(
        "question",
        "send_back_question",
        actor,
        submission,
        to_value=question.subject,
        comment=comment,
    )
    db.session.flush()
