"""The plausibility warnings of submissions (`answers.warnings_of` for one): the checks of
the values against last year and the peer group's range, and for a list of submissions all
of them in one pass."""

from dataclasses import replace
from decimal import Decimal

from flask import current_app

from app.cycles.models import Cycle
from app.cycles.questionnaire_changes import series_breaks
from app.cycles.questionnaire_service import key_figure_specs, key_figures_of
from app.submissions.answers import item_specs, rule_specs
from app.submissions.benefits import benefit_warnings_by_submission
from app.submissions.comparison import group_ranges, last_year_answers_of
from app.submissions.models import Submission
from app.submissions.peers import answers_by_submission
from workflows.answers import Answers, Finding, change_thresholds, key_figures, plausibility


def warnings_by_submission(submissions: list[Submission]) -> dict[int, list[Finding]]:
    """`warnings_of` each submission of one cycle, for a list: a fixed number of queries
    whatever the number of submissions (their answers, last year's, their projects and
    benefits, each read once for all)."""
    if not submissions:
        return {}
    cycle = submissions[0].cycle
    answers = answers_by_submission([s.id for s in submissions])
    last_years = last_year_answers_of(submissions)
    groups = {s.agency.peer_group_id for s in submissions}
    ranges = {group: group_ranges(cycle, group) for group in groups}
    benefits = benefit_warnings_by_submission([s.id for s in submissions])
    return {
        s.id: value_warnings(
            cycle,
            answers.get(s.id, {}),
            last_years.get(s.id, {}),
            ranges[s.agency.peer_group_id],
        )
        + benefits.get(s.id, [])
        for s in submissions
    }


def value_warnings(
    cycle: Cycle, answers: Answers, last_year: Answers, ranges: dict
) -> list[Finding]:
    """The checks of one submission's values against last year's and the peer group's 5th–95th
    percentile (`ranges`), each key figure's range written in its unit."""
    items = item_specs(cycle.id)
    threshold = Decimal(str(current_app.config["PLAUSIBILITY_CHANGE_THRESHOLD"]))
    units = {f.code: f.unit for f in key_figures_of(cycle.id)}
    findings = plausibility(
        items,
        answers,
        last_year,
        key_figures(answers, key_figure_specs(cycle.id)),
        ranges,
        threshold,
        change_thresholds(rule_specs(cycle.id)),
        series_breaks(cycle),
    )
    # A key figure's range is written in its unit, which only the questionnaire knows.
    return [
        replace(f, params={**f.params, "unit": units[f.item]}) if f.item in units else f
        for f in findings
    ]
