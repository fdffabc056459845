"""Last year's approved answers and the peer group's range, for comparison and plausibility.
A fixed number of queries, whatever the number of agencies."""

from collections import defaultdict
from decimal import Decimal
from statistics import quantiles

from sqlalchemy import select

from app.accounts.models import Agency
from app.cycles.models import Cycle
from app.extensions import db
from app.submissions.models import Submission, SubmissionValue
from workflows.answers import Answers, key_figures
from workflows.submission import SubmissionStatus


def previous_cycle(cycle: Cycle) -> Cycle | None:
    return db.session.scalar(
        select(Cycle).where(Cycle.year < cycle.year).order_by(Cycle.year.desc()).limit(1)
    )


def answers_by_submission(submission_ids: list[int]) -> dict[int, Answers]:
    answers: dict[int, Answers] = defaultdict(dict)
    if not submission_ids:
        return answers
    rows = db.session.scalars(
        select(SubmissionValue).where(SubmissionValue.submission_id.in_(submission_ids))
    )
    for row in rows:
        value = row.number if row.number is not None else row.text
        if value is not None:
            answers[row.submission_id][(row.item_code, row.period)] = value
    return answers


def last_year_submission_id(submission: Submission) -> int | None:
    """The agency's approved submission of the previous cycle, if any."""
    previous = previous_cycle(submission.cycle)
    if previous is None:
        return None
    return db.session.scalar(
        select(Submission.id).where(
            Submission.cycle_id == previous.id,
            Submission.agency_id == submission.agency_id,
            Submission.status == SubmissionStatus.APPROVED,
        )
    )


def last_year_answers(submission: Submission) -> Answers:
    last = last_year_submission_id(submission)
    return answers_by_submission([last])[last] if last else {}


def peer_ranges(submission: Submission) -> dict[str, tuple[Decimal, Decimal]]:
    """Per key figure, the 5th and 95th percentile among last year's approved submissions of
    the agency's peer group (at least five agencies, or no range)."""
    previous = previous_cycle(submission.cycle)
    if previous is None:
        return {}
    peer_ids = list(
        db.session.scalars(
            select(Submission.id)
            .join(Agency, Agency.id == Submission.agency_id)
            .where(
                Submission.cycle_id == previous.id,
                Submission.status == SubmissionStatus.APPROVED,
                Agency.peer_group_id == submission.agency.peer_group_id,
            )
        )
    )
    figures: dict[str, list[Decimal]] = defaultdict(list)
    for answers in answers_by_submission(peer_ids).values():
        for code, value in key_figures(answers).items():
            if value is not None:
                figures[code].append(value)
    ranges = {}
    for code, values in figures.items():
        if len(values) >= 5:
            cuts = quantiles(values, n=20, method="inclusive")
            ranges[code] = (cuts[0], cuts[-1])
    return ranges
