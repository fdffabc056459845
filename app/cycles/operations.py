"""Creating cycles, choosing participants and moving a cycle along its workflow.
Operations flush, never commit."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from app.accounts.models import Agency
from app.audit.operations import record_event
from app.cycles.models import Cycle, CycleParticipant
from app.cycles.questionnaire_service import load_questionnaire
from app.database import begin_write, lock_row
from app.effects import CYCLE_TRANSITION, INVALID_AGENCIES, UNSETTLED_AGENCIES, announce, ask
from app.errors import FieldErrors
from app.extensions import db
from app.timeutil import utcnow
from workflows.calendar import parse_days
from workflows.cycle import CYCLE_WORKFLOW, CycleFacts, CycleStatus
from workflows.rules import Refusal


class CycleTransitionRefused(Exception):
    def __init__(self, refusal: Refusal):
        super().__init__(refusal.code)
        self.refusal = refusal


@dataclass
class CycleData:
    year: int
    title: str
    opens_on: date
    submission_deadline: date
    review_deadline: date
    clarification_response_days: int = 10  # working days the agency has to answer a round
    # The reminder plan (see app/notifications/reminders.py).
    reminder_days_before: str = "14,7,1"
    overdue_every_days: int = 7
    overdue_reminders_max: int = 3
    escalate_after_days: int = 14
    title_en: str | None = None  # none: English pages show the Swedish title


EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def _check_dates(data: CycleData) -> None:
    errors = {}
    if not " ".join((data.title or "").split()):
        errors["title"] = _("Enter a title.")
    for name in ("opens_on", "submission_deadline", "review_deadline"):
        if not EARLIEST <= getattr(data, name) <= LATEST:
            errors[name] = _("Enter a date between 2000 and 2100.")
    if errors:
        raise FieldErrors(errors)
    if (data.review_deadline - data.opens_on).days > 3 * 366:
        errors["review_deadline"] = _("A cycle lasts at most three years from its opening.")
    if data.submission_deadline < data.opens_on:
        errors["submission_deadline"] = _("The submission deadline must come after the opening.")
    if data.review_deadline < data.submission_deadline:
        errors["review_deadline"] = _(
            "The review deadline must come after the submission deadline."
        )
    if errors:
        raise FieldErrors(errors)


def _english_title(data: CycleData) -> str | None:
    return " ".join((data.title_en or "").split()) or None


def _apply_plan(cycle: Cycle, data: CycleData) -> None:
    cycle.clarification_response_days = data.clarification_response_days
    cycle.reminder_days_before = ",".join(map(str, parse_days(data.reminder_days_before)))
    cycle.overdue_every_days = data.overdue_every_days
    cycle.overdue_reminders_max = data.overdue_reminders_max
    cycle.escalate_after_days = data.escalate_after_days


def create_cycle(
    data: CycleData,
    actor,
    participant_ids: list[int] | None = None,
    copy_from_year: int | None = None,
) -> Cycle:
    """A planned cycle; participants are the given agencies, those of the copied cycle, or
    every active agency."""
    if db.session.scalar(select(Cycle.id).where(Cycle.year == data.year)) is not None:
        raise FieldErrors({"year": _("There is already a cycle for %(year)d.", year=data.year)})
    _check_dates(data)
    cycle = Cycle(
        year=data.year,
        title=data.title.strip(),
        title_en=_english_title(data),
        opens_on=data.opens_on,
        submission_deadline=data.submission_deadline,
        review_deadline=data.review_deadline,
        status=CycleStatus.PLANNED.value,
    )
    _apply_plan(cycle, data)
    db.session.add(cycle)
    db.session.flush()
    load_questionnaire(cycle, _questionnaire_source(cycle, copy_from_year))
    if participant_ids is None:
        participant_ids = _default_participants(copy_from_year)
    set_participants(cycle, participant_ids)
    record_event(
        "cycle",
        "create_cycle",
        actor,
        cycle_id=cycle.id,
        to_value=str(cycle.year),
        comment=f"copy of {copy_from_year}" if copy_from_year else None,
    )
    return cycle


def _questionnaire_source(cycle: Cycle, copy_from_year: int | None) -> Cycle | None:
    """The cycle to copy: the one named, or else the latest before this one."""
    statement = select(Cycle).where(Cycle.id != cycle.id)
    if copy_from_year is not None:
        statement = statement.where(Cycle.year == copy_from_year)
    return db.session.scalar(statement.order_by(Cycle.year.desc()).limit(1))


def _default_participants(copy_from_year: int | None) -> list[int]:
    if copy_from_year is None:
        return list(db.session.scalars(select(Agency.id).where(Agency.active)))
    source = db.session.scalar(select(Cycle).where(Cycle.year == copy_from_year))
    if source is None:
        raise FieldErrors(
            {"copy_from": _("There is no cycle for %(year)d to copy.", year=copy_from_year)}
        )
    return list(
        db.session.scalars(
            select(CycleParticipant.agency_id)
            .join(Agency, Agency.id == CycleParticipant.agency_id)
            .where(CycleParticipant.cycle_id == source.id, Agency.active)
        )
    )


def update_cycle(cycle: Cycle, data: CycleData, actor) -> None:
    lock_row(db.session, cycle)
    if cycle.frozen:
        raise FieldErrors(
            {"year": _("The cycle is approved and frozen: nothing in it can change.")}
        )
    _check_dates(data)
    cycle.title = data.title.strip()
    cycle.title_en = _english_title(data)
    cycle.opens_on, cycle.submission_deadline = data.opens_on, data.submission_deadline
    cycle.review_deadline = data.review_deadline
    _apply_plan(cycle, data)
    record_event("cycle", "update_cycle", actor, cycle_id=cycle.id)
    db.session.flush()


def set_participants(cycle: Cycle, agency_ids: list[int]) -> None:
    lock_row(db.session, cycle)  # the status now, not as the page read it
    if cycle.status != CycleStatus.PLANNED:
        raise FieldErrors(
            {"participants": _("Participants can be changed only while the cycle is planned.")}
        )
    db.session.execute(delete(CycleParticipant).where(CycleParticipant.cycle_id == cycle.id))
    known = set(db.session.scalars(select(Agency.id).where(Agency.id.in_(agency_ids))))
    db.session.add_all(
        CycleParticipant(cycle_id=cycle.id, agency_id=agency_id) for agency_id in sorted(known)
    )
    db.session.flush()


def participant_count(cycle: Cycle) -> int:
    """How many agencies take part, counted by the database (the cycle page and every guard
    ask; reading 340 ids to count them grew with the agencies)."""
    return db.session.scalar(select(func.count()).where(CycleParticipant.cycle_id == cycle.id)) or 0


def participant_ids(cycle: Cycle) -> list[int]:
    return list(
        db.session.scalars(
            select(CycleParticipant.agency_id).where(CycleParticipant.cycle_id == cycle.id)
        )
    )


def cycle_facts(cycle: Cycle, actor, reason: str = "", trigger: str = "") -> CycleFacts:
    """The facts the cycle's guards need. Every approved submission is re-checked against the
    rules only when the cycle is about to be approved: that reads every value of the cycle,
    which no page view should do."""
    unsettled_count, unsettled_named = ask(UNSETTLED_AGENCIES, cycle=cycle)
    return CycleFacts(
        actor_role=actor.role,
        participant_count=participant_count(cycle),
        unsettled_agencies=unsettled_named,
        unsettled_count=unsettled_count,
        invalid_agencies=ask(INVALID_AGENCIES, cycle=cycle) if trigger == "approve" else (),
        reason=reason,
    )


def fire_cycle_transition(year: int, trigger: str, actor, reason: str = "") -> Cycle:
    begin_write(db.session)
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == year).with_for_update())
    if cycle is None:
        raise LookupError(year)
    db.session.refresh(cycle)
    facts = cycle_facts(cycle, actor, reason, trigger)
    refusal = CYCLE_WORKFLOW.check(trigger, cycle.status, facts)
    if refusal is not None:
        raise CycleTransitionRefused(refusal)
    before = cycle.status
    cycle.status = CYCLE_WORKFLOW.fire(trigger, before)
    _stamp(cycle, trigger)
    # Opening writes the drafts and invitations, approval freezes the dataset, publication
    # writes the open data: the parts above do it, in this transaction (app/effects.py).
    announce(CYCLE_TRANSITION, cycle=cycle, trigger=trigger, actor=actor)
    record_event(
        "cycle_transition",
        trigger,
        actor,
        cycle_id=cycle.id,
        from_value=before,
        to_value=cycle.status,
        comment=reason,
    )
    db.session.flush()
    return cycle


_STAMPS = {"open": "opened", "close": "closed", "approve": "approved", "publish": "published"}


def _stamp(cycle: Cycle, trigger: str) -> None:
    if trigger == "reopen":
        cycle.closed_at = None  # open again: the reopening and its reason are in the audit trail
    else:
        setattr(cycle, f"{_STAMPS[trigger]}_at", utcnow())
