"""Read models of a consultation: the draft item by item with what changed since last year,
the comments an agency may see (its own), the authority's view grouped per item, and the
record kept with the cycle (the API's body and the frozen dataset's part)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.accounts.models import Agency
from app.consultation.models import (
    GENERAL,
    Consultation,
    ConsultationComment,
    ConsultationDecision,
)
from app.consultation.operations import consultation_of, consulted_agency_ids
from app.cycles.models import Cycle
from app.cycles.questionnaire_changes import changes_of
from app.cycles.questionnaire_service import items_of, sections_of
from app.extensions import db
from workflows.cycle import CycleStatus


@dataclass
class DraftItem:
    code: str  # GENERAL for the questionnaire as a whole
    item: object | None  # None for the whole, and for an item since removed from the draft
    change: dict | None = None  # the item's entry in the changes since last year, if any
    comments: list = field(default_factory=list)
    decision: ConsultationDecision | None = None


@dataclass
class DraftSection:
    section: object
    items: list[DraftItem]


def consultation_or_404(cycle: Cycle) -> Consultation:
    consultation = consultation_of(cycle)
    if consultation is None:
        abort(404)
    return consultation


def may_take_part(cycle: Cycle, agency_id: int | None) -> bool:
    """An agency is consulted if it takes part in the cycle (every active one while the
    planned cycle has no participants chosen)."""
    return agency_id is not None and agency_id in set(consulted_agency_ids(cycle))


def consultations_for(agency_id: int) -> list[tuple[Cycle, Consultation]]:
    """The consultations of planned cycles that consult this agency, newest first: what the
    agency's overview points to."""
    rows = db.session.execute(
        select(Cycle, Consultation)
        .join(Consultation, Consultation.cycle_id == Cycle.id)
        .where(Cycle.status == CycleStatus.PLANNED)
        .order_by(Cycle.year.desc())
    ).all()
    return [(cycle, c) for cycle, c in rows if may_take_part(cycle, agency_id)]


def _comments(cycle: Cycle, agency_id: int | None = None) -> list[ConsultationComment]:
    statement = (
        select(ConsultationComment)
        .options(joinedload(ConsultationComment.agency))
        .where(ConsultationComment.cycle_id == cycle.id)
        .order_by(ConsultationComment.created_at, ConsultationComment.id)
    )
    if agency_id is not None:
        statement = statement.where(ConsultationComment.agency_id == agency_id)
    return list(db.session.scalars(statement))


def decisions_of(cycle: Cycle) -> dict[str, ConsultationDecision]:
    rows = db.session.scalars(
        select(ConsultationDecision).where(ConsultationDecision.cycle_id == cycle.id)
    )
    return {decision.item_code: decision for decision in rows}


def own_comment_or_404(cycle: Cycle, comment_id: int, agency_id: int) -> ConsultationComment:
    """The agency's own comment: another agency's id is answered as if it did not exist."""
    comment = db.session.get(ConsultationComment, comment_id)
    if comment is None or comment.cycle_id != cycle.id or comment.agency_id != agency_id:
        abort(404)
    return comment


def comment_or_404(cycle: Cycle, comment_id: int) -> ConsultationComment:
    comment = db.session.get(ConsultationComment, comment_id)
    if comment is None or comment.cycle_id != cycle.id:
        abort(404)
    return comment


@dataclass
class Draft:
    sections: list[DraftSection]
    whole: DraftItem  # comments and the decision on the questionnaire as a whole
    orphans: list[DraftItem]  # comments on items the authority has since removed

    @property
    def entries(self) -> list[DraftItem]:
        return [self.whole, *(e for s in self.sections for e in s.items), *self.orphans]


def draft(cycle: Cycle, agency_id: int | None = None) -> Draft:
    """The draft section by section, each item with its change since last year, the comments
    (only `agency_id`'s when given, every agency's for the authority) and the decision."""
    _previous, changes = changes_of(cycle)
    changed = {c["code"]: c for c in changes if c["part"] == "items"}
    comments: dict[str, list] = defaultdict(list)
    for comment in _comments(cycle, agency_id):
        comments[comment.item_code].append(comment)
    decisions = decisions_of(cycle)

    def entry(code: str, item=None) -> DraftItem:
        return DraftItem(code, item, changed.get(code), comments[code], decisions.get(code))

    by_section: dict[str, list[DraftItem]] = defaultdict(list)
    for item in items_of(cycle.id):
        by_section[item.section].append(entry(item.code, item))
    sections = [DraftSection(s, by_section[s.code]) for s in sections_of(cycle.id)]
    present = {e.code for s in sections for e in s.items} | {GENERAL}
    orphans = sorted(set(comments) - present)
    return Draft(sections, entry(GENERAL), [entry(code) for code in orphans])


def removed_items(cycle: Cycle) -> list[dict]:
    """Items of last year's questionnaire that the draft drops."""
    _previous, changes = changes_of(cycle)
    return [c for c in changes if c["part"] == "items" and c["change"] == "removed"]


def _at(moment: datetime | None) -> str | None:
    """As the dataset's canonical form writes a time: UTC, whole seconds, with a Z."""
    return None if moment is None else moment.replace(microsecond=0).isoformat() + "Z"


def record_of(cycle: Cycle, agency_id: int | None = None) -> dict | None:
    """The consultation as kept with the cycle: every comment (one agency's, when given) with
    its agency and the authority's answer, and every decision. Ordered by content, so the
    same on any database; no person's name, only agencies'."""
    consultation = consultation_of(cycle)
    if consultation is None:
        return None
    agencies = {a.id: a for a in db.session.scalars(select(Agency))}
    comments = [
        {
            "item": comment.item_code or None,
            "agency": {
                "name": agencies[comment.agency_id].name,
                "org_number": agencies[comment.agency_id].org_number,
            },
            "text": comment.text,
            "created_at": _at(comment.created_at),
            "answer": comment.answer,
            "answered_at": _at(comment.answered_at),
        }
        for comment in _comments(cycle, agency_id)
    ]
    comments.sort(
        key=lambda c: (c["item"] or "", c["created_at"], c["agency"]["org_number"], c["text"])
    )
    decisions = [
        {
            "item": d.item_code or None,
            "outcome": d.outcome,
            "text": d.text,
            "decided_at": _at(d.decided_at),
        }
        for d in sorted(decisions_of(cycle).values(), key=lambda d: d.item_code)
    ]
    return {
        "status": consultation.status,
        "deadline": consultation.deadline.isoformat(),
        "intro": {"sv": consultation.intro_sv, "en": consultation.intro_en},
        "opened_at": _at(consultation.opened_at),
        "closed_at": _at(consultation.closed_at),
        "recorded_at": _at(consultation.recorded_at),
        "comments": comments,
        "decisions": decisions,
    }
