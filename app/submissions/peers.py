"""The statistics of a peer group in a cycle — per numeric item (the outcome) and per key
figure: count, median, quartiles and the 5th–95th percentile — computed once per cycle, peer
group and set of states, and kept until the cycle's data changes (`app.caching`). The
reviewers' comparison and the plausibility warnings read them instead of every peer's rows."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from statistics import median, quantiles

from sqlalchemy import bindparam, select

from app.accounts.models import Agency
from app.caching import cache
from app.cycles.questionnaire_service import key_figure_specs
from app.database import read_columns
from app.extensions import db
from app.submissions.models import Submission, SubmissionValue
from app.submissions.versions import cycle_version
from workflows.answers import OUTCOME, Answers, key_figures


@dataclass(frozen=True)
class Spread:
    count: int
    median: Decimal | None
    q1: Decimal | None
    q3: Decimal | None
    p5: Decimal | None  # the 5th and 95th percentile, from five values up
    p95: Decimal | None

    @classmethod
    def of(cls, values: list[Decimal]) -> "Spread":
        values = sorted(values)
        if len(values) < 2:
            only = values[0] if values else None
            return cls(len(values), only, None, None, None, None)
        q1, _, q3 = quantiles(values, n=4, method="inclusive")
        p5 = p95 = None
        if len(values) >= 5:
            cuts = quantiles(values, n=20, method="inclusive")
            p5, p95 = cuts[0], cuts[-1]
        return cls(len(values), median(values), q1, q3, p5, p95)


EMPTY = Spread(0, None, None, None, None, None)


@dataclass(frozen=True)
class PeerStatistics:
    items: dict[str, Spread]  # numeric item code → spread of the outcome
    figures: dict[str, Spread]  # key figure code → spread

    def item(self, code: str) -> Spread:
        return self.items.get(code, EMPTY)

    def figure(self, code: str) -> Spread:
        return self.figures.get(code, EMPTY)


_VALUES_OF_SUBMISSIONS = select(
    SubmissionValue.submission_id,
    SubmissionValue.item_code,
    SubmissionValue.period,
    SubmissionValue.number,
    SubmissionValue.text,
).where(SubmissionValue.submission_id.in_(bindparam("ids", expanding=True)))


def answers_by_submission(submission_ids: list[int]) -> dict[int, Answers]:
    """The answers of the submissions, reading only the columns they are made of."""
    answers: dict[int, Answers] = defaultdict(dict)
    if not submission_ids:
        return answers
    rows = read_columns(db.session, _VALUES_OF_SUBMISSIONS, {"ids": list(submission_ids)})
    for submission_id, code, period, number, text in rows:
        if number is not None or text:  # as `stored.as_answers` reads a stored row
            answers[submission_id][(code, period)] = number if number is not None else text
    return answers


def peer_statistics(cycle_id: int, peer_group_id: int, statuses: tuple) -> PeerStatistics:
    key = ("peer_statistics", cycle_id, peer_group_id, tuple(str(s) for s in statuses))
    return cache().get(
        key,
        cycle_version(cycle_id, statuses, peer_group_id),
        lambda: _compute(cycle_id, peer_group_id, statuses),
    )


def _compute(cycle_id: int, peer_group_id: int, statuses: tuple) -> PeerStatistics:
    peer_ids = list(
        db.session.scalars(
            select(Submission.id)
            .join(Agency, Agency.id == Submission.agency_id)
            .where(
                Submission.cycle_id == cycle_id,
                Agency.peer_group_id == peer_group_id,
                Submission.status.in_([str(s) for s in statuses]),
            )
        )
    )
    items: dict[str, list[Decimal]] = defaultdict(list)
    figures: dict[str, list[Decimal]] = defaultdict(list)
    specs = key_figure_specs(cycle_id)
    for answers in answers_by_submission(peer_ids).values():
        for (code, period), value in answers.items():
            if period == OUTCOME and isinstance(value, Decimal):
                items[code].append(value)
        for code, value in key_figures(answers, specs).items():
            if value is not None:
                figures[code].append(value)
    return PeerStatistics(
        {code: Spread.of(values) for code, values in items.items()},
        {code: Spread.of(values) for code, values in figures.items()},
    )
