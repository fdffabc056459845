"""The reviewers' view of questions across submissions: the list, its CSV export and the
resolution figures. Each is a fixed number of queries, whatever the number of agencies."""

import csv
import io
import re
import statistics
from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from app.accounts.models import Agency
from app.cycles.models import Cycle
from app.extensions import db
from app.review.models import Question, QuestionEntry, QuestionStatus, QuestionStep
from app.submissions.models import Submission
from app.timeutil import utcnow
from workflows.question import UNSETTLED

# Control characters would hide a formula's first character from the check below.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
UNRESOLVED = "unresolved"
STATUS_CHOICES = (
    UNRESOLVED,
    *(status.value for status in QuestionStatus if status != QuestionStatus.NEW),
)


@dataclass
class QuestionFilter:
    cycle_year: int | None = None
    status: str | None = UNRESOLVED  # None: every question
    reviewer_id: int | None = None
    peer_group_id: int | None = None


def _filtered(statement, filters: QuestionFilter, with_status: bool = True):
    if filters.cycle_year:
        statement = statement.where(Cycle.year == filters.cycle_year)
    if filters.reviewer_id:
        statement = statement.where(Submission.reviewer_id == filters.reviewer_id)
    if filters.peer_group_id:
        statement = statement.where(Agency.peer_group_id == filters.peer_group_id)
    if with_status and filters.status == UNRESOLVED:
        statement = statement.where(Question.status.in_([str(s) for s in UNSETTLED]))
    elif with_status and filters.status:
        statement = statement.where(Question.status == filters.status)
    return statement


def questions_across(filters: QuestionFilter):
    """A select of questions with their submission, agency and cycle, open longest first."""
    statement = (
        select(Question)
        .join(Question.submission)
        .join(Submission.cycle)
        .join(Submission.agency)
        .options(contains_eager(Question.submission))
        .order_by(Question.raised_at, Question.id)
    )
    return _filtered(statement, filters)


def days_open(question: Question, now: datetime | None = None) -> int:
    """Whole days from raised to resolved, or to now while unresolved."""
    end = question.resolved_at or now or utcnow()
    return (end - question.raised_at).days


@dataclass(frozen=True)
class ResolutionFigures:
    open: int
    answered: int
    resolved: int
    median_days_to_resolve: float | None
    rounds: int
    submissions_with_rounds: int
    questions_sent: int

    @property
    def questions_per_round(self) -> float | None:
        return self.questions_sent / self.rounds if self.rounds else None

    @property
    def rounds_per_submission(self) -> float | None:
        if not self.submissions_with_rounds:
            return None
        return self.rounds / self.submissions_with_rounds


def _joined(statement):
    return statement.join(Submission.cycle).join(Submission.agency)


def resolution_figures(filters: QuestionFilter) -> ResolutionFigures:
    """How clarification goes under the filters (the question status filter aside)."""
    counts = dict(
        db.session.execute(
            _filtered(
                _joined(
                    select(Question.status, func.count())
                    .join(Question.submission)
                    .group_by(Question.status)
                ),
                filters,
                with_status=False,
            )
        ).all()
    )
    spans = db.session.execute(
        _filtered(
            _joined(
                select(Question.raised_at, Question.resolved_at)
                .join(Question.submission)
                .where(Question.status == QuestionStatus.RESOLVED)
            ),
            filters,
            with_status=False,
        )
    ).all()
    rounds, with_rounds = db.session.execute(
        _filtered(
            _joined(
                select(
                    func.coalesce(func.sum(Submission.clarification_rounds), 0),
                    func.count(Submission.id).filter(Submission.clarification_rounds > 0),
                )
            ),
            filters,
            with_status=False,
        )
    ).one()
    sent = db.session.scalar(
        _filtered(
            _joined(
                select(func.count(QuestionEntry.id))
                .join(Question, QuestionEntry.question_id == Question.id)
                .join(Question.submission)
                .where(QuestionEntry.step == QuestionStep.SENT)
            ),
            filters,
            with_status=False,
        )
    )
    days = [(resolved - raised).total_seconds() / 86400 for raised, resolved in spans]
    return ResolutionFigures(
        open=counts.get(QuestionStatus.OPEN, 0),
        answered=counts.get(QuestionStatus.ANSWERED, 0),
        resolved=counts.get(QuestionStatus.RESOLVED, 0),
        median_days_to_resolve=statistics.median(days) if days else None,
        rounds=rounds,
        submissions_with_rounds=with_rounds,
        questions_sent=sent,
    )


def _cell(value) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ would start a formula there
    (CSV injection), so such a cell gets a leading apostrophe."""
    text = _CONTROL.sub("", "" if value is None else str(value))
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t") else text


def questions_csv(filters: QuestionFilter, status_label, section_label) -> str:
    """Every question under the filters, for Swedish Excel: UTF-8 with BOM, semicolons."""
    now = utcnow()
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Cycle"),
            _("Agency"),
            _("Organisation number"),
            _("Section"),
            _("About"),
            _("Item code"),
            _("Status"),
            _("Raised"),
            _("Days open"),
            _("Rounds"),
            _("Question"),
            _("Latest answer"),
            _("Answered"),
            _("Resolved"),
            _("Reviewer"),
        ]
    )
    for question in db.session.scalars(questions_across(filters)):
        submission = question.submission
        writer.writerow(
            [
                _cell(value)
                for value in (
                    submission.cycle.year,
                    submission.agency.name,
                    submission.agency.org_number,
                    section_label(question.section, submission.cycle_id),
                    question.subject,
                    question.item_code,
                    status_label(question.status),
                    _iso(question.raised_at),
                    days_open(question, now),
                    question.rounds_sent,
                    question.text,
                    question.answer,
                    _iso(question.answered_at),
                    _iso(question.resolved_at),
                    submission.reviewer.name if submission.reviewer else "",
                )
            ]
        )
    return out.getvalue()


def _iso(moment: datetime | None) -> str:
    # Stored as naive UTC; written in Stockholm time, as the pages show it.
    return format_datetime(moment, "yyyy-MM-dd HH:mm") if moment else ""
