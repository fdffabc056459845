"""What the review part does when something happens below it (app/effects.py), and the facts
about questions it supplies to the parts below: a clarification round carries the open
questions, a removed project or benefit leaves its questions in the record, and a
submission's guards count its questions."""

from sqlalchemy import update

from app.effects import (
    BENEFIT_REMOVED,
    CLARIFICATION_REQUESTED,
    PROJECT_REMOVED,
    QUESTION_COUNTS,
    SUBMISSION_PAGE_REVIEW,
    subscribe,
    supplies,
)
from app.extensions import db
from app.review.models import Question
from app.review.questions import question_counts, send_open_questions
from app.review.submission_page import review_of

supplies(QUESTION_COUNTS)(question_counts)
supplies(SUBMISSION_PAGE_REVIEW)(review_of)
subscribe(CLARIFICATION_REQUESTED)(send_open_questions)


@subscribe(PROJECT_REMOVED)
def detach_project_questions(project_id: int) -> None:
    """Questions asked about the project stay, under its name, in the review record."""
    db.session.execute(
        update(Question)
        .where(Question.project_id == project_id)
        .values(project_id=None, benefit_id=None)
    )


@subscribe(BENEFIT_REMOVED)
def detach_benefit_questions(benefit_id: int) -> None:
    """Questions asked about a removed benefit stay, under its name, in the review record."""
    db.session.execute(
        update(Question).where(Question.benefit_id == benefit_id).values(benefit_id=None)
    )
