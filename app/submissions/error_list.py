"""The blocking errors of a submission as a user reads them: which value, what is wrong, and a
link to the field. Shown where a correction made in clarification has broken a rule, so that
neither the agency nor the reviewer sends or approves answers that do not hold together."""

from dataclasses import dataclass

from flask import url_for

from app.cycles.questionnaire_service import items_of, rules_of
from app.submissions.answers import errors_of, field_name
from app.submissions.findings_text import finding_text


@dataclass(frozen=True)
class DescribedError:
    label: str  # the question the error is about
    text: str  # what is wrong
    link: str | None  # the field in its section


def described_errors(submission, locale: str, findings=None) -> list[DescribedError]:
    """`findings`: the submission's errors when the caller has them already."""
    items = items_of(submission.cycle_id)
    section_of = {item.code: item.section for item in items}
    labels = {item.code: item.label(locale) for item in items}
    rule_labels = {rule.code: rule.label(locale) for rule in rules_of(submission.cycle_id)}
    described = []
    for finding in errors_of(submission) if findings is None else findings:
        section = section_of.get(finding.item)
        link = (
            url_for(
                "submissions.section",
                submission_id=submission.id,
                section=section,
                _anchor=field_name(finding.item, finding.period),
            )
            if section
            else None
        )
        described.append(
            DescribedError(
                labels.get(finding.item, finding.item), finding_text(finding, rule_labels), link
            )
        )
    return described
