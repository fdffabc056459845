"""What the review part shows on the submission page (`app.submissions.pages`), supplied to it
as SUBMISSION_PAGE_REVIEW: the questions the reader may see, by questionnaire section, and
their threads; what a reviewer may ask about; the values as they stand; the conversation."""

from typing import Any

from flask_babel import gettext as _

from app.accounts.models import User
from app.accounts.policies import is_authority_staff
from app.cycles.questionnaire_service import items_of
from app.review.comments import comments_for
from app.review.models import Question
from app.review.questions import (
    current_values,
    question_targets,
    threads_of,
    visible_questions,
)
from app.submissions.labels import section_names
from app.submissions.models import Submission
from workflows.submission import SubmissionStatus


def review_of(submission: Submission, user: User, locale: str) -> dict[str, Any]:
    """The submission page's names for the review's part of it."""
    questions = visible_questions(submission, user)
    return {
        "questions": questions,
        "question_groups": _grouped(submission, questions),
        "threads": threads_of(questions),
        "question_targets": question_targets(submission, locale)
        if submission.status == SubmissionStatus.IN_REVIEW and is_authority_staff(user)
        else [],
        "current_values": current_values(submission.id),
        "comments": comments_for(submission.id, user),
    }


def _grouped(submission: Submission, questions: list[Question]) -> list[tuple[str, list[Question]]]:
    """The questions by questionnaire section, in the questionnaire's order; questions on the
    submission as a whole last."""
    order = [*dict.fromkeys(item.section for item in items_of(submission.cycle_id)), "projects"]
    names = section_names(submission.cycle_id)
    groups = []
    for section in [*order, None]:
        in_section = [q for q in questions if q.section == section]
        if in_section:
            label = names.get(section, section) if section else _("The submission")
            groups.append((str(label), in_section))
    return groups
