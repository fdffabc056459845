"""The reviewer's comparison of a submission: every value and key figure beside last year's
approved value, the change, and the peer group's median and quartiles in the same cycle.
A fixed number of queries, whatever the number of agencies or questions; the peer group's
statistics are computed once per cycle version (`app.submissions.peers`)."""

from dataclasses import dataclass
from decimal import Decimal

from app.cycles.questionnaire import NUMERIC_KINDS
from app.cycles.questionnaire_changes import series_breaks
from app.cycles.questionnaire_service import items_of, key_figure_specs, key_figure_units
from app.figure_words import difference, number
from app.submissions.answers import explanations_of, warnings_of
from app.submissions.benefits import benefit_labels, benefit_warnings_of
from app.submissions.comparison import last_year_answers
from app.submissions.findings_text import finding_text
from app.submissions.models import Submission
from app.submissions.peers import Spread, peer_statistics
from app.submissions.stored import answers_of
from app.translation import ngettext
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
    unit: str  # as app.figure_words names it: "tkr", "kr", "%", "level", "fte" or ""
    value: Decimal | None
    last_year: Decimal | None
    peer_median: Decimal | None
    peer_q1: Decimal | None
    peer_q3: Decimal | None
    peer_count: int
    warning: str | None = None
    explanation: str | None = None
    series_break: bool = False  # defined otherwise last year: not comparable with it
    locale: str = "sv"  # the reader's language, looked up once for the page's 250 numbers

    # The row's cells as the page writes them, in the reader's language: read as attributes,
    # they spare the template a call through Jinja for each of some 250 numbers.
    @property
    def value_text(self) -> str:
        return number(self.value, self.unit, self.locale)

    @property
    def last_year_text(self) -> str:
        return number(self.last_year, self.unit, self.locale)

    @property
    def change_text(self) -> str:
        return difference(self.value, self.last_year, self.unit)

    @property
    def median_text(self) -> str:
        return number(self.peer_median, self.unit, self.locale)

    @property
    def quartiles_text(self) -> str:
        if self.peer_q1 is None:
            return "–"
        low = number(self.peer_q1, self.unit, self.locale)
        return f"{low}–{number(self.peer_q3, self.unit, self.locale)}"

    @property
    def peer_count_text(self) -> str:
        # Most rows have the same number of peers: written once per number and language.
        key = (self.locale, self.peer_count)
        text = _PEER_COUNTS.get(key)
        if text is None:
            text = ngettext("%(num)d agency", "%(num)d agencies", self.peer_count)
            if len(_PEER_COUNTS) < 10_000:
                _PEER_COUNTS[key] = text
        return text


_PEER_COUNTS: dict[tuple[str, int], str] = {}


# An item's unit by its kind; the change is then said in that unit's terms (levels, points).
UNIT_OF_KIND = {"amount": "tkr", "percent": "%", "level": "level", "fte": "fte", "count": ""}


def compare(submission: Submission, locale: str) -> tuple[list[ComparedValue], list[ComparedValue]]:
    """(the numeric items, the key figures), each compared."""
    answers = answers_of(submission.id)
    last_year = last_year_answers(submission)
    peers = peer_statistics(submission.cycle_id, submission.agency.peer_group_id, COMPARABLE)
    warnings = {w.item: finding_text(w) for w in warnings_of(submission)}
    breaks = series_breaks(submission.cycle)
    explanations = {
        target.split(":")[0]: row.text for target, row in explanations_of(submission.id).items()
    }

    def compared(code, label, unit, value, before, spread: Spread):
        return ComparedValue(
            code,
            label,
            unit,
            value,
            before,
            spread.median,
            spread.q1,
            spread.q3,
            spread.count,
            warnings.get(code),
            explanations.get(code),
            code in breaks,
            locale,
        )

    items = [i for i in items_of(submission.cycle_id) if i.kind in NUMERIC_KINDS]
    rows = [
        compared(
            item.code,
            item.label(locale),
            UNIT_OF_KIND.get(item.kind, ""),
            answers.get((item.code, OUTCOME)),
            last_year.get((item.code, OUTCOME)),
            peers.item(item.code),
        )
        for item in items
    ]
    specs = key_figure_specs(submission.cycle_id)
    figures, before = key_figures(answers, specs), key_figures(last_year, specs)
    figure_rows = [
        compared(code, label, unit, figures[code], before[code], peers.figure(code))
        for code, (label, unit) in key_figure_units(submission.cycle_id).items()
    ]
    return rows, figure_rows


@dataclass
class BenefitWarning:
    item: str  # benefit:ID, what a question about it is raised on
    label: str  # "Project: benefit"
    text: str
    explanation: str | None


def benefit_warnings(submission: Submission) -> list[BenefitWarning]:
    """The plausibility warnings on the submission's benefits, with the agency's explanations:
    beside the values' warnings, since a benefit has no row among the items."""
    labels = benefit_labels(submission.id)
    explanations = explanations_of(submission.id)
    return [
        BenefitWarning(
            finding.item,
            labels[finding.item][0],
            finding_text(finding),
            row.text if (row := explanations.get(finding.target)) else None,
        )
        for finding in benefit_warnings_of(submission.id)
    ]
