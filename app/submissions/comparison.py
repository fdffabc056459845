"""Last year's approved answers and the peer group's range, for comparison and plausibility.
A fixed number of queries, whatever the number of agencies; the range is computed once per
cycle and peer group (`app.submissions.peers`)."""

from decimal import Decimal

from sqlalchemy import bindparam, select

from app.cycles.models import Cycle
from app.cycles.questionnaire_changes import cycle_before
from app.database import read_columns
from app.extensions import db
from app.session_memo import memoised
from app.submissions.models import Submission
from app.submissions.peers import answers_by_submission, peer_statistics
from workflows.answers import Answers
from workflows.submission import SubmissionStatus


def previous_cycle(cycle: Cycle) -> Cycle | None:
    return cycle_before(cycle.year)  # one read per request, shared with the questionnaire's


def last_year_submission_id(submission: Submission) -> int | None:
    """The agency's approved submission of the previous cycle, if any."""
    previous = previous_cycle(submission.cycle)
    if previous is None:
        return None
    return _approved_submission_id(previous.id, submission.agency_id)


_APPROVED_ID = select(Submission.id).where(
    Submission.cycle_id == bindparam("cycle_id"),
    Submission.agency_id == bindparam("agency_id"),
    Submission.status == SubmissionStatus.APPROVED,
)


@memoised
def _approved_submission_id(cycle_id: int, agency_id: int) -> int | None:
    parameters = {"cycle_id": cycle_id, "agency_id": agency_id}
    return read_columns(db.session, _APPROVED_ID, parameters).scalar()


def last_year_answers(submission: Submission) -> Answers:
    last = last_year_submission_id(submission)
    return _answers_of(last) if last else {}


@memoised
def _answers_of(submission_id: int) -> Answers:
    return answers_by_submission([submission_id])[submission_id]


def last_year_answers_of(submissions: list[Submission]) -> dict[int, Answers]:
    """`last_year_answers` of each submission of one cycle, for a list: two queries."""
    if not submissions:
        return {}
    previous = previous_cycle(submissions[0].cycle)
    if previous is None:
        return {}
    last = dict(
        db.session.execute(
            select(Submission.agency_id, Submission.id).where(
                Submission.cycle_id == previous.id,
                Submission.agency_id.in_({s.agency_id for s in submissions}),
                Submission.status == SubmissionStatus.APPROVED,
            )
        ).all()
    )
    answers = answers_by_submission(list(last.values()))
    return {s.id: answers.get(last[s.agency_id], {}) for s in submissions if s.agency_id in last}


def peer_ranges(submission: Submission) -> dict[str, tuple[Decimal, Decimal]]:
    """Per key figure, the 5th and 95th percentile among last year's approved submissions of
    the agency's peer group (at least five agencies, or no range)."""
    return group_ranges(submission.cycle, submission.agency.peer_group_id)


def group_ranges(cycle: Cycle, peer_group_id: int) -> dict[str, tuple[Decimal, Decimal]]:
    previous = previous_cycle(cycle)
    if previous is None:
        return {}
    statistics = peer_statistics(previous.id, peer_group_id, (SubmissionStatus.APPROVED,))
    return {
        code: (spread.p5, spread.p95)
        for code, spread in statistics.figures.items()
        if spread.p5 is not None
    }
