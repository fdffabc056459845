"""Changes to a cycle's consultation, each through the workflow's table: open, comment,
withdraw a comment, close, answer, decide, record. Flush, never commit; a refusal raises
before anything is written."""

from datetime import date

from sqlalchemy import func, select

from app.accounts.models import Agency
from app.audit.operations import record_event
from app.consultation.models import (
    GENERAL,
    Consultation,
    ConsultationComment,
    ConsultationDecision,
)
from app.cycles.models import Cycle, CycleParticipant
from app.cycles.questionnaire_service import items_of
from app.database import lock_row
from app.effects import CONSULTATION_OPENED, announce
from app.errors import FieldErrors
from app.extensions import db
from app.timeutil import today_in_stockholm, utcnow
from workflows.consultation import (
    CONSULTATION_WORKFLOW,
    ConsultationFacts,
    ConsultationStatus,
    Outcome,
)
from workflows.rules import Refusal

TEXT_LIMIT = 5000


class ConsultationRefused(Exception):
    def __init__(self, trigger: str, refusal: Refusal):
        super().__init__(f"{trigger}: {refusal.code}")
        self.trigger, self.refusal = trigger, refusal


def consultation_of(cycle: Cycle) -> Consultation | None:
    return db.session.scalar(select(Consultation).where(Consultation.cycle_id == cycle.id))


def consulted_agency_ids(cycle: Cycle) -> list[int]:
    """The cycle's participants; while a planned cycle has none chosen yet, every active
    agency (they are the ones who will be asked)."""
    chosen = list(
        db.session.scalars(
            select(CycleParticipant.agency_id).where(CycleParticipant.cycle_id == cycle.id)
        )
    )
    if chosen:
        return chosen
    return list(db.session.scalars(select(Agency.id).where(Agency.active.is_(True))))


def _fire(trigger: str, cycle: Cycle, state: str, actor, **facts) -> str:
    checked = ConsultationFacts(
        actor_role=actor.role, cycle_status=cycle.status, today=today_in_stockholm(), **facts
    )
    refusal = CONSULTATION_WORKFLOW.check(trigger, state, checked)
    if refusal is not None:
        raise ConsultationRefused(trigger, refusal)
    return CONSULTATION_WORKFLOW.fire(trigger, state)


def _text(text: str | None, field: str = "text") -> str:
    text = (text or "").strip()
    if len(text) > TEXT_LIMIT:
        raise FieldErrors({field: f"≤ {TEXT_LIMIT}"})
    return text


def _locked(cycle: Cycle) -> Consultation | None:
    """The cycle row locked (its status decides), then its consultation read afresh."""
    lock_row(db.session, cycle)
    return consultation_of(cycle)


def open_consultation(cycle: Cycle, actor, deadline: date | None, intro_sv="", intro_en=""):
    existing = _locked(cycle)
    state = existing.status if existing else ConsultationStatus.NEW
    status = _fire("open", cycle, state, actor, deadline=deadline)
    assert deadline is not None  # the guard refuses a missing deadline
    consultation = Consultation(
        cycle_id=cycle.id,
        status=status,
        deadline=deadline,
        intro_sv=_text(intro_sv, "intro_sv"),
        intro_en=_text(intro_en, "intro_en"),
        opened_at=utcnow(),
        opened_by_id=actor.id,
    )
    db.session.add(consultation)
    db.session.flush()
    record_event("consultation", "open", actor, cycle_id=cycle.id, to_value=deadline.isoformat())
    announce(
        CONSULTATION_OPENED,
        cycle=cycle,
        consultation=consultation,
        agency_ids=consulted_agency_ids(cycle),
    )
    return consultation


def _item_codes(cycle: Cycle) -> set[str]:
    return {item.code for item in items_of(cycle.id)}


def add_comment(cycle: Cycle, actor, item_code: str, text: str) -> ConsultationComment:
    consultation = _current(cycle)
    text = _text(text)
    _fire("comment", cycle, consultation.status, actor, deadline=consultation.deadline, reason=text)
    if item_code != GENERAL and item_code not in _item_codes(cycle):
        raise FieldErrors({"item_code": "unknown"})
    comment = ConsultationComment(
        cycle_id=cycle.id,
        agency_id=actor.agency_id,
        author_id=actor.id,
        item_code=item_code,
        text=text,
        created_at=utcnow(),
    )
    db.session.add(comment)
    db.session.flush()
    record_event(
        "consultation",
        "comment",
        actor,
        cycle_id=cycle.id,
        agency_id=actor.agency_id,
        to_value=item_code or "general",
    )
    return comment


def withdraw_comment(cycle: Cycle, actor, comment: ConsultationComment) -> None:
    consultation = _current(cycle)
    _fire("withdraw_comment", cycle, consultation.status, actor, deadline=consultation.deadline)
    if comment.answer:
        raise ConsultationRefused("withdraw_comment", Refusal("answered"))
    item_code = comment.item_code
    db.session.delete(comment)
    db.session.flush()
    record_event(
        "consultation",
        "withdraw_comment",
        actor,
        cycle_id=cycle.id,
        agency_id=actor.agency_id,
        to_value=item_code or "general",
    )


def close_consultation(cycle: Cycle, actor) -> None:
    consultation = _current(cycle)
    consultation.status = _fire("close", cycle, consultation.status, actor)
    consultation.closed_at = utcnow()
    record_event("consultation", "close", actor, cycle_id=cycle.id)
    db.session.flush()


def answer_comment(cycle: Cycle, actor, comment: ConsultationComment, text: str) -> None:
    consultation = _current(cycle)
    text = _text(text)
    _fire("answer", cycle, consultation.status, actor, reason=text)
    comment.answer, comment.answered_by_id, comment.answered_at = text, actor.id, utcnow()
    record_event(
        "consultation",
        "answer",
        actor,
        cycle_id=cycle.id,
        agency_id=comment.agency_id,
        to_value=comment.item_code or "general",
    )
    db.session.flush()


def decide_item(cycle: Cycle, actor, item_code: str, outcome: str, text: str) -> None:
    consultation = _current(cycle)
    text = _text(text)
    _fire("decide", cycle, consultation.status, actor, reason=text)
    if outcome not in set(Outcome):
        raise FieldErrors({"outcome": "unknown"})
    if item_code != GENERAL and item_code not in _item_codes(cycle) | _commented(cycle):
        raise FieldErrors({"item_code": "unknown"})
    decision = db.session.scalar(
        select(ConsultationDecision).where(
            ConsultationDecision.cycle_id == cycle.id, ConsultationDecision.item_code == item_code
        )
    ) or ConsultationDecision(cycle_id=cycle.id, item_code=item_code)
    decision.outcome, decision.text = outcome, text
    decision.decided_by_id, decision.decided_at = actor.id, utcnow()
    db.session.add(decision)
    record_event(
        "consultation",
        "decide",
        actor,
        cycle_id=cycle.id,
        to_value=f"{item_code or 'general'}: {outcome}",
    )
    db.session.flush()


def record_consultation(cycle: Cycle, actor) -> None:
    consultation = _current(cycle)
    unanswered = db.session.scalar(
        select(func.count(ConsultationComment.id)).where(
            ConsultationComment.cycle_id == cycle.id, ConsultationComment.answer.is_(None)
        )
    )
    decided = set(
        db.session.scalars(
            select(ConsultationDecision.item_code).where(ConsultationDecision.cycle_id == cycle.id)
        )
    )
    undecided = len(_commented(cycle) - decided - {GENERAL})  # the whole: answers suffice
    consultation.status = _fire(
        "record", cycle, consultation.status, actor, unanswered=unanswered or 0, undecided=undecided
    )
    consultation.recorded_at, consultation.recorded_by_id = utcnow(), actor.id
    record_event("consultation", "record", actor, cycle_id=cycle.id)
    db.session.flush()


def _commented(cycle: Cycle) -> set[str]:
    """The item keys (GENERAL among them) that have at least one comment."""
    return set(
        db.session.scalars(
            select(ConsultationComment.item_code)
            .where(ConsultationComment.cycle_id == cycle.id)
            .distinct()
        )
    )


def _current(cycle: Cycle) -> Consultation:
    consultation = _locked(cycle)
    if consultation is None:
        raise ConsultationRefused("comment", Refusal("no_consultation"))
    return consultation
