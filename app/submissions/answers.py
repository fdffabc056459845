"""A submission's answers: reading, parsing, checking and saving them.

Saving stores what is valid and hands back what is not, with the text the user typed, so
nothing typed is lost. A save made on an old version of the submission is refused with the
values that changed meanwhile, and by whom.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from app.audit.operations import record_submission_event
from app.cycles.questionnaire import NUMERIC_KINDS, QuestionnaireItem
from app.cycles.questionnaire_changes import series_breaks
from app.cycles.questionnaire_service import (
    fixed_once_open,
    items_of,
    rules_of,
)
from app.extensions import db
from app.session_memo import memoised
from app.submissions.models import Submission, SubmissionValue, WarningExplanation
from app.submissions.peers import answers_by_submission
from app.submissions.stored import answers_of, values_of
from app.swedish_numbers import NotANumber, parse_swedish_number
from app.timeutil import utcnow
from workflows.answers import (
    OUTCOME,
    Finding,
    ItemSpec,
    RuleSpec,
    check_answers,
    check_value,
)
from workflows.submission import SubmissionStatus

EDITABLE_STATES = frozenset({SubmissionStatus.DRAFT, SubmissionStatus.CLARIFICATION})
MAX_TEXT = 5000


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(text: str) -> str:
    """Pasted text can carry invisible control characters that no file format takes (an
    Excel export would fail on them); line breaks and tabs stay."""
    return _CONTROL.sub("", text)


def field_name(code: str, period: str) -> str:
    return f"{code}--{period}"


def item_spec(item: QuestionnaireItem) -> ItemSpec:
    choices = tuple(c["value"] for c in item.choices) if item.kind == "choice" else ()
    return ItemSpec(
        item.code,
        item.kind,
        item.required,
        item.has_forecast,
        item.min_value,
        item.max_value,
        choices,
    )


@fixed_once_open
def item_specs(cycle_id: int) -> list[ItemSpec]:
    """What the checks need of each question (once per process once the cycle has opened)."""
    return [item_spec(item) for item in items_of(cycle_id)]


@fixed_once_open
def rule_specs(cycle_id: int) -> list[RuleSpec]:
    return [RuleSpec(r.code, r.kind, r.target, tuple(r.operands)) for r in rules_of(cycle_id)]


def stored_values(submission_id: int) -> dict[tuple[str, str], SubmissionValue]:
    """The submission's value rows. Who last changed a value is read only where it is shown
    (a save's conflicts, one query per editor named), not joined to every row: with the
    editor's user, agency and peer group, each of some sixty rows was four objects."""
    rows = db.session.scalars(
        select(SubmissionValue)
        .where(SubmissionValue.submission_id == submission_id)
        .options(lazyload(SubmissionValue.updated_by))
    )
    return {(row.item_code, row.period): row for row in rows}


def parse_input(item: QuestionnaireItem, raw: str, period: str = OUTCOME):
    """(value, None) or (None, the problem); an empty field is (None, None)."""
    text = (raw or "").strip()
    if not text:
        return None, None
    if item.kind in NUMERIC_KINDS:
        try:
            return parse_swedish_number(text), None
        except NotANumber as problem:
            return None, Finding(
                "error", "not_a_number", item.code, period, {"reason": problem.reason}
            )
    if len(text) > MAX_TEXT:
        return None, Finding("error", "too_long", item.code, period, {"max": MAX_TEXT})
    return without_control_characters(text), None


@dataclass
class SaveOutcome:
    errors: dict[str, Finding] = field(default_factory=dict)  # field name → problem
    typed: dict[str, str] = field(default_factory=dict)  # what the user typed, per field
    changed: int = 0
    conflicts: list[SubmissionValue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.conflicts


@dataclass(frozen=True)
class Answer:
    """One field's value, parsed and checked: what storing it needs, and nothing that must be
    read again under the write lock."""

    code: str
    period: str
    numeric: bool
    value: Decimal | str | None


@dataclass
class ParsedSection:
    answers: list[Answer] = field(default_factory=list)
    errors: dict[str, Finding] = field(default_factory=dict)  # field name → problem
    typed: dict[str, str] = field(default_factory=dict)


def parse_section(cycle_id: int, section: str, form) -> ParsedSection:
    """The section's posted fields parsed and checked against the cycle's questions. It
    writes nothing and holds no lock, so a save does it before taking the write lock (a
    questionnaire does not change once its cycle has submissions)."""
    parsed = ParsedSection(typed={k: form.get(k, "") for k in form if "--" in k})
    for item in items_of(cycle_id, section):
        spec = item_spec(item)
        for period in spec.periods:
            name = field_name(item.code, period)
            if name not in form:
                continue
            value, problem = parse_input(item, form[name], period)
            problem = problem or check_value(spec, value, period)
            if problem:
                parsed.errors[name] = problem
            else:
                parsed.answers.append(Answer(item.code, period, item.kind in NUMERIC_KINDS, value))
    return parsed


def save_section(
    submission: Submission,
    section: str,
    form,
    posted_version: int,
    actor,
    reason: str = "",
    parsed: ParsedSection | None = None,
) -> SaveOutcome:
    """Store the section's valid answers; flush, never commit. `parsed` is the form as
    `parse_section` read it, when the caller parsed it before taking the lock."""
    if parsed is None:
        parsed = parse_section(submission.cycle_id, section, form)
    outcome = SaveOutcome(typed=parsed.typed)
    values = stored_values(submission.id)
    if posted_version != submission.version:
        outcome.conflicts = sorted(
            (row for row in values.values() if row.changed_in_version > posted_version),
            key=lambda row: row.item_code,
        )
        if outcome.conflicts:
            return outcome
    outcome.errors = dict(parsed.errors)
    new_version = submission.version + 1
    for answer in parsed.answers:
        row = values.get((answer.code, answer.period))
        if _store(submission, row, answer, new_version, actor, reason):
            outcome.changed += 1
    if outcome.changed:
        # Touching the row makes SQLAlchemy's version counter step to new_version, and fail
        # if another save got there first.
        submission.updated_at = utcnow()
    db.session.flush()
    return outcome


class StaleVersion(Exception):
    pass


def set_values(submission: Submission, values: dict, posted_version: int, actor, reason: str = ""):
    """Set some values at once, all or nothing (the API's PATCH): {"code" or "code:forecast":
    a JSON number, a string for text items, or None to clear}. Returns {key: Finding} and
    stores nothing when any value is wrong; raises StaleVersion on an old version. Flush,
    never commit."""
    if posted_version != submission.version:
        raise StaleVersion(submission.version)
    items = {item.code: item for item in items_of(submission.cycle_id)}
    errors, accepted = {}, []
    for key, raw in values.items():
        code, _sep, period = key.partition(":")
        period = period or OUTCOME
        item = items.get(code)
        if item is None or period not in item_spec(item).periods:
            errors[key] = Finding("error", "unknown_item", code, period, {})
            continue
        value, problem = _from_json(item, raw, period)
        problem = problem or check_value(item_spec(item), value, period)
        if problem:
            errors[key] = problem
        else:
            accepted.append(Answer(item.code, period, item.kind in NUMERIC_KINDS, value))
    if errors:
        return errors
    stored = stored_values(submission.id)
    new_version, changed = submission.version + 1, 0
    for answer in accepted:
        row = stored.get((answer.code, answer.period))
        changed += _store(submission, row, answer, new_version, actor, reason)
    if changed:
        submission.updated_at = utcnow()
    db.session.flush()
    return {}


def _from_json(item: QuestionnaireItem, raw, period: str):
    if raw is None:
        return None, None
    if item.kind in NUMERIC_KINDS:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            return None, Finding("error", "not_a_number", item.code, period, {"reason": "empty"})
        try:
            number = Decimal(str(raw))
        except ArithmeticError:
            number = None
        if number is None or not number.is_finite() or abs(number) >= Decimal("1e16"):
            return None, Finding("error", "above_max", item.code, period, {"max": Decimal("1e15")})
        return number, None
    if not isinstance(raw, str):
        return None, Finding("error", "not_text", item.code, period, {})
    return parse_input(item, raw, period)


def correct_value(submission: Submission, item_code: str, raw: str, actor, reason: str):
    """Correct one outcome value during clarification, the reason recorded with old and new.
    Returns (old, new) as stored texts, None when nothing changed, or a Finding when the value
    is not valid; flush, never commit."""
    item = next((i for i in items_of(submission.cycle_id) if i.code == item_code), None)
    if item is None or submission.status not in EDITABLE_STATES:
        return None
    value, problem = parse_input(item, raw)
    problem = problem or check_value(item_spec(item), value, OUTCOME)
    if problem:
        return problem
    row = stored_values(submission.id).get((item.code, OUTCOME))
    old = _text(row.number, row.text) if row else None
    answer = Answer(item.code, OUTCOME, item.kind in NUMERIC_KINDS, value)
    if not _store(submission, row, answer, submission.version + 1, actor, reason):
        return None
    submission.updated_at = utcnow()  # steps the version, as a section save does
    db.session.flush()
    return old, _text(*((value, None) if item.kind in NUMERIC_KINDS else (None, value)))


def _store(submission, row, answer: Answer, version, actor, reason) -> bool:
    number = answer.value if answer.numeric else None
    text = answer.value if not answer.numeric else None
    old_number, old_text = (row.number, row.text) if row else (None, None)
    if (old_number, old_text or None) == (number, text):
        return False
    if row is None:
        row = SubmissionValue(
            submission_id=submission.id, item_code=answer.code, period=answer.period
        )
        db.session.add(row)
    row.number, row.text = number, text
    row.changed_in_version, row.updated_by_id, row.updated_at = version, actor.id, utcnow()
    if submission.status != SubmissionStatus.DRAFT:
        # Corrections after submission are part of the review record: old → new, and why.
        record_submission_event(
            "value_change",
            f"{answer.code}:{answer.period}",
            actor,
            submission,
            from_value=_text(old_number, old_text),
            to_value=_text(number, text),
            comment=reason,
        )
    return True


def _text(number: Decimal | None, text: str | None) -> str | None:
    # The stored precision (two decimals), whether the number came from the form or the row.
    return str(number.quantize(Decimal("0.01"))) if number is not None else text


def errors_of(submission: Submission, complete: bool = True) -> list[Finding]:
    items = item_specs(submission.cycle_id)
    answers = answers_of(submission.id)
    return check_answers(items, rule_specs(submission.cycle_id), answers, complete)


def blocking_error_count(submission: Submission) -> int:
    return len(errors_of(submission, complete=True))


def submissions_breaking_rules(cycle_id: int, statuses: frozenset[str]) -> list[int]:
    """The ids of the cycle's submissions in these states whose values break a field or
    cross-field rule, checked in three queries whatever their number (for the cycle's approval).
    Completeness is not asked again: submit, answer_clarification and approve have each
    required it, and no step after them can empty an answer."""
    items = item_specs(cycle_id)
    rules = rule_specs(cycle_id)
    ids = list(
        db.session.scalars(
            select(Submission.id).where(
                Submission.cycle_id == cycle_id, Submission.status.in_([str(s) for s in statuses])
            )
        )
    )
    answers = answers_by_submission(ids)
    return [
        submission_id
        for submission_id in ids
        if check_answers(items, rules, answers.get(submission_id, {}), complete=False)
    ]


SECTION_NOT_STARTED, SECTION_IN_PROGRESS = "not_started", "in_progress"
SECTION_COMPLETE, SECTION_HAS_ERRORS = "complete", "has_errors"


def section_statuses(submission: Submission) -> dict[str, str]:
    items = items_of(submission.cycle_id)
    answers = answers_of(submission.id)
    findings = check_answers(
        item_specs(submission.cycle_id), rule_specs(submission.cycle_id), answers, complete=True
    )
    section_of = {item.code: item.section for item in items}
    statuses = {}
    for section in dict.fromkeys(item.section for item in items):
        answered = any(section_of.get(code) == section for code, _period in answers)
        problems = [f for f in findings if section_of.get(f.item) == section]
        if not answered:
            statuses[section] = SECTION_NOT_STARTED
        elif any(f.code != "required" for f in problems):
            statuses[section] = SECTION_HAS_ERRORS
        elif problems:
            statuses[section] = SECTION_IN_PROGRESS
        else:
            statuses[section] = SECTION_COMPLETE
    return statuses


def reason_missing(submission: Submission, reason: str) -> bool:
    """After submission the answers are part of the review record: a correction made in
    clarification needs a reason, whichever way it comes (page, Excel, API)."""
    return submission.status == SubmissionStatus.CLARIFICATION and not (reason or "").strip()


def is_editable(submission: Submission) -> bool:
    return submission.status in EDITABLE_STATES and not submission.cycle.frozen


def warnings_of(submission: Submission) -> list[Finding]:
    """Plausibility warnings: never blocking, each can be explained by the agency."""
    from app.submissions.benefits import benefit_warnings_of
    from app.submissions.comparison import last_year_answers, peer_ranges
    from app.submissions.warnings import value_warnings

    return value_warnings(
        submission.cycle,
        answers_of(submission.id),
        last_year_answers(submission),
        peer_ranges(submission),
    ) + benefit_warnings_of(submission.id)


@memoised
def explanations_of(submission_id: int) -> dict[str, WarningExplanation]:
    rows = db.session.scalars(
        select(WarningExplanation).where(WarningExplanation.submission_id == submission_id)
    )
    return {row.target: row for row in rows}


def save_explanations(submission: Submission, texts: dict[str, str], actor) -> int:
    """Store the agency's explanations of its current warnings; flush, never commit."""
    targets = {warning.target for warning in warnings_of(submission)}
    existing = explanations_of(submission.id)
    changed = 0
    for target, text in texts.items():
        text = (text or "").strip()[:MAX_TEXT]
        row = existing.get(target)
        if target not in targets or (row.text if row else "") == text:
            continue
        if row is None:
            row = WarningExplanation(submission_id=submission.id, target=target, text=text)
            db.session.add(row)
        row.text, row.updated_by_id = text, actor.id
        changed += 1
    db.session.flush()
    return changed


def can_prefill(submission: Submission) -> bool:
    from app.submissions.comparison import last_year_submission_id
    from app.submissions.projects import projects_of

    return (
        submission.status == SubmissionStatus.DRAFT
        and not values_of(submission.id)
        and not projects_of(submission.id)
        and last_year_submission_id(submission) is not None
    )


def prefill_from_last_year(submission: Submission, actor) -> tuple[int, int]:
    """Copy last year's approved answers (for items this cycle still asks as before: an item
    redefined since is a series break, and last year's answer was measured otherwise) and the
    projects still ongoing into an untouched draft. Returns (values, projects) copied."""
    from app.submissions.comparison import last_year_submission_id
    from app.submissions.projects import carry_over_projects

    source = last_year_submission_id(submission)
    if source is None or not can_prefill(submission):
        return 0, 0
    codes = {item.code for item in items_of(submission.cycle_id)}
    codes -= series_breaks(submission.cycle)
    copied = 0
    for (code, period), row in stored_values(source).items():
        if code in codes:
            db.session.add(
                SubmissionValue(
                    submission_id=submission.id,
                    item_code=code,
                    period=period,
                    number=row.number,
                    text=row.text,
                    changed_in_version=submission.version + 1,
                    updated_by_id=actor.id,
                )
            )
            copied += 1
    projects = carry_over_projects(source, submission)
    submission.updated_at = utcnow()
    db.session.flush()
    return copied, projects
