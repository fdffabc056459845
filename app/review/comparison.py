"""The reviewer's comparison of a submission: every value and key figure beside last year's
approved value, the change, and the peer group's median and quartiles in the same cycle.
A fixed number of queries, whatever the number of agencies or questions."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from statistics import median, quantiles

from sqlalchemy import select

from app.accounts.models import Agency
from app.cycles.questionnaire import NUMERIC_KINDS
from app.cycles.questionnaire_service import items_of
from app.extensions import db
from app.submissions.answers import as_answers, explanations_of, stored_values, warnings_of
from app.submissions.comparison import answers_by_submission, last_year_answers
from app.submissions.findings_text import KEY_FIGURES, finding_text, key_figure_label
from app.submissions.models import Submission
from workflows.answers import OUTCOME, key_figures
from workflows.submission import SubmissionStatus

# Submissions whose figures count among the peers: handed in, not drafts.
COMPARABLE = (
    SubmissionStatus.SUBMITTED,
    SubmissionStatus.IN_REVIEW,
    SubmissionStatus.CLARIFICATION,
    SubmissionStatus.APPROVED,
)


@dataclass
class ComparedValue:
    code: str
    label: str
    unit: str
    value: Decimal | None
    last_year: Decimal | None
    change: Decimal | None  # in %
    peer_median: Decimal | None
    peer_q1: Decimal | None
    peer_q3: Decimal | None
    peer_count: int
    warning: str | None = None
    explanation: str | None = None


def _change(now, before) -> Decimal | None:
    if now is None or before is None or before == 0:
        return None
    return (now - before) * 100 / abs(before)


def _stats(values: list[Decimal]):
    if len(values) < 2:
        return (values[0] if values else None), None, None
    q1, _, q3 = quantiles(values, n=4, method="inclusive")
    return median(values), q1, q3


def _peer_values(submission: Submission) -> list[dict]:
    peers = list(
        db.session.scalars(
            select(Submission.id)
            .join(Agency, Agency.id == Submission.agency_id)
            .where(
                Submission.cycle_id == submission.cycle_id,
                Agency.peer_group_id == submission.agency.peer_group_id,
                Submission.status.in_([str(s) for s in COMPARABLE]),
            )
        )
    )
    return list(answers_by_submission(peers).values())


def compare(submission: Submission, locale: str) -> tuple[list[ComparedValue], list[ComparedValue]]:
    """(the numeric items, the key figures), each compared."""
    answers = as_answers(stored_values(submission.id))
    last_year = last_year_answers(submission)
    peers = _peer_values(submission)
    warnings = {w.item: finding_text(w) for w in warnings_of(submission)}
    explanations = {
        target.split(":")[0]: row.text for target, row in explanations_of(submission.id).items()
    }

    def compared(code, label, unit, value, before, peer_values):
        middle, q1, q3 = _stats(sorted(peer_values))
        return ComparedValue(
            code,
            label,
            unit,
            value,
            before,
            _change(value, before),
            middle,
            q1,
            q3,
            len(peer_values),
            warnings.get(code),
            explanations.get(code),
        )

    items = [i for i in items_of(submission.cycle_id) if i.kind in NUMERIC_KINDS]
    by_code = defaultdict(list)
    for peer in peers:
        for (code, period), value in peer.items():
            if period == OUTCOME and isinstance(value, Decimal):
                by_code[code].append(value)
    rows = [
        compared(
            item.code,
            item.label(locale),
            "tkr" if item.kind == "amount" else "",
            answers.get((item.code, OUTCOME)),
            last_year.get((item.code, OUTCOME)),
            by_code[item.code],
        )
        for item in items
    ]

    figures, before = key_figures(answers), key_figures(last_year)
    peer_figures = defaultdict(list)
    for peer in peers:
        for code, value in key_figures(peer).items():
            if value is not None:
                peer_figures[code].append(value)
    figure_rows = [
        compared(
            code,
            key_figure_label(code),
            KEY_FIGURES[code][1],
            figures[code],
            before[code],
            peer_figures[code],
        )
        for code in KEY_FIGURES
    ]
    return rows, figure_rows
